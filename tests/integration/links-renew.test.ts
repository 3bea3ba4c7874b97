/**
 * Renewing a board's links (a link reached the wrong person): every board link issued before
 * stops working, open sockets included, and the new links open the board with its content.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { roleCardDocName } from '@samenbord/shared'
import { boardApi, boardMap, connectClient, createBoard, disposeAll, startServer, waitFor, waitForFinalClose, waitForSynced } from './helpers.ts'

afterEach(disposeAll)

const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '')

describe('renewing the links of a board', () => {
  it('closes every socket of an old board link with 4401, refuses old links, and the new links open the same board', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const participant = connectClient(server.wsUrl, board.id, board.tokens.participant)
    const viewer = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await Promise.all([waitForSynced(participant), waitForSynced(viewer)])
    boardMap(participant.doc, 'm').set('kaart', 'Gesprek met de mentor')
    await waitFor(() => boardMap(viewer.doc, 'm').get('kaart') === 'Gesprek met de mentor')

    // A role card held with its personal link is not a board link: it stays open.
    const started = await boardApi(server, `/${board.id}/perspectiefwissel`, board.tokens.facilitator, { roles: [{ personId: 'person:moeder', label: 'Moeder' }] })
    const cardId = started.json.roles[0].cardId as string
    const claimed = await boardApi(server, `/${board.id}/perspectiefwissel/claim`, board.tokens.participant, { cardId, holderName: 'Anouk' })
    const holder = connectClient(server.wsUrl, roleCardDocName(board.id, cardId), claimed.json.cardToken)
    await waitForSynced(holder)

    const refused = await boardApi(server, `/${board.id}/links/renew`, board.tokens.participant, {})
    expect(refused.status).toBe(403)
    const renewed = await boardApi(server, `/${board.id}/links/renew`, board.tokens.facilitator, {})
    expect(renewed.status).toBe(201)
    const links = renewed.json.links as Record<'facilitator' | 'participant' | 'viewer', string>
    for (const role of ['facilitator', 'participant', 'viewer'] as const) expect(tokenOf(links[role])).not.toBe(board.tokens[role])

    for (const client of [participant, viewer]) {
      await waitFor(() => client.closes.some((close) => close.code === 4401), { message: 'a socket of an old link stayed open' })
    }
    expect(holder.provider.wsconnected).toBe(true)

    // Old links: refused by the API and by the relay.
    for (const role of ['facilitator', 'participant', 'viewer'] as const) {
      const old = await boardApi(server, `/${board.id}`, board.tokens[role])
      expect(old.status).toBe(401)
      expect(old.json.message).toMatch(/vervangen door een nieuwe/)
    }
    const late = connectClient(server.wsUrl, board.id, board.tokens.participant)
    expect(await waitForFinalClose(late)).toEqual({ code: 4401, reason: 'link vervangen door een nieuwe' })

    // New links: the same board, content and all; the facilitator's works for facilitator routes.
    const again = connectClient(server.wsUrl, board.id, tokenOf(links.participant))
    await waitForSynced(again)
    expect(boardMap(again.doc, 'm').get('kaart')).toBe('Gesprek met de mentor')
    expect((await boardApi(server, `/${board.id}/audit`, tokenOf(links.facilitator))).json.entries.map((e: { event: string }) => e.event)).toContain('links-renewed')
  })
})
