// The layering of src/ (README "Project layout"): each folder imports only the layers below it,
// features never import each other, and there is no import cycle anywhere.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import t from 'tap'

const SRC = join(import.meta.dirname, '..', 'src')

/** Top to bottom. A module may import its own unit and any unit of a lower layer. */
const LAYERS: string[][] = [
  ['cli'],
  ['app'],
  ['hooks', 'portal', 'connect', 'chargebee-login', 'profiles'],
  ['identity'],
  ['http', 'observability', 'store'],
  ['policy'],
  ['config']
]

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [relative(SRC, path)] : []
  })
}

/** The unit of a module: its top folder, or the file itself at the top of src/ (cli.ts joins cli/). */
const unitOf = (file: string): string => (file.split('/')[0] as string).replace(/\.ts$/, '')

function layerOf (unit: string): number {
  const layer = LAYERS.findIndex(units => units.includes(unit))
  if (layer === -1) throw new Error(`src/${unit} is in no layer of test/layers.test.ts: add it where it belongs`)
  return layer
}

const IMPORT = /^(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm

function importsOf (file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8')
  return [...text.matchAll(IMPORT)].map(match => normalize(join(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'))))
}

const files = sourceFiles(SRC)
const graph = new Map(files.map(file => [file, importsOf(file)]))

t.test('every module imports only its own unit or a lower layer', async t => {
  const upward: string[] = []
  for (const [file, imports] of graph) {
    const from = unitOf(file)
    for (const target of imports) {
      const to = unitOf(target)
      if (to === from) continue
      if (layerOf(to) <= layerOf(from)) upward.push(`${file} → ${target}`)
    }
  }
  t.same(upward, [], 'imports that go up or sideways')
})

t.test('every import names a module that exists', async t => {
  const missing = [...graph].flatMap(([file, imports]) => imports.filter(target => !graph.has(target)).map(target => `${file} → ${target}`))
  t.same(missing, [])
})

t.test('no import cycles', async t => {
  const state = new Map<string, 'open' | 'done'>()
  const cycles = new Set<string>()
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === 'done') return
    if (state.get(file) === 'open') {
      cycles.add([...trail.slice(trail.indexOf(file)), file].join(' → '))
      return
    }
    state.set(file, 'open')
    for (const target of graph.get(file) ?? []) visit(target, [...trail, file])
    state.set(file, 'done')
  }
  for (const file of graph.keys()) visit(file, [])
  t.same([...cycles], [])
})

t.test('the check itself sees an upward import and a cycle', async t => {
  t.ok(layerOf('config') > layerOf('policy'), 'config is below policy')
  t.ok(layerOf('hooks') === layerOf('portal'), 'features are one layer')
  t.throws(() => layerOf('nowhere'), /is in no layer/)
})
