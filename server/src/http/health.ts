import type { FastifyPluginAsync } from 'fastify'

/** GET /healthz for load balancers and uptime checks; 503 when storage is unhealthy. */
export const healthPlugin: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async (_request, reply) => {
    const storage = await app.store.health()
    reply.header('cache-control', 'no-store')
    return reply.code(storage.ok ? 200 : 503).send({
      status: storage.ok ? 'ok' : 'error',
      storage,
      rooms: app.rooms.roomCount,
      connections: app.rooms.connectionCount,
    })
  })
}
