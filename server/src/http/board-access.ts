import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { BOARD_ID_PATTERN, type Role } from '@samenbord/shared'
import { bearerToken } from '../auth/plugin.ts'
import type { TokenClaims } from '../auth/tokens.ts'
import type { BoardRecord } from '../storage/document-store.ts'
import { sendError } from './errors.ts'

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1) + '.'
}

/** The claims of a board token with one of `roles`, or null with an error reply already sent. */
export async function boardAccess(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  roles: readonly Role[],
  refusal: string,
): Promise<TokenClaims | null> {
  const { id } = request.params
  if (!BOARD_ID_PATTERN.test(id)) {
    sendError(reply, 404, 'not-found', 'Dit bord bestaat niet.')
    return null
  }
  const access = app.checkBoardAccess(bearerToken(request), id)
  if (!access.ok) {
    sendError(reply, access.status, access.error, capitalize(access.message))
    return null
  }
  if (!roles.includes(access.claims.role)) {
    sendError(reply, 403, 'forbidden', refusal)
    return null
  }
  if ((await app.store.getBoard(id)) === null) {
    sendError(reply, 404, 'not-found', 'Dit bord bestaat niet (meer).')
    return null
  }
  return access.claims
}

/** The board itself for a facilitator link, or null with an error reply already sent. */
export async function facilitatorBoard(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  refusal = 'Alleen de facilitator mag dit.',
): Promise<BoardRecord | null> {
  if ((await boardAccess(app, request, reply, ['facilitator'], refusal)) === null) return null
  const board = await app.store.getBoard(request.params.id)
  // Deleted between the check and now: still an answer, never a hanging request.
  if (board === null) sendError(reply, 404, 'not-found', 'Dit bord bestaat niet (meer).')
  return board
}
