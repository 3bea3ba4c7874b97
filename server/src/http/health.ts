import type { FastifyPluginAsync } from 'fastify'

/**
 * A document that has waited this long for updates it never received counts as "behind" (a
 * moment's wait is normal: two instances' updates may cross on the way).
 */
const FANOUT_BEHIND_MS = 2000

/**
 * GET /healthz for load balancers and uptime checks.
 * - 503 `error`: the store does not answer; 503 `stopping`: shutting down. Send people elsewhere.
 * - 200 `degraded`, with `reasons`: this instance serves its clients, but something is behind:
 *   the fan-out to other instances is cut or still catching up, or document writes are failing
 *   and being retried. Not a reason to take the instance out (all instances share Redis and the
 *   store, so they would all go), but one to alert on.
 * - 200 `ok`.
 */
export const healthPlugin: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async (_request, reply) => {
    const storage = await app.store.health().catch((error: unknown) => ({
      ok: false,
      kind: 'unknown',
      error: (error as Error).message,
    }))
    const stopping = app.rooms.isShuttingDown
    const reasons: string[] = []
    if (!storage.ok) reasons.push('opslag antwoordt niet')

    const backlog = app.rooms.writeBacklog
    const failures = backlog.failures()
    const writes =
      backlog.unstoredCount === 0 && failures.length === 0
        ? null
        : {
            // Documents with updates not stored yet: batched (≤100 ms), being written, or retried.
            pending: backlog.unstoredCount,
            failing: failures.length,
            ...(failures.length > 0
              ? { failingForMs: Date.now() - failures[0][1].since, attempts: failures[0][1].attempts, lastError: failures[0][1].error }
              : {}),
          }
    if (failures.length > 0) {
      reasons.push(`opslag loopt achter: ${failures.length} document(en) nog niet geschreven, nieuwe poging loopt (niets gaat verloren zolang deze instantie draait)`)
    }

    const bus = app.rooms.bus
    let fanout = null
    if (bus) {
      const connection = bus.health()
      const waiting = app.rooms.docsWaitingForMissing(FANOUT_BEHIND_MS)
      const behind = connection.ok && waiting.length > 0
      fanout = {
        ...connection,
        ok: connection.ok && !behind,
        ...(behind ? { status: 'behind', reason: `${waiting.length} document(en) wachten langer dan ${FANOUT_BEHIND_MS / 1000} s op gemiste wijzigingen van andere instanties` } : {}),
        waitingDocs: waiting.length,
        resyncs: app.rooms.resyncCount,
      }
      if (!fanout.ok) reasons.push(`fan-out (Redis): ${fanout.reason ?? fanout.status}`)
    }

    const status = stopping ? 'stopping' : !storage.ok ? 'error' : reasons.length > 0 ? 'degraded' : 'ok'
    reply.header('cache-control', 'no-store')
    // 503 tells a load balancer to send people elsewhere: storage broken, or this instance stopping.
    return reply.code(status === 'stopping' || status === 'error' ? 503 : 200).send({
      status,
      ...(reasons.length > 0 ? { reasons } : {}),
      storage,
      ...(writes ? { writes } : {}),
      ...(fanout ? { fanout } : {}),
      rooms: app.rooms.roomCount,
      connections: app.rooms.connectionCount,
    })
  })
}
