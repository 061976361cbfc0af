import t from 'tap'
import { SECURITY_HEADERS } from '../../src/http/security.js'
import { appFromText, signupHook } from '../helpers/apps.js'

t.test('security headers on every kind of answer; consistent 404 and 405 bodies', async t => {
  const app = await appFromText(signupHook(`  bearer: { secrets: ['${'s'.repeat(24)}'] }`))
  t.teardown(() => app.close())
  const auth = { authorization: `Bearer ${'s'.repeat(24)}` }
  const answers = {
    allowed: await app.inject({ method: 'POST', url: '/signup-hook', headers: auth, payload: { provider: 'username', data: {} } }),
    denied: await app.inject({ method: 'POST', url: '/signup-hook', headers: auth, payload: { provider: 'username', data: { username: 'evil' } } }),
    unauthorized: await app.inject({ method: 'POST', url: '/signup-hook', payload: { provider: 'username', data: {} } }),
    invalid: await app.inject({ method: 'POST', url: '/signup-hook', headers: auth, payload: { provider: 'username' } }),
    unsupported: await app.inject({ method: 'POST', url: '/signup-hook', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'hi' }),
    notFound: await app.inject({ method: 'GET', url: '/nothing?x=1' }),
    wrongMethod: await app.inject({ method: 'GET', url: '/signup-hook' }),
    health: await app.inject({ method: 'GET', url: '/healthz' })
  }
  for (const [name, res] of Object.entries(answers)) {
    for (const [header, value] of Object.entries(SECURITY_HEADERS)) t.equal(res.headers[header], value, `${name}: ${header}`)
    t.notOk(res.headers['x-powered-by'], `${name}: no x-powered-by`)
    t.match(res.headers['content-type'], /^application\/json/, `${name}: JSON`)
  }
  t.same(answers.notFound.json(), { code: 'not-found', message: 'No route for GET /nothing' })
  t.equal(answers.wrongMethod.statusCode, 405)
  t.equal(answers.wrongMethod.headers.allow, 'POST')
  t.same(answers.wrongMethod.json(), { code: 'method-not-allowed', message: 'GET is not allowed here; use POST' })
  const postHealth = await app.inject({ method: 'DELETE', url: '/healthz' })
  t.equal(postHealth.statusCode, 405)
  t.equal(postHealth.headers.allow, 'GET, HEAD')
})
