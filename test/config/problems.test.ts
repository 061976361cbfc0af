import t from 'tap'
import { describeSchemaErrors } from '../../src/config/problems.js'
import type { SchemaError } from '../../src/config/schema.js'
import { problemsOf } from '../helpers.js'

const error = (fields: Partial<SchemaError>): SchemaError => ({ instancePath: '', schemaPath: '#', keyword: 'type', params: {}, message: 'must be object', ...fields })

t.test('identical errors (one schema reached twice) are reported once', async t => {
  const twice = error({ instancePath: '/limits', message: 'must be object' })
  t.same(describeSchemaErrors([twice, { ...twice }], { limits: 1 }), [{ path: ['limits'], message: 'must be object' }])
})

t.test('anyOf errors the messages do not know keep Ajv\'s message', async t => {
  t.same(describeSchemaErrors([error({ keyword: 'anyOf', schemaPath: '#/x/anyOf', parentSchema: {}, message: 'must match a schema in anyOf' })], {}), [
    { path: [], message: 'must match a schema in anyOf' }
  ])
})

t.test('a misplaced key in an object with no condition kind', async t => {
  t.same(describeSchemaErrors([error({ keyword: 'propertyNames', instancePath: '/c', params: { propertyName: 'x' } })], { c: {} }), [
    { path: ['c'], key: 'x', message: '"x" cannot be used in a this condition' }
  ])
})

t.test('errors inside a domain list or provider list point at the entry', async t => {
  t.same(await problemsOf('hooks:\n  preSignup:\n    rules:\n      - name: a\n        when: { emailDomain: { in: ["", ok.com] } }\n        allow: true\n'), [
    '5:37 preSignup rule "a" when.emailDomain.in.0: must NOT have fewer than 1 characters'
  ])
  t.same(await problemsOf('hooks:\n  preSignup:\n    rules:\n      - name: a\n        when: { provider: [email, 3] }\n        allow: true\n'), [
    '5:35 preSignup rule "a" when.provider.1: must be string'
  ])
})
