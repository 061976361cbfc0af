import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import t from 'tap'
import { repoRoot } from '../helpers.js'

const typesFile = new URL('src/config/types.ts', `file://${repoRoot}`)
const generator = new URL('scripts/gen-config-types.mjs', `file://${repoRoot}`)

t.test('src/config/types.ts is what `npm run gen:types` makes from schema/auth.schema.json', async t => {
  const { generateConfigTypes } = await import(generator.href) as { generateConfigTypes: () => Promise<string> }
  const committed = await readFile(typesFile, 'utf8')
  t.equal(committed, await generateConfigTypes(), 'run `npm run gen:types` after changing the schema')
  // Only when up to date: then running the script (as `npm run gen:types` does) rewrites the same bytes.
  if (!t.passing()) return
  await promisify(execFile)(process.execPath, [...process.execArgv, generator.pathname], { cwd: repoRoot })
  t.equal(await readFile(typesFile, 'utf8'), committed)
})

t.test('conf/ carries byte-for-byte copies of schema/*.schema.json for editors', async t => {
  const { EDITOR_COPIES } = await import(generator.href) as { EDITOR_COPIES: string[] }
  t.same(EDITOR_COPIES, ['auth.schema.json', 'auth.test.schema.json'])
  for (const name of EDITOR_COPIES) {
    t.equal(await readFile(`${repoRoot}conf/${name}`, 'utf8'), await readFile(`${repoRoot}schema/${name}`, 'utf8'), `conf/${name} is a copy of schema/${name}: edit schema/ and run \`npm run gen:types\``)
  }
})
