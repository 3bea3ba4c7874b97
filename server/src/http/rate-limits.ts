/**
 * The whole HTTP rate-limit policy in one place: which limit each route falls under, decided by
 * method and URL as routes are registered, so route files need not know. Counted per client
 * address (request.ip: behind TRUST_PROXY the client's, IPv6 per /64) in fixed windows, in this
 * process's memory. Over the limit: 429 with Retry-After and `{ error: 'rate-limited', message }`,
 * answered in onRequest, before a body is read.
 */
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest, RouteOptions } from 'fastify'
import { SYNC_PATH } from '@samenbord/shared'
import type { RateLimits } from '../config.ts'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
/** Addresses remembered per limit; an address pushed out only starts counting afresh. */
const ADDRESSES_KEPT = 50_000

/**
 * - `api`: every API request (and /healthz) of an address together.
 * - `files`: the client's files, counted apart so that a room loading the page at once does not
 *   eat into its polling.
 * - `create`, `restore`, `export`: the expensive or board-making routes, each its own count.
 * - `sign-in`: the routes that take a one-time code or start and finish an OpenID sign-in; a code
 *   of 256 random bits cannot be guessed anyway, this keeps a flood from filling the store.
 * - `none`: the websocket, which has its own limits per socket and per address (sync/plugin.ts);
 *   counting its upgrades here too would refuse a room reconnecting at once after a restart.
 */
export type RateLimitPolicy = 'api' | 'files' | 'create' | 'restore' | 'export' | 'sign-in' | 'none'

const SIGN_IN_ROUTES = new Set(['POST /auth/setup', 'POST /auth/invite', 'GET /auth/login', 'GET /auth/callback'])

export function rateLimitPolicy(method: string, url: string): RateLimitPolicy {
  if (url === SYNC_PATH || url.startsWith(`${SYNC_PATH}/`)) return 'none'
  if (method === 'POST' && url === '/api/boards') return 'create'
  if (method === 'POST' && url === '/api/boards/restore') return 'restore'
  // The back-up and the verslag data, and any later download beside them.
  if ((method === 'GET' || method === 'HEAD') && /^\/api\/boards\/:id\/(export|verslag)\b/.test(url)) return 'export'
  if (SIGN_IN_ROUTES.has(`${method === 'HEAD' ? 'GET' : method} ${url}`)) return 'sign-in'
  if (url === '/api' || url.startsWith('/api/') || url === '/healthz' || url.startsWith('/auth/')) return 'api'
  return 'files'
}

/** "30 seconden", "1 minuut", "45 minuten": how long to wait, as people say it. */
export function dutchWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000))
  if (seconds <= 90) return seconds === 1 ? '1 seconde' : `${seconds} seconden`
  const minutes = Math.ceil(seconds / 60)
  return minutes === 1 ? '1 minuut' : `${minutes} minuten`
}

const MESSAGES: Record<Exclude<RateLimitPolicy, 'none'>, (wait: string) => string> = {
  api: (wait) => `Te veel verzoeken vanaf dit adres. Probeer het over ${wait} opnieuw.`,
  files: (wait) => `Te veel verzoeken vanaf dit adres. Probeer het over ${wait} opnieuw.`,
  create: (wait) => `Vanaf dit adres zijn te veel borden aangemaakt. Probeer het over ${wait} opnieuw.`,
  restore: (wait) => `Vanaf dit adres zijn te veel back-ups teruggezet. Probeer het over ${wait} opnieuw.`,
  export: (wait) => `Te veel downloads vanaf dit adres. Probeer het over ${wait} opnieuw.`,
  'sign-in': (wait) => `Te veel aanmeldpogingen vanaf dit adres. Probeer het over ${wait} opnieuw.`,
}

interface Limit {
  max: number
  timeWindow: number
  errorResponseBuilder(request: FastifyRequest, context: { ttl: number }): Error
  onExceeded(request: FastifyRequest, key: string): void
  cache: number
}

/** Registered before any route: the policy is assigned in onRoute, to routes added after it. */
export const rateLimitPlugin = fp<RateLimits>(
  async (app, limits) => {
    const lastWarned = new Map<RateLimitPolicy, number>()
    const limit = (policy: Exclude<RateLimitPolicy, 'none'>, max: number, timeWindow: number): Limit => ({
      max,
      timeWindow,
      errorResponseBuilder: (_request, context) => Object.assign(new Error(MESSAGES[policy](dutchWait(context.ttl))), { statusCode: 429 }),
      onExceeded: (request) => {
        // One line a minute per limit, however hard the flood: enough for an operator to see which.
        const now = Date.now()
        if (now - (lastWarned.get(policy) ?? 0) < MINUTE_MS) return
        lastWarned.set(policy, now)
        request.log.warn({ limit: policy, address: request.ip }, 'HTTP rate limit reached')
      },
      cache: ADDRESSES_KEPT,
    })
    const perRoute: Record<Exclude<RateLimitPolicy, 'api' | 'none'>, Limit> = {
      files: limit('files', limits.perMinute, MINUTE_MS),
      create: limit('create', limits.createPerHour, HOUR_MS),
      restore: limit('restore', limits.restorePerHour, HOUR_MS),
      export: limit('export', limits.exportPerMinute, MINUTE_MS),
      'sign-in': limit('sign-in', limits.signInPerMinute, MINUTE_MS),
    }

    // Runs before the rate-limit plugin's own onRoute hook (added below), which reads the config.
    app.addHook('onRoute', (route: RouteOptions) => {
      if ((route.config as { rateLimit?: unknown } | undefined)?.rateLimit !== undefined) return
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      const policies = new Set(methods.map((method) => rateLimitPolicy(method, route.url)))
      if (policies.size !== 1) throw new Error(`rate limits: ${methods.join(',')} ${route.url} falls under several limits; register the methods apart`)
      const [policy] = policies
      // 'api' routes get the plugin's global limit: one count per address over all of them.
      if (policy === 'api') return
      route.config = { ...route.config, rateLimit: policy === 'none' ? false : perRoute[policy] } as RouteOptions['config']
    })

    await app.register(rateLimit, { global: true, ...limit('api', limits.perMinute, MINUTE_MS) })
  },
  { name: 'samenbord-rate-limits', fastify: '5.x' },
)
