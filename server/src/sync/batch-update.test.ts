import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { encodeBatchFromDoc, type DeleteRanges } from './batch-update.ts'

/** A server document that takes updates from several clients and cuts them into batches, as the relay does. */
function relayLike() {
  const doc = new Y.Doc()
  let vectorBefore = Y.encodeStateVector(doc)
  let updates: Uint8Array[] = []
  let deleted: DeleteRanges[] = []
  doc.on('update', (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    updates.push(update)
    deleted.push(transaction.deleteSet)
  })
  const rows: Uint8Array[] = []
  return {
    doc,
    rows,
    /** The batch's row, and what merging its updates would have stored. */
    cut(): { row: Uint8Array | null; merged: Uint8Array | null } {
      if (updates.length === 0) return { row: null, merged: null }
      const row = encodeBatchFromDoc(doc, vectorBefore, deleted)
      const merged = Y.mergeUpdates(updates)
      rows.push(row ?? merged)
      vectorBefore = Y.encodeStateVector(doc)
      updates = []
      deleted = []
      return { row, merged }
    },
  }
}

function expectSameDocument(a: Y.Doc, b: Y.Doc): void {
  expect(b.getArray('tl_records').toJSON()).toEqual(a.getArray('tl_records').toJSON())
  expect(b.getMap('meta').toJSON()).toEqual(a.getMap('meta').toJSON())
  expect(b.getText('notitie').toString()).toEqual(a.getText('notitie').toString())
  expect(Y.encodeStateVector(b)).toEqual(Y.encodeStateVector(a))
  expect(Y.equalDeleteSets(Y.createDeleteSetFromStructStore(a.store), Y.createDeleteSetFromStructStore(b.store))).toBe(true)
}

/** A small deterministic random generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
}

describe('a batch row taken from the document', () => {
  it('replays to the same document as the updates, for random edits of three clients cut at random points', () => {
    for (const seed of [1, 7, 42]) {
      const random = seeded(seed)
      const relay = relayLike()
      const clients = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
      let encodedRows = 0
      for (let step = 0; step < 600; step++) {
        const client = clients[Math.floor(random() * clients.length)]
        const records = client.getArray<{ key: string; val: { x: number } }>('tl_records')
        const updates: Uint8Array[] = []
        const collect = (update: Uint8Array) => updates.push(update)
        client.on('update', collect)
        const action = random()
        if (action < 0.5 || records.length === 0) records.push([{ key: `shape:${Math.floor(random() * 30)}`, val: { x: step } }])
        else if (action < 0.8) records.delete(Math.floor(random() * records.length), 1)
        else if (action < 0.9) client.getMap('meta').set('schema', { version: step })
        else client.getText('notitie').insert(0, `${step} `)
        client.off('update', collect)
        // Every client and the relay get the update (clients in random order, like a network).
        for (const update of updates) {
          Y.applyUpdate(relay.doc, update)
          for (const other of clients) if (other !== client) Y.applyUpdate(other, update)
        }
        if (random() < 0.1) encodedRows += relay.cut().row === null ? 0 : 1
      }
      relay.cut()
      expect(encodedRows).toBeGreaterThan(20)
      const replayed = new Y.Doc()
      for (const row of relay.rows) Y.applyUpdate(replayed, row)
      expectSameDocument(relay.doc, replayed)
      for (const client of clients) expectSameDocument(client, replayed)
    }
  })

  it('keeps of a drag only the last position and the deletions', () => {
    const relay = relayLike()
    const writer = new Y.Doc()
    writer.on('update', (update: Uint8Array) => Y.applyUpdate(relay.doc, update))
    const records = writer.getArray<{ key: string; val: { x: number; label: string } }>('tl_records')
    for (let i = 0; i < 200; i++) records.push([{ key: `shape:${i}`, val: { x: i, label: 'Gesprek met de mentor' } }])
    relay.cut()
    for (let x = 0; x < 100; x++) {
      writer.transact(() => {
        const index = records.toArray().findIndex((entry) => entry.key === 'shape:5')
        records.delete(index, 1)
        records.push([{ key: 'shape:5', val: { x, label: 'Gesprek met de mentor' } }])
      })
    }
    const { row, merged } = relay.cut()
    expect(row).not.toBeNull()
    expect(row!.byteLength).toBeLessThan(merged!.byteLength / 10)
    const replayed = new Y.Doc()
    for (const stored of relay.rows) Y.applyUpdate(replayed, stored)
    expectSameDocument(relay.doc, replayed)
  })

  it('gives null while structs wait for ones the document lacks', () => {
    const source = new Y.Doc()
    const updates: Uint8Array[] = []
    source.on('update', (update: Uint8Array) => updates.push(update))
    source.getArray<string>('order').push(['eerste'])
    source.getArray<string>('order').push(['tweede'])
    const doc = new Y.Doc()
    const before = Y.encodeStateVector(doc)
    Y.applyUpdate(doc, updates[1])
    expect(encodeBatchFromDoc(doc, before, [])).toBeNull()
  })
})
