import { describe, expect, it } from 'vitest'
import { signSyncTicket, signToken, verifySyncTicket, verifyToken } from './tokens.ts'

const secret = 'unit-test-secret-0123456789abcdef'
const board = 'AbCdEfGhIjKlMnOp_-12'
const now = 1_800_000_000_000
const exp = now + 60_000

/** Re-encodes the payload part of a token with `change` applied, keeping the old signature. */
function tamper(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [body, sig] = token.split('.')
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  change(payload)
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`
}

describe('capability tokens', () => {
  it('round-trips board, role and expiry', () => {
    const token = signToken(secret, { board, role: 'participant', exp })
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    expect(verifyToken(secret, token, now)).toEqual({ ok: true, claims: { board, role: 'participant', exp } })
  })

  it('carries when it was issued (what renewing a board\'s links compares), and refuses a signed token with a non-numeric one', () => {
    const token = signToken(secret, { board, role: 'viewer', exp, iat: now - 5_000 })
    expect(verifyToken(secret, token, now)).toEqual({ ok: true, claims: { board, role: 'viewer', exp, iat: now - 5_000 } })
    const odd = signToken(secret, { board, role: 'viewer', exp, iat: 'gisteren' as unknown as number })
    expect(verifyToken(secret, odd, now)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('gives different tokens for the same claims (random nonce)', () => {
    const a = signToken(secret, { board, role: 'viewer', exp })
    const b = signToken(secret, { board, role: 'viewer', exp })
    expect(a).not.toBe(b)
  })

  it('rejects a token signed with another secret', () => {
    const token = signToken('another-secret-0123456789abcdef', { board, role: 'facilitator', exp })
    expect(verifyToken(secret, token, now)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('rejects a forged signature', () => {
    const token = signToken(secret, { board, role: 'facilitator', exp })
    const [body] = token.split('.')
    const forged = `${body}.${Buffer.alloc(32, 7).toString('base64url')}`
    expect(verifyToken(secret, forged, now)).toEqual({ ok: false, reason: 'bad-signature' })
    const truncated = `${body}.${token.split('.')[1].slice(0, 20)}`
    expect(verifyToken(secret, truncated, now)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('rejects a viewer token upgraded to facilitator', () => {
    const token = signToken(secret, { board, role: 'viewer', exp })
    const upgraded = tamper(token, (payload) => (payload.role = 'facilitator'))
    expect(verifyToken(secret, upgraded, now)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('rejects a token moved to another board or given a later expiry', () => {
    const token = signToken(secret, { board, role: 'participant', exp })
    const moved = tamper(token, (payload) => (payload.board = 'ZZZZZZZZZZZZZZZZZZZZ'))
    expect(verifyToken(secret, moved, now)).toEqual({ ok: false, reason: 'bad-signature' })
    const extended = tamper(token, (payload) => (payload.exp = exp + 1e12))
    expect(verifyToken(secret, extended, now)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('rejects an expired token, accepts it just before expiry', () => {
    const token = signToken(secret, { board, role: 'participant', exp })
    expect(verifyToken(secret, token, exp - 1).ok).toBe(true)
    expect(verifyToken(secret, token, exp)).toEqual({ ok: false, reason: 'expired' })
    expect(verifyToken(secret, token, exp + 1000)).toEqual({ ok: false, reason: 'expired' })
  })

  it('reports a missing token', () => {
    expect(verifyToken(secret, undefined, now)).toEqual({ ok: false, reason: 'missing' })
    expect(verifyToken(secret, null, now)).toEqual({ ok: false, reason: 'missing' })
    expect(verifyToken(secret, '', now)).toEqual({ ok: false, reason: 'missing' })
  })

  it('reports garbage as malformed', () => {
    for (const garbage of ['abc', 'a.b.c', '.', 'abc.', '.abc', 'ab$c.def', 'x'.repeat(5000), '💥.💥']) {
      expect(verifyToken(secret, garbage, now)).toEqual({ ok: false, reason: 'malformed' })
    }
  })

  it('rejects a correctly signed payload with invalid claims', () => {
    // Only someone holding the secret could produce this, but the verifier must still not trust its shape.
    const token = signToken(secret, { board: 'short', role: 'participant', exp })
    expect(verifyToken(secret, token, now)).toEqual({ ok: false, reason: 'malformed' })
    const badRole = signToken(secret, { board, role: 'admin' as never, exp })
    expect(verifyToken(secret, badRole, now)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('round-trips a role-card token; its card cannot be swapped', () => {
    const token = signToken(secret, { board, role: 'participant', exp, card: 'kaartA_1' })
    expect(verifyToken(secret, token, now)).toEqual({ ok: true, claims: { board, role: 'participant', exp, card: 'kaartA_1' } })
    const swapped = tamper(token, (payload) => (payload.card = 'kaartB_2'))
    expect(verifyToken(secret, swapped, now)).toEqual({ ok: false, reason: 'bad-signature' })
    const badCard = signToken(secret, { board, role: 'participant', exp, card: 'a.b' })
    expect(verifyToken(secret, badCard, now)).toEqual({ ok: false, reason: 'malformed' })
  })
})

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

describe('canonical signatures', () => {
  it('a signature with its last character changed to any other base64url character never verifies', () => {
    // 32 bytes are 43 base64url characters; the last one carries 2 unused bits, which a lenient
    // decoder ignores, so three other spellings of the same bytes used to verify.
    for (let i = 0; i < 20; i++) {
      const token = signToken(secret, { board, role: 'facilitator', exp })
      const [body, sig] = token.split('.')
      for (const other of BASE64URL_ALPHABET) {
        if (other === sig.at(-1)) continue
        expect(verifyToken(secret, `${body}.${sig.slice(0, -1)}${other}`, now)).toEqual({ ok: false, reason: 'bad-signature' })
      }
      expect(verifyToken(secret, token, now).ok).toBe(true)
    }
  })

  it('a signature with padding or one character more never verifies', () => {
    const token = signToken(secret, { board, role: 'viewer', exp })
    expect(verifyToken(secret, `${token}=`, now).ok).toBe(false)
    expect(verifyToken(secret, `${token}A`, now).ok).toBe(false)
  })
})

describe('sync tickets', () => {
  const claims = { board, role: 'participant' as const, exp, iat: now - 1_000 }
  const doc = `${board}.rolkaart.kaartA_1`

  it('round-trip the document and the claims of the token they came from', () => {
    const ticket = signSyncTicket(secret, { doc, claims, exp: now + 30_000 })
    const check = verifySyncTicket(secret, ticket, now)
    expect(check).toEqual({ ok: true, ticket: { id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), doc, exp: now + 30_000, claims } })
    const card = signSyncTicket(secret, { doc, claims: { ...claims, card: 'kaartA_1' }, exp: now + 30_000 })
    expect(verifySyncTicket(secret, card, now)).toMatchObject({ ok: true, ticket: { claims: { card: 'kaartA_1' } } })
  })

  it('expire', () => {
    const ticket = signSyncTicket(secret, { doc, claims, exp: now + 30_000 })
    expect(verifySyncTicket(secret, ticket, now + 29_999).ok).toBe(true)
    expect(verifySyncTicket(secret, ticket, now + 30_000)).toEqual({ ok: false, reason: 'expired' })
  })

  it('are no tokens, and tokens are no tickets (each is signed for its own purpose)', () => {
    const ticket = signSyncTicket(secret, { doc: board, claims, exp: now + 30_000 })
    expect(verifyToken(secret, ticket, now)).toEqual({ ok: false, reason: 'bad-signature' })
    const token = signToken(secret, { board, role: 'facilitator', exp })
    expect(verifySyncTicket(secret, token, now)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('cannot be moved to another document, and their last signature character is canonical too', () => {
    const ticket = signSyncTicket(secret, { doc: board, claims, exp: now + 30_000 })
    const moved = tamper(ticket, (payload) => (payload.doc = `${board}.toestemming.main`))
    expect(verifySyncTicket(secret, moved, now)).toEqual({ ok: false, reason: 'bad-signature' })
    const [body, sig] = ticket.split('.')
    for (const other of BASE64URL_ALPHABET) {
      if (other === sig.at(-1)) continue
      expect(verifySyncTicket(secret, `${body}.${sig.slice(0, -1)}${other}`, now).ok).toBe(false)
    }
  })

  it('report garbage as malformed and nothing as missing', () => {
    expect(verifySyncTicket(secret, undefined, now)).toEqual({ ok: false, reason: 'missing' })
    for (const garbage of ['abc', 'a.b.c', 'x'.repeat(5000), '💥.💥']) {
      expect(verifySyncTicket(secret, garbage, now)).toEqual({ ok: false, reason: 'malformed' })
    }
  })
})
