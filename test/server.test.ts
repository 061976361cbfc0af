import t from 'tap'
import { serveOptionsFromEnv } from '../src/server.js'

t.test('serve options: defaults, and PORT, HOST, AUTH_HOOKS_CONFIG override', async t => {
  t.same(serveOptionsFromEnv({}), { configFile: 'conf/auth.yaml', port: 3000, host: '0.0.0.0' })
  t.same(serveOptionsFromEnv({ PORT: '8080', HOST: '127.0.0.1', AUTH_HOOKS_CONFIG: '/app/conf/auth.yaml' }), { configFile: '/app/conf/auth.yaml', port: 8080, host: '127.0.0.1' })
})
