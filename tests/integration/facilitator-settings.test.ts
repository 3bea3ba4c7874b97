/**
 * Settings that belong to the facilitator (issue 11, finding 6), enforced by the relay: the dot
 * budget and the genogram view for everyone (the tldraw document record's meta), and loading the
 * example family (only the facilitator, only on a board without shapes). A refused write closes
 * that socket with 4403 and a Dutch reason; nothing of it is applied, relayed or stored.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, RECORDS_ARRAY, demoCase } from '@samenbord/shared'
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
  type Client,
  type CreatedBoard,
  type TestServer,
} from './helpers.ts'

afterEach(disposeAll)

type Rec = { id: string; typeName: string; [field: string]: unknown }
type Entry = { key: string; val: Rec }

const page: Rec = { id: 'page:page', typeName: 'page', name: 'Bord', index: 'a1', meta: {} }
const documentRecord = (meta: Record<string, unknown>, gridSize = 10): Rec => ({ id: 'document:document', typeName: 'document', gridSize, name: '', meta })
const timeline = (id: string, x = 0): Rec => ({
  id,
  typeName: 'shape',
  type: 'tijdlijn',
  x,
  y: 0,
  rotation: 0,
  index: 'a2',
  parentId: 'page:page',
  isLocked: false,
  opacity: 1,
  meta: {},
  props: demoCase().timeline,
})
/** What the client's "Voorbeeld: fictief gezin laden" writes first: the family's people and its tijdlijn (fixed ids). */
const demoRecords = (): Rec[] => [...demoCase().persons.map((p) => ({ ...p, id: `person:${p.id}`, typeName: 'person' })), timeline('shape:demo-tijdlijn')]

/** The update a client that holds `base` sends when it sets `records` the way y-utility's YKeyValue does. */
function setRecords(base: Y.Doc, records: Rec[]): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(doc)
  const array = doc.getArray<Entry>(RECORDS_ARRAY)
  doc.transact(() => {
    for (const record of records) {
      const old = array.toArray().findIndex((entry) => entry.key === record.id)
      if (old >= 0) array.delete(old, 1)
      array.push([{ key: record.id, val: record }])
    }
  })
  return Y.encodeStateAsUpdate(doc, before)
}

const recordIn = (doc: Y.Doc, id: string): Rec | undefined => doc.getArray<Entry>(RECORDS_ARRAY).toArray().findLast((entry) => entry.key === id)?.val

/** Every document-record meta a client was ever shown. */
function metasSeen(client: Client): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = []
  client.doc.getArray<Entry>(RECORDS_ARRAY).observe((event) => {
    for (const item of event.changes.added) for (const entry of item.content.getContent() as Entry[]) if (entry.key === 'document:document') seen.push(entry.val.meta as Record<string, unknown>)
  })
  return seen
}

interface Stage {
  server: TestServer
  board: CreatedBoard
  /** Stock clients of both roles, watching. */
  watchers: Client[]
}

/** A board whose first page and document record the facilitator wrote, with two people watching. */
async function stage(meta: Record<string, unknown> = {}, more: Rec[] = []): Promise<Stage> {
  const server = await startServer()
  const board = await createBoard(server.httpUrl)
  const watchers = [connectClient(server.wsUrl, board.id, board.tokens.participant), connectClient(server.wsUrl, board.id, board.tokens.facilitator)]
  await Promise.all(watchers.map((watcher) => waitForSynced(watcher)))
  await write({ server, board, watchers }, 'facilitator', [page, documentRecord(meta), ...more])
  return { server, board, watchers }
}

/** A raw socket of `role` writes `records` on top of what the watchers hold; resolves once every watcher has them. */
async function write(s: Stage, role: 'facilitator' | 'participant', records: Rec[]): Promise<void> {
  const socket = await openRawSocket(s.server.wsUrl, s.board.id, s.board.tokens[role])
  await roundTrip(socket)
  await sendFrame(socket, syncUpdateFrame(setRecords(s.watchers[0].doc, records)))
  await waitFor(() => s.watchers.every((w) => records.every((r) => JSON.stringify(recordIn(w.doc, r.id)) === JSON.stringify(r))), { message: `${role}'s write not applied` })
  socket.ws.close()
}

