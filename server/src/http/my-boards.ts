/**
 * "Mijn borden": the signed-in facilitator's own boards, and fresh links for one of them (a
 * facilitator who lost the link gets the board back). Registered with prefix '/api'.
 */
import type { FastifyPluginAsync } from 'fastify'
import { BOARD_ID_PATTERN } from '@samenbord/shared'
import { sendError } from './errors.ts'

export interface MyBoardsOptions {
  /** RETENTION_DAYS: a board is deleted this long after its last activity. */
  retentionDays: number
}

const DAY_MS = 24 * 60 * 60 * 1000

export const myBoardsRoutes: FastifyPluginAsync<MyBoardsOptions> = async (app, options) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store')
    return payload
  })

  app.get('/my-boards', async (request, reply) => {
    const account = await app.requireAccount(request, reply, 'Meld je aan om je borden te zien.')
    if (account === null) return reply
    const boards = await app.store.listBoardsOfOwner(account.subject)
    return {
      boards: boards.map((board) => ({
        id: board.id,
        title: board.title,
        createdAt: new Date(board.createdAt).toISOString(),
        lastActiveAt: new Date(board.lastActiveAt).toISOString(),
        // On this instance: with several, each counts its own sockets.
        connectedNow: app.rooms.boardConnectionCount(board.id),
        deleteAfter: new Date(board.lastActiveAt + options.retentionDays * DAY_MS).toISOString(),
      })),
    }
  })

  app.post<{ Params: { id: string } }>('/my-boards/:id/links', async (request, reply) => {
    const account = await app.requireAccount(request, reply, 'Meld je aan om de links van je bord op te halen.')
    if (account === null) return reply
    const { id } = request.params
    // Someone else's board answers as an unknown one: its existence is none of this account's business.
    if (!BOARD_ID_PATTERN.test(id) || (await app.store.boardOwner(id)) !== account.subject) {
      return sendError(reply, 404, 'not-found', 'Dit bord staat niet bij jouw borden.')
    }
    const { links, tokens } = app.issueBoardLinks(id)
    await app.store.appendAudit({ boardId: id, event: 'owner-links', role: 'facilitator', name: null, at: Date.now(), subject: account.subject })
    return reply.code(201).send({ links, tokens })
  })
}
