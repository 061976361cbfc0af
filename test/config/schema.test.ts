import t from 'tap'
import { configSchema, schemaDefault, schemaDefinition, schemaUrl, validateConfig } from '../../src/config/schema.js'
import { repoRoot } from '../helpers.js'

t.test('the schema is the package\'s schema/auth.schema.json and its defaults are the limits', async t => {
  t.equal(schemaUrl.pathname, `${repoRoot}schema/auth.schema.json`)
  t.equal(configSchema.title, 'AuthHooksConfig')
  t.equal(schemaDefault('limits', 'bodyBytes'), 65536)
  t.equal(schemaDefault('limits', 'fieldLength'), 1024)
  t.equal(schemaDefinition('rule'), configSchema.definitions.rule)
})

t.test('unknown keys anywhere are errors', async t => {
  t.equal(validateConfig({ caller: { none: true }, hooks: { preSignup: { rules: [] } } }), true)
  t.equal(validateConfig({ caller: { none: true }, hooks: { preSignup: { rules: [], extra: 1 } } }), false)
})
