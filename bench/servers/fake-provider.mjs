// The portal scenario's provider: the test suite's fake UserHub API (test/fakes/providers.mjs,
// which checks each request as the real API does), answering every call after a fixed delay
// (FAKE_DELAY_MS). The fake reads its per-request script with shift(); an endless script of
// `{delayMs}` steps delays every answer and then answers normally.
import { startFakeProviders } from '../../test/fakes/providers.mjs'

const delayMs = Number(process.env.FAKE_DELAY_MS)
const fake = await startFakeProviders({
  port: Number(process.env.PORT),
  keys: { userhub: process.env.FAKE_USERHUB_KEY, chargebee: 'unused', stripe: 'unused' },
  userhubConnectionId: process.env.FAKE_CONNECTION_ID
})
fake.script.userhub = { shift: () => ({ delayMs }) }
// The fake keeps every request and session for tests to inspect; a benchmark only needs the answers.
setInterval(() => {
  fake.requests.length = 0
  fake.sessions.clear()
}, 1000).unref()
process.on('SIGTERM', () => process.exit(0))
