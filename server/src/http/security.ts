import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'

export interface SecurityPluginOptions {
  /** The public base URL (PUBLIC_URL), a function when only known after listen. */
  publicUrl: string | (() => string)
  /** PUBLIC_URL is https: send Strict-Transport-Security. */
  hsts: boolean
}

/** A Host header we are willing to repeat in a header: host name or [IPv6], optional port. */
const HOST_PATTERN = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * Content-Security-Policy for the HTML shell. No inline scripts; inline styles are allowed
 * because tldraw positions shapes with style attributes. The websocket goes to the same host.
 */
export function contentSecurityPolicy(hosts: string[]): string {
  const sockets = hosts.flatMap((host) => [`ws://${host}`, `wss://${host}`])
  return [
    "default-src 'self'",
    `connect-src 'self' ${sockets.join(' ')}`.trim(),
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "media-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Powerful browser features the board never uses. */
const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'camera=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
  'interest-cohort=()',
].join(', ')

function hostOf(url: string): string {
  return new URL(url).host
}

/** The request's Host header when it looks like a host, else null. */
function requestHost(request: FastifyRequest): string | null {
  const host = request.headers.host
  return typeof host === 'string' && HOST_PATTERN.test(host) ? host : null
}

/**
 * True when a websocket upgrade may proceed: no Origin (non-browser clients, e.g. the
 * y-websocket client in Node), or an Origin on the same host as the request or PUBLIC_URL.
 * A page on another site must not be able to open a socket with a link it stole or guessed.
 */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true
  let originUrl: URL
  try {
    originUrl = new URL(origin)
  } catch {
    return false
  }
  if (originUrl.protocol !== 'http:' && originUrl.protocol !== 'https:') return false
  if (originUrl.origin === new URL(publicUrl).origin) return true
  return host !== undefined && originUrl.host === host
}

/** Security headers on every response, CSP on HTML, and no CORS at all. */
export const securityPlugin = fp<SecurityPluginOptions>(
  async (app, options) => {
    const publicUrl = () => (typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl)

    app.decorate('isAllowedOrigin', (request: FastifyRequest) => {
      const origin = request.headers.origin
      return isAllowedOrigin(typeof origin === 'string' ? origin : undefined, requestHost(request) ?? undefined, publicUrl())
    })

    app.addHook('onSend', async (request, reply, payload) => {
      reply.header('x-content-type-options', 'nosniff')
      reply.header('referrer-policy', 'no-referrer')
      reply.header('permissions-policy', PERMISSIONS_POLICY)
      reply.header('cross-origin-opener-policy', 'same-origin')
      reply.header('cross-origin-resource-policy', 'same-origin')
      reply.header('x-frame-options', 'DENY')
      if (options.hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains')
      const type = reply.getHeader('content-type')
      if (typeof type === 'string' && type.startsWith('text/html')) {
        const hosts = new Set([hostOf(publicUrl())])
        const host = requestHost(request)
        if (host !== null) hosts.add(host)
        reply.header('content-security-policy', contentSecurityPolicy([...hosts]))
      }
      // CORS stays closed: the API is only for pages from this server.
      reply.removeHeader('access-control-allow-origin')
      return payload
    })
  },
  { name: 'samenbord-security', fastify: '5.x' },
)

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether a websocket upgrade's Origin is acceptable (see isAllowedOrigin). */
    isAllowedOrigin(request: FastifyRequest): boolean
  }
}
