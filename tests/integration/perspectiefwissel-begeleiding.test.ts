/**
 * Facilitation rules the server keeps and enforces: "klaar" and "uit de rol" marks that only the
 * card's holder can set, and the facilitator's lock on the board or on single frames, which the
 * relay enforces for participant links whatever their client does.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, FACILITATOR_PREP_MAP, RECORDS_ARRAY, facilitatorPrepDocName } from '@samenbord/shared'
import { newEventProps } from '@samenbord/shared/werkvormen/tijdlijn/events'
import {
  connectClient,
  createBoard,
  disposeAll,
  fetchSyncTicket,
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

const api = boardApi

async function startWithClaims(server: TestServer, board: CreatedBoard): Promise<{ cards: [string, string]; tokens: [string, string] }> {
  const started = await api(server, `/${board.id}/perspectiefwissel`, board.tokens.facilitator, {
    roles: [
      { personId: 'person:moeder', label: 'Moeder' },
      { personId: 'person:jongere', label: 'Sam (15)' },
    ],
  })
  expect(started.status).toBe(201)
  const cards = [started.json.roles[0].cardId, started.json.roles[1].cardId] as [string, string]
  const tokens: string[] = []
  for (const [cardId, holderName] of [
    [cards[0], 'Anouk'],
    [cards[1], 'Bram'],
  ]) {
    const claimed = await api(server, `/${board.id}/perspectiefwissel/claim`, board.tokens.participant, { cardId, holderName })
    expect(claimed.status).toBe(201)
    tokens.push(claimed.json.cardToken)
  }
  return { cards, tokens: tokens as [string, string] }
}

function shape(id: string, parentId: string, type: 'frame' | 'tijdlijn-kaart' = 'tijdlijn-kaart') {
  const base = { id, typeName: 'shape', type, x: 10, y: 10, rotation: 0, index: 'a1', parentId, isLocked: false, opacity: 1, meta: {} }
  if (type === 'frame') return { ...base, props: { w: 600, h: 400, name: 'Handelingsalternatieven', color: 'black' } }
  return {
    ...base,
    props: newEventProps({
      date: { kind: 'year', year: 2019 },
      category: 'beslismoment',
      tag: 'feit',
      source: { personId: null, side: 'professional', origin: 'dossier' },
      text: 'Start jeugdhulp',
      lane: 'boven',
    }),
  }
}

function put(doc: Y.Doc, record: { id: string }) {
  doc.getArray(RECORDS_ARRAY).push([{ key: record.id, val: record }])
}

/** An update that changes `record` as YKeyValue would: the old entry deleted, the new one appended. */
function replaceUpdate(base: Y.Doc, record: { id: string } & Record<string, unknown>): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(doc)
  const records = doc.getArray<{ key: string; val: unknown }>(RECORDS_ARRAY)
  doc.transact(() => {
    const index = records.toArray().findIndex((entry) => entry.key === record.id)
    if (index >= 0) records.delete(index, 1)
    records.push([{ key: record.id, val: record }])
  })
  return Y.encodeStateAsUpdate(doc, before)
}

function deleteUpdate(base: Y.Doc, key: string): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(doc)
  const records = doc.getArray<{ key: string }>(RECORDS_ARRAY)
  records.delete(records.toArray().findIndex((entry) => entry.key === key), 1)
  return Y.encodeStateAsUpdate(doc, before)
}

const keysOf = (doc: Y.Doc) => doc.getArray<{ key: string }>(RECORDS_ARRAY).toArray().map((entry) => entry.key)

