import * as Y from 'yjs'
import type { FastifyBaseLogger } from 'fastify'
import type { DocumentStore } from '../storage/document-store.ts'

export interface PersistenceOptions {
  /** The first pending update starts a timer of this length; later updates join the same batch. */
  batchMs: number
  /** Compact the stored log in the background once it has more rows than this. */
  compactAfterRows: number
}

/**
 * Applies stored updates in one transaction. Much faster than Y.mergeUpdates for long logs
 * (measured: 20,000 updates in 0.6 s, where merging 5,000 takes 1 s and grows quadratically).
 */
export function applyUpdates(doc: Y.Doc, updates: Uint8Array[], origin: unknown): void {
  if (updates.length === 0) return
  if (updates.length === 1) return Y.applyUpdate(doc, updates[0], origin)
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update, origin)
  }, origin)
}

/** One update holding the state of all `updates` together. */
export function stateOfUpdates(updates: Uint8Array[]): Uint8Array {
  if (updates.length === 1) return updates[0]
  const doc = new Y.Doc({ gc: true })
  try {
    applyUpdates(doc, updates, null)
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

export const DEFAULT_PERSISTENCE_OPTIONS: PersistenceOptions = { batchMs: 100, compactAfterRows: 500 }

/**
 * Writes one document's updates to the store. Updates are batched (one row per batch window, not
 * one per keystroke), and all store calls go through one promise chain so they reach the store in
 * order, whichever store implementation sits behind it.
 */
export class DocPersistence {
  readonly docName: string
  private readonly store: DocumentStore
  private readonly log: FastifyBaseLogger
  private readonly options: PersistenceOptions
  private pending: Uint8Array[] = []
  private timer: NodeJS.Timeout | null = null
  private chain: Promise<void> = Promise.resolve()
  private storedRows: number
  private compactionScheduled = false
  /** Something was enqueued since the log was loaded or last compacted. */
  private changed = false
  /** Set by the room: the document's current state, or null when nothing may be written. */
  private currentState: (() => Uint8Array | null) | null = null

  constructor(store: DocumentStore, docName: string, log: FastifyBaseLogger, storedRows: number, options: PersistenceOptions = DEFAULT_PERSISTENCE_OPTIONS) {
    this.store = store
    this.docName = docName
    this.log = log
    this.storedRows = storedRows
    this.options = options
  }

  /** Called by the room that owns this persistence: compaction writes what `state` returns. */
  bindState(state: () => Uint8Array | null): void {
    this.currentState = state
  }

  /** Rows of this document in the store, as far as this instance knows. */
  get rowCount(): number {
    return this.storedRows
  }

  get pendingCount(): number {
    return this.pending.length
  }

  enqueue(update: Uint8Array): void {
    this.changed = true
    this.pending.push(update)
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null
        void this.flush()
      }, this.options.batchMs)
    }
  }

  /** Writes the pending batch now. Resolves when everything enqueued so far is stored. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer)
      this.timer = null
    }
    if (this.pending.length > 0) {
      const batch = this.pending
      this.pending = []
      this.run('append', async () => {
        // The store merges the batch into one row: SQLite off the event loop, in its writer thread.
        await this.store.appendDocUpdates(this.docName, batch)
        this.storedRows += 1
        if (this.storedRows > this.options.compactAfterRows) this.scheduleCompaction()
      })
    }
    return this.chain
  }

  /**
   * Replaces the stored log by one row holding the document's current state. That state already
   * contains every pending update, so the pending batch is dropped rather than written twice.
   */
  compact(): Promise<void> {
    // Unchanged since it was loaded as one row: the store already holds exactly this state.
    if (!this.changed && this.storedRows === 1 && this.pending.length === 0) return this.chain
    const state = this.currentState?.() ?? null
    if (state === null) return this.flush()
    if (this.timer !== null) {
      clearTimeout(this.timer)
      this.timer = null
    }
    this.pending = []
    this.changed = false
    this.run('compact', async () => {
      await this.store.replaceDocState(this.docName, state)
      this.storedRows = 1
    })
    return this.chain
  }

  /** Drops what is pending (the document is being deleted); resolves once in-flight writes ended. */
  discard(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.pending = []
    this.currentState = null
    return this.chain
  }

  /** Stops timers; the caller flushes or compacts first if it wants the data kept. */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.currentState = null
  }

  /** Compacts soon, off the current message's path. */
  scheduleCompaction(): void {
    if (this.compactionScheduled) return
    this.compactionScheduled = true
    // Off the hot path: the current message finishes first.
    setImmediate(() => {
      this.compactionScheduled = false
      if (this.currentState !== null) void this.compact()
    })
  }

  private run(what: string, work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((error: unknown) => {
      // Keep the chain alive: the next batch or the compaction on unload retries with full state.
      this.log.error({ err: error, doc: this.docName }, `storage ${what} failed`)
    })
  }
}
