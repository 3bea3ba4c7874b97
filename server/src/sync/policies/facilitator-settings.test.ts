import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { RECORDS_ARRAY, type Role } from '@samenbord/shared'
import type { DecodedUpdate } from '../messages.ts'
import {
  checkFacilitatorSettings,
  DEMO_BY_OTHERS_REASON,
  DEMO_NOT_EMPTY_REASON,
  demoRecordIds,
  DOCUMENT_RECORD_ID,
  FACILITATOR_SETTINGS,
  isBoardDocument,
} from './facilitator-settings.ts'

type Rec = { id: string; [field: string]: unknown }
type Entry = { key: string; val: Rec }

// What y-utility's YKeyValue does on `set`: push `{ key, val }` and delete the entry it replaces.
function setRecord(doc: Y.Doc, record: Rec): void {
  const array = doc.getArray<Entry>(RECORDS_ARRAY)
  doc.transact(() => {
    const old = array.toArray().findIndex((entry) => entry.key === record.id)
    if (old >= 0) array.delete(old, 1)
    array.push([{ key: record.id, val: record }])
  })
}

function deleteRecord(doc: Y.Doc, id: string): void {
  const array = doc.getArray<Entry>(RECORDS_ARRAY)
  array.delete(array.toArray().findIndex((entry) => entry.key === id), 1)
}

const documentRecord = (meta: Record<string, unknown> = {}, gridSize = 10): Rec => ({ id: DOCUMENT_RECORD_ID, typeName: 'document', gridSize, name: '', meta })
const page: Rec = { id: 'page:page', typeName: 'page', name: 'Bord', index: 'a1', meta: {} }
const shape = (id: string): Rec => ({ id, typeName: 'shape', type: 'geo', parentId: 'page:page', props: {} })

/** The room's document holding `records`. */
function roomWith(...records: Rec[]): Y.Doc {
  const doc = new Y.Doc()
  doc.transact(() => records.forEach((record) => setRecord(doc, record)))
  return doc
}

/** A client that synced `room`, makes `change`; returns the decoded update it would send. */
function clientUpdate(room: Y.Doc, change: (client: Y.Doc) => void): DecodedUpdate {
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
  const before = Y.encodeStateVector(client)
  change(client)
  return Y.decodeUpdate(Y.encodeStateAsUpdate(client, before)) as DecodedUpdate
}

const check = (room: Y.Doc, role: Role, change: (client: Y.Doc) => void) => checkFacilitatorSettings(clientUpdate(room, change), room, role)

describe('checkFacilitatorSettings: the document record’s settings', () => {
  it('refuses a participant’s change of the vote budget or the genogram view, and lets the facilitator make it', () => {
    const room = roomWith(page, documentRecord({ voteBudget: 3 }))
    expect(check(room, 'participant', (c) => setRecord(c, documentRecord({ voteBudget: 10 })))).toEqual({ ok: false, reason: FACILITATOR_SETTINGS.voteBudget })
    expect(check(room, 'participant', (c) => setRecord(c, documentRecord({ voteBudget: 3, genogramView: 'gezin' })))).toEqual({
      ok: false,
      reason: FACILITATOR_SETTINGS.genogramView,
    })
    // Removing the setting is a change too (back to the default for everyone).
    expect(check(room, 'participant', (c) => setRecord(c, documentRecord({})))).toEqual({ ok: false, reason: FACILITATOR_SETTINGS.voteBudget })
    expect(check(room, 'facilitator', (c) => setRecord(c, documentRecord({ voteBudget: 10, genogramView: 'krachtenveld' })))).toEqual({ ok: true })
    expect(FACILITATOR_SETTINGS.voteBudget).toBe('alleen de begeleider mag het stembudget wijzigen')
    for (const reason of Object.values(FACILITATOR_SETTINGS)) expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123)
  })

  it('lets a participant write the document record when the settings stay as they are (grid, migration, a fresh board)', () => {
    const room = roomWith(page, documentRecord({ voteBudget: 5, genogramView: 'gezin', other: 1 }))
    expect(check(room, 'participant', (c) => setRecord(c, documentRecord({ voteBudget: 5, genogramView: 'gezin', other: 2 }, 20)))).toEqual({ ok: true })
    // The first client on a fresh board seeds the document record without settings.
    expect(check(new Y.Doc(), 'participant', (c) => [page, documentRecord()].forEach((r) => setRecord(c, r)))).toEqual({ ok: true })
    expect(check(new Y.Doc(), 'participant', (c) => setRecord(c, documentRecord({ voteBudget: 9 })))).toEqual({ ok: false, reason: FACILITATOR_SETTINGS.voteBudget })
    // Everything else a participant does is none of this check's business.
    expect(check(room, 'participant', (c) => setRecord(c, shape('shape:a')))).toEqual({ ok: true })
    expect(check(room, 'viewer', (c) => setRecord(c, documentRecord({ voteBudget: 6 })))).toMatchObject({ ok: false })
  })

  it('refuses a participant removing the document record while a setting is set; a duplicate that is not current may go', () => {
    const withBudget = roomWith(page, documentRecord({ voteBudget: 4 }))
    expect(check(withBudget, 'participant', (c) => deleteRecord(c, DOCUMENT_RECORD_ID))).toEqual({ ok: false, reason: FACILITATOR_SETTINGS.voteBudget })
    expect(check(withBudget, 'facilitator', (c) => deleteRecord(c, DOCUMENT_RECORD_ID))).toEqual({ ok: true })
    expect(check(roomWith(page, documentRecord()), 'participant', (c) => deleteRecord(c, DOCUMENT_RECORD_ID))).toEqual({ ok: true })

    // Two clients wrote the record at once: the room holds two entries, the rightmost counts.
    const room = roomWith(page)
    const a = new Y.Doc()
    const b = new Y.Doc()
    for (const client of [a, b]) Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
    setRecord(a, documentRecord({ voteBudget: 4 }))
    setRecord(b, documentRecord({ voteBudget: 4 }))
    Y.applyUpdate(room, Y.encodeStateAsUpdate(a))
    Y.applyUpdate(room, Y.encodeStateAsUpdate(b))
    const entries = room.getArray<Entry>(RECORDS_ARRAY).toArray()
    const indexes = entries.flatMap((entry, index) => (entry.key === DOCUMENT_RECORD_ID ? [index] : []))
    expect(indexes.length).toBe(2)
    // YKeyValue's clean-up on a participant's screen deletes the left one: allowed. Deleting the current one is not.
    expect(check(room, 'participant', (c) => c.getArray(RECORDS_ARRAY).delete(indexes[0], 1))).toEqual({ ok: true })
    expect(check(room, 'participant', (c) => c.getArray(RECORDS_ARRAY).delete(indexes[1], 1))).toEqual({ ok: false, reason: FACILITATOR_SETTINGS.voteBudget })
  })
})

