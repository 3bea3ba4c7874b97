import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { CloseCode, ROLES, type Role } from '@samenbord/shared'
import { signToken, verifyToken, type TokenClaims, type TokenFailure } from './tokens.ts'

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
  }
}

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

const DAY_MS = 24 * 60 * 60 * 1000

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
  },
  { name: 'samenbord-auth', fastify: '5.x' },
)