describe('perspectiefwissel marks', () => {
  it('only the holder marks a card ready (with the card token); everyone sees who, it survives a restart, and stepping out comes after the reveal', async () => {
    const dataDir = makeTempDir()
    const server = await startServer({ dataDir })
    const board = await createBoard(server.httpUrl)
    const { cards, tokens } = await startWithClaims(server, board)
    const klaar = `/${board.id}/perspectiefwissel/klaar`

    // The board links, and the other holder's card token, cannot mark card A.
    for (const token of [board.tokens.participant, board.tokens.facilitator, tokens[1]]) {
      const refused = await api(server, klaar, token, { cardId: cards[0], ready: true })
      expect(refused.status).toBe(403)
      expect(refused.json.message).toMatch(/eigen rolkaart/)
    }
    expect((await api(server, klaar, tokens[0], { cardId: cards[0] })).status).toBe(400)
    expect((await api(server, klaar, tokens[0], { cardId: cards[0], ready: 'ja' })).status).toBe(400)

    const marked = await api(server, klaar, tokens[0], { cardId: cards[0], ready: true })
    expect(marked.status).toBe(200)
    const seen = await api(server, `/${board.id}/perspectiefwissel`, board.tokens.viewer)
    expect(seen.json.roles.map((r: { holderName: string; ready: boolean }) => [r.holderName, r.ready])).toEqual([
      ['Anouk', true],
      ['Bram', false],
    ])
    // Un-marking works, and marking again; after a restart the mark is still there.
    expect((await api(server, klaar, tokens[1], { cardId: cards[1], ready: true })).status).toBe(200)
    expect((await api(server, klaar, tokens[1], { cardId: cards[1], ready: false })).json.roles[1].ready).toBe(false)
    await server.close()
    const again = await startServer({ dataDir })
    const afterRestart = await api(again, `/${board.id}/perspectiefwissel`, board.tokens.participant)
    expect(afterRestart.json.roles.map((r: { ready: boolean }) => r.ready)).toEqual([true, false])

    // Stepping out of the role: not during the silent round, then only for the holder.
    const stepOut = `/${board.id}/perspectiefwissel/uit-de-rol`
    expect((await api(again, stepOut, tokens[0], { cardId: cards[0] })).status).toBe(409)
    expect((await api(again, `/${board.id}/perspectiefwissel/phase`, board.tokens.facilitator, { phase: 'houdingen' })).status).toBe(200)
    expect((await api(again, klaar, tokens[1], { cardId: cards[1], ready: true })).status).toBe(409)
    expect((await api(again, stepOut, board.tokens.participant, { cardId: cards[0] })).status).toBe(403)
    const out = await api(again, stepOut, tokens[0], { cardId: cards[0] })
    expect(out.status).toBe(200)
    expect(out.json.roles.map((r: { steppedOut: boolean }) => r.steppedOut)).toEqual([true, false])

    // A new session starts with nobody ready and everybody's old marks gone.
    const fresh = await api(again, `/${board.id}/perspectiefwissel`, board.tokens.facilitator, { roles: [{ personId: 'person:oma', label: 'Oma' }] })
    expect(fresh.status).toBe(201)
    const state = await api(again, `/${board.id}/perspectiefwissel`, board.tokens.participant)
    expect(state.json.roles).toEqual([expect.objectContaining({ label: 'Oma', ready: false, steppedOut: false })])
    expect((await api(again, klaar, tokens[0], { cardId: cards[0], ready: true })).status).toBe(404)
  })
})

