/**
 * "Mijn borden": the signed-in facilitator's own boards and the boards they attached as
 * co-facilitator, fresh links for one of them (a facilitator who lost the link gets the board
 * back), and attaching a board with its facilitator link. Registered with prefix '/api'.
 */
import type { FastifyPluginAsync } from 'fastify'
import { BOARD_ID_PATTERN } from '@samenbord/shared'
import { readFacilitation } from '../facilitation-state.ts'
import type { BoardRecord } from '../storage/document-store.ts'
import { boardWithAccess } from './board-access.ts'
import { sendError } from './errors.ts'

export interface MyBoardsOptions {
  /** RETENTION_DAYS: a board is deleted this long after its last activity. */
  retentionDays: number
}

const DAY_MS = 24 * 60 * 60 * 1000

/** How the account holds a board: it made (or restored) it, or attached it with a facilitator link. */
type Relation = 'owner' | 'co-facilitator'

export const myBoardsRoutes: FastifyPluginAsync<MyBoardsOptions> = async (app, options) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store')
    return payload
  })

  /**
   * An attachment counts only while the link it was made with would still work: renewing the
   * board's links (a link reached the wrong person) ends it, as it ends that link.
   */
  const attachmentHolds = async (boardId: string, addedAt: number): Promise<boolean> =>
    addedAt >= (await readFacilitation(app.store, boardId)).linksValidFrom

  /** How `subject` holds the board now, or null when it does not. */
  const relationOf = async (boardId: string, subject: string): Promise<Relation | null> => {
    if ((await app.store.boardOwner(boardId)) === subject) return 'owner'
    const since = await app.store.boardMemberSince(boardId, subject)
    return since !== null && (await attachmentHolds(boardId, since)) ? 'co-facilitator' : null
  }

  const listed = (board: BoardRecord, relation: Relation) => ({
    id: board.id,
    title: board.title,
    createdAt: new Date(board.createdAt).toISOString(),
    lastActiveAt: new Date(board.lastActiveAt).toISOString(),
    // The main document only (a facilitator with the preparation open is one person, not two),
    // on this instance: with several, each counts its own sockets.
    connectedNow: app.rooms.mainDocConnectionCount(board.id),
    deleteAfter: new Date(board.lastActiveAt + options.retentionDays * DAY_MS).toISOString(),
    relation,
  })

  app.get('/my-boards', async (request, reply) => {
    const account = await app.requireAccount(request, reply, 'Meld je aan om je borden te zien.')
    if (account === null) return reply
    const owned = await app.store.listBoardsOfOwner(account.subject)
    const attached = []
    for (const board of await app.store.listBoardsOfMember(account.subject)) {
      if (await attachmentHolds(board.id, board.addedAt)) attached.push(board)
    }
    const boards = [...owned.map((board) => listed(board, 'owner')), ...attached.map((board) => listed(board, 'co-facilitator'))]
    // Newest first, as each list is; ties by id, as the store orders them.
    boards.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
    return { boards }
  })

  app.post<{ Params: { id: string } }>('/my-boards/:id/links', async (request, reply) => {
    const account = await app.requireAccount(request, reply, 'Meld je aan om de links van je bord op te halen.')
    if (account === null) return reply
    const { id } = request.params
    // Someone else's board answers as an unknown one: its existence is none of this account's business.
    const relation = BOARD_ID_PATTERN.test(id) ? await relationOf(id, account.subject) : null
    if (relation === null) return sendError(reply, 404, 'not-found', 'Dit bord staat niet bij jouw borden.')
    const { links, tokens } = app.issueBoardLinks(id)
    const event = relation === 'owner' ? 'owner-links' : 'member-links'
    await app.store.appendAudit({ boardId: id, event, role: 'facilitator', name: null, at: Date.now(), subject: account.subject })
    return reply.code(201).send({ links, tokens })
  })

  // A co-facilitator (or the owner on another device) keeps the board in "Mijn borden". The
  // facilitator link is the proof, as bearer; the session cookie says whose list it joins.
  app.post<{ Params: { id: string } }>('/my-boards/:id/attach', async (request, reply) => {
    const account = await app.requireAccount(request, reply, 'Meld je aan om dit bord aan je borden toe te voegen.')
    if (account === null) return reply
    // Taken before the link is checked: a renewal between check and write then ends the attachment.
    const checkedAt = Date.now()
    const access = await boardWithAccess(app, request, reply, ['facilitator'], 'Alleen met een begeleiderslink kun je een bord aan je borden toevoegen.')
    if (access === null) return reply
    const { board } = access
    if ((await app.store.boardOwner(board.id)) === account.subject) {
      return { id: board.id, title: board.title, relation: 'owner' satisfies Relation }
    }
    if (!(await app.store.addBoardMember({ boardId: board.id, subject: account.subject, addedAt: checkedAt }))) {
      return sendError(reply, 404, 'not-found', 'Dit bord bestaat niet (meer).')
    }
    await app.store.appendAudit({ boardId: board.id, event: 'attach', role: 'facilitator', name: null, at: checkedAt, subject: account.subject })
    request.log.info({ board: board.id, subject: account.subject }, 'board attached to account')
    return { id: board.id, title: board.title, relation: 'co-facilitator' satisfies Relation }
  })
}
