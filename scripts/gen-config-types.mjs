// Generates src/config/types.ts from schema/auth.schema.json, the single source of the config's shape,
// and copies schema/*.schema.json into conf/ for editors (conf/auth.yaml names ./auth.schema.json).
// `oneOf`/`allOf` blocks that only constrain which keys may appear together are dropped first:
// they matter to validation, not to the shape of the data.
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { compile } from 'json-schema-to-typescript'

const root = new URL('../', import.meta.url)
const target = new URL('src/config/types.ts', root)
/** The schemas conf/ carries copies of, for editors; the program reads schema/ only. */
export const EDITOR_COPIES = ['auth.schema.json', 'auth.test.schema.json']

function isKeyConstraint (schema) {
  return typeof schema === 'object' && !('properties' in schema) && !('type' in schema) && !('$ref' in schema)
}

function stripKeyConstraints (node) {
  if (Array.isArray(node)) return node.map(stripKeyConstraints)
  if (node === null || typeof node !== 'object') return node
  // draft-07 ignores a $ref's siblings; keeping them would make the generator emit duplicate types
  if ('$ref' in node) return { $ref: node.$ref }
  const out = {}
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'oneOf' || key === 'allOf') && Array.isArray(value) && value.every(isKeyConstraint)) continue
    out[key] = stripKeyConstraints(value)
  }
  return out
}

export async function generateConfigTypes () {
  const schema = JSON.parse(await readFile(new URL('schema/auth.schema.json', root), 'utf8'))
  return compile(stripKeyConstraints(schema), 'AuthHooksConfig', {
    additionalProperties: false,
    unreachableDefinitions: false,
    bannerComment: '/* Generated from schema/auth.schema.json by `npm run gen:types`. Do not edit by hand. */',
    style: { semi: false, singleQuote: true }
  })
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  await writeFile(target, await generateConfigTypes())
  for (const name of EDITOR_COPIES) await copyFile(new URL(`schema/${name}`, root), new URL(`conf/${name}`, root))
}
