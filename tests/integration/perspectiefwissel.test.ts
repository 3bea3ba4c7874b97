/**
 * Perspectiefwissel role cards: the server alone decides who reads and writes a card
 * (`${board}.rolkaart.${cardId}`), whatever the client does.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { roleCardDocName, rolePostureDocName } from '@samenbord/shared'
import {
  barrier,
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  openRawSocket,
  roundTrip,
  sendFrame,
  startServer,
  syncUpdateFrame,
  waitFor,
  waitForFinalClose,
  waitForSynced,
  type CreatedBoard,
  type TestServer,
  boardApi,
} from './helpers.ts'

afterEach(disposeAll)

const SECRET = 'Ik ben bang dat ze mij de kinderen afpakken'

const api = boardApi

const ROLES = [
  { personId: 'person:moeder', label: 'Moeder' },
  { personId: 'person:jongere', label: 'Sam (15)' },
]

/** Starts a session of two roles; returns the card ids. */
async function start(server: TestServer, board: CreatedBoard): Promise<[string, string]> {
  const started = await api(server, `/${board.id}/perspectiefwissel`, board.tokens.facilitator, { roles: ROLES })
  expect(started.status).toBe(201)
  expect(started.json.phase).toBe('stilte')
  expect(started.json.roles.map((r: { personId: string; label: string }) => [r.personId, r.label])).toEqual(ROLES.map((r) => [r.personId, r.label]))
  return [started.json.roles[0].cardId, started.json.roles[1].cardId]
}

async function claim(server: TestServer, board: CreatedBoard, cardId: string, holderName: string): Promise<string> {
  const claimed = await api(server, `/${board.id}/perspectiefwissel/claim`, board.tokens.participant, { cardId, holderName })
  expect(claimed.status).toBe(201)
  expect(claimed.json.cardId).toBe(cardId)
  return claimed.json.cardToken as string
}

function containsText(frames: Uint8Array[], text: string): boolean {
  const needle = Buffer.from(text, 'utf8')
  return frames.some((frame) => Buffer.from(frame).includes(needle))
}

