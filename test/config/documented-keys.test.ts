// Issue 16: chargebeeLogin.cancelUrl (and other keys) were only in the schema. Every key of
// schema/auth.schema.json must be documented: written as `key:` in a YAML example or as `key` in
// the text of docs/ or conf/auth.yaml.
import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { repoRoot } from '../helpers.js'

type Node = { properties?: Record<string, Node>, [key: string]: unknown }
const schema = JSON.parse(readFileSync(`${repoRoot}schema/auth.schema.json`, 'utf8')) as Node & { definitions: Record<string, Node> }

function keysOf (node: unknown, where: string, found: Map<string, string>): void {
  if (node === null || typeof node !== 'object') return
  const { properties, ...rest } = node as Node
  for (const [key, child] of Object.entries(properties ?? {})) {
    found.set(`${where}.${key}`, key)
    keysOf(child, `${where}.${key}`, found)
  }
  for (const child of Object.values(rest)) keysOf(child, where, found)
}

const keys = new Map<string, string>()
keysOf({ properties: schema.properties }, '(root)', keys)
for (const [name, definition] of Object.entries(schema.definitions)) keysOf(definition, name, keys)
// Rule-language keys (conditions) are documented in docs/rules.md under their own names.
const docs = [...readdirSync(`${repoRoot}docs`).filter(file => file.endsWith('.md')).map(file => readFileSync(`${repoRoot}docs/${file}`, 'utf8')), readFileSync(`${repoRoot}conf/auth.yaml`, 'utf8')].join('\n')

t.test('every config key is documented', async t => {
  for (const [path, key] of keys) {
    t.ok(docs.includes(`${key}:`) || docs.includes(`\`${key}\``), `${path} is documented`)
  }
})
