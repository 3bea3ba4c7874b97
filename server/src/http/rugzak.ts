/**
 * Rugzak (R26), a variant of the perspectiefwissel: someone carries the backpack of a family
 * member, helpers come in one by one and each puts in one advice; removals are allowed and
 * logged. Who has not given advice yet waits "outside": the server tells them how full the
 * backpack is and whose turn it is, never what is in it. Personal rugzak tokens (the card-token
 * kind, card id `rz<round>-<place>`) say who is the carrier and who is which helper.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import {
  MAX_RUGZAK_ADVICE_LENGTH,
  MAX_RUGZAK_HELPERS,
  type Role,
  type RugzakClaimResponse,
  type RugzakStateResponse,
} from '@samenbord/shared'
import { bearerToken } from '../auth/plugin.ts'
import { boardAccess, boardWithAccess } from './board-access.ts'
import { sendError } from './errors.ts'
import { readFacilitation, updateFacilitation, type RugzakRound } from './facilitation.ts'

const MAX_NAME_LENGTH = 60
const CARRIER = 'drager'
const NO_ROUND = 'Er is geen rugzakronde gestart.'

const params = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const

function cleanText(raw: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, max)
}

/** The place a rugzak token stands for in `round`, or null. */
function placeOf(card: string | undefined, round: RugzakRound): 'drager' | number | null {
  const prefix = `rz${round.round}-`
  if (card === undefined || !card.startsWith(prefix)) return null
  const place = card.slice(prefix.length)
  if (place === CARRIER) return CARRIER
  const index = Number(place)
  return Number.isInteger(index) && index >= 0 && index < round.helpers.length ? index : null
}

interface Caller {
  role: Role
  /** Set when the caller used a personal rugzak token of the current round. */
  place: 'drager' | number | null
  round: RugzakRound | null
}

