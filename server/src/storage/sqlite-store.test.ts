import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SQLITE_FILE_NAME, SqliteDocumentStore } from './sqlite-store.ts'

let dir: string
let store: SqliteDocumentStore

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'samenbord-store-'))
  store = new SqliteDocumentStore(dir)
})

afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Records every update a doc emits, the way the relay receives them. */
function recordUpdates(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  return updates
}

function docFrom(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates))
  return doc
}

describe('SqliteDocumentStore', () => {
  it('creates the database file in WAL mode', async () => {
    expect(statSync(join(dir, SQLITE_FILE_NAME)).isFile()).toBe(true)
    expect(await store.health()).toMatchObject({ ok: true, kind: 'sqlite', journalMode: 'wal', writer: 'thread' })
  })

  it('writes documents in its writer thread: a batch becomes one row, reads see every write asked for, close keeps them', async () => {
    const doc = new Y.Doc()
    const updates = recordUpdates(doc)
    for (let i = 0; i < 30; i++) doc.getMap('m').set(`k${i}`, i)
    // Not awaited: a read right after still sees them.
    void store.appendDocUpdate('board-a', updates[0])
    void store.appendDocUpdates('board-a', updates.slice(1))
    const rows = await store.loadDocUpdates('board-a')
    expect(rows).toHaveLength(2)
    expect(docFrom(rows).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON())
    void store.replaceDocState('board-b', Y.encodeStateAsUpdate(doc))
    void store.appendDocUpdate('board-b', updates[0])
    await store.close()
    const reopened = new SqliteDocumentStore(dir)
    try {
      expect(await reopened.countDocUpdates('board-b')).toBe(2)
      expect(docFrom(await reopened.loadDocUpdates('board-b')).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON())
    } finally {
      await reopened.close()
    }
  })

  it('creates, reads and touches boards', async () => {
    expect(await store.getBoard('nope-nope-nope')).toBeNull()
    const created = await store.createBoard({ id: 'board-aaaaaaaaaa', title: 'Casus Sam', createdAt: 1000 })
    expect(created).toEqual({ id: 'board-aaaaaaaaaa', title: 'Casus Sam', createdAt: 1000, lastActiveAt: 1000 })
    await store.touchBoard('board-aaaaaaaaaa', 5000)
    expect(await store.getBoard('board-aaaaaaaaaa')).toEqual({
      id: 'board-aaaaaaaaaa',
      title: 'Casus Sam',
      createdAt: 1000,
      lastActiveAt: 5000,
    })
    await expect(store.createBoard({ id: 'board-aaaaaaaaaa', title: 'dubbel' })).rejects.toThrow()
  })

  it('appends and loads updates per document, in order', async () => {
    const doc = new Y.Doc()
    const updates = recordUpdates(doc)
    doc.getArray<string>('list').push(['a'])
    doc.getArray<string>('list').push(['b'])
    doc.getMap('meta').set('title', 'x')
    for (const update of updates) await store.appendDocUpdate('doc-one-aaaaaa', update)
    await store.appendDocUpdate('doc-two-aaaaaa', new Uint8Array([1, 2, 3]))

    const loaded = await store.loadDocUpdates('doc-one-aaaaaa')
    expect(loaded).toHaveLength(3)
    expect(loaded.map((u) => Buffer.from(u).toString('hex'))).toEqual(updates.map((u) => Buffer.from(u).toString('hex')))
    expect(await store.countDocUpdates('doc-one-aaaaaa')).toBe(3)
    expect(await store.countDocUpdates('doc-two-aaaaaa')).toBe(1)
    expect(await store.loadDocUpdates('unknown-doc-aa')).toEqual([])

    const restored = docFrom(loaded)
    expect(restored.getArray('list').toArray()).toEqual(['a', 'b'])
    expect(restored.getMap('meta').get('title')).toBe('x')
  })

  it('compaction replaces the rows of one document by one row with equal content', async () => {
    const doc = new Y.Doc()
    const updates = recordUpdates(doc)
    const list = doc.getArray<number>('list')
    const map = doc.getMap<string>('records')
    for (let i = 0; i < 50; i++) {
      list.push([i])
      map.set(`shape:${i % 7}`, `value ${i}`)
    }
    list.delete(0, 10)
    map.delete('shape:3')
    for (const update of updates) await store.appendDocUpdate('doc-big-aaaaaa', update)
    await store.appendDocUpdate('doc-other-aaaa', new Uint8Array([9]))
    expect(await store.countDocUpdates('doc-big-aaaaaa')).toBe(updates.length)

    const before = docFrom(await store.loadDocUpdates('doc-big-aaaaaa'))
    await store.replaceDocState('doc-big-aaaaaa', Y.encodeStateAsUpdate(before))

    expect(await store.countDocUpdates('doc-big-aaaaaa')).toBe(1)
    expect(await store.countDocUpdates('doc-other-aaaa')).toBe(1)
    const after = docFrom(await store.loadDocUpdates('doc-big-aaaaaa'))
    expect(after.getArray('list').toArray()).toEqual(list.toArray())
    expect(after.getMap('records').toJSON()).toEqual(map.toJSON())
    expect(after.getArray('list').toArray()).toEqual(Array.from({ length: 40 }, (_, i) => i + 10))
    expect(Y.encodeStateVector(after)).toEqual(Y.encodeStateVector(doc))

    // Later updates still apply on top of the compacted state.
    const later = recordUpdates(after)
    after.getArray<number>('list').push([99])
    await store.appendDocUpdate('doc-big-aaaaaa', later[0])
    const reloaded = docFrom(await store.loadDocUpdates('doc-big-aaaaaa'))
    expect(reloaded.getArray('list').toArray().at(-1)).toBe(99)
  })

  it('keeps data across close and reopen', async () => {
    await store.createBoard({ id: 'board-bbbbbbbbbb', title: 'Blijft' })
    await store.appendDocUpdate('board-bbbbbbbbbb', new Uint8Array([0, 0]))
    await store.close()
    store = new SqliteDocumentStore(dir)
    expect((await store.getBoard('board-bbbbbbbbbb'))?.title).toBe('Blijft')
    expect(await store.countDocUpdates('board-bbbbbbbbbb')).toBe(1)
  })
})
