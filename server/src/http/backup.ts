/**
 * Back-up and restore of a whole board (AVG: inzage and overdraagbaarheid; and simply keeping the
 * outcome in the organisation's own file). The back-up holds every document of the board and the
 * perspectiefwissel session, never tokens. Restoring makes a new board with new links: a back-up
 * never overwrites a board that people may still be working on. A file to restore is refused by
 * its size before it is read, checked in a process of its own (backup-check-worker.ts) by the
 * limits live writes keep, and stored in one transaction or not at all.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify'
import { BACKUP_FORMAT, BACKUP_VERSION, type BoardBackup } from '@samenbord/shared'
import { newBoardId } from './api.ts'
import { formatSize, type RestoreLimits } from './backup-check.ts'
import { BackupChecker, type BackupCheckerOptions } from './backup-check-worker.ts'
import { facilitatorBoard } from './board-access.ts'
import { sendError } from './errors.ts'
import { dutchWait } from './rate-limits.ts'
import { parseFacilitation, readFacilitation } from '../facilitation-state.ts'
import type { BoardRecord } from '../storage/document-store.ts'

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

export interface BackupRoutesOptions {
  maxBoards: number
  /** MAX_BACKUP_BYTES: the largest file read. */
  maxBackupBytes: number
  /** The relay's limits a restored board must keep, as live writes do. */
  maxDocsPerBoard: number
  maxBoardBytes: number
  maxSubDocBytes: number
  /** The checking processes (tests make them smaller or quicker to give up). */
  check?: Partial<BackupCheckerOptions>
  /** How long a body may take to arrive (tests: shorter); UPLOAD_TIMEOUT_MS otherwise. */
  uploadTimeoutMs?: number
}

/** Two files checked at once, two more waiting: a server restores a board now and then, not hundreds at a time. */
const CHECK_DEFAULTS = { concurrency: 2, queue: 2, timeoutMs: 20_000 }
/** Structs (Yjs items and deletions): a board after 100,000 edits by three people has some 30,000. */
const MAX_STRUCTS_PER_DOCUMENT = 250_000
const MAX_STRUCTS_TOTAL = 500_000
/** A back-up nests 4 deep and has a few hundred values: room to spare, nothing like an attack's millions. */
const MAX_JSON_DEPTH = 8
const MAX_JSON_VALUES = 10_000
const MEGABYTE = 1024 * 1024

/**
 * Heap for a checking process: a file is held about four times over at its peak (the bytes as text,
 * the parsed strings, the decoded documents, their content), so 5× the file plus room to start.
 */
export function checkHeapMb(maxBackupBytes: number): number {
  return Math.max(256, 128 + 5 * Math.ceil(maxBackupBytes / MEGABYTE))
}

const BODY_TOO_LARGE = 'FST_ERR_CTP_BODY_TOO_LARGE'
const BODY_TOO_SLOW = 'SAMENBORD_BODY_TOO_SLOW'
/**
 * A body still arriving after this long is refused (408): otherwise four never-ending uploads
 * would hold every place (`admit`) for good. 96 MB in this time is 6.7 Mbit/s.
 */
const UPLOAD_TIMEOUT_MS = 120_000

/**
 * Takes in a request body as the chunks it arrives in, up to `maxBytes` (past it: the
 * BODY_TOO_LARGE error, and the rest is read and dropped), within `timeoutMs`.
 */
function receiveChunks(payload: NodeJS.ReadableStream, maxBytes: number, timeoutMs: number, done: (error: Error | null, body?: Buffer[]) => void): void {
  const chunks: Buffer[] = []
  let received = 0
  let finished = false
  const finish = (error: Error | null) => {
    if (finished) return
    finished = true
    clearTimeout(timer)
    payload.removeListener('data', onData)
    if (error === null) return done(null, chunks)
    chunks.length = 0
    // Flowing with no listener: whatever else comes is dropped, not kept.
    payload.resume()
    done(error)
  }
  const onData = (chunk: Buffer) => {
    received += chunk.byteLength
    if (received > maxBytes) return finish(Object.assign(new Error('back-up too large'), { code: BODY_TOO_LARGE, statusCode: 413 }))
    chunks.push(chunk)
  }
  const timer = setTimeout(() => finish(Object.assign(new Error('back-up upload too slow'), { code: BODY_TOO_SLOW, statusCode: 408 })), timeoutMs)
  payload.on('data', onData)
  payload.once('end', () => finish(null))
  payload.once('error', (error: Error) => finish(Object.assign(error, { statusCode: 400 })))
  // The sender gone halfway: what came so far is let go now, not when the clock runs out.
  payload.once('close', () => finish(Object.assign(new Error('back-up upload broken off'), { statusCode: 400 })))
}

