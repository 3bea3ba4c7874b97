import * as Y from 'yjs'
import type { FastifyBaseLogger } from 'fastify'
import type { DocumentStore } from '../storage/document-store.ts'
import { encodeBatchFromDoc, type DeleteRanges } from './batch-update.ts'

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
 * Up to this many structs in a document, a batch is stored as the document's changes since the
 * last write (see batch-update.ts), encoded on the main thread. That encoding scans every struct
 * for the document's delete set (35,000 structs: about 1 ms), so larger documents hand their raw
 * batch to the store, which merges it (SQLite: in its writer thread).
 */
const MAX_STRUCTS_FOR_ENCODED_BATCH = 20_000

function structCount(doc: Y.Doc): number {
  let count = 0
  for (const structs of doc.store.clients.values()) count += structs.length
  return count
}

/** A failed write is tried again after this long, doubling up to WRITE_RETRY_MAX_MS. */
const WRITE_RETRY_MS = 100
const WRITE_RETRY_MAX_MS = 5000
/**
 * A write the store has not confirmed after this long counts as failed and is tried again (a
 * connection to a database that vanished without closing it would otherwise hang the loop, and
 * /healthz would not tell). Should the first still land later, the row is there twice: harmless.
 */
const WRITE_TIMEOUT_MS = 30_000
/** After this many failed tries in a row, a failure is logged only every this many tries (the first is always logged). */
const LOG_EVERY_FAILURES = 10

function withTimeout(write: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`storage ${what} not confirmed within ${WRITE_TIMEOUT_MS / 1000} s`)), WRITE_TIMEOUT_MS)
  })
  return Promise.race([write, timeout]).finally(() => clearTimeout(timer))
}

/** One document's writes that failed and are being tried again. */
export interface FailingWrite {
  /** When the first of the failed tries in a row happened (ms since the epoch). */
  since: number
  attempts: number
  error: string
}

/**
 * What the room registry knows of its documents' writes, for /healthz: which ones hold updates
 * not yet stored, and which of those are failing and being retried.
 */
export class WriteBacklog {
  private readonly unstored = new Set<DocPersistence>()
  private readonly failing = new Map<DocPersistence, FailingWrite>()

  /** Called by a DocPersistence whenever its state changes. */
  report(persistence: DocPersistence, unstored: boolean, failure: FailingWrite | null): void {
    if (unstored) this.unstored.add(persistence)
    else this.unstored.delete(persistence)
    if (failure !== null) this.failing.set(persistence, failure)
    else this.failing.delete(persistence)
  }

  /** Shutdown: every write still to do (rooms unloading included) is given up after `ms` if the store keeps failing. */
  giveUpAfter(ms: number): void {
    for (const persistence of this.unstored) persistence.giveUpAfter(ms)
  }

  /** Documents holding updates not yet stored (batched, being written or being retried). */
  get unstoredCount(): number {
    return this.unstored.size
  }

  /** Documents whose last write failed, with the oldest failure first. */
  failures(): [string, FailingWrite][] {
    return [...this.failing].map(([persistence, failure]): [string, FailingWrite] => [persistence.docName, failure]).sort((a, b) => a[1].since - b[1].since)
  }
}

/**
 * Writes one document's updates to the store. Updates are batched (one row per batch window, not
 * one per keystroke), and all store calls go through one loop so they reach the store in order,
 * whichever store implementation sits behind it.
 *
 * Nothing is dropped when a write fails (PostgreSQL restarting, a full disk): the updates stay
 * here, and the write is tried again, with every update enqueued since, until it succeeds, the
 * document is deleted, or the instance stops. What counts as written (`storedVector`,
 * `storedCount`) moves only once the store confirmed the write.
 */
export class DocPersistence {
  readonly docName: string
  private readonly store: DocumentStore
  private readonly log: FastifyBaseLogger
  private readonly options: PersistenceOptions
  private readonly backlog: WriteBacklog | null
  /** Updates not yet confirmed stored, oldest first (those of a write on its way included). */
  private unstored: Uint8Array[] = []
  /** The delete sets of those updates' transactions. */
  private unstoredDeletes: DeleteRanges[] = []
  /** Updates enqueued ever, and how many of the oldest the store confirmed. */
  private enqueuedCount = 0
  private storedCount = 0
  /** Updates covered by the last compaction that succeeded (see `compact`). */
  private compactedCount = 0
  private timer: NodeJS.Timeout | null = null
  /** The write loop while it runs; null when idle. */
  private loop: Promise<void> | null = null
  private running = false
  private flushWanted = false
  private compactWanted = false
  private retryTimer: NodeJS.Timeout | null = null
  private wakeRetry: (() => void) | null = null
  private failure: FailingWrite | null = null
  private giveUpTimer: NodeJS.Timeout | null = null
  /** No more writes (deleted, destroyed, or the shutdown gave up). */
  private stopped = false
  private waiters: { count: number; compacted: boolean; resolve: () => void }[] = []
  private storedRows: number
  private compactionScheduled = false
  /** Something was enqueued since the log was loaded or last compacted. */
  private changed = false
  /** Set by the room: its built document, or null when nothing may be written (broken or gone). */
  private document: (() => Y.Doc | null) | null = null
  /** The document's state vector when its last successful write was taken; null before the first. */
  private storedVector: Uint8Array | null = null

