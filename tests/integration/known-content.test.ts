/**
 * Only known content (issue 11, finding 3 and 4): the relay stores and relays a board's records
 * and schema, sub-documents of the known kinds with their own keys, role cards of the current
 * perspectiefwissel only, and nothing beyond the size limits.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, consentDocName, CONSENT_MAP, facilitatorPrepDocName, META_MAP, RECORDS_ARRAY, roleCardDocName, ROLE_CARD_MAP } from '@samenbord/shared'
import {
  boardApi,
  connectClient,
  createBoard,
  disposeAll,
  openRawSocket,
  pageEntry,
  roundTrip,
  sendFrame,
  startServer,
  syncUpdateFrame,
  waitFor,
  waitForFinalClose,
  waitForSynced,
} from './helpers.ts'

afterEach(disposeAll)

/** The update that `change` makes on a copy of `base` (what a client on that state would send). */
function updateOn(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(doc)
  change(doc)
  return Y.encodeStateAsUpdate(doc, before)
}

const keysOf = (doc: Y.Doc) => (doc.getArray<{ key: string }>(RECORDS_ARRAY).toArray() as { key: string }[]).map((entry) => entry.key)

describe('only known content in the board document', () => {
  const junk: [string, (doc: Y.Doc) => void][] = [
    ['a made-up map', (doc) => doc.getMap('junk').set('x', 'y'.repeat(1000))],
    ['a hidden Y.Text', (doc) => doc.getText('verborgen').insert(0, 'geheim')],
    ['an extra key in meta', (doc) => doc.getMap(META_MAP).set('evil', { big: 'x'.repeat(1000) })],
    ['a nested type inside tl_records', (doc) => doc.getArray(RECORDS_ARRAY).push([new Y.Map()])],
  ]

  it('refuses every other top-level type with 4422; nothing is relayed, stored or back after a restart', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const watcher = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    await waitForSynced(watcher)

    for (const [what, change] of junk) {
      const attacker = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
      await roundTrip(attacker)
      await sendFrame(attacker, syncUpdateFrame(updateOn(watcher.doc, change)))
      const closed = await attacker.closed
      expect(closed.code, what).toBe(CloseCode.invalidRecord)
      expect(closed.reason, what).toMatch(/Onbekend|Geneste|Ongeldige/)
    }
    // An honest write after the junk: once the watcher has it, it would have had the junk too.
    const honest = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await roundTrip(honest)
    await sendFrame(honest, syncUpdateFrame(updateOn(watcher.doc, (doc) => doc.getArray(RECORDS_ARRAY).push([pageEntry('page:na-de-rommel', 'ok')]))))
    await waitFor(() => keysOf(watcher.doc).includes('page:na-de-rommel'), { message: 'honest write not relayed' })
    expect([...watcher.doc.share.keys()].sort()).toEqual([RECORDS_ARRAY])
    expect(watcher.doc.getMap(META_MAP).has('evil')).toBe(false)

    // After a restart the board holds the honest write and nothing of the junk.
    const dataDir = server.dataDir
    await server.close()
    const again = await startServer({ dataDir })
    const fresh = connectClient(again.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(fresh)
    expect(keysOf(fresh.doc)).toContain('page:na-de-rommel')
    expect([...fresh.doc.share.keys()].filter((name) => fresh.doc.share.get(name)!._start !== null || fresh.doc.share.get(name)!._map.size > 0)).toEqual([RECORDS_ARRAY])
    const stored = (await again.app.store.loadDocUpdates(board.id)).map((row) => Buffer.from(row).toString('latin1')).join('')
    expect(stored).not.toContain('geheim')
    expect(stored).not.toContain('evil')
  })
})

describe('only known sub-documents', () => {
  it('refuses made-up sub-documents before anything is stored, so they can never crowd out the real ones', async () => {
    // A low document limit: before, 99 made-up documents locked out preparation, consent and role cards for good.
    const server = await startServer({ env: { MAX_DOCS_PER_BOARD: '3' } })
    const board = await createBoard(server.httpUrl)
    for (const name of [`${board.id}.rommel.x`, `${board.id}.rommel.y`, `${board.id}.voorbereiding.anders`, `${board.id}.toestemming.extra`, `${board.id}.rolkaart.bestaatniet`]) {
      // Refused on arrival: the socket is closed before it could send a frame.
      const socket = await openRawSocket(server.wsUrl, name, board.tokens.facilitator)
      const closed = await socket.closed
      expect(closed.code, name).toBe(CloseCode.notFound)
    }
    expect(await server.app.store.listBoardDocs(board.id)).toEqual([])

    // The real sub-documents still open and keep what the facilitator writes.
    const consent = connectClient(server.wsUrl, consentDocName(board.id), board.tokens.facilitator)
    const prep = connectClient(server.wsUrl, facilitatorPrepDocName(board.id), board.tokens.facilitator)
    await Promise.all([waitForSynced(consent), waitForSynced(prep)])
    consent.doc.getMap(CONSENT_MAP).set('sharing', 'alleen het team')
    prep.doc.getMap('voorbereiding').set('casus', 'voorbereid')
    await waitFor(async () => (await server.app.store.listBoardDocs(board.id)).length === 2, { message: 'real sub-documents not stored' })
  })

  it('refuses unknown keys, other types and over-long text in a sub-document with 4422', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const attempts: [string, (doc: Y.Doc) => void][] = [
      ['an unknown key', (doc) => doc.getMap(CONSENT_MAP).set('geheim', 'x')],
      ['another root type', (doc) => doc.getText('extra').insert(0, 'x')],
      ['a nested map', (doc) => doc.getMap(CONSENT_MAP).set('sharing', new Y.Map())],
      ['an object value', (doc) => doc.getMap(CONSENT_MAP).set('sharing', { naam: 'x' })],
      ['text past its length', (doc) => doc.getMap(CONSENT_MAP).set('sharing', 'x'.repeat(1001))],
    ]
    for (const [what, change] of attempts) {
      const socket = await openRawSocket(server.wsUrl, consentDocName(board.id), board.tokens.facilitator)
      await roundTrip(socket)
      await sendFrame(socket, syncUpdateFrame(updateOn(new Y.Doc(), change)))
      const closed = await socket.closed
      expect(closed.code, what).toBe(CloseCode.invalidRecord)
    }
    // A role card answer as the client writes it is fine; ten thousand characters is the most.
    const roles = await boardApi(server, `/${board.id}/perspectiefwissel`, board.tokens.facilitator, { roles: [{ personId: 'person:moeder', label: 'Moeder' }] })
    const card = roleCardDocName(board.id, roles.json.roles[0].cardId)
    const holder = connectClient(server.wsUrl, card, board.tokens.facilitator)
    await waitForSynced(holder)
    holder.doc.getMap(ROLE_CARD_MAP).set('dilemma', 'd'.repeat(10_000))
    await waitFor(async () => (await server.app.store.listBoardDocs(board.id)).includes(card))
    holder.doc.getMap(ROLE_CARD_MAP).set('gevoel', 'g'.repeat(10_001))
    expect((await waitForFinalClose(holder)).code).toBe(CloseCode.invalidRecord)
  })
})

