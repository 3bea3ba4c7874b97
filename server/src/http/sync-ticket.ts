import type { FastifyPluginAsync } from 'fastify'
import { DOC_NAME_PATTERN, ROLE_DOC_REVEALED_FROM } from '@samenbord/shared'
import { bearerToken } from '../auth/plugin.ts'
import { sendError } from './errors.ts'

const ticketSchema = {
  body: {
    type: 'object',
    required: ['doc'],
    additionalProperties: false,
    properties: { doc: { type: 'string', maxLength: 200 } },
  },
} as const

/**
 * `POST /api/sync-ticket` `{doc}` with the link token (or personal card token) as bearer: a
 * short-lived, single-use ticket that opens that one document on the relay (`/sync/<doc>?ticket=…`),
 * so no long-lived token ever travels in a websocket URL. The relay checks everything else
 * (board exists, renewed links, role cards, limits) when the socket comes.
 */
export const syncTicketRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Body: { doc: string } }>('/sync-ticket', { schema: ticketSchema }, async (request, reply) => {
    const { doc } = request.body
    const match = DOC_NAME_PATTERN.exec(doc)
    if (match === null) return sendError(reply, 400, 'bad-request', 'Ongeldige documentnaam.')
    // A personal role-card token opens only role-card documents (its own card: checked by the relay).
    const roleCardDoc = match[2] !== undefined && Object.hasOwn(ROLE_DOC_REVEALED_FROM, match[2])
    const access = app.checkBoardAccess(bearerToken(request), match[1], { allowCardToken: roleCardDoc })
    if (!access.ok) return sendError(reply, access.status, access.error, sentence(access.message))
    const { ticket, expiresAt } = app.issueSyncTicket(access.claims, doc)
    return { ticket, expiresAt: new Date(expiresAt).toISOString() }
  })
}

function sentence(reason: string): string {
  return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`
}
