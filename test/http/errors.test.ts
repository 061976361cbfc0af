import Fastify, { type FastifyError } from 'fastify'
import t from 'tap'
import errors, { ErrorCode, RequestError, toErrorReply } from '../../src/http/errors.js'

const fastifyError = (fields: Partial<FastifyError>): FastifyError => Object.assign(new Error(fields.message ?? 'x'), { code: 'X', ...fields }) as FastifyError

t.test('Fastify body errors map to stable codes', async t => {
  t.same(toErrorReply(fastifyError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })), { status: 413, body: { code: 'body-too-large', message: 'Request body is too large' } })
  t.same(toErrorReply(fastifyError({ code: 'FST_ERR_BAD_URL', statusCode: 400 })), { status: 400, body: { code: 'bad-request', message: 'Request URL is not valid' } })
})

t.test('a body parser\'s JSON syntax errors are invalid-json; a handler\'s SyntaxError is a bug (500)', async t => {
  t.same(toErrorReply(Object.assign(new SyntaxError('Unexpected token'), { code: 'X', statusCode: 400 }) as unknown as FastifyError), { status: 400, body: { code: ErrorCode.invalidJson, message: 'Request body is not valid JSON' } })
  t.equal(toErrorReply(Object.assign(new SyntaxError('Unexpected token'), { code: 'X' }) as unknown as FastifyError).status, 500)
})

t.test('other 4xx keep their status and message as bad-request; anything else is a 500', async t => {
  t.same(toErrorReply(fastifyError({ statusCode: 408, message: 'Request timed out' })), { status: 408, body: { code: 'bad-request', message: 'Request timed out' } })
  t.same(toErrorReply(fastifyError({ statusCode: 503, message: 'secret detail' })), { status: 500, body: { code: 'internal-error', message: 'Internal error' } })
  t.same(toErrorReply(fastifyError({ message: 'no status' })), { status: 500, body: { code: 'internal-error', message: 'Internal error' } })
})

t.test('validation issues list their path, / for the root', async t => {
  const reply = toErrorReply(fastifyError({ validation: [{ instancePath: '', message: 'must be object' }, { instancePath: '/data' }] as FastifyError['validation'] }))
  t.same(reply.body.detail, [{ path: '/', message: 'must be object' }, { path: '/data', message: 'is invalid' }])
})

function fastifyErrorWith (props: Partial<FastifyError> & { message?: string }): FastifyError {
  return Object.assign(new Error(props.message ?? 'boom'), props) as FastifyError
}

t.test('toErrorReply maps every kind of error to a stable code', async t => {
  t.same(toErrorReply(new RequestError(400, ErrorCode.unsafeRedirect, 'portalUrl is empty') as unknown as FastifyError),
    { status: 400, body: { code: 'unsafe-redirect', message: 'portalUrl is empty' } })
  t.same(toErrorReply(fastifyErrorWith({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' })), { status: 413, body: { code: 'body-too-large', message: 'Request body is too large' } })
  const validation = toErrorReply(fastifyErrorWith({ code: 'FST_ERR_VALIDATION', validation: [{ instancePath: '', message: 'must have required property provider' }, { instancePath: '/data' }] as FastifyError['validation'] }))
  t.same(validation.body.detail, [{ path: '/', message: 'must have required property provider' }, { path: '/data', message: 'is invalid' }])
  t.equal(toErrorReply(new SyntaxError('Unexpected token') as unknown as FastifyError).body.code, 'internal-error')
  t.same(toErrorReply(fastifyErrorWith({ code: 'X', statusCode: 400, message: 'aborted' })), { status: 400, body: { code: 'bad-request', message: 'aborted' } }, 'no more 400 → invalid-json catch-all')
  t.same(toErrorReply(fastifyErrorWith({ code: 'X', statusCode: 405, message: 'nope' })), { status: 405, body: { code: 'bad-request', message: 'nope' } })
  t.same(toErrorReply(fastifyErrorWith({ code: 'X' })), { status: 500, body: { code: 'internal-error', message: 'Internal error' } })
})

t.test('the error handler hides 5xx details behind a request id; unknown routes are 404 not-found', async t => {
  const app = Fastify({ logger: false })
  await app.register(errors)
  app.get('/refused', async () => { throw new RequestError(400, ErrorCode.invalidRequest, 'no') })
  app.get('/broken', async () => { throw new Error('secret internals') })
  t.same((await app.inject({ url: '/refused' })).json(), { code: 'invalid-request', message: 'no' })
  const broken = await app.inject({ url: '/broken' })
  t.equal(broken.statusCode, 500)
  t.same(broken.json(), { code: 'internal-error', message: 'Internal error', detail: { requestId: broken.json().detail.requestId } })
  t.same((await app.inject({ url: '/nowhere?x=1' })).json(), { code: 'not-found', message: 'No route for GET /nowhere' })
})

t.test('browser-facing errors with no page text of their own get a generic page', async t => {
  const { errorPage } = await import('../../src/http/pages.js')
  t.match(errorPage(500, 'internal-error'), { status: 500, title: 'Something went wrong' })
  t.match(errorPage(409, 'account-taken'), { status: 409, title: 'The request could not be completed' })
  t.match(errorPage(502, 'connect-refused'), { title: 'Your account could not be connected' })
})

t.test('clientErrorHandler: nothing to answer on a reset or destroyed socket; timeouts and huge headers get their own code', async t => {
  const { clientErrorHandler } = await import('../../src/http/errors.js')
  const counted: string[] = []
  const fastify = { log: { debug () {} }, hasDecorator: () => true, refusals: { count: (code: string) => counted.push(code) } } as unknown as ThisParameterType<typeof clientErrorHandler>
  const socket = (state: { destroyed?: boolean, writable?: boolean }) => {
    const written: string[] = []
    return { written, socket: { destroyed: false, writable: true, ...state, write: (text: string) => written.push(text), destroy () {} } as never }
  }
  const reset = socket({})
  clientErrorHandler.call(fastify, Object.assign(new Error('reset'), { code: 'ECONNRESET' }), reset.socket)
  const gone = socket({ destroyed: true })
  clientErrorHandler.call(fastify, new Error('x'), gone.socket)
  t.same([reset.written, gone.written, counted], [[], [], []])
  const slow = socket({})
  clientErrorHandler.call(fastify, Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), slow.socket)
  t.match(slow.written[0], /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\{"code":"request-timeout"/)
  const huge = socket({ writable: false })
  clientErrorHandler.call(fastify, Object.assign(new Error('headers'), { code: 'HPE_HEADER_OVERFLOW' }), huge.socket)
  t.same(huge.written, [], 'a socket that cannot be written gets nothing')
  t.same(counted, ['request-timeout', 'headers-too-large'])
})
