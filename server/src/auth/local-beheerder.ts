/**
 * The embedded default when there is no OIDC_ISSUER: a local beheerder, made with a one-time
 * set-up code the server prints on start (in the URL fragment, so it stays out of access logs),
 * and local facilitators the beheerder invites with one-time links.
 *
 * Whoever reads the server's output holds the code, which is the point: the request's address
 * counts for nothing (behind a reverse proxy every request comes from loopback). The code is 256
 * random bits, kept only in this process's memory, and good for one use. A new one is made at
 * every start while there is no beheerder yet; once there is one, none, unless the operator starts
 * with RESET_BEHEERDER=true: that code signs in as the existing beheerder (boards stay theirs) and
 * ends the beheerder's other sessions.
 */
import { timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { sendError } from '../http/errors.ts'
import type { LocalAccountRecord } from '../storage/document-store.ts'
import { randomId, sha256, type Account } from './session.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The beheerder set-up link of this start, or null once used (or when none was made). */
    beheerderSetupLink(): string | null
  }
}

export interface LocalBeheerderOptions {
  /** PUBLIC_URL (a function when only known after listen). */
  publicUrl: () => string
  inviteTtlHours: number
  /** RESET_BEHEERDER: a set-up code even though a beheerder exists. */
  resetBeheerder: boolean
  now?: () => number
}

const HOUR_MS = 60 * 60 * 1000
const MAX_CODE_LENGTH = 200
const MAX_NAME_LENGTH = 100

const codeSchema = {
  body: {
    type: 'object',
    required: ['code'],
    properties: { code: { type: 'string', maxLength: MAX_CODE_LENGTH }, name: { type: 'string', maxLength: MAX_NAME_LENGTH * 4 } },
  },
} as const

const inviteSchema = {
  body: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: MAX_NAME_LENGTH * 4 } } },
} as const

const INVITE_REFUSALS = {
  used: 'Deze uitnodiging is al gebruikt.',
  expired: 'Deze uitnodiging is verlopen. Vraag de beheerder om een nieuwe.',
  unknown: 'Deze uitnodiging bestaat niet (meer). Vraag de beheerder om een nieuwe.',
} as const

/** Equal SHA-256 digests, compared in constant time. */
function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** A display name: control characters out, trimmed; null when empty, an Error message when too long. */
function cleanName(raw: unknown): string | null | { tooLong: true } {
  if (typeof raw !== 'string') return null
  // eslint-disable-next-line no-control-regex
  const name = raw.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  if (name.length === 0) return null
  return name.length > MAX_NAME_LENGTH ? { tooLong: true } : name
}

function localAccount(record: LocalAccountRecord): Account {
  return { subject: record.subject, name: record.name, email: null, kind: 'local', beheerder: record.beheerder }
}

export const localBeheerderPlugin = fp<LocalBeheerderOptions>(
  async (app: FastifyInstance, options) => {
    const now = options.now ?? Date.now
    const existing = await app.store.getBeheerder()
    /** This start's code; `spent` from its first good use on. */
    const setup = existing === null || options.resetBeheerder ? { code: randomId(), spent: false } : null
    const setupHash = setup === null ? null : sha256(setup.code)

    app.decorate('beheerderSetupLink', () => (setup === null || setup.spent ? null : `${options.publicUrl()}/auth/setup#code=${setup.code}`))

    await app.register(async (routes) => {
      routes.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store')
        return payload
      })

      routes.post<{ Body: { code: string } }>('/auth/setup', { schema: codeSchema }, async (request, reply) => {
        if (setup === null || setupHash === null || !sameHash(sha256(request.body.code), setupHash)) {
          request.log.warn('beheerder set-up refused: wrong code')
          return sendError(reply, 401, 'unauthenticated', 'Deze code klopt niet. Gebruik de link die de server bij deze start toonde.')
        }
        if (setup.spent) return sendError(reply, 401, 'unauthenticated', 'Deze code is al gebruikt.')
        // Spent before anything is awaited: a second request with it, however quick, is refused.
        setup.spent = true
        const made: LocalAccountRecord = { subject: `local:${randomId()}`, name: 'Beheerder', beheerder: true, createdAt: now() }
        let beheerder: LocalAccountRecord | null = (await app.store.createBeheerder(made)) ? made : null
        if (beheerder === null && options.resetBeheerder) {
          beheerder = await app.store.getBeheerder()
          // A reset: whoever held the beheerder's sessions before no longer does.
          if (beheerder !== null) await app.store.deleteAuthSessionsOf(beheerder.subject)
        }
        if (beheerder === null) {
          // Another instance's code was used first.
          return sendError(reply, 409, 'conflict', 'Er is al een beheerder. Vraag die om een uitnodiging.')
        }
        const account = localAccount(beheerder)
        await app.sessions.start(request, reply, account)
        return account
      })

      routes.post<{ Body: { name: string } }>('/api/invites', { schema: inviteSchema }, async (request, reply) => {
        const account = await app.requireAccount(request, reply, 'Meld je aan als beheerder om iemand uit te nodigen.')
        if (account === null) return reply
        if (!account.beheerder) return sendError(reply, 403, 'forbidden', 'Alleen de beheerder kan begeleiders uitnodigen.')
        const name = cleanName(request.body.name)
        if (name === null) return sendError(reply, 400, 'bad-request', 'Geef de naam van wie je uitnodigt.')
        if (typeof name !== 'string') return sendError(reply, 400, 'bad-request', `De naam mag hoogstens ${MAX_NAME_LENGTH} tekens lang zijn.`)
        const code = randomId()
        const createdAt = now()
        const expiresAt = createdAt + options.inviteTtlHours * HOUR_MS
        await app.store.createInvite({ codeHash: sha256(code), name, createdBy: account.subject, createdAt, expiresAt })
        request.log.info({ subject: account.subject }, 'invite created')
        return reply.code(201).send({ link: `${options.publicUrl()}/auth/invite#code=${code}`, expiresAt: new Date(expiresAt).toISOString() })
      })

      routes.post<{ Body: { code: string; name?: string } }>('/auth/invite', { schema: codeSchema }, async (request, reply) => {
        const name = cleanName(request.body.name)
        if (name !== null && typeof name !== 'string') return sendError(reply, 400, 'bad-request', `Je naam mag hoogstens ${MAX_NAME_LENGTH} tekens lang zijn.`)
        const redeemed = await app.store.redeemInvite(sha256(request.body.code), now(), { subject: `local:${randomId()}`, name, createdAt: now() })
        if (redeemed.status !== 'ok') {
          request.log.warn({ reason: redeemed.status }, 'invite refused')
          return sendError(reply, 401, 'unauthenticated', INVITE_REFUSALS[redeemed.status])
        }
        const account = localAccount(redeemed.account)
        await app.sessions.start(request, reply, account)
        return account
      })
    })
  },
  { name: 'samenbord-local-beheerder', fastify: '5.x', dependencies: ['samenbord-sessions'] },
)
