import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { authPlugin } from './auth/plugin.ts'
import { localBeheerderPlugin } from './auth/local-beheerder.ts'
import { oidcPlugin } from './auth/oidc.ts'
import { sessionPlugin, sessionRoutes } from './auth/session.ts'
import type { Config } from './config.ts'
import { apiPlugin } from './http/api.ts'
import type { BackupCheckerOptions } from './http/backup-check-worker.ts'
import { frameworkErrorHandler, installErrorHandler } from './http/errors.ts'
import { healthPlugin } from './http/health.ts'
import { myBoardsRoutes } from './http/my-boards.ts'
import { rateLimitPlugin } from './http/rate-limits.ts'
import { retentionPlugin } from './retention.ts'
import { securityPlugin } from './http/security.ts'
import { staticPlugin } from './http/static.ts'
import type { DocumentStore } from './storage/document-store.ts'
import { PostgresDocumentStore } from './storage/postgres-store.ts'
import { storagePlugin } from './storage/plugin.ts'
import { SchemaVersionError } from './storage/schema-migrator.ts'
import type { PersistenceOptions } from './sync/persistence.ts'
import { syncPlugin } from './sync/plugin.ts'
import { RedisBus } from './sync/bus.ts'

export type { Config } from './config.ts'
export { loadConfig } from './config.ts'

export interface BuildAppOptions {
  /** true: pino at level info (what main uses); false/omitted: silent (tests); or pino options. */
  logger?: boolean | Record<string, unknown>
  /** Use this store instead of SQLite in config.dataDir. */
  store?: DocumentStore
  /** Clock for token checks and link expiry, milliseconds since the Unix epoch. */
  now?: () => number
  pingIntervalMs?: number
  persistence?: PersistenceOptions
  /** The processes that check back-up files, and how long a file may take to arrive (tests: shorter, smaller). */
  restoreCheck?: Partial<BackupCheckerOptions> & { uploadTimeoutMs?: number }
}

/** Strips the query string, which may hold a capability token, from a logged URL. */
export function redactUrl(url: string | undefined): string {
  if (url === undefined) return ''
  const query = url.indexOf('?')
  return query === -1 ? url : `${url.slice(0, query)}?[redacted]`
}

interface LoggedRequest {
  method?: string
  url?: string
  ip?: string
}

function loggerOptions(logger: BuildAppOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false
  return {
    level: 'info',
    ...(typeof logger === 'object' ? logger : {}),
    // Tokens must never reach the log: only method, redacted URL and address are kept.
    serializers: {
      req: (request: LoggedRequest) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }),
    },
  }
}

/** http://localhost:<port>, with the port actually bound once listening. */
function defaultPublicUrl(app: FastifyInstance, config: Config): string {
  const address = app.server.address()
  const port = address !== null && typeof address === 'object' ? address.port : config.port
  return `http://localhost:${port}`
}