export const backupRoutes: FastifyPluginAsync<BackupRoutesOptions> = async (app, options) => {
  app.get<{ Params: { id: string } }>('/boards/:id/export', { schema: { params: boardParams } }, async (request, reply) => {
    const board = await facilitatorBoard(app, request, reply, 'Alleen de facilitator mag een back-up maken.')
    if (board === null) return reply
    const backup = await buildBackup(app, board)
    await app.store.appendAudit({ boardId: board.id, event: 'export', role: 'facilitator', name: null, at: Date.now() })
    const day = backup.exportedAt.slice(0, 10)
    reply.header('content-disposition', `attachment; filename="samenbord-backup-${day}-${board.id}.json"`)
    return backup
  })

  const maxBytes = options.maxBackupBytes
  const uploadTimeoutMs = options.uploadTimeoutMs ?? UPLOAD_TIMEOUT_MS
  const tooLarge = `De back-up is groter dan ${formatSize(maxBytes)}, het meeste wat deze server aanneemt; er is niets opgeslagen.`
  const checker = new BackupChecker({ ...CHECK_DEFAULTS, heapMb: checkHeapMb(maxBytes), ...options.check })
  const limits: RestoreLimits = {
    maxDocuments: options.maxDocsPerBoard,
    maxJsonDepth: MAX_JSON_DEPTH,
    maxJsonValues: MAX_JSON_VALUES,
    maxStructsPerDocument: MAX_STRUCTS_PER_DOCUMENT,
    maxStructsTotal: MAX_STRUCTS_TOTAL,
    maxBoardBytes: options.maxBoardBytes,
    maxSubDocumentBytes: options.maxSubDocBytes,
  }
  /** A refusal before the body is read: the connection closes after it, so the rest is never taken in. */
  const refuseUnread = (reply: FastifyReply, status: number, error: string, message: string) => sendError(reply.header('connection', 'close'), status, error, message)

  // A context of its own: here, and only here, a body is taken as raw bytes, for the checking process.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, payload, done) => receiveChunks(payload, maxBytes, uploadTimeoutMs, done))

    scope.post(
      '/boards/restore',
      {
        // Everything that can be decided without the body is, before a byte of it is read.
        async onRequest(request, reply) {
          // Who may restore: a signed-in facilitator, whose board it becomes.
          if ((await app.sessions.current(request)) === null) return refuseUnread(reply, 401, 'unauthenticated', 'Meld je aan om een back-up terug te zetten.')
          const declared = Number(request.headers['content-length'])
          if (declared > maxBytes) return refuseUnread(reply, 413, 'payload-too-large', tooLarge)
          if ((await app.store.countBoards()) >= options.maxBoards) {
            return refuseUnread(reply, 507, 'insufficient-storage', 'Deze server heeft het maximale aantal borden bereikt.')
          }
          const release = checker.admit()
          if (release === null) {
            request.log.warn('refusing restore: checks busy')
            reply.header('retry-after', String(checker.retryAfterSeconds))
            return refuseUnread(reply, 503, 'busy', `De server controleert al andere back-ups. Probeer het over ${dutchWait(checker.retryAfterSeconds * 1000)} opnieuw.`)
          }
          // Answered, or the connection gone: either way the place is free again.
          reply.raw.once('close', release)
        },
        // Clear messages for a body that could not be received, instead of Fastify's generic ones.
        errorHandler(error, _request, reply) {
          const { code, statusCode } = error as { code?: string; statusCode?: number }
          if (code === BODY_TOO_LARGE) return refuseUnread(reply, 413, 'payload-too-large', tooLarge)
          if (code === BODY_TOO_SLOW) return refuseUnread(reply, 408, 'request-timeout', `De back-up kwam niet binnen ${dutchWait(uploadTimeoutMs)} binnen; er is niets opgeslagen. Probeer het opnieuw over een snellere verbinding.`)
          if (statusCode === 400) return sendError(reply, 400, 'bad-request', 'Dit bestand is geen leesbare JSON.')
          throw error
        },
      },
      async (request, reply) => {
        const chunks = request.body
        if (!Array.isArray(chunks) || chunks.length === 0) return sendError(reply, 400, 'bad-request', 'Dit bestand is geen leesbare JSON.')
        const boardId = newBoardId()
        const outcome = await checker.check(chunks as Buffer[], { boardId, limits })
        if (!outcome.ok) {
          if (outcome.status >= 500) request.log.warn({ status: outcome.status }, 'restore check did not finish')
          if ('retryAfterSeconds' in outcome && outcome.retryAfterSeconds !== undefined) reply.header('retry-after', String(outcome.retryAfterSeconds))
          return sendError(reply, outcome.status, outcome.status === 400 ? 'bad-request' : outcome.status === 422 ? 'unprocessable' : outcome.status === 503 ? 'busy' : 'internal', outcome.message)
        }
        // Others may have made boards while this file was checked.
        if ((await app.store.countBoards()) >= options.maxBoards) {
          return sendError(reply, 507, 'insufficient-storage', 'Deze server heeft het maximale aantal borden bereikt.')
        }

        const now = Date.now()
        const session = outcome.perspectiefwissel
        const owner = (await app.sessions.current(request))!.subject
        const board = await app.store.restoreBoard({
          board: { id: boardId, title: outcome.title, createdAt: now, owner },
          documents: outcome.documents.map(({ suffix, state }) => ({ doc: `${boardId}${suffix}`, state })),
          perspectiefwissel:
            session === null
              ? null
              : {
                  roles: session.roles.map(({ cardId, personId, label }) => ({ cardId, personId, label })),
                  phase: session.phase,
                  createdAt: now,
                  // Who played which role stays readable; their personal card links do not come back.
                  claims: Object.fromEntries(session.roles.flatMap((role) => (role.holderName === null ? [] : [[role.cardId, { holderName: role.holderName, claimedAt: now }]]))),
                },
          // A fresh state (no lock, no marks) with the file's agenda.
          facilitation: outcome.agenda !== null && outcome.agenda.steps.length > 0 ? JSON.stringify({ ...parseFacilitation(null), agenda: outcome.agenda }) : null,
        })
        const { links, tokens } = app.issueBoardLinks(board.id)
        await app.store.appendAudit({ boardId: board.id, event: 'restore', role: 'facilitator', name: null, at: board.createdAt, subject: owner })
        request.log.info({ board: board.id, documents: outcome.documents.length, leftOut: outcome.leftOut.length }, 'board restored from back-up')
        return reply.code(201).send({ id: board.id, title: board.title, createdAt: new Date(board.createdAt).toISOString(), links, tokens })
      },
    )
  })
}
