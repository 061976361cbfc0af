// The framework ceiling: one POST route per hook path that parses the JSON body and returns a constant.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
const answer = { roles: [] }
for (const path of ['/signup-hook', '/login-hook']) app.post(path, async () => answer)
app.get('/readyz', async () => ({ status: 'ready' }))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
// Exit cleanly on SIGTERM so `node --cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0))