  constructor(
    store: DocumentStore,
    docName: string,
    log: FastifyBaseLogger,
    storedRows: number,
    options: PersistenceOptions = DEFAULT_PERSISTENCE_OPTIONS,
    backlog: WriteBacklog | null = null,
  ) {
    this.store = store
    this.docName = docName
    this.log = log
    this.storedRows = storedRows
    this.options = options
    this.backlog = backlog
  }

  /** Called by the room that owns this persistence: batches and compaction read this document. */
  bindDocument(document: () => Y.Doc | null): void {
    this.document = document
  }

  /** Rows of this document in the store, as far as this instance knows. */
  get rowCount(): number {
    return this.storedRows
  }

  /** Updates not yet confirmed stored. */
  get pendingCount(): number {
    return this.unstored.length
  }

  /** `deleted`: the delete set of the update's transaction (lets the batch be taken from the document). */
  enqueue(update: Uint8Array, deleted: DeleteRanges): void {
    if (this.stopped) return
    this.changed = true
    this.unstored.push(update)
    this.unstoredDeletes.push(deleted)
    this.enqueuedCount += 1
    if (this.unstored.length === 1) this.report()
    if (this.timer === null && this.failure === null) {
      this.timer = setTimeout(() => {
        this.timer = null
        void this.flush()
      }, this.options.batchMs)
    }
  }

  /**
   * Writes what is pending now. Resolves when everything enqueued so far is stored, or when
   * writing stopped (`discard`, `dispose`, or `giveUpAfterMs` passed while the store kept failing).
   */
  flush(options: { giveUpAfterMs?: number } = {}): Promise<void> {
    this.clearTimer()
    if (this.unstored.length > 0) {
      this.flushWanted = true
      this.kick()
    }
    const done = this.waitFor(this.enqueuedCount, false)
    if (options.giveUpAfterMs !== undefined) this.giveUpAfter(options.giveUpAfterMs)
    return done
  }

  /**
   * Replaces the stored log by one row holding the document's current state (which contains every
   * pending update). Resolves once a compaction taken after this call is stored (or writing stopped).
   */
  compact(): Promise<void> {
    // Unchanged since it was loaded as one row: the store already holds exactly this state.
    if (!this.changed && this.storedRows === 1 && this.unstored.length === 0) return this.waitFor(this.enqueuedCount, false)
    if ((this.document?.() ?? null) === null) return this.flush()
    this.clearTimer()
    this.compactWanted = true
    this.kick()
    return this.waitFor(this.enqueuedCount, true)
  }

  /** Drops what is pending (the document is being deleted); resolves once a write in flight ended. */
  discard(): Promise<void> {
    const inFlight = this.loop ?? Promise.resolve()
    this.stop()
    return inFlight
  }

  /** Stops timers and retries; the caller flushes or compacts first if it wants the data kept. */
  dispose(): void {
    this.stop()
  }

  /** Compacts soon, off the current message's path. */
  scheduleCompaction(): void {
    if (this.compactionScheduled) return
    this.compactionScheduled = true
    // Off the hot path: the current message finishes first.
    setImmediate(() => {
      this.compactionScheduled = false
      if (this.document !== null && !this.stopped) void this.compact()
    })
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.clearTimer()
    if (this.giveUpTimer !== null) clearTimeout(this.giveUpTimer)
    this.giveUpTimer = null
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.wakeRetry?.()
    if (this.unstored.length > 0 && this.failure !== null) {
      this.log.error({ doc: this.docName, updates: this.unstored.length, attempts: this.failure.attempts }, 'storage write given up: updates not stored by this instance')
    }
    this.unstored = []
    this.unstoredDeletes = []
    this.document = null
    this.failure = null
    this.report()
    for (const waiter of this.waiters.splice(0)) waiter.resolve()
  }

  /** Stops writing once `ms` passed with updates still unstored (shutdown while the store is away). */
  giveUpAfter(ms: number): void {
    if (this.giveUpTimer !== null || this.stopped) return
    this.giveUpTimer = setTimeout(() => {
      this.giveUpTimer = null
      if (this.unstored.length > 0 || this.loop !== null) this.stop()
    }, ms)
  }

