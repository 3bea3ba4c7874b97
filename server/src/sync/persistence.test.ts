import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { FastifyBaseLogger } from 'fastify'
import type { DocumentStore } from '../storage/document-store.ts'
import { DocPersistence, WriteBacklog, stateOfUpdates } from './persistence.ts'

const quietLog = { error() {}, warn() {}, info() {}, debug() {} } as unknown as FastifyBaseLogger

/** A store whose document writes fail while `down` is set; rows as the store would keep them. */
function flakyStore() {
  const rows: Uint8Array[] = []
  const store = {
    down: false,
    attempts: 0,
    rows,
    async appendDocUpdates(_doc: string, updates: Uint8Array[]) {
      store.attempts += 1
      if (store.down) throw new Error('connection terminated')
      rows.push(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates))
    },
    async replaceDocState(_doc: string, state: Uint8Array) {
      store.attempts += 1
      if (store.down) throw new Error('connection terminated')
      rows.splice(0, rows.length, state)
    },
  }
  return store
}

function setup(store: ReturnType<typeof flakyStore>) {
  const doc = new Y.Doc()
  const backlog = new WriteBacklog()
  const persistence = new DocPersistence(store as unknown as DocumentStore, 'bord', quietLog, 0, { batchMs: 5, compactAfterRows: 1000 }, backlog)
  persistence.bindDocument(() => doc)
  doc.on('update', (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => persistence.enqueue(update, transaction.deleteSet))
  return { doc, backlog, persistence }
}

/** The document the stored rows make. */
function storedJson(store: ReturnType<typeof flakyStore>): unknown {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, stateOfUpdates(store.rows))
  return doc.getMap('m').toJSON()
}

describe('DocPersistence: a failed write is retried, never dropped', () => {
  it('keeps the failed batch and everything after it until the store takes it', async () => {
    const store = flakyStore()
    const { doc, backlog, persistence } = setup(store)
    doc.getMap('m').set('a', 1)
    await persistence.flush()
    expect(store.rows).toHaveLength(1)

    store.down = true
    doc.getMap('m').set('b', 2)
    const flushed = persistence.flush()
    let done = false
    void flushed.then(() => (done = true))
    // The store refused it: reported as failing, the flush still waits, nothing was counted as written.
    await expect.poll(() => backlog.failures().length).toBe(1)
    expect(backlog.failures()[0][1]).toMatchObject({ attempts: expect.any(Number), error: 'connection terminated' })
    expect(done).toBe(false)
    expect(persistence.pendingCount).toBe(1)
    doc.getMap('m').delete('a')
    doc.getMap('m').set('c', 3)

    const attempts = store.attempts
    store.down = false
    await flushed
    expect(store.attempts).toBeGreaterThan(attempts)
    await persistence.flush()
    expect(backlog.failures()).toEqual([])
    expect(backlog.unstoredCount).toBe(0)
    expect(storedJson(store)).toEqual({ b: 2, c: 3 })
  })

  it('retries a failed compaction with the state as it is then', async () => {
    const store = flakyStore()
    const { doc, persistence } = setup(store)
    doc.getMap('m').set('a', 1)
    await persistence.flush()
    store.down = true
    doc.getMap('m').set('b', 2)
    const compacted = persistence.compact()
    await expect.poll(() => store.attempts).toBeGreaterThan(2)
    doc.getMap('m').set('c', 3)
    store.down = false
    await compacted
    await persistence.flush()
    expect(storedJson(store)).toEqual({ a: 1, b: 2, c: 3 })
  })

  it('stops retrying when the document is discarded, and gives up after the shutdown grace', async () => {
    const store = flakyStore()
    store.down = true
    const first = setup(store)
    first.doc.getMap('m').set('a', 1)
    void first.persistence.flush()
    await expect.poll(() => first.backlog.failures().length).toBe(1)
    await first.persistence.discard()
    expect(first.backlog.failures()).toEqual([])
    const attempts = store.attempts
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(store.attempts).toBe(attempts)

    const second = setup(store)
    second.doc.getMap('m').set('b', 2)
    const started = performance.now()
    await second.persistence.flush({ giveUpAfterMs: 200 })
    expect(performance.now() - started).toBeGreaterThanOrEqual(150)
    expect(second.backlog.unstoredCount).toBe(0)
  })
})
