/**
 * Sign-in sessions for facilitators: a random id in the `sb_session` cookie, the session itself
 * (its id's SHA-256) in the store beside the boards, so several instances share it. Cookie-borne
 * state changes must come from our own pages (Origin check), since a browser sends the cookie
 * along with any site's form or fetch.
 */
import { createHash, randomBytes } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { sendError } from '../http/errors.ts'
import type { AccountKind, AuthSessionRecord } from '../storage/document-store.ts'

export const SESSION_COOKIE = 'sb_session'

/** Who is signed in, as the API shows it (GET /api/me). */
export interface Account {
  subject: string
  name: string
  email: string | null
  kind: AccountKind
  beheerder: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    sessions: {
      /** The account signed in with this request's cookie, or null (none, unknown, expired). */
      current(request: FastifyRequest): Promise<Account | null>
      /**
       * Signs this browser in: always a new session id (an id planted before sign-in is worth
       * nothing after), the old session of this cookie ended.
       */
      start(request: FastifyRequest, reply: FastifyReply, account: Account): Promise<void>
      /** Ends this browser's session and clears the cookie; the account that was signed in, if any. */
      end(request: FastifyRequest, reply: FastifyReply): Promise<Account | null>
    }
    /** The signed-in account, or null with a 401 `{ error: 'unauthenticated', message }` already sent. */
    requireAccount(request: FastifyRequest, reply: FastifyReply, message: string): Promise<Account | null>
  }
}

export interface SessionPluginOptions {
  ttlHours: number
  /** PUBLIC_URL is https: the cookie is only ever sent over TLS. */
  secureCookie: boolean
  now?: () => number
}

const HOUR_MS = 60 * 60 * 1000
/** 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

export function randomId(): string {
  return randomBytes(32).toString('base64url')
}

/** One cookie's value from the request, or null. */
export function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie
  if (typeof header !== 'string') return null
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return null
}

/** Adds a Set-Cookie header (Fastify appends set-cookie rather than replacing it). */
export function appendSetCookie(reply: FastifyReply, cookie: string): void {
  reply.header('set-cookie', cookie)
}

/** `name=value` with the flags every Samenbord cookie has: script cannot read it, other sites do not get it. */
export function cookieString(name: string, value: string, options: { path: string; maxAgeSeconds: number; secure: boolean }): string {
  return [`${name}=${value}`, `Path=${options.path}`, `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(options.secure ? ['Secure'] : [])].join('; ')
}

function accountOf(session: AuthSessionRecord): Account {
  return { subject: session.subject, name: session.name, email: session.email, kind: session.kind, beheerder: session.beheerder }
}

export const sessionPlugin = fp<SessionPluginOptions>(
  async (app, options) => {
    const now = options.now ?? Date.now
    const ttlMs = options.ttlHours * HOUR_MS
    const cookieFlags = { path: '/', secure: options.secureCookie }
    const looked = new WeakMap<FastifyRequest, Promise<Account | null>>()

    const lookup = async (request: FastifyRequest): Promise<Account | null> => {
      const id = readCookie(request, SESSION_COOKIE)
      if (id === null || !SESSION_ID.test(id)) return null
      const session = await app.store.getAuthSession(sha256(id), now())
      return session === null ? null : accountOf(session)
    }

    const current = (request: FastifyRequest): Promise<Account | null> => {
      let found = looked.get(request)
      if (found === undefined) {
        found = lookup(request)
        looked.set(request, found)
      }
      return found
    }

    const endCookieSession = async (request: FastifyRequest): Promise<void> => {
      const id = readCookie(request, SESSION_COOKIE)
      if (id !== null && SESSION_ID.test(id)) await app.store.deleteAuthSession(sha256(id))
    }

    app.decorate('sessions', {
      current,
      async start(request: FastifyRequest, reply: FastifyReply, account: Account): Promise<void> {
        await endCookieSession(request)
        const id = randomId()
        const at = now()
        await app.store.createAuthSession({ idHash: sha256(id), ...account, createdAt: at, expiresAt: at + ttlMs })
        looked.set(request, Promise.resolve(account))
        appendSetCookie(reply, cookieString(SESSION_COOKIE, id, { ...cookieFlags, maxAgeSeconds: Math.floor(ttlMs / 1000) }))
        request.log.info({ subject: account.subject, kind: account.kind, beheerder: account.beheerder }, 'signed in')
      },
      async end(request: FastifyRequest, reply: FastifyReply): Promise<Account | null> {
        const account = await current(request)
        await endCookieSession(request)
        looked.set(request, Promise.resolve(null))
        appendSetCookie(reply, cookieString(SESSION_COOKIE, '', { ...cookieFlags, maxAgeSeconds: 0 }))
        if (account !== null) request.log.info({ subject: account.subject, kind: account.kind }, 'signed out')
        return account
      },
    })

    app.decorate('requireAccount', async (request: FastifyRequest, reply: FastifyReply, message: string): Promise<Account | null> => {
      const account = await current(request)
      if (account === null) sendError(reply, 401, 'unauthenticated', message)
      return account
    })

    // CSRF: a state change carried by the cookie, or a sign-in (which would plant an account in
    // the victim's browser), only from a page of this server. Browsers send Origin on every such
    // request; one without it is not a page of ours.
    app.addHook('onRequest', async (request, reply) => {
      if (!STATE_CHANGING.has(request.method)) return
      const signingIn = request.url.startsWith('/auth/')
      if (!signingIn && readCookie(request, SESSION_COOKIE) === null) return
      if (typeof request.headers.origin === 'string' && app.isAllowedOrigin(request)) return
      request.log.warn({ origin: request.headers.origin ?? null }, 'refusing cookie request from another origin')
      return sendError(reply, 403, 'forbidden', 'Dit verzoek komt niet van een pagina van Samenbord en is geweigerd.')
    })

    // Expired sessions hold a name and an e-mail address: removed at start and every hour.
    const sweep = () =>
      app.store.deleteExpiredAuth(now()).catch((error: Error) => app.log.warn({ err: { message: error.message } }, 'could not remove expired sessions'))
    app.addHook('onReady', async () => {
      await sweep()
    })
    const timer = setInterval(() => void sweep(), HOUR_MS)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  },
  { name: 'samenbord-sessions', fastify: '5.x', dependencies: ['samenbord-storage', 'samenbord-security'] },
)

/** GET /api/me and POST /auth/logout. Registered without prefix. */
export const sessionRoutes: FastifyPluginAsync = async (app: FastifyInstance) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store')
    return payload
  })

  app.get('/api/me', async (request, reply) => {
    const account = await app.requireAccount(request, reply, 'Je bent niet aangemeld.')
    if (account === null) return reply
    return account
  })

  app.post('/auth/logout', async (request, reply) => {
    await app.sessions.end(request, reply)
    return reply.code(204).send()
  })
}
