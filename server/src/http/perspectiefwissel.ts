/**
 * Perspectiefwissel (werkkaart role-taking, R21–R23): the server keeps who plays which role and
 * the phase, hands out a personal token per claimed card, and the relay (sync/plugin.ts) decides
 * per socket who may read or write a card document `${boardId}.rolkaart.${cardId}`.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { bearerToken } from '../auth/plugin.ts'
import {
  MAX_HOLDER_NAME_LENGTH,
  MAX_PERSPECTIEFWISSEL_ROLES,
  MAX_ROLE_LABEL_LENGTH,
  MAX_ROLE_PERSON_ID_LENGTH,
  PERSPECTIEFWISSEL_PHASES,
  phaseReached,
  type ClaimRoleCardResponse,
  type PerspectiefwisselPhase,
  type PerspectiefwisselStateResponse,
  type StartPerspectiefwisselResponse,
} from '@samenbord/shared'
import type { PerspectiefwisselRecord, RoleCardRecord } from '../storage/document-store.ts'
import { sendError } from './errors.ts'
import { boardAccess, boardWithAccess } from './board-access.ts'
import { readFacilitation, updateFacilitation, type FacilitationState } from './facilitation.ts'

const MAX_LABEL_LENGTH = MAX_ROLE_LABEL_LENGTH
const MAX_PERSON_ID_LENGTH = MAX_ROLE_PERSON_ID_LENGTH

/** 9 random bytes, base64url: 12 characters, fit for a document name. */
function newCardId(): string {
  return randomBytes(9).toString('base64url')
}

const boardParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
} as const

const startSchema = {
  params: boardParams,
  body: {
    type: 'object',
    required: ['roles'],
    additionalProperties: false,
    properties: {
      roles: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_PERSPECTIEFWISSEL_ROLES,
        items: {
          type: 'object',
          required: ['personId', 'label'],
          additionalProperties: false,
          properties: {
            personId: { type: 'string', minLength: 1, maxLength: MAX_PERSON_ID_LENGTH },
            label: { type: 'string', minLength: 1, maxLength: MAX_LABEL_LENGTH * 4 },
          },
        },
      },
    },
  },
} as const

const claimSchema = {
  params: boardParams,
  body: {
    type: 'object',
    required: ['cardId', 'holderName'],
    additionalProperties: false,
    properties: {
      cardId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
      holderName: { type: 'string', minLength: 1, maxLength: MAX_HOLDER_NAME_LENGTH * 4 },
      selfPersonId: { anyOf: [{ type: 'string', minLength: 1, maxLength: MAX_PERSON_ID_LENGTH }, { type: 'null' }] },
    },
  },
} as const

const phaseSchema = {
  params: boardParams,
  body: {
    type: 'object',
    required: ['phase'],
    additionalProperties: false,
    properties: { phase: { type: 'string', enum: [...PERSPECTIEFWISSEL_PHASES] } },
  },
} as const

function cleanText(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f]/g, '').trim()
}

function stateOf(session: PerspectiefwisselRecord, marks: Pick<FacilitationState, 'ready' | 'steppedOut'>): PerspectiefwisselStateResponse {
  return {
    phase: session.phase,
    roles: session.roles.map((role) => {
      const claim = session.claims[role.cardId]
      return {
        ...role,
        claimed: claim !== undefined,
        holderName: claim?.holderName ?? null,
        // Marks are only ever set with the card's own token, so only for claimed cards.
        ready: claim !== undefined && Object.hasOwn(marks.ready, role.cardId),
        steppedOut: claim !== undefined && Object.hasOwn(marks.steppedOut, role.cardId),
      }
    }),
  }
}

const cardMarkSchema = (extra: Record<string, unknown>, required: string[]) =>
  ({
    params: boardParams,
    body: {
      type: 'object',
      required: ['cardId', ...required],
      additionalProperties: false,
      properties: { cardId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' }, ...extra },
    },
  }) as const

/**
 * The session and card of a personal card token (the holder's proof), or null with an error sent.
 * Only the holder's own token will do: nobody marks someone else's card ready.
 */
async function holderAccess(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { id: string }; Body: { cardId: string } }>,
  reply: FastifyReply,
): Promise<PerspectiefwisselRecord | null> {
  const boardId = request.params.id
  const access = app.checkBoardAccess(bearerToken(request), boardId, { allowCardToken: true })
  if (!access.ok) {
    sendError(reply, access.status, access.error, 'Deze link geeft geen toegang tot dit bord.')
    return null
  }
  if (access.claims.card !== request.body.cardId) {
    sendError(reply, 403, 'forbidden', 'Alleen wie deze rol speelt kan dit aangeven, met de eigen rolkaart.')
    return null
  }
  const session = await app.store.getPerspectiefwissel(boardId)
  if (session === null) {
    sendError(reply, 404, 'not-found', NO_SESSION)
    return null
  }
  if (!session.roles.some((role) => role.cardId === request.body.cardId) || session.claims[request.body.cardId] === undefined) {
    sendError(reply, 404, 'not-found', 'Deze rolkaart hoort niet (meer) bij de perspectiefwissel.')
    return null
  }
  return session
}

