import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, RECORDS_ARRAY } from '@samenbord/shared'
import { newEventProps } from '@samenbord/shared/werkvormen/tijdlijn/events'
import {
  connectClient,
  createBoard,
  disposeAll,
  openRawSocket,
  roundTrip,
  sendFrame,
  startServer,
  syncUpdateFrame,
  waitFor,
  waitForSynced,
} from './helpers.ts'

afterEach(disposeAll)

/** A tijdlijn card as the client writes it into the board document (YKeyValue entry). */
function card(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    typeName: 'shape',
    type: 'tijdlijn-kaart',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      ...newEventProps({
        date: { kind: 'year', year: 2019 },
        category: 'beslismoment',
        tag: 'feit',
        source: { personId: null, side: 'professional', origin: 'dossier' },
        text: 'Start jeugdhulp',
        lane: 'boven',
      }),
      ...overrides,
    },
  }
}

/** An update that appends one record entry to the records array, built on the given state. */
function recordUpdate(base: Y.Doc, record: { id: string }): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(doc)
  doc.getArray(RECORDS_ARRAY).push([{ key: record.id, val: record }])
  return Y.encodeStateAsUpdate(doc, before)
}

describe('the relay checks board records against the schema', () => {
  it('stores a valid tijdlijn card, and refuses a forged one with 4422 naming the field, without passing it on', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const watcher = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(watcher)

    const writer = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await roundTrip(writer)
    await sendFrame(writer, syncUpdateFrame(recordUpdate(watcher.doc, card('shape:goed'))))
    const records = watcher.doc.getArray<{ key: string }>(RECORDS_ARRAY)
    await waitFor(() => records.toArray().some((e) => e.key === 'shape:goed'), { message: 'valid card not relayed' })

    const forger = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await roundTrip(forger)
    await sendFrame(forger, syncUpdateFrame(recordUpdate(watcher.doc, card('shape:fout', { category: 'onzin' }))))
    const closed = await forger.closed
    expect(closed.code).toBe(CloseCode.invalidRecord)
    expect(closed.reason).toMatch(/tijdlijn-kaart/)
    expect(closed.reason).toMatch(/[Ss]oort/)
    // A later valid card reaching the watcher: the forged one, had it been passed on, would have come first.
    await sendFrame(writer, syncUpdateFrame(recordUpdate(watcher.doc, card('shape:daarna'))))
    await waitFor(() => records.toArray().some((e) => e.key === 'shape:daarna'), { message: 'later valid card not relayed' })
    expect(records.toArray().some((e) => e.key === 'shape:fout')).toBe(false)

    // Nothing of it was stored either: a fresh client after a restart sees only the valid card.
    await server.close()
    const again = await startServer({ dataDir: server.dataDir })
    const late = connectClient(again.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(late)
    const keys = late.doc.getArray<{ key: string }>(RECORDS_ARRAY).toArray().map((e) => e.key)
    expect(keys).toContain('shape:goed')
    expect(keys).not.toContain('shape:fout')
  })

  it('refuses record types that do not belong in a board and persons with impossible fields', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const cases: { record: { id: string } & Record<string, unknown>; reason: RegExp }[] = [
      { record: { id: 'virus:1', typeName: 'virus' }, reason: /virus/ },
      { record: { id: 'camera:x', typeName: 'camera', x: 0, y: 0, z: 1, meta: {} }, reason: /camera/ },
      {
        record: { id: 'person:p1', typeName: 'person', name: 'Mila', relation: '', gender: 'vrouw', birthYear: 'abc', deceased: false, deathYear: null, kind: 'gezin', organisation: '' },
        reason: /[Gg]eboortejaar/,
      },
    ]
    for (const { record, reason } of cases) {
      const socket = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
      await roundTrip(socket)
      await sendFrame(socket, syncUpdateFrame(recordUpdate(new Y.Doc(), record)))
      const closed = await socket.closed
      expect(closed.code).toBe(CloseCode.invalidRecord)
      expect(closed.reason).toMatch(reason)
    }
  })
})
