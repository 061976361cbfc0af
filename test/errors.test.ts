import t from 'tap'
import type { FastifyError } from 'fastify'
import { ErrorCode, toErrorReply } from '../src/errors.js'

const fastifyError = (fields: Partial<FastifyError>): FastifyError => Object.assign(new Error(fields.message ?? 'x'), { code: 'X', ...fields }) as FastifyError

t.test('Fastify body errors map to stable codes', async t => {
  t.same(toErrorReply(fastifyError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })), { status: 413, body: { code: 'body-too-large', message: 'Request body is too large' } })
  t.same(toErrorReply(fastifyError({ code: 'FST_ERR_BAD_URL', statusCode: 400 })), { status: 400, body: { code: 'bad-request', message: 'Request URL is not valid' } })
})

t.test('JSON syntax errors are invalid-json', async t => {
  t.same(toErrorReply(Object.assign(new SyntaxError('Unexpected token'), { code: 'X' }) as unknown as FastifyError), { status: 400, body: { code: ErrorCode.invalidJson, message: 'Request body is not valid JSON' } })
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