const NO_SESSION = 'Er is op dit bord geen perspectiefwissel gestart.'
const FACILITATOR_ONLY = 'Alleen de begeleider (facilitator) mag dit.'

/** Routes under /api/boards/:id/perspectiefwissel. Registered inside the API plugin (prefix '/api'). */
export const perspectiefwisselRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Params: { id: string }; Body: { roles: { personId: string; label: string }[] } }>(
    '/boards/:id/perspectiefwissel',
    { schema: startSchema },
    async (request, reply) => {
      const claims = await boardAccess(app, request, reply, ['facilitator'], FACILITATOR_ONLY)
      if (claims === null) return reply
      const roles: RoleCardRecord[] = []
      const persons = new Set<string>()
      for (const { personId, label: rawLabel } of request.body.roles) {
        const label = cleanText(rawLabel)
        if (label.length === 0) return sendError(reply, 400, 'bad-request', 'Elke rol heeft een naam nodig.')
        if (label.length > MAX_LABEL_LENGTH) {
          return sendError(reply, 400, 'bad-request', `De naam van een rol mag hoogstens ${MAX_LABEL_LENGTH} tekens lang zijn.`)
        }
        if (persons.has(personId)) return sendError(reply, 400, 'bad-request', 'Elke betrokkene kan maar één keer een rol zijn.')
        persons.add(personId)
        roles.push({ cardId: newCardId(), personId, label })
      }
      const boardId = request.params.id
      const former = await app.store.getPerspectiefwissel(boardId)
      await app.store.replacePerspectiefwissel(boardId, { roles, phase: 'stilte', createdAt: Date.now() })
      // Marks belong to cards of the session they were set in: a new session starts with none.
      await updateFacilitation(app.store, boardId, (state) => ({ ...state, ready: {}, steppedOut: {} }))
      // The cards of an earlier session are gone: sockets closed, answers deleted from storage.
      await app.removeRoleCards(boardId, new Set(roles.map((role) => role.cardId)), 'nieuwe perspectiefwissel gestart', former?.roles.map((role) => role.cardId))
      await app.store.appendAudit({ boardId, event: 'perspectiefwissel-start', role: claims.role, name: null, at: Date.now() })
      const body: StartPerspectiefwisselResponse = { roles, phase: 'stilte' }
      return reply.code(201).send(body)
    },
  )

  app.get<{ Params: { id: string } }>('/boards/:id/perspectiefwissel', { schema: { params: boardParams } }, async (request, reply) => {
    const access = await boardWithAccess(app, request, reply, ['facilitator', 'participant', 'viewer'], 'Geen toegang.')
    if (access === null) return reply
    const session = await app.store.getPerspectiefwissel(request.params.id)
    if (session === null) return sendError(reply, 404, 'not-found', NO_SESSION)
    return stateOf(session, access.facilitation)
  })

  app.post<{ Params: { id: string }; Body: { cardId: string; ready: boolean } }>(
    '/boards/:id/perspectiefwissel/klaar',
    { schema: cardMarkSchema({ ready: { type: 'boolean' } }, ['ready']) },
    async (request, reply) => {
      const session = await holderAccess(app, request, reply)
      if (session === null) return reply
      if (session.phase !== 'stilte') return sendError(reply, 409, 'conflict', 'Klaar aangeven kan alleen in de stille ronde.')
      const { cardId, ready } = request.body
      const marks = await updateFacilitation(app.store, request.params.id, (state) => {
        const next = { ...state.ready }
        if (ready) next[cardId] = next[cardId] ?? Date.now()
        else delete next[cardId]
        return { ...state, ready: next }
      })
      return stateOf(session, marks)
    },
  )

  app.post<{ Params: { id: string }; Body: { cardId: string } }>(
    '/boards/:id/perspectiefwissel/uit-de-rol',
    { schema: cardMarkSchema({}, []) },
    async (request, reply) => {
      const session = await holderAccess(app, request, reply)
      if (session === null) return reply
      if (session.phase === 'stilte') return sendError(reply, 409, 'conflict', 'Uit de rol stappen kan pas na de stille ronde.')
      const { cardId } = request.body
      const marks = await updateFacilitation(app.store, request.params.id, (state) => ({
        ...state,
        steppedOut: { ...state.steppedOut, [cardId]: state.steppedOut[cardId] ?? Date.now() },
      }))
      await app.store.appendAudit({ boardId: request.params.id, event: 'perspectiefwissel-uit-de-rol', role: 'participant', name: session.claims[cardId].holderName, at: Date.now() })
      return stateOf(session, marks)
    },
  )

  app.post<{ Params: { id: string }; Body: { cardId: string; holderName: string; selfPersonId?: string | null } }>(
    '/boards/:id/perspectiefwissel/claim',
    { schema: claimSchema },
    async (request, reply) => {
      const claims = await boardAccess(app, request, reply, ['facilitator', 'participant'], 'Met een kijklink kun je geen rol kiezen.')
      if (claims === null) return reply
      const boardId = request.params.id
      const { cardId, selfPersonId } = request.body
      const holderName = cleanText(request.body.holderName).slice(0, MAX_HOLDER_NAME_LENGTH)
      if (holderName.length === 0) return sendError(reply, 400, 'bad-request', 'Vul je naam in.')
      const session = await app.store.getPerspectiefwissel(boardId)
      if (session === null) return sendError(reply, 404, 'not-found', NO_SESSION)
      const role = session.roles.find((r) => r.cardId === cardId)
      if (role === undefined) return sendError(reply, 404, 'not-found', 'Deze rolkaart hoort niet bij de perspectiefwissel.')
      if (session.phase !== 'stilte') return sendError(reply, 409, 'conflict', 'Een rol kiezen kan alleen in de stille fase.')
      if (selfPersonId !== undefined && selfPersonId !== null && selfPersonId === role.personId) {
        return sendError(reply, 422, 'unprocessable', 'Je kunt jezelf niet spelen: kies de rol van een ander.')
      }
      // One role per person: a shared participant link cannot tell people apart, their names can.
      const sameName = (other: string) => other.trim().toLocaleLowerCase('nl') === holderName.toLocaleLowerCase('nl')
      const already = session.roles.find((r) => r.cardId !== cardId && session.claims[r.cardId] && sameName(session.claims[r.cardId].holderName))
      if (already) return sendError(reply, 409, 'conflict', `Je speelt al de rol van ${already.label}. Iedereen kiest één rol.`)
      if (!(await app.store.claimRoleCard(boardId, cardId, { holderName, claimedAt: Date.now() }))) {
        return sendError(reply, 409, 'conflict', 'Deze rol is al gekozen door iemand anders.')
      }
      await app.store.appendAudit({ boardId, event: 'perspectiefwissel-claim', role: claims.role, name: holderName, at: Date.now() })
      const body: ClaimRoleCardResponse = { cardId, cardToken: app.issueCardToken(boardId, cardId, claims.role, claims.exp) }
      return reply.code(201).send(body)
    },
  )

  app.post<{ Params: { id: string }; Body: { phase: PerspectiefwisselPhase } }>(
    '/boards/:id/perspectiefwissel/phase',
    { schema: phaseSchema },
    async (request, reply) => {
      const claims = await boardAccess(app, request, reply, ['facilitator'], FACILITATOR_ONLY)
      if (claims === null) return reply
      const boardId = request.params.id
      const session = await app.store.getPerspectiefwissel(boardId)
      if (session === null) return sendError(reply, 404, 'not-found', NO_SESSION)
      const next = request.body.phase
      if (phaseReached(session.phase, next)) {
        return sendError(reply, 409, 'conflict', `De perspectiefwissel is al in de fase "${session.phase}"; terug kan niet.`)
      }
      if (!(await app.store.setPerspectiefwisselPhase(boardId, session.phase, next))) {
        return sendError(reply, 409, 'conflict', 'De fase is intussen al veranderd; probeer het opnieuw.')
      }
      await app.store.appendAudit({ boardId, event: 'perspectiefwissel-phase', role: claims.role, name: null, at: Date.now() })
      return stateOf({ ...session, phase: next }, await readFacilitation(app.store, boardId))
    },
  )
}
