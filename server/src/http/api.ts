import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
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
  /** How facilitators sign in, for the start page (GET /config). */
  auth: { mode: 'oidc' | 'local'; providerName: string | null }
}

/** 16 random bytes, base64url: 22 characters, matching BOARD_ID_PATTERN. */
export function newBoardId(): string {
  return randomBytes(16).toString('base64url')
}

const renameBoardSchema = {
  body: {
    type: 'object',
    required: ['title'],
    properties: { title: { type: 'string', minLength: 1, maxLength: MAX_TITLE_LENGTH * 4 } },
  },
} as const

/** The trimmed title, or a Dutch reason why it cannot be one. */
function checkTitle(raw: string): { title: string } | { refusal: string } {
  const title = raw.trim()
  if (title.length === 0) return { refusal: 'De titel mag niet leeg zijn.' }
  if (title.length > MAX_TITLE_LENGTH) return { refusal: `De titel mag hoogstens ${MAX_TITLE_LENGTH} tekens lang zijn.` }
  return { title }
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

  // Who may make a board: a signed-in facilitator, asked before the body is read.
  const signedIn = async (request: FastifyRequest, reply: FastifyReply) => {
    if ((await app.requireAccount(request, reply, 'Meld je aan om een bord te maken.')) === null) return reply
  }

  app.post<{ Body: { title: string } }>('/boards', { schema: createBoardSchema, onRequest: signedIn }, async (request, reply) => {
    const account = (await app.sessions.current(request))!
    const checked = checkTitle(request.body.title)
    if ('refusal' in checked) return sendError(reply, 400, 'bad-request', checked.refusal)
    const { title } = checked
    if ((await app.store.countBoards()) >= options.maxBoards) {
      request.log.warn('refusing new board: MAX_BOARDS reached')
      return sendError(reply, 507, 'insufficient-storage', 'Deze server heeft het maximale aantal borden bereikt.')
    }
    const board = await app.store.createBoard({ id: newBoardId(), title, owner: account.subject })
    const { links, tokens } = app.issueBoardLinks(board.id)
    await app.store.appendAudit({ boardId: board.id, event: 'create', role: 'facilitator', name: null, at: board.createdAt, subject: account.subject })
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

  app.patch<{ Params: { id: string }; Body: { title: string } }>('/boards/:id', { schema: renameBoardSchema }, async (request, reply) => {
    const board = await facilitatorBoard(app, request, reply, 'Alleen de begeleider (facilitator) mag het bord een andere naam geven.')
    if (board === null) return reply
    const checked = checkTitle(request.body.title)
    if ('refusal' in checked) return sendError(reply, 400, 'bad-request', checked.refusal)
    if (!(await app.store.renameBoard(board.id, checked.title))) return sendError(reply, 404, 'not-found', 'Dit bord bestaat niet (meer).')
    const subject = (await app.sessions.current(request))?.subject
    await app.store.appendAudit({ boardId: board.id, event: 'rename', role: 'facilitator', name: null, at: Date.now(), ...(subject ? { subject } : {}) })
    return { id: board.id, title: checked.title }
  })

  // AVG: the facilitator can erase a board with everything on it, at once.
  app.delete<{ Params: { id: string } }>('/boards/:id', async (request, reply) => {
    const board = await facilitatorBoard(app, request, reply, 'Alleen de begeleider (facilitator) mag dit.')
    if (board === null) return reply
    // Who deleted it, when signed in on this browser (the token only says: a facilitator).
    const subject = (await app.sessions.current(request))?.subject
    await app.deleteBoard(board.id)
    // What remains is the fact of the deletion: no title, no content, no names.
    await app.store.appendAudit({ boardId: board.id, event: 'delete', role: 'facilitator', name: null, at: Date.now(), ...(subject ? { subject } : {}) })
    request.log.info({ board: board.id }, 'board deleted')
    return reply.code(204).send()
  })

  app.get<{ Params: { id: string } }>('/boards/:id/audit', async (request, reply) => {
    const board = await facilitatorBoard(app, request, reply, 'Alleen de begeleider (facilitator) mag dit.')
    if (board === null) return reply
    const entries = await app.store.listAudit(board.id)
    return {
      boardId: board.id,
      entries: entries.map((entry) => ({
        event: entry.event,
        role: entry.role,
        name: entry.name,
        at: new Date(entry.at).toISOString(),
        ...(entry.subject !== undefined ? { subject: entry.subject } : {}),
      })),
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
    auth: options.auth,
  }))
}
