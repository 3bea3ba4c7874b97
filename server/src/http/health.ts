import type { FastifyPluginAsync } from 'fastify'

/** GET /healthz for load balancers and uptime checks; 503 when storage is unhealthy. */
export const healthPlugin: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async (_request, reply) => {
    const storage = await app.store.health().catch((error: unknown) => ({
      ok: false,
      kind: 'unknown',
      error: (error as Error).message,
    }))
    const stopping = app.rooms.isShuttingDown
    const ok = storage.ok && !stopping
    reply.header('cache-control', 'no-store')
    // 503 tells a load balancer to send people elsewhere: storage broken, or this instance stopping.
    return reply.code(ok ? 200 : 503).send({
      status: stopping ? 'stopping' : storage.ok ? 'ok' : 'error',
      storage,
      ...(app.rooms.bus ? { fanout: app.rooms.bus.health() } : {}),
      rooms: app.rooms.roomCount,
      connections: app.rooms.connectionCount,
    })
  })
}
