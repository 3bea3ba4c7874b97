/**
 * Capability tokens: whoever holds the link holds the role. A token is
 * `base64url(JSON payload).base64url(HMAC-SHA256(secret, first part))`.
 * The payload carries a random nonce so two links for the same board and role differ.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { BOARD_ID_PATTERN, isRole, ROLE_CARD_ID_PATTERN, type Role } from '@samenbord/shared'

export interface TokenClaims {
  board: string
  role: Role
  /** Expiry, milliseconds since the Unix epoch. */
  exp: number
  /**
   * Set on a personal role-card token (perspectiefwissel): the token opens only the document
   * `${board}.rolkaart.${card}`, never the board itself or the API.
   */
  card?: string
  /**
   * When the token was issued, milliseconds since the Unix epoch. A board link issued before the
   * facilitator renewed the board's links no longer opens it (tokens from before this field: 0).
   */
  iat?: number
}

export type TokenFailure = 'missing' | 'malformed' | 'bad-signature' | 'expired'

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: TokenFailure }

interface TokenPayload extends TokenClaims {
  nonce: string
}

const MAX_TOKEN_LENGTH = 1024

export function signToken(secret: string, claims: TokenClaims): string {
  const payload: TokenPayload = {
    board: claims.board,
    role: claims.role,
    exp: claims.exp,
    ...(claims.card !== undefined ? { card: claims.card } : {}),
    ...(claims.iat !== undefined ? { iat: claims.iat } : {}),
    nonce: randomBytes(12).toString('base64url'),
  }
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  return `${body}.${signature(secret, body).toString('base64url')}`
}

/** `now` is milliseconds since the Unix epoch. */
export function verifyToken(secret: string, token: string | null | undefined, now: number = Date.now()): TokenCheck {
  if (token === null || token === undefined || token === '') return { ok: false, reason: 'missing' }
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' }
  const parts = token.split('.')
  if (parts.length !== 2 || !isBase64Url(parts[0]) || !isBase64Url(parts[1])) {
    return { ok: false, reason: 'malformed' }
  }
  const [body, sig] = parts
  // Check the signature before looking inside: an attacker must not learn anything from parse errors.
  const expected = signature(secret, body)
  const given = Buffer.from(sig, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' }
  }
  const claims = parseClaims(body)
  if (!claims) return { ok: false, reason: 'malformed' }
  if (claims.exp <= now) return { ok: false, reason: 'expired' }
  return { ok: true, claims }
}

function signature(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest()
}

function isBase64Url(text: string): boolean {
  return text.length > 0 && /^[A-Za-z0-9_-]+$/.test(text)
}

function parseClaims(body: string): TokenClaims | null {
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (typeof payload !== 'object' || payload === null) return null
  const { board, role, exp, card, iat } = payload as Record<string, unknown>
  if (typeof board !== 'string' || !BOARD_ID_PATTERN.test(board)) return null
  if (!isRole(role)) return null
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return null
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) return null
  const issued = iat === undefined ? {} : { iat }
  if (card === undefined) return { board, role, exp, ...issued }
  if (typeof card !== 'string' || !ROLE_CARD_ID_PATTERN.test(card)) return null
  return { board, role, exp, card, ...issued }
}
