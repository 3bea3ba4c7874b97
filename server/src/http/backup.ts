/**
 * Back-up and restore of a whole board (AVG: inzage and overdraagbaarheid; and simply keeping the
 * outcome in the organisation's own file). The back-up holds every document of the board and the
 * perspectiefwissel session, never tokens. Restoring makes a new board with new links: a back-up
 * never overwrites a board that people may still be working on.
 */
import * as Y from 'yjs'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { BACKUP_FORMAT, BACKUP_VERSION, PERSPECTIEFWISSEL_PHASES, ROLE_CARD_ID_PATTERN, type BoardBackup, checkBackup } from '@samenbord/shared'
import { newBoardId } from './api.ts'
import { facilitatorBoard } from './board-access.ts'
import { sendError } from './errors.ts'
import { readFacilitation, updateFacilitation } from './facilitation.ts'
import type { BoardRecord, PerspectiefwisselPhase } from '../storage/document-store.ts'
import { checkBoardUpdate } from '../sync/record-guard.ts'

/** Back-ups carry inlined images, so they may be far larger than an API request. */
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024

const boardParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const

/** Every document of the board as it is now, loaded or not, plus the session. */
export async function buildBackup(app: FastifyInstance, board: BoardRecord): Promise<BoardBackup> {
  const names = await app.rooms.docsOfBoard(board.id)
  const documents: Record<string, string> = {}
  for (const name of [...names].sort()) documents[name.slice(board.id.length)] = Buffer.from(await app.rooms.docState(name)).toString('base64')
  const session = await app.store.getPerspectiefwissel(board.id)
  const { agenda } = await readFacilitation(app.store, board.id)
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    board: { id: board.id, title: board.title, createdAt: new Date(board.createdAt).toISOString() },
    exportedAt: new Date().toISOString(),
    documents,
    perspectiefwissel:
      session === null
        ? null
        : { phase: session.phase, roles: session.roles.map((role) => ({ ...role, holderName: session.claims[role.cardId]?.holderName ?? null })) },
    agenda,
  }
}

/** Decodes every document; the first one that is not a valid Yjs state, or a board that breaks the schema, refuses the file. */
function decodeDocuments(backup: BoardBackup): { ok: true; states: Map<string, Uint8Array> } | { ok: false; message: string } {
  const states = new Map<string, Uint8Array>()
  for (const [suffix, data] of Object.entries(backup.documents)) {
    const update = new Uint8Array(Buffer.from(data, 'base64'))
    const doc = new Y.Doc()
    try {
      Y.applyUpdate(doc, update)
    } catch {
      return { ok: false, message: `Document "${suffix || 'bord'}" in de back-up is beschadigd en kan niet worden gelezen.` }
    }
    // Anything Yjs could not place (missing history) would silently disappear: refuse instead.
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
      return { ok: false, message: `Document "${suffix || 'bord'}" in de back-up is onvolledig.` }
    }
    const state = Y.encodeStateAsUpdate(doc)
    if (suffix === '') {
      const guard = checkBoardUpdate(state)
      if (!guard.ok) return { ok: false, message: `Het bord in de back-up bevat iets wat Samenbord niet accepteert: ${guard.reason}` }
    }
    states.set(suffix, state)
    doc.destroy()
  }
  return { ok: true, states }
}

export const backupRoutes: FastifyPluginAsync<{ maxBoards: number }> = async (app, options) => {
  app.get<{ Params: { id: string } }>('/boards/:id/export', { schema: { params: boardParams } }, async (request, reply) => {
    const board = await facilitatorBoard(app, request, reply, 'Alleen de facilitator mag een back-up maken.')
    if (board === null) return reply
    const backup = await buildBackup(app, board)
    await app.store.appendAudit({ boardId: board.id, event: 'export', role: 'facilitator', name: null, at: Date.now() })
    const day = backup.exportedAt.slice(0, 10)
    reply.header('content-disposition', `attachment; filename="samenbord-backup-${day}-${board.id}.json"`)
    return backup
  })

  app.post(
    '/boards/restore',
    {
      bodyLimit: MAX_BACKUP_BYTES,
      // A clear message instead of Fastify's generic one when the file is too big.
      errorHandler(error, _request, reply) {
        if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return sendError(reply, 413, 'payload-too-large', `De back-up is groter dan ${MAX_BACKUP_BYTES / 1024 / 1024} MB.`)
        }
        if ((error as { statusCode?: number }).statusCode === 400) return sendError(reply, 400, 'bad-request', 'Dit bestand is geen leesbare JSON.')
        throw error
      },
    },
    async (request, reply) => {
      const check = checkBackup(request.body)
      if (!check.ok) return sendError(reply, check.status, check.status === 400 ? 'bad-request' : 'unprocessable', check.message)
      const { backup } = check
      const session = backup.perspectiefwissel
      if (session !== null) {
        if (!(PERSPECTIEFWISSEL_PHASES as readonly string[]).includes(session.phase)) return sendError(reply, 422, 'unprocessable', 'De fase van de perspectiefwissel in de back-up is onbekend.')
        if (session.roles.some((role) => !ROLE_CARD_ID_PATTERN.test(role.cardId))) return sendError(reply, 422, 'unprocessable', 'Een rolkaart in de back-up heeft een ongeldig id.')
      }
      const decoded = decodeDocuments(backup)
      if (!decoded.ok) return sendError(reply, 422, 'unprocessable', decoded.message)
      if ((await app.store.countBoards()) >= options.maxBoards) {
        return sendError(reply, 507, 'insufficient-storage', 'Deze server heeft het maximale aantal borden bereikt.')
      }

      const board = await app.store.createBoard({ id: newBoardId(), title: backup.board.title.trim() })
      for (const [suffix, state] of decoded.states) await app.store.replaceDocState(`${board.id}${suffix}`, state)
      if (session !== null) {
        const roles = session.roles.map(({ cardId, personId, label }) => ({ cardId, personId, label }))
        await app.store.replacePerspectiefwissel(board.id, { roles, phase: session.phase as PerspectiefwisselPhase, createdAt: Date.now() })
        // Who played which role stays readable; their personal card links do not come back.
        for (const role of session.roles) {
          if (role.holderName) await app.store.claimRoleCard(board.id, role.cardId, { holderName: role.holderName, claimedAt: Date.now() })
        }
      }
      if (backup.agenda && backup.agenda.steps.length > 0) {
        const agenda = backup.agenda
        await updateFacilitation(app.store, board.id, (state) => ({ ...state, agenda }))
      }
      const { links, tokens } = app.issueBoardLinks(board.id)
      await app.store.appendAudit({ boardId: board.id, event: 'restore', role: 'facilitator', name: null, at: board.createdAt })
      request.log.info({ board: board.id, documents: decoded.states.size }, 'board restored from back-up')
      return reply.code(201).send({ id: board.id, title: board.title, createdAt: new Date(board.createdAt).toISOString(), links, tokens })
    },
  )
}
