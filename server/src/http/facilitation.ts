/**
 * Begeleiding (facilitation, R34): what the facilitator sets for a session that the server must
 * keep and enforce, not a client: the lock on the whole board or on single frames, and the
 * perspectiefwissel marks (who is ready in the silent round, who stepped out of their role).
 * Stored as one JSON value per board with a version; every change is a compare-and-set, retried,
 * so two facilitators or many participants marking ready at once never lose a change.
 */
import type { FastifyPluginAsync } from 'fastify'
import { MAX_LOCKED_FRAMES, type FacilitationChangeRequest, type FacilitationStateResponse } from '@samenbord/shared'
import type { DocumentStore } from '../storage/document-store.ts'
import { boardAccess } from './board-access.ts'
import { sendError } from './errors.ts'

export interface FacilitationState {
  locked: boolean
  lockedFrames: string[]
  /** Card id → when its holder marked it ready (ms since the epoch). Cards of an earlier session are ignored. */
  ready: Record<string, number>
  /** Card id → when its holder stepped out of the role. */
  steppedOut: Record<string, number>
}

const EMPTY: FacilitationState = { locked: false, lockedFrames: [], ready: {}, steppedOut: {} }
const MAX_ATTEMPTS = 8

function parse(json: string | undefined): FacilitationState {
  if (json === undefined) return { ...EMPTY }
  try {
    const raw = JSON.parse(json) as Partial<FacilitationState>
    return {
      locked: raw.locked === true,
      lockedFrames: Array.isArray(raw.lockedFrames) ? raw.lockedFrames.filter((id) => typeof id === 'string') : [],
      ready: typeof raw.ready === 'object' && raw.ready !== null ? raw.ready : {},
      steppedOut: typeof raw.steppedOut === 'object' && raw.steppedOut !== null ? raw.steppedOut : {},
    }
  } catch {
    return { ...EMPTY }
  }
}

export async function readFacilitation(store: DocumentStore, boardId: string): Promise<FacilitationState> {
  return parse((await store.getFacilitation(boardId))?.state)
}

/** Applies `change` to the stored state with compare-and-set, retrying on a concurrent write. */
export async function updateFacilitation(
  store: DocumentStore,
  boardId: string,
  change: (state: FacilitationState) => FacilitationState,
): Promise<FacilitationState> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await store.getFacilitation(boardId)
    const next = change(parse(stored?.state))
    if (await store.setFacilitation(boardId, stored?.version ?? 0, JSON.stringify(next))) return next
  }
  throw new Error(`facilitation state of ${boardId} kept changing`)
}

function publicState(state: FacilitationState): FacilitationStateResponse {
  return { locked: state.locked, lockedFrames: state.lockedFrames }
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
    },
  },
} as const

/** Routes under /api/boards/:id/begeleiding. Registered inside the API plugin (prefix '/api'). */
export const facilitationRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string } }>('/boards/:id/begeleiding', async (request, reply) => {
    const claims = await boardAccess(app, request, reply, ['facilitator', 'participant', 'viewer'], 'Geen toegang.')
    if (claims === null) return reply
    return publicState(await readFacilitation(app.store, request.params.id))
  })

  app.post<{ Params: { id: string }; Body: FacilitationChangeRequest }>('/boards/:id/begeleiding', { schema: changeSchema }, async (request, reply) => {
    const claims = await boardAccess(app, request, reply, ['facilitator'], 'Alleen de begeleider (facilitator) mag het bord op slot zetten.')
    if (claims === null) return reply
    const { locked, lockedFrames } = request.body
    if (lockedFrames !== undefined && !lockedFrames.every((id) => SHAPE_ID.test(id))) {
      return sendError(reply, 400, 'bad-request', 'Een frame om op slot te zetten moet een vorm-id zijn (shape:…).')
    }
    const boardId = request.params.id
    const next = await updateFacilitation(app.store, boardId, (state) => ({
      ...state,
      ...(locked !== undefined ? { locked } : {}),
      ...(lockedFrames !== undefined ? { lockedFrames: [...new Set(lockedFrames)] } : {}),
    }))
    // The relay on this instance enforces it from the very next frame.
    app.boardLocks.set(boardId, { locked: next.locked, lockedFrames: next.lockedFrames })
    await app.store.appendAudit({ boardId, event: 'facilitation', role: claims.role, name: null, at: Date.now() })
    return publicState(next)
  })
}
