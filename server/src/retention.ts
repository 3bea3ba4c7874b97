import fp from 'fastify-plugin'

export interface RetentionPluginOptions {
  /** Boards idle (no one connected) for longer than this are deleted with everything on them. */
  retentionDays: number
  /** How often the sweep runs; it also runs once at start-up. */
  sweepIntervalMs: number
  now?: () => number
}

const DAY_MS = 24 * 60 * 60 * 1000

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs one retention sweep now; resolves with the ids of the deleted boards. */
    sweepRetention(): Promise<string[]>
  }
}

/**
 * AVG storage limitation: boards whose last activity is older than RETENTION_DAYS are deleted,
 * and so are audit entries older than that. Runs at start-up and every sweep interval.
 */
export const retentionPlugin = fp<RetentionPluginOptions>(
  async (app, options) => {
    const now = options.now ?? Date.now
    let running: Promise<string[]> | null = null

    const sweep = async (): Promise<string[]> => {
      const cutoff = now() - options.retentionDays * DAY_MS
      const deleted: string[] = []
      for (const boardId of await app.store.listIdleBoards(cutoff)) {
        // Someone is on it right now (a socket open for months): it is not idle.
        if (app.rooms.boardConnectionCount(boardId) > 0) {
          await app.store.touchBoard(boardId, now())
          continue
        }
        if (await app.deleteBoard(boardId)) {
          await app.store.appendAudit({ boardId, event: 'delete', role: null, name: null, at: now() })
          deleted.push(boardId)
        }
      }
      const auditRemoved = await app.store.deleteAuditBefore(cutoff)
      if (deleted.length > 0 || auditRemoved > 0) {
        app.log.info({ boards: deleted.length, auditEntries: auditRemoved, retentionDays: options.retentionDays }, 'retention sweep deleted old data')
      }
      return deleted
    }

    app.decorate('sweepRetention', () => {
      running ??= sweep().finally(() => (running = null))
      return running
    })

    let timer: NodeJS.Timeout | null = null
    app.addHook('onReady', async () => {
      const run = () =>
        void app.sweepRetention().catch((error: unknown) => app.log.error({ err: error }, 'retention sweep failed'))
      run()
      timer = setInterval(run, options.sweepIntervalMs)
      timer.unref()
    })
    app.addHook('preClose', async () => {
      if (timer !== null) clearInterval(timer)
      await running?.catch(() => {})
    })
  },
  { name: 'samenbord-retention', fastify: '5.x', dependencies: ['samenbord-sync', 'samenbord-storage'] },
)