/** A raw socket of `role` writes `records`; resolves with how the relay closed it. */
async function refusedWrite(s: Stage, role: 'facilitator' | 'participant', records: Rec[]): Promise<{ code: number; reason: string }> {
  const socket = await openRawSocket(s.server.wsUrl, s.board.id, s.board.tokens[role])
  await roundTrip(socket)
  await sendFrame(socket, syncUpdateFrame(setRecords(s.watchers[0].doc, records)))
  return socket.closed
}

describe('settings only the facilitator may change', () => {
  it('a participant’s change of the vote budget or the genogram view is refused with 4403 and seen by nobody; the facilitator’s is applied', async () => {
    const s = await stage({ voteBudget: 3 })
    const seen = s.watchers.map(metasSeen)

    expect(await refusedWrite(s, 'participant', [documentRecord({ voteBudget: 10 })])).toEqual({
      code: CloseCode.forbidden,
      reason: 'alleen de begeleider mag het stembudget wijzigen',
    })
    expect(await refusedWrite(s, 'participant', [documentRecord({ voteBudget: 3, genogramView: 'gezin' })])).toEqual({
      code: CloseCode.forbidden,
      reason: 'alleen de begeleider mag de weergave van het geno-sociogram voor iedereen kiezen',
    })
    // A participant's write that leaves the settings alone goes through (the grid, a schema upgrade).
    await write(s, 'participant', [documentRecord({ voteBudget: 3 }, 20)])

    await write(s, 'facilitator', [documentRecord({ voteBudget: 5, genogramView: 'krachtenveld' })])
    // Each watcher saw the participant's grid write and the facilitator's settings, nothing else.
    for (const metas of seen) expect(metas).toEqual([{ voteBudget: 3 }, { voteBudget: 5, genogramView: 'krachtenveld' }])
    const room = s.server.app.rooms.peek(s.board.id)!
    expect(recordIn(room.doc, 'document:document')).toEqual(documentRecord({ voteBudget: 5, genogramView: 'krachtenveld' }))

    // Nothing of the refused writes was stored: a restart holds the facilitator's settings.
    await s.server.close()
    const restarted = await startServer({ dataDir: s.server.dataDir })
    const reader = connectClient(restarted.wsUrl, s.board.id, s.board.tokens.viewer)
    await waitForSynced(reader)
    expect((recordIn(reader.doc, 'document:document')!.meta as Record<string, unknown>)).toEqual({ voteBudget: 5, genogramView: 'krachtenveld' })
  })

  it('loading the example family: refused for a participant and on a board with shapes; the facilitator loads it into an empty board', async () => {
    const empty = await stage()
    expect(await refusedWrite(empty, 'participant', demoRecords())).toEqual({ code: CloseCode.forbidden, reason: 'alleen de begeleider mag het voorbeeldgezin laden' })
    const drawnOn = await stage({}, [timeline('shape:eigen-tijdlijn')])
    expect(await refusedWrite(drawnOn, 'facilitator', demoRecords())).toEqual({
      code: CloseCode.forbidden,
      reason: 'het voorbeeldgezin kan alleen op een leeg bord worden geladen',
    })
    for (const s of [empty, drawnOn]) {
      // The facilitator's next write arrives; the refused records never did.
      await write(s, 'facilitator', [documentRecord({ voteBudget: 2 })])
      for (const doc of [...s.watchers.map((w) => w.doc), s.server.app.rooms.peek(s.board.id)!.doc]) {
        expect(recordIn(doc, 'shape:demo-tijdlijn')).toBeUndefined()
        expect(recordIn(doc, 'person:p-lotte')).toBeUndefined()
      }
    }

    await write(empty, 'facilitator', demoRecords())
    // From then on it is ordinary board content: a participant moves the tijdlijn.
    await write(empty, 'participant', [timeline('shape:demo-tijdlijn', 400)])
  })
})
