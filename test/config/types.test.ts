import { readFile } from 'node:fs/promises'
import t from 'tap'
import { repoRoot } from '../helpers.js'

t.test('src/config/types.ts is what `npm run gen:types` makes from conf/auth.schema.json', async t => {
  const generator = new URL('scripts/gen-config-types.mjs', `file://${repoRoot}`).href
  const { generateConfigTypes } = await import(generator) as { generateConfigTypes: () => Promise<string> }
  const committed = await readFile(new URL('src/config/types.ts', `file://${repoRoot}`), 'utf8')
  t.equal(committed, await generateConfigTypes(), 'run `npm run gen:types` after changing the schema')
})