describe('role cards of an earlier perspectiefwissel', () => {
  it('are deleted with their answers when a new one starts: gone from storage and export, and they no longer count', async () => {
    const server = await startServer({ env: { MAX_DOCS_PER_BOARD: '3' } })
    const board = await createBoard(server.httpUrl)
    const facilitator = board.tokens.facilitator
    const first = await boardApi(server, `/${board.id}/perspectiefwissel`, facilitator, { roles: [{ personId: 'person:moeder', label: 'Moeder' }] })
    const oldCard = roleCardDocName(board.id, first.json.roles[0].cardId)
    const writer = connectClient(server.wsUrl, oldCard, facilitator)
    await waitForSynced(writer)
    writer.doc.getMap(ROLE_CARD_MAP).set('dilemma', 'OUDE-ANTWOORD-MARKER')
    await waitFor(async () => (await server.app.store.loadDocUpdates(oldCard)).length > 0, { message: 'answer not stored' })

    const second = await boardApi(server, `/${board.id}/perspectiefwissel`, facilitator, { roles: [{ personId: 'person:vader', label: 'Vader' }] })
    expect(second.status).toBe(201)
    // Closed before the start was answered.
    expect(writer.closes.map((close) => close.code)).toContain(CloseCode.roleCardGone)
    expect(await server.app.store.loadDocUpdates(oldCard)).toEqual([])
    const backup = await boardApi(server, `/${board.id}/export`, facilitator)
    expect(backup.status).toBe(200)
    expect(backup.text).not.toContain(first.json.roles[0].cardId)
    expect(Buffer.from(JSON.stringify(backup.json.documents)).toString()).not.toContain('OUDE-ANTWOORD-MARKER')

    // With MAX_DOCS_PER_BOARD 3 (the board, the new card's two documents) the new card still opens.
    const newCard = roleCardDocName(board.id, second.json.roles[0].cardId)
    const holder = connectClient(server.wsUrl, newCard, facilitator)
    await waitForSynced(holder)
    holder.doc.getMap(ROLE_CARD_MAP).set('dilemma', 'nieuw')
    await waitFor(async () => (await server.app.store.listBoardDocs(board.id)).includes(newCard))
  })
})

describe('size limits', () => {
  it('refuses the write that would make the board too large with 4413; reading and deleting still work for everyone', async () => {
    const server = await startServer({ env: { MAX_BOARD_BYTES: String(64 * 1024) } })
    const board = await createBoard(server.httpUrl)
    const watcher = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    await waitForSynced(watcher)
    const writer = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await roundTrip(writer)
    // Valid records (a page with a big meta field), 20 kB each: the fourth crosses 64 kB.
    for (let i = 1; i <= 3; i++) {
      await sendFrame(writer, syncUpdateFrame(updateOn(watcher.doc, (doc) => doc.getArray(RECORDS_ARRAY).push([pageEntry(`page:groot-${i}`, 'x'.repeat(20_000))]))))
      await waitFor(() => keysOf(watcher.doc).includes(`page:groot-${i}`), { message: `page ${i} not relayed` })
    }
    await sendFrame(writer, syncUpdateFrame(updateOn(watcher.doc, (doc) => doc.getArray(RECORDS_ARRAY).push([pageEntry('page:groot-4', 'x'.repeat(20_000))]))))
    const closed = await writer.closed
    expect(closed.code).toBe(CloseCode.quotaExceeded)
    expect(closed.reason).toMatch(/bord is vol/)

    // Everyone else keeps the board: a late reader gets it, and deleting makes room again.
    const reader = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    expect(keysOf(reader.doc)).toEqual(['page:groot-1', 'page:groot-2', 'page:groot-3'])
    watcher.doc.getArray(RECORDS_ARRAY).delete(0, 2)
    await waitFor(() => keysOf(reader.doc).length === 1, { message: 'deletion not relayed' })
    watcher.doc.getArray(RECORDS_ARRAY).push([pageEntry('page:weer-ruimte', 'x'.repeat(20_000))])
    await waitFor(() => keysOf(reader.doc).includes('page:weer-ruimte'), { message: 'write after deleting refused' })
    expect(watcher.closes).toEqual([])
  })
})
