import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SqliteDocumentStore } from './sqlite-store.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

function openStore(): SqliteDocumentStore {
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-writer-'))
  const store = new SqliteDocumentStore(dir)
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close())
  return store
}

function update(key: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('m').set(key, true)
  return Y.encodeStateAsUpdate(doc)
}

/** The writer thread of a store (private): to end it as a crash would. */
function writerThread(store: SqliteDocumentStore): Worker {
  return (store as unknown as { writer: { worker: Worker } }).writer.worker
}

describe('SQLite writer thread', () => {
  it('is started again when it dies: later writes are stored, not refused for good', async () => {
    const store = openStore()
    await store.appendDocUpdates('bord', [update('voor')])
    await writerThread(store).terminate()
    expect(await store.health()).toMatchObject({ ok: false, error: expect.stringContaining('writer thread') })

    // Asked for while no thread runs: waits for the next one instead of failing.
    await store.appendDocUpdates('bord', [update('na')])
    await expect.poll(async () => (await store.health()).ok).toBe(true)
    const doc = new Y.Doc()
    for (const row of await store.loadDocUpdates('bord')) Y.applyUpdate(doc, row)
    expect(doc.getMap('m').toJSON()).toEqual({ voor: true, na: true })
  })
})