describe('perspectiefwissel role cards', () => {
  it('only the holder writes a card; before the reveal it is never sent to other links', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const [cardA, cardB] = await start(server, board)
    const tokenA = await claim(server, board, cardA, 'Anouk')
    const tokenB = await claim(server, board, cardB, 'Bram')
    const docA = roleCardDocName(board.id, cardA)

    const owner = connectClient(server.wsUrl, docA, tokenA)
    await waitForSynced(owner)
    owner.doc.getMap('kaart').set('dilemma', SECRET)
    await waitFor(() => server.app.rooms.peek(docA)?.doc.getMap('kaart').get('dilemma') === SECRET)

    // Card B's holder on card A, and card A's token on the board itself: 4403.
    const other = connectClient(server.wsUrl, docA, tokenB)
    expect(await waitForFinalClose(other)).toMatchObject({ code: 4403 })
    expect(other.doc.getMap('kaart').size).toBe(0)
    const onBoard = connectClient(server.wsUrl, board.id, tokenA)
    expect(await waitForFinalClose(onBoard)).toMatchObject({ code: 4403 })

    // Plain participant and viewer links during `stilte`: refused, not a single frame received.
    for (const token of [board.tokens.participant, board.tokens.viewer]) {
      const raw = await openRawSocket(server.wsUrl, docA, token)
      expect(await raw.closed).toEqual({ code: 4403, reason: 'rolkaart nog verborgen' })
      expect(containsText(raw.received, SECRET)).toBe(false)
      expect(raw.received).toEqual([])
    }

    // The facilitator reads (and may write) every card.
    const facilitator = connectClient(server.wsUrl, docA, board.tokens.facilitator)
    await waitForSynced(facilitator)
    expect(facilitator.doc.getMap('kaart').get('dilemma')).toBe(SECRET)
    facilitator.doc.getMap('kaart').set('notities', 'van de begeleider')
    await waitFor(() => owner.doc.getMap('kaart').get('notities') === 'van de begeleider')

    // The session state shows who holds a card, never what is on it.
    const state = await api(server, `/${board.id}/perspectiefwissel`, board.tokens.viewer)
    expect(state.status).toBe(200)
    expect(state.json.roles.map((r: { claimed: boolean; holderName: string }) => [r.claimed, r.holderName])).toEqual([
      [true, 'Anouk'],
      [true, 'Bram'],
    ])
    expect(JSON.stringify(state.json)).not.toContain(SECRET)
  })

  it('after the reveal a participant link reads first the posture, then the answers, but its writes are dropped, live and in storage', async () => {
    const dataDir = makeTempDir()
    const server = await startServer({ dataDir })
    const board = await createBoard(server.httpUrl)
    const [cardA] = await start(server, board)
    const tokenA = await claim(server, board, cardA, 'Anouk')
    const docA = roleCardDocName(board.id, cardA)
    const owner = connectClient(server.wsUrl, docA, tokenA)
    await waitForSynced(owner)
    owner.doc.getMap('kaart').set('dilemma', SECRET)
    owner.doc.getMap('kaart').set('houding', 'ineengedoken')
    await waitFor(() => server.app.rooms.peek(docA)?.doc.getMap('kaart').get('houding') === 'ineengedoken')

    const postureA = rolePostureDocName(board.id, cardA)
    const ownerPosture = connectClient(server.wsUrl, postureA, tokenA)
    await waitForSynced(ownerPosture)
    ownerPosture.doc.getMap('kaart').set('houding', 'ineengedoken')
    await waitFor(() => server.app.rooms.peek(postureA)?.doc.getMap('kaart').get('houding') === 'ineengedoken')

    const moved = await api(server, `/${board.id}/perspectiefwissel/phase`, board.tokens.facilitator, { phase: 'houdingen' })
    expect(moved.status).toBe(200)
    expect(moved.json.phase).toBe('houdingen')

    // Postures first: the participant link now reads the posture, but the answers stay closed, sending nothing.
    const postureReader = connectClient(server.wsUrl, postureA, board.tokens.participant)
    await waitForSynced(postureReader)
    expect(postureReader.doc.getMap('kaart').get('houding')).toBe('ineengedoken')
    const early = await openRawSocket(server.wsUrl, docA, board.tokens.participant)
    expect(await early.closed).toEqual({ code: 4403, reason: 'rolkaart nog verborgen' })
    expect(early.received).toEqual([])

    const answers = await api(server, `/${board.id}/perspectiefwissel/phase`, board.tokens.facilitator, { phase: 'antwoorden' })
    expect(answers.status).toBe(200)

    // The stock client with the participant link reads the card...
    const reader = connectClient(server.wsUrl, docA, board.tokens.participant)
    await waitForSynced(reader)
    expect(reader.doc.getMap('kaart').get('dilemma')).toBe(SECRET)
    // ...and what it writes is dropped; so is a hand-made update on a raw socket.
    reader.doc.getMap('kaart').set('dilemma', 'overschreven door een ander')
    const raw = await openRawSocket(server.wsUrl, docA, board.tokens.participant)
    const forged = new Y.Doc()
    forged.getMap('kaart').set('gevoel', 'vervalst')
    await sendFrame(raw, syncUpdateFrame(Y.encodeStateAsUpdate(forged)))
    await roundTrip(raw)
    // The owner keeps writing after the reveal; the reader gets it live.
    owner.doc.getMap('kaart').set('gevoel', 'machteloos')
    await waitFor(() => reader.doc.getMap('kaart').get('gevoel') === 'machteloos', { message: 'reader missed a live edit' })
    // Everything the reader sent is handled, and whatever the relay passed on from it reached the owner.
    await barrier(reader, [owner], server)
    await roundTrip(raw)
    const expected = { dilemma: SECRET, houding: 'ineengedoken', gevoel: 'machteloos' }
    expect(owner.doc.getMap('kaart').toJSON()).toEqual(expected)
    expect(server.app.rooms.peek(docA)!.doc.getMap('kaart').toJSON()).toEqual(expected)
    expect(containsText(raw.received, 'overschreven')).toBe(false)

    await server.close()
    const restarted = await startServer({ dataDir })
    const again = connectClient(restarted.wsUrl, docA, board.tokens.participant)
    await waitForSynced(again)
    expect(again.doc.getMap('kaart').toJSON()).toEqual(expected)
  })

  it('enforces the claim and phase rules over HTTP; a new session closes the old cards', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const base = `/${board.id}/perspectiefwissel`

    expect((await api(server, base, board.tokens.participant, { roles: ROLES })).status).toBe(403)
    expect((await api(server, base, board.tokens.facilitator)).status).toBe(404) // no session yet
    for (const body of [
      { roles: [] },
      { roles: Array.from({ length: 21 }, (_, i) => ({ personId: `p${i}`, label: `Rol ${i}` })) },
      { roles: [{ personId: 'p1' }] },
      { roles: [{ personId: 'p1', label: '   ' }] },
      { roles: [ROLES[0], ROLES[0]] },
      {},
    ]) {
      expect((await api(server, base, board.tokens.facilitator, body)).status, JSON.stringify(body).slice(0, 80)).toBe(400)
    }
    const [cardA, cardB] = await start(server, board)

    const claimUrl = `${base}/claim`
    for (const body of [{ cardId: cardA }, { cardId: 'a.b', holderName: 'X' }, { cardId: cardA, holderName: '' }, { cardId: cardA, holderName: 'X', selfPersonId: 7 }]) {
      expect((await api(server, claimUrl, board.tokens.participant, body)).status, JSON.stringify(body)).toBe(400)
    }
    expect((await api(server, claimUrl, board.tokens.viewer, { cardId: cardA, holderName: 'Kijker' })).status).toBe(403)
    expect((await api(server, claimUrl, board.tokens.participant, { cardId: 'onbekend', holderName: 'X' })).status).toBe(404)
    const self = await api(server, claimUrl, board.tokens.participant, { cardId: cardB, holderName: 'Sam', selfPersonId: 'person:jongere' })
    expect(self.status).toBe(422)
    expect(self.json.message).toMatch(/je kunt jezelf niet spelen/i)
    const tokenA = await claim(server, board, cardA, 'Anouk')
    const twice = await api(server, claimUrl, board.tokens.facilitator, { cardId: cardA, holderName: 'Nog iemand', selfPersonId: null })
    expect(twice.status).toBe(409)
    expect(twice.json.message).toMatch(/al gekozen/)
    // One role per person: the same name cannot take a second card through the shared link.
    const second = await api(server, claimUrl, board.tokens.participant, { cardId: cardB, holderName: ' anouk ' })
    expect(second.status).toBe(409)
    expect(second.json.message).toBe('Je speelt al de rol van Moeder. Iedereen kiest één rol.')
    // A card token is for its card's socket, not for the API.
    expect((await api(server, base, tokenA)).status).toBe(403)

    const phaseUrl = `${base}/phase`
    expect((await api(server, phaseUrl, board.tokens.participant, { phase: 'houdingen' })).status).toBe(403)
    expect((await api(server, phaseUrl, board.tokens.facilitator, { phase: 'later' })).status).toBe(400)
    expect((await api(server, phaseUrl, board.tokens.facilitator, { phase: 'stilte' })).status).toBe(409)
    expect((await api(server, phaseUrl, board.tokens.facilitator, { phase: 'antwoorden' })).status).toBe(200)
    expect((await api(server, phaseUrl, board.tokens.facilitator, { phase: 'houdingen' })).status).toBe(409)
    expect((await api(server, claimUrl, board.tokens.participant, { cardId: cardB, holderName: 'Laat' })).status).toBe(409)

    // A new session replaces the old one: its card sockets close with 4404, its tokens open nothing.
    const owner = connectClient(server.wsUrl, roleCardDocName(board.id, cardA), tokenA)
    await waitForSynced(owner)
    // Closed before the new session is answered: listen first.
    const ownerClosed = waitForFinalClose(owner)
    const [newA] = await start(server, board)
    expect(await ownerClosed).toMatchObject({ code: 4404 })
    const stale = connectClient(server.wsUrl, roleCardDocName(board.id, cardA), tokenA)
    expect(await waitForFinalClose(stale)).toMatchObject({ code: 4404 })
    const fresh = await api(server, base, board.tokens.participant)
    expect(fresh.json).toMatchObject({ phase: 'stilte', roles: [{ cardId: newA, claimed: false, holderName: null }, { claimed: false }] })

    const audit = await api(server, `/${board.id}/audit`, board.tokens.facilitator)
    expect(audit.json.entries.map((e: { event: string }) => e.event)).toEqual(
      expect.arrayContaining(['perspectiefwissel-start', 'perspectiefwissel-claim', 'perspectiefwissel-phase']),
    )
  })
})
