// The platform ceiling: node:http reading and parsing the JSON body, answering a constant.
import { createServer } from 'node:http'

const answer = JSON.stringify({ roles: [] })

createServer((request, response) => {
  const chunks = []
  request.on('data', chunk => chunks.push(chunk))
  request.on('end', () => {
    if (request.method === 'POST') JSON.parse(Buffer.concat(chunks).toString('utf8'))
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) })
    response.end(answer)
  })
}).listen(Number(process.env.PORT), '127.0.0.1')
// Exit cleanly on SIGTERM so `node --cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0))
