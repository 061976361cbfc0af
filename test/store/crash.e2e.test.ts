import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { backends } from '../helpers/backends.js'
import { openStore } from '../../src/store/index.js'

const writer = fileURLToPath(new URL('fixtures/writer.ts', import.meta.url))
const { list, skipped } = backends()
if (skipped !== null) t.comment(skipped)

/** Runs the writer until it has acknowledged `atLeast` writes, then kills it with SIGKILL. */
async function writeThenKill (storeOptions: object, atLeast: number): Promise<number[]> {
  const child = spawn(process.execPath, [...process.execArgv, writer], {
    env: { ...process.env, STORE_OPTIONS: JSON.stringify(storeOptions) },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const acked: number[] = []
  let buffered = ''
  const exited = new Promise<NodeJS.Signals | null>(resolve => child.on('exit', (_code, signal) => resolve(signal)))
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk
    const lines = buffered.split('\n')
    buffered = lines.pop() as string
    for (const line of lines) if (line.startsWith('ack ')) acked.push(Number(line.slice(4)))
    if (acked.length >= atLeast) child.kill('SIGKILL')
  })
  const signal = await exited
  if (signal !== 'SIGKILL') throw new Error(`writer ended with ${String(signal)} before it was killed`)
  return acked
}

for (const backend of list) {
  t.test(`${backend.name}: kill -9 during writes loses no acknowledged write`, async t => {
    t.teardown(() => backend.cleanup())
    const options = await backend.fresh()
    const acked = await writeThenKill(options, 300)
    t.ok(acked.length >= 300, `${acked.length} writes acknowledged before the kill`)
    const store = await openStore(options)
    t.teardown(() => store.close())
    const missing: number[] = []
    for (const n of acked) {
      const profile = await store.getProfile(`user-${n}`)
      const account = await store.getAccount(`acc-${n}`)
      if (profile?.data.n !== n || account?.userId !== `user-${n % 7}`) missing.push(n)
    }
    t.same(missing, [], 'every acknowledged write is there after the restart')
    // The restarted store takes writes again.
    await store.saveProfile('after-crash', { ok: true }, 1)
    t.same((await store.getProfile('after-crash'))?.data, { ok: true })
  })
}
