/**
 * Begeleiding (facilitation, R34–R35): what a session needs the server to keep (and, for the
 * locks, enforce) rather than a client: the lock on the whole board or on single frames,
 * stiltemodus, the agenda, the perspectiefwissel marks (who is ready in the silent round, who
 * stepped out of their role) and the rugzak round (rugzak.ts). Also the co-facilitator link.
 * Stored as one JSON value per board with a version; every change is a compare-and-set, retried,
 * so two facilitators or many participants marking ready at once never lose a change.
 */
import type { FastifyPluginAsync } from 'fastify'
import {
  MAX_AGENDA_STEP_LENGTH,
  MAX_AGENDA_STEPS,
  MAX_LOCKED_FRAMES,
  type FacilitationChangeRequest,
  type CoFacilitatorLinkResponse,
  type RenewedLinksResponse,
  type FacilitationStateResponse,
  type SessionAgenda,
} from '@samenbord/shared'
import { boardAccess, boardWithAccess } from './board-access.ts'
import { sendError } from './errors.ts'

import { updateFacilitation, type FacilitationState } from '../facilitation-state.ts'

// The state lives in facilitation-state.ts (shared with the relay); the routes' users import it from here too.
export { readFacilitation, updateFacilitation, type FacilitationState, type RugzakRound } from '../facilitation-state.ts'

function publicState(state: FacilitationState): FacilitationStateResponse {
  return { locked: state.locked, lockedFrames: state.lockedFrames, stiltemodus: state.stiltemodus, agenda: state.agenda }
}

const SHAPE_ID = /^shape:[A-Za-z0-9_-]{1,64}$/

const changeSchema = {
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      locked: { type: 'boolean' },
      lockedFrames: { type: 'array', maxItems: MAX_LOCKED_FRAMES, items: { type: 'string', maxLength: 80 } },
      stiltemodus: { type: 'boolean' },
      agenda: {
        type: 'object',
        required: ['steps', 'current'],
        additionalProperties: false,
        properties: {
          steps: { type: 'array', maxItems: MAX_AGENDA_STEPS, items: { type: 'string', maxLength: MAX_AGENDA_STEP_LENGTH * 4 } },
          current: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
        },
      },
    },
  },
} as const

/** Routes under /api/boards/:id/begeleiding. Registered inside the API plugin (prefix '/api'). */
export const facilitationRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string } }>('/boards/:id/begeleiding', async (request, reply) => {
    const access = await boardWithAccess(app, request, reply, ['facilitator', 'participant', 'viewer'], 'Geen toegang.')
    if (access === null) return reply
    return publicState(access.facilitation)
  })

  // A co-facilitator (R34) gets a facilitator link of their own rather than the facilitator's:
  // the same rights, but the audit log shows when a second one was handed out.
  app.post<{ Params: { id: string } }>('/boards/:id/links/co-facilitator', async (request, reply) => {
    const claims = await boardAccess(app, request, reply, ['facilitator'], 'Alleen de begeleider (facilitator) kan een co-facilitator uitnodigen.')
    if (claims === null) return reply
    const boardId = request.params.id
    await app.store.appendAudit({ boardId, event: 'co-facilitator-link', role: claims.role, name: null, at: Date.now() })
    const body: CoFacilitatorLinkResponse = { link: app.issueRoleLink(boardId, 'facilitator').link }
    return reply.code(201).send(body)
  })

  // A link that reached the wrong person: new links for every role, and every board link issued
  // before now stops working, open sockets included (4401). Personal role-card and rugzak links
  // belong to their round and are left alone.
  app.post<{ Params: { id: string } }>('/boards/:id/links/renew', async (request, reply) => {
    const claims = await boardAccess(app, request, reply, ['facilitator'], 'Alleen de begeleider (facilitator) kan de links vernieuwen.')
    if (claims === null) return reply
    const boardId = request.params.id
    const validFrom = Date.now()
    await updateFacilitation(app.store, boardId, (state) => ({ ...state, linksValidFrom: validFrom }))
    await app.store.appendAudit({ boardId, event: 'links-renewed', role: claims.role, name: null, at: validFrom })
    app.closeRenewedLinks(boardId, validFrom)
    const body: RenewedLinksResponse = { links: app.issueBoardLinks(boardId).links }
    return reply.code(201).send(body)
  })

  app.post<{ Params: { id: string }; Body: FacilitationChangeRequest }>('/boards/:id/begeleiding', { schema: changeSchema }, async (request, reply) => {
    const claims = await boardAccess(app, request, reply, ['facilitator'], 'Alleen de begeleider (facilitator) mag dit.')
    if (claims === null) return reply
    const { locked, lockedFrames, stiltemodus } = request.body
    if (lockedFrames !== undefined && !lockedFrames.every((id) => SHAPE_ID.test(id))) {
      return sendError(reply, 400, 'bad-request', 'Een frame om op slot te zetten moet een vorm-id zijn (shape:…).')
    }
    let agenda: SessionAgenda | undefined
    if (request.body.agenda !== undefined) {
      // eslint-disable-next-line no-control-regex
      const steps = request.body.agenda.steps.map((step) => step.replace(/[\u0000-\u001f\u007f]/g, '').trim())
      if (steps.some((step) => step.length === 0)) return sendError(reply, 400, 'bad-request', 'Een stap van de agenda mag niet leeg zijn.')
      if (steps.some((step) => step.length > MAX_AGENDA_STEP_LENGTH)) {
        return sendError(reply, 400, 'bad-request', `Een stap van de agenda mag hoogstens ${MAX_AGENDA_STEP_LENGTH} tekens lang zijn.`)
      }
      const { current } = request.body.agenda
      if (current !== null && current >= steps.length) return sendError(reply, 400, 'bad-request', 'De huidige stap staat niet op de agenda.')
      agenda = { steps, current }
    }
    const boardId = request.params.id
    const next = await updateFacilitation(app.store, boardId, (state) => ({
      ...state,
      ...(locked !== undefined ? { locked } : {}),
      ...(lockedFrames !== undefined ? { lockedFrames: [...new Set(lockedFrames)] } : {}),
      ...(stiltemodus !== undefined ? { stiltemodus } : {}),
      ...(agenda !== undefined ? { agenda } : {}),
    }))
    // The relay on this instance enforces it from the very next frame.
    app.boardLocks.set(boardId, { locked: next.locked, lockedFrames: next.lockedFrames })
    await app.store.appendAudit({ boardId, event: 'facilitation', role: claims.role, name: null, at: Date.now() })
    return publicState(next)
  })
}