/** Accepts a board link or a personal rugzak token; null with an error sent otherwise. */
async function caller(app: Parameters<FastifyPluginAsync>[0], request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<Caller | null> {
  const boardId = request.params.id
  const token = bearerToken(request)
  const access = app.checkBoardAccess(token, boardId, { allowCardToken: true })
  if (access.ok && access.claims.card === undefined) {
    const board = await boardWithAccess(app, request, reply, ['facilitator', 'participant', 'viewer'], 'Geen toegang.')
    if (board === null) return null
    return { role: board.claims.role, place: null, round: board.facilitation.rugzak }
  }
  if (!access.ok) {
    sendError(reply, access.status, access.error, 'Deze link geeft geen toegang tot dit bord.')
    return null
  }
  const round = (await readFacilitation(app.store, boardId)).rugzak
  const place = round ? placeOf(access.claims.card, round) : null
  if (place === null) {
    sendError(reply, 403, 'forbidden', 'Deze persoonlijke link hoort niet bij deze rugzakronde.')
    return null
  }
  return { role: access.claims.role, place, round }
}

function viewOf(round: RugzakRound, who: Caller): RugzakStateResponse {
  const done = round.helpers.findIndex((helper) => !helper.done)
  const inside =
    who.role === 'facilitator' || who.role === 'viewer' || who.place === CARRIER || (typeof who.place === 'number' && round.helpers[who.place]?.done === true)
  return {
    carrier: round.carrier,
    helpers: round.helpers,
    turn: done === -1 ? null : done,
    carrierClaimed: round.carrierClaimed,
    count: round.items.length,
    items: inside ? round.items.map(({ id, byName, text, addedAt }) => ({ id, byName, text, addedAt })) : null,
    log: inside ? round.log : null,
    me: who.place,
  }
}

/** Routes under /api/boards/:id/rugzak. Registered inside the API plugin (prefix '/api'). */
export const rugzakRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string } }>('/boards/:id/rugzak', { schema: { params } }, async (request, reply) => {
    const who = await caller(app, request, reply)
    if (who === null) return reply
    if (who.round === null) return sendError(reply, 404, 'not-found', NO_ROUND)
    return viewOf(who.round, who)
  })

  app.post<{ Params: { id: string }; Body: { carrier: string; helpers: string[] } }>(
    '/boards/:id/rugzak',
    {
      schema: {
        params,
        body: {
          type: 'object',
          required: ['carrier', 'helpers'],
          additionalProperties: false,
          properties: {
            carrier: { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH * 4 },
            helpers: { type: 'array', minItems: 1, maxItems: MAX_RUGZAK_HELPERS, items: { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH * 4 } },
          },
        },
      },
    },
    async (request, reply) => {
      const claims = await boardAccess(app, request, reply, ['facilitator'], 'Alleen de begeleider (facilitator) start een rugzakronde.')
      if (claims === null) return reply
      const carrier = cleanText(request.body.carrier, MAX_NAME_LENGTH)
      const helpers = request.body.helpers.map((name) => cleanText(name, MAX_NAME_LENGTH))
      if (carrier.length === 0 || helpers.some((name) => name.length === 0)) {
        return sendError(reply, 400, 'bad-request', 'Geef de drager en elke helper een naam.')
      }
      const round: RugzakRound = {
        round: randomBytes(6).toString('base64url'),
        carrier,
        carrierClaimed: false,
        helpers: helpers.map((name) => ({ name, claimed: false, done: false })),
        items: [],
        log: [],
      }
      await updateFacilitation(app.store, request.params.id, (state) => ({ ...state, rugzak: round }))
      return reply.code(201).send(viewOf(round, { role: claims.role, place: null, round }))
    },
  )

  app.post<{ Params: { id: string }; Body: { as: 'drager' | number } }>(
    '/boards/:id/rugzak/aanmelden',
    {
      schema: {
        params,
        body: {
          type: 'object',
          required: ['as'],
          additionalProperties: false,
          properties: { as: { anyOf: [{ type: 'string', enum: [CARRIER] }, { type: 'integer', minimum: 0, maximum: MAX_RUGZAK_HELPERS - 1 }] } },
        },
      },
    },
    async (request, reply) => {
      const claims = await boardAccess(app, request, reply, ['facilitator', 'participant'], 'Met een kijklink doe je niet mee aan de rugzak.')
      if (claims === null) return reply
      const place = request.body.as
      let round: RugzakRound | null = null
      let refusal: { status: 404 | 409; message: string } | null = null
      await updateFacilitation(app.store, request.params.id, (state) => {
        refusal = null
        round = state.rugzak
        if (round === null) {
          refusal = { status: 404, message: NO_ROUND }
          return state
        }
        if (place === CARRIER) {
          if (round.carrierClaimed) refusal = { status: 409, message: 'Iemand draagt de rugzak al.' }
          else round = { ...round, carrierClaimed: true }
        } else if (round.helpers[place] === undefined) {
          refusal = { status: 404, message: 'Deze plek in de rij bestaat niet.' }
        } else if (round.helpers[place].claimed) {
          refusal = { status: 409, message: 'Iemand anders heeft zich al op deze plek gemeld.' }
        } else {
          round = { ...round, helpers: round.helpers.map((helper, i) => (i === place ? { ...helper, claimed: true } : helper)) }
        }
        return refusal === null ? { ...state, rugzak: round } : state
      })
      if (refusal !== null) {
        const { status, message } = refusal
        return sendError(reply, status, status === 404 ? 'not-found' : 'conflict', message)
      }
      const body: RugzakClaimResponse = {
        rugzakToken: app.issueCardToken(request.params.id, `rz${round!.round}-${place}`, claims.role, claims.exp),
      }
      return reply.code(201).send(body)
    },
  )

  app.post<{ Params: { id: string }; Body: { text: string } }>(
    '/boards/:id/rugzak/advies',
    {
      schema: {
        params,
        body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', maxLength: MAX_RUGZAK_ADVICE_LENGTH * 4 } } },
      },
    },
    async (request, reply) => {
      const who = await caller(app, request, reply)
      if (who === null) return reply
      if (typeof who.place !== 'number') return sendError(reply, 403, 'forbidden', 'Alleen een helper stopt advies in de rugzak, met de eigen persoonlijke link.')
      const text = cleanText(request.body.text, MAX_RUGZAK_ADVICE_LENGTH)
      if (text.length === 0) return sendError(reply, 400, 'bad-request', 'Schrijf je advies op voordat je het in de rugzak stopt.')
      const helper = who.place
      let refusal: string | null = null
      let next: RugzakRound | null = null
      await updateFacilitation(app.store, request.params.id, (state) => {
        refusal = null
        const round = state.rugzak
        if (round === null || round.round !== who.round?.round) {
          refusal = 'Deze rugzakronde is voorbij.'
          return state
        }
        const turn = round.helpers.findIndex((h) => !h.done)
        if (round.helpers[helper].done) refusal = 'Je hebt je advies al gegeven: één advies per helper.'
        else if (turn !== helper) refusal = `Nog niet jouw beurt: eerst ${round.helpers[turn].name}.`
        if (refusal !== null) return state
        const at = Date.now()
        const byName = round.helpers[helper].name
        next = {
          ...round,
          helpers: round.helpers.map((h, i) => (i === helper ? { ...h, done: true } : h)),
          items: [...round.items, { id: randomBytes(6).toString('base64url'), byName, text, addedAt: at, helper }],
          log: [...round.log, { at, action: 'erin', byName, text }],
        }
        return { ...state, rugzak: next }
      })
      if (refusal !== null) return sendError(reply, 409, 'conflict', refusal)
      return viewOf(next!, { ...who, round: next })
    },
  )

  app.post<{ Params: { id: string }; Body: { itemId: string } }>(
    '/boards/:id/rugzak/eruit',
    {
      schema: {
        params,
        body: { type: 'object', required: ['itemId'], additionalProperties: false, properties: { itemId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,20}$' } } },
      },
    },
    async (request, reply) => {
      const who = await caller(app, request, reply)
      if (who === null) return reply
      if (who.place !== CARRIER && who.role !== 'facilitator') return sendError(reply, 403, 'forbidden', 'Alleen wie de rugzak draagt (of de begeleider) haalt er iets uit.')
      const byName = who.place === CARRIER ? (who.round?.carrier ?? '') : 'begeleider'
      let found = false
      let next: RugzakRound | null = null
      await updateFacilitation(app.store, request.params.id, (state) => {
        const round = state.rugzak
        const item = round?.items.find((i) => i.id === request.body.itemId)
        found = round !== null && item !== undefined
        if (round === null || item === undefined) return state
        next = {
          ...round,
          items: round.items.filter((i) => i !== item),
          log: [...round.log, { at: Date.now(), action: 'eruit', byName, text: item.text }],
        }
        return { ...state, rugzak: next }
      })
      if (!found) return sendError(reply, 404, 'not-found', 'Dit advies zit niet (meer) in de rugzak.')
      return viewOf(next!, { ...who, round: next })
    },
  )
}
