import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { BOARD_ID_PATTERN, type Role } from '@samenbord/shared'
import { bearerToken } from '../auth/plugin.ts'
import type { TokenClaims } from '../auth/tokens.ts'
import type { BoardRecord, DocumentStore } from '../storage/document-store.ts'
import { issuedBeforeRenewal, readFacilitation, type FacilitationState } from '../facilitation-state.ts'
import { sendError } from './errors.ts'

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1) + '.'
}

/**
 * The claims of a board token with one of `roles` and the board it opens, or null with an error
 * reply already sent (404 unknown board, 401/403 bad token, 403 `refusal` for another role).
 */
export async function boardWithAccess(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  roles: readonly Role[],
  refusal: string,
): Promise<{ claims: TokenClaims; board: BoardRecord; facilitation: FacilitationState } | null> {
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
  const board = await app.store.getBoard(id)
  if (board === null) {
    sendError(reply, 404, 'not-found', 'Dit bord bestaat niet (meer).')
    return null
  }
  // Read for the renewal check anyway: handed on, so routes that show it need not read it again.
  const facilitation = await readFacilitation(app.store, id)
  if (issuedBeforeRenewal(access.claims, facilitation)) {
    sendError(reply, 401, 'unauthenticated', RENEWED_MESSAGE)
    return null
  }
  return { claims: access.claims, board, facilitation }
}

export const RENEWED_MESSAGE = 'Deze link is vervangen door een nieuwe. Vraag de begeleider om de nieuwe link.'

/** True when the facilitator renewed the board's links after this board link was issued (personal card links are not board links). */
export { linkRenewedSince } from '../facilitation-state.ts'

/** The claims of a board token with one of `roles`, or null with an error reply already sent. */
export async function boardAccess(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  roles: readonly Role[],
  refusal: string,
): Promise<TokenClaims | null> {
  return (await boardWithAccess(app, request, reply, roles, refusal))?.claims ?? null
}

/** The board itself for a facilitator link, or null with an error reply already sent. */
export async function facilitatorBoard(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  refusal = 'Alleen de facilitator mag dit.',
): Promise<BoardRecord | null> {
  return (await boardWithAccess(app, request, reply, ['facilitator'], refusal))?.board ?? null
}
