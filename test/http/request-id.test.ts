// Issue 16: request ids used to start over at req-1 with every process, so two restarts' logs
// shared ids. They are now <48 random bits>-<counter>, sent back as x-request-id, and taken from a
// trusted proxy's x-request-id when server.trustRequestId is set.
import t from 'tap'
import { requestIdGenerator } from '../../src/http/request-id.js'
import { appFor } from '../helpers.js'

const hooks = 'hooks:\n  preLogin:\n    default: allow\n    rules: []\n'

t.test('ids differ across restarts and are echoed back', async t => {
  const ids: string[] = []
  for (let restart = 0; restart < 2; restart++) {
    const app = await appFor(hooks)
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ method: 'POST', url: '/login-hook', payload: { provider: 'email', data: {} }, headers: { 'x-request-id': 'from-the-client' } })
      ids.push(res.headers['x-request-id'] as string)
    }
    await app.close()
  }
  t.equal(new Set(ids).size, 4, `all distinct: ${ids.join(' ')}`)
  for (const id of ids) t.match(id, /^[A-Za-z0-9_-]{8}-[0-9a-z]+$/)
  t.notOk(ids.includes('from-the-client'), 'an incoming id is ignored unless trusted')
  t.equal(ids[0]?.split('-')[0], ids[1]?.split('-')[0], 'one process, one prefix')
})

t.test('server.trustRequestId: a well-formed incoming x-request-id is the request id', async t => {
  const app = await appFor(`server: { trustRequestId: true }\n${hooks}`)
  t.teardown(() => app.close())
  const send = async (id?: string): Promise<string> => (await app.inject({ url: '/healthz', headers: id === undefined ? {} : { 'x-request-id': id } })).headers['x-request-id'] as string
  t.equal(await send('proxy-7f3a:01'), 'proxy-7f3a:01')
  t.match(await send('bad id with spaces'), /^[A-Za-z0-9_-]{8}-[0-9a-z]+$/, 'a malformed one is replaced')
  t.match(await send('x'.repeat(129)), /^[A-Za-z0-9_-]{8}-[0-9a-z]+$/, 'so is an over-long one')
  t.match(await send(), /^[A-Za-z0-9_-]{8}-[0-9a-z]+$/)
})

t.test('the generator counts in base 36 after its boot prefix', async t => {
  const next = requestIdGenerator(false, 'boot')
  const ids = Array.from({ length: 36 }, () => next({ headers: {} } as never))
  t.equal(ids[0], 'boot-1')
  t.equal(ids[35], 'boot-10')
})
