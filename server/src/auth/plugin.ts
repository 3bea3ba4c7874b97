import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { CloseCode, ROLES, type Role } from '@samenbord/shared'
import { signSyncTicket, signToken, verifySyncTicket, verifyToken, type TokenClaims, type TokenFailure } from './tokens.ts'

/** Outcome of checking a capability token against the board it is used for. */
export type BoardAccess =
  | { ok: true; claims: TokenClaims }
  | {
      ok: false
      /** HTTP status for the API. */
      status: 401 | 403
      /** Websocket close code for the relay. */
      closeCode: number
      error: 'unauthenticated' | 'forbidden'
      /** Short Dutch reason, fit for a close frame (≤ 123 bytes) and for the user. */
      message: string
    }

export interface BoardLinks {
  links: Record<Role, string>
  tokens: Record<Role, string>
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Checks a token (maybe missing) for use on `boardId`; a valid token for another board is forbidden.
     * A personal role-card token is forbidden too unless `allowCardToken` (only for role-card documents).
     */
    checkBoardAccess(token: string | null | undefined, boardId: string, options?: { allowCardToken?: boolean }): BoardAccess
    /** Signs a personal token for one role card of the board, expiring no later than `notAfter`. */
    issueCardToken(boardId: string, cardId: string, role: Role, notAfter: number): string
    /** Signs one token per role for a board, and the links that carry them in the URL fragment. */
    issueBoardLinks(boardId: string): BoardLinks
    /** Signs one more link for one role (e.g. a co-facilitator's own facilitator link). */
    issueRoleLink(boardId: string, role: Role): { link: string; token: string }
    /**
     * Signs a sync ticket for one document, carrying the claims of the (already checked) token it
     * is fetched with; it expires after SYNC_TICKET_TTL_MS, and never after that token.
     */
    issueSyncTicket(claims: TokenClaims, docName: string): { ticket: string; expiresAt: number }
    /**
     * The relay's access check: the socket URL's query must hold a valid, unused ticket for
     * `docName` and no token. Yields the claims of the token the ticket was fetched with. A ticket
     * counts as used from its first presentation on, on this instance.
     */
    checkSocketTicket(query: unknown, docName: string): BoardAccess
  }
}

/** How long a sync ticket opens its document: fetched right before the socket opens, so seconds would do. */
export const SYNC_TICKET_TTL_MS = 30_000

export interface AuthPluginOptions {
  secret: string
  /** Base of the links; a function when it is only known after listen (PORT=0). */
  publicUrl: string | (() => string)
  linkTtlDays: number
  /** Injectable clock for tests, milliseconds since the Unix epoch. */
  now?: () => number
}

const FAILURE_MESSAGES: Record<TokenFailure, string> = {
  missing: 'token ontbreekt',
  malformed: 'token ongeldig',
  'bad-signature': 'token ongeldig',
  expired: 'link verlopen',
}

const TICKET_FAILURE_MESSAGES: Record<TokenFailure, string> = {
  missing: 'ticket ontbreekt',
  malformed: 'ticket ongeldig',
  'bad-signature': 'ticket ongeldig',
  expired: 'ticket verlopen',
}

const DAY_MS = 24 * 60 * 60 * 1000

function unauthenticated(message: string): BoardAccess {
  return { ok: false, status: 401, closeCode: CloseCode.unauthenticated, error: 'unauthenticated', message }
}

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (typeof header !== 'string') return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match ? match[1] : null
}

export const authPlugin = fp<AuthPluginOptions>(
  async (app, options) => {
    const now = options.now ?? Date.now

    app.decorate('checkBoardAccess', (token: string | null | undefined, boardId: string, check: { allowCardToken?: boolean } = {}): BoardAccess => {
      const result = verifyToken(options.secret, token, now())
      if (!result.ok) {
        return {
          ok: false,
          status: 401,
          closeCode: CloseCode.unauthenticated,
          error: 'unauthenticated',
          message: FAILURE_MESSAGES[result.reason],
        }
      }
      if (result.claims.board !== boardId) {
        return {
          ok: false,
          status: 403,
          closeCode: CloseCode.forbidden,
          error: 'forbidden',
          message: 'deze link hoort bij een ander bord',
        }
      }
      if (result.claims.card !== undefined && check.allowCardToken !== true) {
        return {
          ok: false,
          status: 403,
          closeCode: CloseCode.forbidden,
          error: 'forbidden',
          message: 'deze link hoort bij een rolkaart, niet bij het bord',
        }
      }
      return { ok: true, claims: result.claims }
    })

    app.decorate('issueCardToken', (boardId: string, cardId: string, role: Role, notAfter: number): string => {
      const exp = Math.min(now() + options.linkTtlDays * DAY_MS, notAfter)
      return signToken(options.secret, { board: boardId, role, exp, card: cardId })
    })

    const roleLink = (boardId: string, role: Role): { link: string; token: string } => {
      const exp = now() + options.linkTtlDays * DAY_MS
      const publicUrl = typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl
      const token = signToken(options.secret, { board: boardId, role, exp, iat: now() })
      // The token rides in the fragment: browsers never send it in requests, Referer or logs.
      return { token, link: `${publicUrl}/b/${boardId}#token=${token}` }
    }

    app.decorate('issueBoardLinks', (boardId: string): BoardLinks => {
      const tokens = {} as Record<Role, string>
      const links = {} as Record<Role, string>
      for (const role of ROLES) {
        const issued = roleLink(boardId, role)
        tokens[role] = issued.token
        links[role] = issued.link
      }
      return { links, tokens }
    })

    app.decorate('issueRoleLink', roleLink)

    app.decorate('issueSyncTicket', (claims: TokenClaims, docName: string) => {
      const expiresAt = Math.min(now() + SYNC_TICKET_TTL_MS, claims.exp)
      return { ticket: signSyncTicket(options.secret, { doc: docName, exp: expiresAt, claims }), expiresAt }
    })

    // Single use: the ids of tickets presented here, until they expire. In memory, so with several
    // instances a ticket could be presented once more to another instance within its lifetime.
    const usedTickets = new Map<string, number>()
    let sweepAt = 0
    const firstUse = (id: string, expiresAt: number, at: number): boolean => {
      if (at >= sweepAt) {
        for (const [usedId, usedUntil] of usedTickets) if (usedUntil <= at) usedTickets.delete(usedId)
        sweepAt = at + SYNC_TICKET_TTL_MS
      }
      if (usedTickets.has(id)) return false
      usedTickets.set(id, expiresAt)
      return true
    }
    app.addHook('onClose', async () => usedTickets.clear())

    app.decorate('checkSocketTicket', (query: unknown, docName: string): BoardAccess => {
      const params = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>
      // Refused even next to a good ticket: a client that still puts its link in the URL must notice.
      if (params.token !== undefined) return unauthenticated('geen token in de URL: vraag eerst een ticket aan')
      const at = now()
      const result = verifySyncTicket(options.secret, params.ticket as string | undefined, at)
      if (!result.ok) return unauthenticated(TICKET_FAILURE_MESSAGES[result.reason])
      if (!firstUse(result.ticket.id, result.ticket.exp, at)) return unauthenticated('ticket al gebruikt')
      if (result.ticket.doc !== docName) {
        return { ok: false, status: 403, closeCode: CloseCode.forbidden, error: 'forbidden', message: 'dit ticket hoort bij een ander document' }
      }
      return { ok: true, claims: result.ticket.claims }
    })
  },
  { name: 'samenbord-auth', fastify: '5.x' },
)
