import t from 'tap'
import { configSchema, schemaDefault, schemaDefinition, validateConfig } from '../../src/config/schema.js'

t.test('the schema is conf/auth.schema.json and its defaults are the limits', async t => {
  t.equal(configSchema.title, 'AuthHooksConfig')
  t.equal(schemaDefault('limits', 'bodyBytes'), 65536)
  t.equal(schemaDefault('limits', 'fieldLength'), 1024)
  t.equal(schemaDefinition('rule'), configSchema.definitions.rule)
})

t.test('unknown keys anywhere are errors', async t => {
  t.equal(validateConfig({ hooks: { preSignup: { rules: [] } } }), true)
  t.equal(validateConfig({ hooks: { preSignup: { rules: [], extra: 1 } } }), false)
})
