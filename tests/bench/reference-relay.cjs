// The reference y-websocket relay (y-websocket@1.5.4's bin/utils.js setupWSConnection, in-memory,
// no auth), run by the benchmark harness exactly like our relay: a child process on 127.0.0.1
// that prints its port.
const http = require('node:http')
const { WebSocketServer } = require('ws')
const { setupWSConnection } = require('y-websocket-reference/bin/utils')

const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' })
  response.end('reference relay')
})
const wss = new WebSocketServer({ server })
wss.on('connection', (socket, request) => setupWSConnection(socket, request, { gc: true }))
server.listen(0, '127.0.0.1', () => {
  console.log(`reference relay listening on ${server.address().port}`)
})
process.on('SIGTERM', () => process.exit(0))