describe('locking the board', () => {
  it('a locked board refuses a participant client’s writes with 4423: nothing applied, relayed or stored; reading goes on; unlock restores writing', async () => {
    const dataDir = makeTempDir()
    const server = await startServer({ dataDir })
    const board = await createBoard(server.httpUrl)
    const begeleiding = `/${board.id}/begeleiding`
    const facilitator = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    const participant = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(facilitator), waitForSynced(participant)])

    put(participant.doc, shape('shape:voor', 'page:page'))
    await waitFor(() => keysOf(facilitator.doc).includes('shape:voor'), { message: 'unlocked write not relayed' })

    // Only the facilitator locks; everyone can read the state.
    expect((await api(server, begeleiding, board.tokens.participant, { locked: true })).status).toBe(403)
    expect((await api(server, begeleiding, board.tokens.viewer, { locked: true })).status).toBe(403)
    expect((await api(server, begeleiding, board.tokens.facilitator, {})).status).toBe(400)
    expect((await api(server, begeleiding, board.tokens.facilitator, { locked: 'ja' })).status).toBe(400)
    const locked = await api(server, begeleiding, board.tokens.facilitator, { locked: true })
    expect(locked.status).toBe(200)
    expect(locked.json).toMatchObject({ locked: true, lockedFrames: [] })
    expect((await api(server, begeleiding, board.tokens.participant)).json.locked).toBe(true)

    // The participant's client did not hear of the lock yet and writes: the relay refuses it.
    put(participant.doc, shape('shape:na-het-slot', 'page:page'))
    expect(await waitForFinalClose(participant)).toEqual({ code: CloseCode.boardLocked, reason: 'bord staat op slot' })
    // A later write by another facilitator socket reaching the facilitator: had the refused one
    // been passed on, it would have come first (the relay sends to a socket in order).
    const secondFacilitator = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    await waitForSynced(secondFacilitator)
    put(secondFacilitator.doc, shape('shape:daarna', 'page:page'))
    await waitFor(() => keysOf(facilitator.doc).includes('shape:daarna'), { message: 'the later write did not reach the facilitator' })
    expect(keysOf(facilitator.doc)).not.toContain('shape:na-het-slot')
    expect(keysOf(server.app.rooms.peek(board.id)!.doc)).not.toContain('shape:na-het-slot')

    // A fresh participant socket still reads (sync and an empty step 2 are fine), until it writes.
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await roundTrip(raw)
    await sendFrame(raw, new Uint8Array([0, 1, 2, 0, 0])) // sync step 2 carrying an empty update
    await roundTrip(raw)
    const forged = new Y.Doc()
    put(forged, shape('shape:vervalst', 'page:page'))
    await sendFrame(raw, syncUpdateFrame(Y.encodeStateAsUpdate(forged)))
    expect(await raw.closed).toEqual({ code: CloseCode.boardLocked, reason: 'bord staat op slot' })

    // The facilitator keeps writing; a reader with the participant link gets it live.
    const reader = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(reader)
    put(facilitator.doc, shape('shape:begeleider', 'page:page'))
    await waitFor(() => keysOf(reader.doc).includes('shape:begeleider'), { message: 'reader missed the facilitator' })

    // The lock is stored: after a restart it still holds, and the refused writes were never stored.
    await server.close()
    const again = await startServer({ dataDir })
    const late = await openRawSocket(again.wsUrl, board.id, board.tokens.participant)
    await roundTrip(late)
    await sendFrame(late, syncUpdateFrame(Y.encodeStateAsUpdate(forged)))
    expect((await late.closed).code).toBe(CloseCode.boardLocked)
    const check = connectClient(again.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(check)
    expect(keysOf(check.doc)).toEqual(expect.arrayContaining(['shape:voor', 'shape:begeleider']))
    expect(keysOf(check.doc)).not.toContain('shape:na-het-slot')
    expect(keysOf(check.doc)).not.toContain('shape:vervalst')

    // Unlocked: the participant writes again.
    expect((await api(again, begeleiding, board.tokens.facilitator, { locked: false })).json.locked).toBe(false)
    const writer = connectClient(again.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(writer)
    put(writer.doc, shape('shape:weer-open', 'page:page'))
    await waitFor(() => keysOf(check.doc).includes('shape:weer-open'), { message: 'write after unlock not relayed' })
  })

  it('a lock set through one relay instance holds on another sharing the store within a few seconds', async () => {
    const dataDir = makeTempDir()
    const first = await startServer({ dataDir })
    const second = await startServer({ dataDir, env: { SECRET: first.config.secret } })
    const board = await createBoard(first.httpUrl)
    // The second instance has this board's locks in its copy once a participant joined there.
    const early = connectClient(second.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(early)
    expect((await api(first, `/${board.id}/begeleiding`, board.tokens.facilitator, { locked: true })).json.locked).toBe(true)
    // The second instance re-reads the locks of boards in use every 2 s.
    await waitFor(() => second.app.boardLocks.get(board.id).locked, { message: 'the second instance did not pick up the lock' })
    put(early.doc, shape('shape:via-de-ander', 'page:page'))
    expect((await waitForFinalClose(early)).code).toBe(CloseCode.boardLocked)
    expect(keysOf(second.app.rooms.peek(board.id)!.doc)).not.toContain('shape:via-de-ander')
  })

  it('a locked frame refuses changes to itself and to what is inside it, and moving shapes into it; the rest of the board stays open', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const facilitator = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    await waitForSynced(facilitator)
    put(facilitator.doc, shape('shape:frame', 'page:page', 'frame'))
    put(facilitator.doc, shape('shape:binnen', 'shape:frame'))
    put(facilitator.doc, shape('shape:buiten', 'page:page'))
    const room = () => server.app.rooms.peek(board.id)!.doc
    await waitFor(() => keysOf(room()).includes('shape:buiten'))

    expect((await api(server, `/${board.id}/begeleiding`, board.tokens.facilitator, { lockedFrames: ['geen-vorm'] })).status).toBe(400)
    const locked = await api(server, `/${board.id}/begeleiding`, board.tokens.facilitator, { lockedFrames: ['shape:frame'] })
    expect(locked.json).toMatchObject({ locked: false, lockedFrames: ['shape:frame'] })

    const attempts: [string, Uint8Array][] = [
      ['change a shape inside', replaceUpdate(room(), { ...shape('shape:binnen', 'shape:frame'), x: 300 })],
      ['move a shape into it', replaceUpdate(room(), shape('shape:buiten', 'shape:frame'))],
      ['delete the frame', deleteUpdate(room(), 'shape:frame')],
      ['delete a shape inside', deleteUpdate(room(), 'shape:binnen')],
      ['rename the frame', replaceUpdate(room(), { ...shape('shape:frame', 'page:page', 'frame'), props: { w: 600, h: 400, name: 'Weg', color: 'black' } })],
    ]
    for (const [what, update] of attempts) {
      const socket = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
      await roundTrip(socket)
      await sendFrame(socket, syncUpdateFrame(update))
      expect(await socket.closed, what).toEqual({ code: CloseCode.boardLocked, reason: 'dit frame staat op slot' })
    }
    const binnen = room()
      .getArray<{ key: string; val: { x: number; parentId: string } }>(RECORDS_ARRAY)
      .toArray()
      .filter((entry) => entry.key === 'shape:binnen' || entry.key === 'shape:buiten')
    expect(binnen.map((entry) => [entry.key, entry.val.x, entry.val.parentId])).toEqual([
      ['shape:binnen', 10, 'shape:frame'],
      ['shape:buiten', 10, 'page:page'],
    ])
    expect(keysOf(room())).toContain('shape:frame')

    // Outside the frame the participant works as usual, and the facilitator inside it.
    const participant = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(participant)
    put(participant.doc, shape('shape:elders', 'page:page'))
    await waitFor(() => keysOf(room()).includes('shape:elders'), { message: 'write outside the frame refused' })
    const moved = await openRawSocket(server.wsUrl, board.id, board.tokens.facilitator)
    await roundTrip(moved)
    await sendFrame(moved, syncUpdateFrame(replaceUpdate(room(), { ...shape('shape:binnen', 'shape:frame'), x: 500 })))
    await roundTrip(moved)
    expect(room().getArray<{ key: string; val: { x: number } }>(RECORDS_ARRAY).toArray().find((entry) => entry.key === 'shape:binnen')?.val.x).toBe(500)
    expect(participant.closes).toEqual([])
  })
})