/** The whole server, plugins registered, not yet listening. */
export async function buildApp(config: Config, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(opts.logger),
    bodyLimit: 64 * 1024,
    // Behind a reverse proxy request.ip is the client's (X-Forwarded-For), for the limits per address.
    trustProxy: config.trustProxy,
    // Strict input: a number is not a title. (Fastify's default would coerce 42 to "42".)
    ajv: { customOptions: { coerceTypes: false } },
    // A bad URL is answered by us: Fastify's own answer quotes it, token and all.
    frameworkErrors: frameworkErrorHandler,
  })
  installErrorHandler(app)
  // Node's server.close() ends only the connections idle at that moment: one whose request was
  // still being answered stays open for its keep-alive (72 s) and the shutdown with it. So while
  // stopping, connections are ended as they fall idle.
  app.addHook('preClose', async () => {
    const reaper = setInterval(() => app.server.closeIdleConnections(), 50).unref()
    app.server.once('close', () => clearInterval(reaper))
  })
  // Before any route: it assigns each route its limit as the route is added.
  await app.register(rateLimitPlugin, config.rateLimits)
  const publicUrl = config.publicUrlIsDefault ? () => defaultPublicUrl(app, config) : config.publicUrl
  await app.register(securityPlugin, { publicUrl, hsts: config.publicUrl.startsWith('https:') })

  const store =
    opts.store ??
    (config.databaseUrl
      ? await PostgresDocumentStore.open(config.databaseUrl, { schema: config.databaseSchema }).catch((error: Error) => {
          // Reached, but written by a newer Samenbord: its own message says so.
          throw error instanceof SchemaVersionError ? error : new Error(`PostgreSQL (DATABASE_URL) niet bereikbaar: ${error.message}`)
        })
      : undefined)
  const bus = config.redisUrl
    ? await RedisBus.connect(config.redisUrl, (error) => app.log.warn({ err: { message: error.message } }, 'redis fan-out error')).catch(
        async (error: Error) => {
          await store?.close()
          throw new Error(`Redis (REDIS_URL) niet bereikbaar: ${error.message}`)
        },
      )
    : null
  await app.register(storagePlugin, { dataDir: config.dataDir, ...(store ? { store } : {}) })
  await app.register(authPlugin, {
    secret: config.secret,
    publicUrl,
    linkTtlDays: config.linkTtlDays,
    ...(opts.now ? { now: opts.now } : {}),
  })
  // Facilitators' sign-in: sessions in the store, then OIDC or the embedded local beheerder.
  const publicUrlNow = typeof publicUrl === 'function' ? publicUrl : () => publicUrl
  const secureCookie = config.publicUrl.startsWith('https:')
  await app.register(sessionPlugin, { ttlHours: config.auth.sessionTtlHours, secureCookie, ...(opts.now ? { now: opts.now } : {}) })
  await app.register(sessionRoutes)
  if (config.auth.oidc !== null) {
    await app.register(oidcPlugin, { ...config.auth.oidc, publicUrl: publicUrlNow, secureCookie, ...(opts.now ? { now: opts.now } : {}) })
    app.decorate('beheerderSetupLink', () => null)
  } else {
    await app.register(localBeheerderPlugin, {
      publicUrl: publicUrlNow,
      inviteTtlHours: config.auth.inviteTtlHours,
      resetBeheerder: config.auth.resetBeheerder,
      ...(opts.now ? { now: opts.now } : {}),
    })
  }
  await app.register(syncPlugin, {
    maxMessageBytes: config.maxMessageBytes,
    limits: config.limits,
    bus,
    roomIdleMs: config.roomIdleMs,
    ...(opts.pingIntervalMs ? { pingIntervalMs: opts.pingIntervalMs } : {}),
    ...(opts.persistence ? { persistence: opts.persistence } : {}),
  })
  await app.register(apiPlugin, {
    prefix: '/api',
    tldrawLicenseKey: config.tldrawLicenseKey,
    maxMessageBytes: config.maxMessageBytes,
    maxBoards: config.limits.maxBoards,
    auth: { mode: config.auth.oidc !== null ? 'oidc' : 'local', providerName: config.auth.oidc?.providerName ?? null },
    restore: {
      maxBackupBytes: config.maxBackupBytes,
      maxDocsPerBoard: config.limits.maxDocsPerBoard,
      maxBoardBytes: config.limits.maxBoardBytes,
      maxSubDocBytes: config.limits.maxSubDocBytes,
      ...(opts.restoreCheck ? { check: opts.restoreCheck, uploadTimeoutMs: opts.restoreCheck.uploadTimeoutMs } : {}),
    },
  })
  await app.register(myBoardsRoutes, { prefix: '/api', retentionDays: config.retentionDays })
  await app.register(retentionPlugin, {
    retentionDays: config.retentionDays,
    sweepIntervalMs: config.retentionSweepMs,
    ...(opts.now ? { now: opts.now } : {}),
  })
  await app.register(healthPlugin)
  await app.register(staticPlugin, { clientDir: config.clientDir })
  return app
}
