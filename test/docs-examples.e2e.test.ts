// The shell examples of README.md and docs/*.md run, and print what the page says (issue 16: the
// policy hashes had gone stale). The format, for any page:
//
//   ```console
//   $ a command                      (a trailing \ continues it on the next line)
//   what it prints                   (stdout and stderr together; "  # note" at a line's end is not output)
//   …                                (a line of its own: any lines, none included)
//   ```
//
// Commands run with bash from the repository root; `npx auth-hooks` is this checkout's CLI, and
// `localhost:3000` is a server on the shipped conf/auth.yaml. A `$ ` line in any other kind of
// block is refused, so an example cannot escape the check.
import { mkdtemp, readdir, readFile, writeFile, chmod } from 'node:fs/promises'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { listeningPort, repoRoot, spawnLogged } from './helpers.js'

t.setTimeout(300_000)

interface Example { page: string, line: number, command: string, expected: string[] }

/** The checked examples of a page, and the lines of unchecked blocks that look like one. */
function examplesOf (page: string, text: string): { examples: Example[], unchecked: number[] } {
  const examples: Example[] = []
  const unchecked: number[] = []
  const lines = text.split('\n')
  let block: string | null = null
  let current: Example | null = null
  let continued = false
  lines.forEach((line, index) => {
    const fence = /^```(\w*)$/.exec(line)
    if (fence !== null) {
      block = block === null ? fence[1]! : null
      current = null
      return
    }
    if (block === null) return
    if (block !== 'console') {
      if (line.startsWith('$ ')) unchecked.push(index + 1)
      return
    }
    if (continued && current !== null) {
      current.command += `\n${line}`
    } else if (line.startsWith('$ ')) {
      current = { page, line: index + 1, command: line.slice(2), expected: [] }
      examples.push(current)
    } else if (current !== null) {
      current.expected.push(line.replace(/\s{2,}# .*$/, ''))
    }
    continued = current !== null && line.endsWith('\\')
  })
  for (const example of examples) while (example.expected.at(-1) === '') example.expected.pop()
  return { examples, unchecked }
}

/** True when `output` is `expected`, a line `…` matching any run of lines. */
function matches (expected: string[], output: string): boolean {
  const escape = (line: string): string => line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const pattern = expected.map(line => line === '…' ? '(?:[^\\n]*\\n)*?' : `${escape(line)}\\n`).join('')
  return new RegExp(`^${pattern}$`).test(output.endsWith('\n') || output === '' ? output : `${output}\n`)
}

t.test('the example format: commands, continuations, notes, …', async t => {
  const { examples, unchecked } = examplesOf('x.md', '```console\n$ a \\\n  b\nout   # note\n\n$ c\n```\n```sh\n$ d\n```\n')
  t.same(examples, [{ page: 'x.md', line: 2, command: 'a \\\n  b', expected: ['out'] }, { page: 'x.md', line: 6, command: 'c', expected: [] }])
  t.same(unchecked, [9])
  t.ok(matches(['a', '…', 'z'], 'a\nb\nc\nz\n'))
  t.ok(matches(['a', '…', 'z'], 'a\nz'))
  t.notOk(matches(['a', 'z'], 'a\nb\nz\n'))
  t.notOk(matches(['a'], 'a\nb\n'))
})

t.test('every shell example in README.md and docs/*.md prints what the page says', async t => {
  const pages = ['README.md', ...(await readdir(join(repoRoot, 'docs'))).filter(name => name.endsWith('.md')).sort().map(name => `docs/${name}`)]
  const all: Example[] = []
  for (const page of pages) {
    const { examples, unchecked } = examplesOf(page, await readFile(join(repoRoot, page), 'utf8'))
    t.same(unchecked, [], `${page}: shell examples are in \`\`\`console blocks`)
    all.push(...examples)
  }
  t.ok(all.length >= 6, `${all.length} examples found`)

  const bin = await mkdtemp(join(tmpdir(), 'auth-hooks-docs-'))
  const cli = [process.execPath, ...process.execArgv, `${repoRoot}src/cli.ts`].map(arg => `'${arg}'`).join(' ')
  await writeFile(join(bin, 'npx'), `#!/bin/sh\n[ "$1" = auth-hooks ] || { echo "npx $1: only npx auth-hooks is run here" >&2; exit 127; }\nshift\nexec ${cli} "$@"\n`)
  await chmod(join(bin, 'npx'), 0o755)
  const server = spawnLogged(process.execPath, [...process.execArgv, `${repoRoot}src/cli.ts`, 'serve'], { cwd: repoRoot })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = await listeningPort(server)

  for (const example of all) {
    const command = example.command.replaceAll('localhost:3000', `127.0.0.1:${port}`)
    const result = spawnSync('bash', ['-c', `${command} 2>&1`], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } })
    t.ok(matches(example.expected, result.stdout), `${example.page}:${example.line} $ ${example.command.split('\n')[0]}`, { expected: example.expected.join('\n'), got: result.stdout })
  }
})
