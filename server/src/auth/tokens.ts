/**
 * Capability tokens: whoever holds the link holds the role. A token is
 * `base64url(JSON payload).base64url(HMAC-SHA256(secret, first part))`.
 * The payload carries a random nonce so two links for the same board and role differ.
 *
 * Sync tickets: what a websocket URL carries instead of a token (URLs end up in proxy logs).
 * Same shape, but signed with a key derived from the secret for that purpose only, so a ticket
 * never works as a token nor a token as a ticket. A ticket opens one document, for seconds, once
 * (the single use is enforced by the auth plugin).
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
  if (!signatureMatches(sig, signature(secret, body))) return { ok: false, reason: 'bad-signature' }
  const claims = parseClaims(body)
  if (!claims) return { ok: false, reason: 'malformed' }
  if (claims.exp <= now) return { ok: false, reason: 'expired' }
  return { ok: true, claims }
}

function signature(secret: string | Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest()
}

/**
 * Compares the signature as text with the canonical encoding of the expected bytes, in constant
 * time. Decoding the given text instead would accept other spellings of the same bytes (the last
 * character of 32 bytes in base64url carries 2 unused bits).
 */
function signatureMatches(given: string, expected: Buffer): boolean {
  const canonical = Buffer.from(expected.toString('base64url'))
  const text = Buffer.from(given)
  return text.length === canonical.length && timingSafeEqual(text, canonical)
}

// ---------------------------------------------------------------------------------------------
// Sync tickets

export interface SyncTicket {
  /** Random, for the single-use check. */
  id: string
  /** The one document the ticket opens. */
  doc: string
  /** Expiry of the ticket itself, milliseconds since the Unix epoch. */
  exp: number
  /** The claims of the token the ticket was fetched with, for the relay's checks. */
  claims: TokenClaims
}

export type SyncTicketCheck = { ok: true; ticket: SyncTicket } | { ok: false; reason: TokenFailure }

const MAX_DOC_NAME_LENGTH = 200

function ticketKey(secret: string): Buffer {
  return signature(secret, 'samenbord sync-ticket v1')
}

export function signSyncTicket(secret: string, ticket: Omit<SyncTicket, 'id'>): string {
  const { claims } = ticket
  const payload = {
    id: randomBytes(16).toString('base64url'),
    doc: ticket.doc,
    exp: ticket.exp,
    board: claims.board,
    role: claims.role,
    tokenExp: claims.exp,
    ...(claims.card !== undefined ? { card: claims.card } : {}),
    ...(claims.iat !== undefined ? { iat: claims.iat } : {}),
  }
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  return `${body}.${signature(ticketKey(secret), body).toString('base64url')}`
}

/** `now` is milliseconds since the Unix epoch. */
export function verifySyncTicket(secret: string, ticket: string | null | undefined, now: number = Date.now()): SyncTicketCheck {
  if (ticket === null || ticket === undefined || ticket === '') return { ok: false, reason: 'missing' }
  if (typeof ticket !== 'string' || ticket.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' }
  const parts = ticket.split('.')
  if (parts.length !== 2 || !isBase64Url(parts[0]) || !isBase64Url(parts[1])) return { ok: false, reason: 'malformed' }
  const [body, sig] = parts
  if (!signatureMatches(sig, signature(ticketKey(secret), body))) return { ok: false, reason: 'bad-signature' }
  let payload: Record<string, unknown>
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (typeof payload !== 'object' || payload === null) return { ok: false, reason: 'malformed' }
  const { id, doc, exp, tokenExp, ...rest } = payload
  if (typeof id !== 'string' || !isBase64Url(id)) return { ok: false, reason: 'malformed' }
  if (typeof doc !== 'string' || doc.length > MAX_DOC_NAME_LENGTH) return { ok: false, reason: 'malformed' }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { ok: false, reason: 'malformed' }
  const claims = claimsOf({ ...rest, exp: tokenExp })
  if (!claims) return { ok: false, reason: 'malformed' }
  if (exp <= now) return { ok: false, reason: 'expired' }
  return { ok: true, ticket: { id, doc, exp, claims } }
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
  return claimsOf(payload as Record<string, unknown>)
}

function claimsOf(payload: Record<string, unknown>): TokenClaims | null {
  const { board, role, exp, card, iat } = payload
  if (typeof board !== 'string' || !BOARD_ID_PATTERN.test(board)) return null
  if (!isRole(role)) return null
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return null
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) return null
  const issued = iat === undefined ? {} : { iat }
  if (card === undefined) return { board, role, exp, ...issued }
  if (typeof card !== 'string' || !ROLE_CARD_ID_PATTERN.test(card)) return null
  return { board, role, exp, card, ...issued }
}