describe('checkFacilitatorSettings: the example family', () => {
  const demo = [...demoRecordIds()]
  const load = (client: Y.Doc) => client.transact(() => demo.forEach((id) => setRecord(client, id.startsWith('shape:') ? shape(id) : { id })))

  it('knows the fixed ids the client loads the example with', () => {
    expect(demo).toEqual(expect.arrayContaining(['shape:demo-tijdlijn', 'shape:demo-legenda', 'person:p-lotte', 'shape:sym-lotte', 'stem:demo-deelnemer-1', 'shape:c-onzekerheid-n1']))
    expect(demo.length).toBeGreaterThan(60)
  })

  it('is the facilitator’s to load, and only on a board without shapes', () => {
    const empty = roomWith(page, documentRecord())
    expect(check(empty, 'participant', load)).toEqual({ ok: false, reason: DEMO_BY_OTHERS_REASON })
    expect(check(empty, 'participant', (c) => setRecord(c, { id: 'person:p-lotte' }))).toEqual({ ok: false, reason: DEMO_BY_OTHERS_REASON })
    expect(check(empty, 'facilitator', load)).toEqual({ ok: true })
    const drawnOn = roomWith(page, documentRecord(), shape('shape:tekening'))
    expect(check(drawnOn, 'facilitator', load)).toEqual({ ok: false, reason: DEMO_NOT_EMPTY_REASON })
    // People in the registry are not shapes: the board still counts as empty.
    expect(check(roomWith(page, { id: 'person:eigen' }), 'facilitator', load)).toEqual({ ok: true })
    for (const reason of [DEMO_BY_OTHERS_REASON, DEMO_NOT_EMPTY_REASON]) expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123)
  })

  it('once on the board it is ordinary content: anyone edits it, deletes it and undoes a deletion', () => {
    const room = roomWith(page, documentRecord())
    Y.applyUpdate(room, Y.encodeStateAsUpdate(clientDocOf(room, load), Y.encodeStateVector(room)))
    expect(check(room, 'participant', (c) => setRecord(c, { ...shape('shape:demo-tijdlijn'), x: 500 }))).toEqual({ ok: true })
    expect(check(room, 'participant', (c) => deleteRecord(c, 'shape:e-scheiding'))).toEqual({ ok: true })
    const withoutCard = roomWith(...room.getArray<Entry>(RECORDS_ARRAY).toArray().filter((e) => e.key !== 'shape:e-scheiding').map((e) => e.val))
    expect(check(withoutCard, 'participant', (c) => setRecord(c, shape('shape:e-scheiding')))).toEqual({ ok: true })
  })
})

function clientDocOf(room: Y.Doc, change: (client: Y.Doc) => void): Y.Doc {
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
  change(client)
  return client
}

describe('isBoardDocument', () => {
  it('is the board’s own document, not a sub-document', () => {
    expect(isBoardDocument('abcdefghij12')).toBe(true)
    expect(isBoardDocument('abcdefghij12.rolkaart.k1')).toBe(false)
    expect(isBoardDocument('kort')).toBe(false)
  })
})