  private waitFor(count: number, compacted: boolean): Promise<void> {
    if (this.stopped || this.isReached(count, compacted)) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ count, compacted, resolve }))
  }

  private isReached(count: number, compacted: boolean): boolean {
    return compacted ? this.compactedCount >= count : this.storedCount >= count
  }

  private report(): void {
    this.backlog?.report(this, this.unstored.length > 0, this.failure)
  }

  private kick(): void {
    if (this.stopped) return
    // A write waiting for its retry goes now, with what was just asked for.
    if (this.retryTimer !== null) this.wakeRetry?.()
    if (this.running) return
    this.running = true
    const loop = this.runLoop().finally(() => {
      if (this.loop === loop) this.loop = null
    })
    this.loop = loop
  }

  /** Writes while something is asked for; a failed write waits (backing off) and is tried again with everything unstored. */
  private async runLoop(): Promise<void> {
    for (;;) {
      if (this.stopped || !(this.flushWanted || this.compactWanted)) {
        // Synchronously with the last check: a write asked for from here on starts a new loop.
        this.running = false
        return
      }
      const compaction = this.compactWanted
      this.flushWanted = false
      this.compactWanted = false
      try {
        if (compaction) await this.writeCompaction()
        else if (this.unstored.length > 0) await this.writeBatch()
        this.succeeded()
      } catch (error) {
        if (this.stopped) continue
        // Nothing was dropped: ask again for the same, and wait before trying.
        if (compaction) this.compactWanted = true
        else this.flushWanted = true
        await this.failed(error, compaction ? 'compact' : 'append')
      }
    }
  }

  private succeeded(): void {
    if (this.failure !== null) {
      this.log.warn({ doc: this.docName, attempts: this.failure.attempts + 1 }, 'storage write succeeded after failing')
      this.failure = null
    }
    this.report()
    this.waiters = this.waiters.filter((waiter) => {
      if (!this.isReached(waiter.count, waiter.compacted)) return true
      waiter.resolve()
      return false
    })
    // Updates that came in while writing wait for their own batch.
    if (this.unstored.length > 0 && this.timer === null && !this.flushWanted && !this.compactWanted) {
      this.timer = setTimeout(() => {
        this.timer = null
        void this.flush()
      }, this.options.batchMs)
    }
  }

  private async failed(error: unknown, what: string): Promise<void> {
    const message = error instanceof Error ? error.message : String(error)
    this.failure = { since: this.failure?.since ?? Date.now(), attempts: (this.failure?.attempts ?? 0) + 1, error: message }
    this.report()
    const { attempts } = this.failure
    if (attempts === 1 || attempts % LOG_EVERY_FAILURES === 0) {
      this.log.error({ err: error, doc: this.docName, attempts, updates: this.unstored.length }, `storage ${what} failed, retrying`)
    }
    const delay = Math.min(WRITE_RETRY_MS * 2 ** (attempts - 1), WRITE_RETRY_MAX_MS)
    await new Promise<void>((resolve) => {
      this.wakeRetry = resolve
      this.retryTimer = setTimeout(resolve, delay)
    })
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.wakeRetry = null
  }

  /** One row with every unstored update; they count as stored once the store confirmed it. */
  private async writeBatch(): Promise<void> {
    const count = this.unstored.length
    const { rows, vector } = this.batchToWrite(count)
    // Several updates are merged into one row by the store: SQLite in its writer thread.
    await withTimeout(this.store.appendDocUpdates(this.docName, rows), 'append')
    this.dropStored(count)
    if (vector !== null) this.storedVector = vector
    this.storedRows += 1
    if (this.storedRows > this.options.compactAfterRows) this.scheduleCompaction()
  }

  private async writeCompaction(): Promise<void> {
    const doc = this.document?.() ?? null
    if (doc === null) {
      // Broken or gone meanwhile: store the updates as they came, as a flush would.
      if (this.unstored.length > 0) await this.writeBatch()
      this.compactedCount = this.storedCount
      return
    }
    const count = this.unstored.length
    const state = Y.encodeStateAsUpdate(doc)
    const vector = Y.encodeStateVector(doc)
    await withTimeout(this.store.replaceDocState(this.docName, state), 'compaction')
    this.dropStored(count)
    this.storedVector = vector
    this.compactedCount = this.storedCount
    this.storedRows = 1
    this.changed = this.unstored.length > 0
  }

  private dropStored(count: number): void {
    this.unstored.splice(0, count)
    this.unstoredDeletes.splice(0, count)
    this.storedCount += count
  }

  /**
   * The first `count` unstored updates as the store should get them: the document's changes since
   * the last successful write as one update while that is cheap to encode, else the updates as
   * they came. Either way it holds all of them (enqueue runs inside the document's update event).
   */
  private batchToWrite(count: number): { rows: Uint8Array[]; vector: Uint8Array | null } {
    const updates = this.unstored.slice(0, count)
    const doc = this.document?.() ?? null
    if (doc === null) return { rows: updates, vector: null }
    const vector = Y.encodeStateVector(doc)
    const since = this.storedVector
    if (since === null || count !== this.unstored.length || structCount(doc) > MAX_STRUCTS_FOR_ENCODED_BATCH) return { rows: updates, vector }
    const row = encodeBatchFromDoc(doc, since, this.unstoredDeletes.slice(0, count))
    return { rows: row === null ? updates : [row], vector }
  }
}