describe('the facilitator’s preparation', () => {
  it('opens only to facilitator links: every other link is refused with 4403 before a single frame, and it is kept', async () => {
    const dataDir = makeTempDir()
    const server = await startServer({ dataDir })
    const board = await createBoard(server.httpUrl)
    const prep = facilitatorPrepDocName(board.id)
    const PRIVATE = 'Ik vermoed dat het team hetzelfde patroon herhaalt als het gezin'

    const facilitator = connectClient(server.wsUrl, prep, board.tokens.facilitator)
    await waitForSynced(facilitator)
    facilitator.doc.getMap(FACILITATOR_PREP_MAP).set('patronen', PRIVATE)
    await waitFor(() => server.app.rooms.peek(prep)?.doc.getMap(FACILITATOR_PREP_MAP).get('patronen') === PRIVATE)

    for (const token of [board.tokens.participant, board.tokens.viewer]) {
      const raw = await openRawSocket(server.wsUrl, prep, token)
      expect(await raw.closed).toEqual({ code: 4403, reason: 'alleen voor de begeleider' })
      expect(raw.received).toEqual([])
    }
    // A role-card token is no way in either: it gets no ticket for the preparation.
    const { tokens } = await startWithClaims(server, board)
    expect(await fetchSyncTicket(server.wsUrl, prep, tokens[0])).toMatchObject({ status: 403, json: { error: 'forbidden' } })

    await server.close()
    const again = await startServer({ dataDir })
    const reread = connectClient(again.wsUrl, prep, board.tokens.facilitator)
    await waitForSynced(reread)
    expect(reread.doc.getMap(FACILITATOR_PREP_MAP).get('patronen')).toBe(PRIVATE)
    const late = await openRawSocket(again.wsUrl, prep, board.tokens.participant)
    expect((await late.closed).code).toBe(4403)
    expect(late.received).toEqual([])
  })
})

