// Every config the repository ships or documents loads exactly as `auth-hooks check` loads it.
// test/fakes/portal.yaml once failed validation (missing "caller") and no test noticed (issue 16).
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import t from 'tap'
import { parse, stringify } from 'yaml'
import { formatProblem } from '../src/config/load.js'
import { loadPolicy } from '../src/policy/load.js'
import { repoRoot } from './helpers.js'

const SKIP = new Set(['node_modules', 'dist', '.git', '.tap', 'coverage'])

/** Every file under the repository whose first line ties it to the config schema. */
async function schemaBoundConfigs (dir = repoRoot): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...await schemaBoundConfigs(path))
    else if (/\.ya?ml$/.test(entry.name) && /^# yaml-language-server: \$schema=\S*auth\.schema\.json\n/.test(await readFile(path, 'utf8'))) found.push(path)
  }
  return found.sort()
}

/**
 * A value for each `${VAR}` a config reads: a URL for *_URL and *_API; otherwise a long secret
 * shaped as a Standard Webhooks one (`v1,whsec_<base64>`), which every other secret key accepts too.
 */
function placeholders (text: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [, name] of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    env[name!] = /_(URL|API)$/.test(name!)
      ? 'http://127.0.0.1:9'
      : `v1,whsec_${Buffer.from('placeholder-secret-0123456789abcdef').toString('base64')}`
  }
  return env
}

t.test('every config file the repository ships loads', async t => {
  const files = (await schemaBoundConfigs()).map(file => relative(repoRoot, file))
  for (const shipped of ['conf/auth.yaml', 'test/fakes/portal.yaml']) t.ok(files.includes(shipped), `${shipped} is found`)
  for (const file of files) {
    const loaded = await loadPolicy(join(repoRoot, file), placeholders(await readFile(join(repoRoot, file), 'utf8')))
    t.same(loaded.ok ? [] : loaded.problems.map(formatProblem), [], `${file} loads`)
  }
})

/** The ```yaml blocks of a Markdown page. */
async function yamlBlocks (page: string): Promise<string[]> {
  const text = await readFile(join(repoRoot, page), 'utf8')
  return [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map(match => match[1]!)
}

t.test('the config sections docs/portal.md and docs/accounts.md show load, put together', async t => {
  const [portal] = await yamlBlocks('docs/portal.md')
  const [accounts] = await yamlBlocks('docs/accounts.md')
  const config = {
    caller: { none: true },
    ...parse(portal!),
    ...parse(accounts!),
    hooks: { preLogin: { rules: [] } }
  }
  t.same(Object.keys(config), ['caller', 'identity', 'portals', 'store', 'profiles', 'admin', 'connect', 'chargebeeLogin', 'hooks'], 'every section but limits')
  const file = join(t.testdir(), 'auth.yaml')
  const text = stringify(config)
  await writeFile(file, text)
  const loaded = await loadPolicy(file, placeholders(text))
  t.same(loaded.ok ? [] : loaded.problems.map(formatProblem), [])
})

t.test('the caller modes docs/security.md shows each load', async t => {
  const [block] = await yamlBlocks('docs/security.md')
  const modes = block!.split(/\n(?=caller:)/).filter(part => part.includes('caller:'))
  t.equal(modes.length, 3)
  for (const mode of modes) {
    const file = join(t.testdir(), 'auth.yaml')
    const text = `${mode}\nhooks:\n  preLogin: { rules: [] }\n`
    await writeFile(file, text)
    const loaded = await loadPolicy(file, { HOOK_SECRET: 'a-secret-of-twenty-chars', HOOK_SECRET_PREVIOUS: 'another-secret-of-20-chars', HOOK_SIGNING_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
    t.same(loaded.ok ? [] : loaded.problems.map(formatProblem), [], mode.split('\n').find(line => /^\s+\w+:/.test(line))!.trim())
  }
})
