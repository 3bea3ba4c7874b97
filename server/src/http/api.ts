import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { MAX_TITLE_LENGTH, ROLES } from '@samenbord/shared'
import { boardWithAccess, facilitatorBoard } from './board-access.ts'
import { sendError } from './errors.ts'
import { perspectiefwisselRoutes } from './perspectiefwissel.ts'
import { backupRoutes, type BackupRoutesOptions } from './backup.ts'
import { verslagRoutes } from './verslag.ts'
import { facilitationRoutes } from './facilitation.ts'
import { rugzakRoutes } from './rugzak.ts'
import { syncTicketRoutes } from './sync-ticket.ts'

export interface ApiPluginOptions {
  tldrawLicenseKey: string | null
  maxMessageBytes: number
  maxBoards: number
  /** POST /boards/restore: its size cap and the relay's limits a restored board keeps (backup.ts). */
  restore: Omit<BackupRoutesOptions, 'maxBoards'>
}

/** 16 random bytes, base64url: 22 characters, matching BOARD_ID_PATTERN. */
export function newBoardId(): string {
  return randomBytes(16).toString('base64url')
}

const createBoardSchema = {
  body: {
    type: 'object',
    required: ['title'],
    properties: {
      // The trimmed length is checked in the handler; this only bounds the raw input.
      title: { type: 'string', minLength: 1, maxLength: MAX_TITLE_LENGTH * 4 },
    },
  },
} as const

/** JSON API under /api. Registered with prefix '/api'. */
export const apiPlugin: FastifyPluginAsync<ApiPluginOptions> = async (app, options) => {
  // Responses may carry tokens or per-user data: never cache them anywhere.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store')
    return payload
  })

  app.post<{ Body: { title: string } }>('/boards', { schema: createBoardSchema }, async (request, reply) => {
    const title = request.body.title.trim()
    if (title.length === 0) return sendError(reply, 400, 'bad-request', 'De titel mag niet leeg zijn.')
    if (title.length > MAX_TITLE_LENGTH) {
      return sendError(reply, 400, 'bad-request', `De titel mag hoogstens ${MAX_TITLE_LENGTH} tekens lang zijn.`)
    }
    if ((await app.store.countBoards()) >= options.maxBoards) {
      request.log.warn('refusing new board: MAX_BOARDS reached')
      return sendError(reply, 507, 'insufficient-storage', 'Deze server heeft het maximale aantal borden bereikt.')
    }
    const board = await app.store.createBoard({ id: newBoardId(), title })
    const { links, tokens } = app.issueBoardLinks(board.id)
    await app.store.appendAudit({ boardId: board.id, event: 'create', role: 'facilitator', name: null, at: board.createdAt })
    request.log.info({ board: board.id }, 'board created')
    return reply.code(201).send({
      id: board.id,
      title: board.title,
      createdAt: new Date(board.createdAt).toISOString(),
      links,
      tokens,
    })
  })

  app.get<{ Params: { id: string } }>('/boards/:id', async (request, reply) => {
    const access = await boardWithAccess(app, request, reply, ROLES, '')
    if (access === null) return reply
    const { board, claims } = access
    return {
      id: board.id,
      title: board.title,
      role: claims.role,
      createdAt: new Date(board.createdAt).toISOString(),
      expiresAt: new Date(claims.exp).toISOString(),
    }
  })

  // AVG: the facilitator can erase a board with everything on it, at once.
  app.delete<{ Params: { id: string } }>('/boards/:id', async (request, reply) => {
    const board = await facilitatorBoard(app, request, reply, 'Alleen de begeleider (facilitator) mag dit.')
    if (board === null) return reply
    await app.deleteBoard(board.id)
    // What remains is the fact of the deletion: no title, no content, no names.
    await app.store.appendAudit({ boardId: board.id, event: 'delete', role: 'facilitator', name: null, at: Date.now() })
    request.log.info({ board: board.id }, 'board deleted')
    return reply.code(204).send()
  })

  app.get<{ Params: { id: string } }>('/boards/:id/audit', async (request, reply) => {
    const board = await facilitatorBoard(app, request, reply, 'Alleen de begeleider (facilitator) mag dit.')
    if (board === null) return reply
    const entries = await app.store.listAudit(board.id)
    return {
      boardId: board.id,
      entries: entries.map((entry) => ({ event: entry.event, role: entry.role, name: entry.name, at: new Date(entry.at).toISOString() })),
    }
  })

  // AVG (inzage, overdraagbaarheid): the whole board as a back-up file, and back again.
  await app.register(backupRoutes, { maxBoards: options.maxBoards, ...options.restore })
  await app.register(verslagRoutes)
  await app.register(perspectiefwisselRoutes)
  await app.register(facilitationRoutes)
  await app.register(rugzakRoutes)
  await app.register(syncTicketRoutes)

  // The license key is handed out at runtime so one client build serves every deployment.
  app.get('/config', async () => ({
    tldrawLicenseKey: options.tldrawLicenseKey,
    maxMessageBytes: options.maxMessageBytes,
  }))
}