describe('stiltemodus and the agenda', () => {
  it('only the facilitator sets them; every link reads them; bad agendas get a Dutch 400; they survive a restart', async () => {
    const dataDir = makeTempDir()
    const server = await startServer({ dataDir })
    const board = await createBoard(server.httpUrl)
    const url = `/${board.id}/begeleiding`
    const fresh = await api(server, url, board.tokens.viewer)
    expect(fresh.json).toEqual({ locked: false, lockedFrames: [], stiltemodus: false, agenda: { steps: [], current: null } })

    const agenda = { steps: ['Spelregels', 'Tijdlijn', 'Perspectiefwissel', 'Handelingsalternatieven'], current: 0 }
    expect((await api(server, url, board.tokens.participant, { stiltemodus: true })).status).toBe(403)
    expect((await api(server, url, board.tokens.participant, { agenda })).status).toBe(403)
    for (const [body, message] of [
      [{ agenda: { steps: ['Tijdlijn', '   '], current: null } }, /niet leeg/],
      [{ agenda: { steps: ['x'.repeat(81)], current: null } }, /hoogstens 80 tekens/],
      [{ agenda: { steps: ['Tijdlijn'], current: 1 } }, /niet op de agenda/],
      [{ agenda: { steps: Array.from({ length: 21 }, (_, i) => `Stap ${i}`), current: null } }, null],
      [{ agenda: { steps: ['Tijdlijn'] } }, null],
      [{ stiltemodus: 'aan' }, null],
    ] as const) {
      const refused = await api(server, url, board.tokens.facilitator, body)
      expect(refused.status, JSON.stringify(body).slice(0, 60)).toBe(400)
      if (message) expect(refused.json.message).toMatch(message)
    }
    const set = await api(server, url, board.tokens.facilitator, { stiltemodus: true, agenda: { ...agenda, steps: [' Spelregels\u0007', ...agenda.steps.slice(1)] } })
    expect(set.json).toMatchObject({ stiltemodus: true, agenda })
    // Changing one field leaves the others alone.
    expect((await api(server, url, board.tokens.facilitator, { locked: true })).json).toMatchObject({ locked: true, stiltemodus: true, agenda })

    await server.close()
    const again = await startServer({ dataDir })
    expect((await api(again, url, board.tokens.participant)).json).toEqual({ locked: true, lockedFrames: [], stiltemodus: true, agenda })
  })
})

describe('co-facilitator link', () => {
  it('the facilitator hands out a second facilitator link that works as one; nobody else can', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const url = `/${board.id}/links/co-facilitator`
    expect((await api(server, url, board.tokens.participant, {})).status).toBe(403)
    expect((await api(server, url, board.tokens.viewer, {})).status).toBe(403)
    expect((await api(server, url, null, {})).status).toBe(401)
    const issued = await api(server, url, board.tokens.facilitator, {})
    expect(issued.status).toBe(201)
    const coToken = new URL(issued.json.link).hash.replace('#token=', '')
    expect(coToken).not.toBe(board.tokens.facilitator)
    // It is a facilitator link: it locks the board and opens the private preparation.
    expect((await api(server, `/${board.id}/begeleiding`, coToken, { locked: true })).json.locked).toBe(true)
    const prep = connectClient(server.wsUrl, facilitatorPrepDocName(board.id), coToken)
    await waitForSynced(prep)
    const audit = await api(server, `/${board.id}/audit`, board.tokens.facilitator)
    expect(audit.json.entries.map((e: { event: string }) => e.event)).toContain('co-facilitator-link')
  })
})
