import Fastify, { type FastifyError } from 'fastify'
import t from 'tap'
import errors, { ErrorCode, RequestError, toErrorReply } from '../src/errors.js'

function fastifyError (props: Partial<FastifyError> & { message?: string }): FastifyError {
  return Object.assign(new Error(props.message ?? 'boom'), props) as FastifyError
}

t.test('toErrorReply maps every kind of error to a stable code', async t => {
  t.same(toErrorReply(new RequestError(400, ErrorCode.unsafeRedirect, 'portalUrl is empty') as unknown as FastifyError),
    { status: 400, body: { code: 'unsafe-redirect', message: 'portalUrl is empty' } })
  t.same(toErrorReply(fastifyError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' })), { status: 413, body: { code: 'body-too-large', message: 'Request body is too large' } })
  const validation = toErrorReply(fastifyError({ code: 'FST_ERR_VALIDATION', validation: [{ instancePath: '', message: 'must have required property provider' }, { instancePath: '/data' }] as FastifyError['validation'] }))
  t.same(validation.body.detail, [{ path: '/', message: 'must have required property provider' }, { path: '/data', message: 'is invalid' }])
  t.equal(toErrorReply(new SyntaxError('Unexpected token') as unknown as FastifyError).body.code, 'invalid-json')
  t.equal(toErrorReply(fastifyError({ code: 'X', statusCode: 400 })).body.code, 'invalid-json')
  t.same(toErrorReply(fastifyError({ code: 'X', statusCode: 405, message: 'nope' })), { status: 405, body: { code: 'bad-request', message: 'nope' } })
  t.same(toErrorReply(fastifyError({ code: 'X' })), { status: 500, body: { code: 'internal-error', message: 'Internal error' } })
})

t.test('the error handler hides 5xx details behind a request id; unknown routes are 404 not-found', async t => {
  const app = Fastify({ logger: false })
  await app.register(errors)
  app.get('/refused', async () => { throw new RequestError(400, ErrorCode.invalidRequest, 'no') })
  app.get('/broken', async () => { throw new Error('secret internals') })
  t.same((await app.inject({ url: '/refused' })).json(), { code: 'invalid-request', message: 'no' })
  const broken = await app.inject({ url: '/broken' })
  t.equal(broken.statusCode, 500)
  t.same(broken.json(), { code: 'internal-error', message: 'Internal error', detail: { requestId: 'req-2' } })
  t.same((await app.inject({ url: '/nowhere?x=1' })).json(), { code: 'not-found', message: 'No route for GET /nowhere' })
})
