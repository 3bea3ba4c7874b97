/**
 * What the verslag needs beyond the board itself, which only the server knows: who took part
 * (from the audit log's joins), the perspectiefwissel table as far as it was revealed, and the
 * consent record. The facilitator's browser combines it with the board into the verslag.
 */
import * as Y from 'yjs'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import {
  CONSENT_MAP,
  phaseReached,
  ROLE_CARD_MAP,
  ROLE_DOC_REVEALED_FROM,
  type VerslagDataResponse,
  consentDocName,
  readConsent,
  roleCardDocName,
  rolePostureDocName,
} from '@samenbord/shared'
import { facilitatorBoard } from './board-access.ts'
import { readFacilitation } from './facilitation.ts'

async function mapOf(app: FastifyInstance, docName: string, mapName: string): Promise<Record<string, unknown>> {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, await app.rooms.docState(docName))
  const entries = doc.getMap(mapName).toJSON()
  doc.destroy()
  return entries
}

function today(): string {
  // The day as it is where the session took place, not in UTC.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null)

export const verslagRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { id: string } }>('/boards/:id/verslag', async (request, reply) => {
    const board = await facilitatorBoard(app, request, reply, 'Alleen de facilitator maakt het verslag.')
    if (board === null) return reply
    const audit = await app.store.listAudit(board.id)
    const namesOf = (roles: string[]) => [...new Set(audit.filter((e) => e.event === 'join' && e.name && roles.includes(e.role ?? '')).map((e) => e.name!.trim()))]
    const facilitators = namesOf(['facilitator'])
    const session = await app.store.getPerspectiefwissel(board.id)
    const holders = session === null ? [] : Object.values(session.claims).map((claim) => claim.holderName)
    const participants = [...new Set([...namesOf(['participant', 'viewer']), ...holders])].filter((name) => !facilitators.includes(name))

    let perspectiefwissel: VerslagDataResponse['perspectiefwissel'] = null
    if (session !== null) {
      const reached = (kind: keyof typeof ROLE_DOC_REVEALED_FROM) => phaseReached(session.phase, ROLE_DOC_REVEALED_FROM[kind])
      const rows: NonNullable<VerslagDataResponse['perspectiefwissel']>['rows'] = []
      for (const role of session.roles) {
        // The verslag shows what the group has seen: nothing of a card before its reveal.
        const posture = reached('rolhouding') ? await mapOf(app, rolePostureDocName(board.id, role.cardId), ROLE_CARD_MAP) : {}
        const answers = reached('rolkaart') ? await mapOf(app, roleCardDocName(board.id, role.cardId), ROLE_CARD_MAP) : {}
        rows.push({
          role: role.label,
          holderName: session.claims[role.cardId]?.holderName ?? null,
          postureId: reached('rolhouding') ? (text(posture.houding) ?? '') : null,
          dilemma: reached('rolkaart') ? (text(answers.dilemma) ?? '') : null,
          feeling: reached('rolkaart') ? (text(answers.gevoel) ?? '') : null,
          notes: reached('rolkaart') ? (text(answers.notities) ?? '') : null,
        })
      }
      perspectiefwissel = { phase: session.phase, rows }
    }

    const consent = readConsent(await mapOf(app, consentDocName(board.id), CONSENT_MAP))
    const facilitation = await readFacilitation(app.store, board.id)
    const rugzak = facilitation.rugzak
    const taken = (entry: { action: string }) => entry.action === 'eruit'
    await app.store.appendAudit({ boardId: board.id, event: 'verslag', role: 'facilitator', name: null, at: Date.now() })
    const response: VerslagDataResponse = {
      boardTitle: board.title,
      date: today(),
      facilitators,
      participants,
      perspectiefwissel,
      consent,
      agenda: facilitation.agenda,
      rugzak:
        rugzak === null
          ? null
          : {
              carrier: rugzak.carrier,
              items: rugzak.items.map(({ byName, text }) => ({ byName, text })),
              removed: rugzak.log.filter(taken).map(({ byName, text }) => ({ byName, text })),
            },
    }
    return response
  })
}
