/**
 * Document writes for the SQLite store, in a worker thread with its own connection to the same
 * database (WAL: the main connection keeps reading meanwhile). A commit, and above all the WAL
 * checkpoint with its fsyncs that every few hundred commits brings, then never stalls the relay's
 * event loop: measured on the main thread, 1,000 single-row commits a second took 0.05 ms each at
 * the median but 18 ms at p99.9 and up to 90 ms, right in the broadcast path.
 *
 * `DocWriter` is the main thread's side: writes asked for within WRITE_BATCH_MS go to the thread
 * as one message and are committed in one transaction, in the order they were asked.
 */
import { statSync } from 'node:fs'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { DatabaseSync } from 'node:sqlite'
import * as Y from 'yjs'

export type DocWrite =
  | { kind: 'append'; doc: string; update: Uint8Array }
  /** Several updates stored as one row: merged here, in the thread (Y.mergeUpdates took the relay 4-12 ms for 100). */
  | { kind: 'append-merged'; doc: string; updates: Uint8Array[] }
  | { kind: 'replace'; doc: string; state: Uint8Array }

interface WriteRequest {
  id: number
  writes: DocWrite[]
}

/** Asks the thread for a truncating checkpoint (see `DocWriter.checkpoint`). */
interface CheckpointRequest {
  id: number
  checkpoint: true
}

/** Marks the worker as this module's thread (other workers may import the module too). */
const WRITER_THREAD_KEY = 'samenbordSqliteDocWriter'

/**
 * Writes are gathered this long before they go to the thread: a message per write cost the relay
 * more (structured clone, wake-up) than the writes themselves once hundreds of rooms store at once.
 * (So a caller that awaits each write before the next waits this long each time: bulk loads such
 * as the benchmarks' use a store with `writerThread: false`.)
 */
const WRITE_BATCH_MS = 20

type WriteResult = { id: number; ok: true } | { id: number; ok: false; message: string }

/**
 * After a checkpoint has emptied the WAL, the next commit cuts the file back to this size (else it
 * keeps the size of its largest burst for good).
 */
export const WAL_SIZE_LIMIT_BYTES = 1024 * 1024
/**
 * The thread checkpoints and truncates the WAL once it is larger than this (SQLite's own
 * autocheckpoint: 1,000 pages; before, 2,000 new boards left a WAL of 62 MB)...
 */
const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024
/**
 * ...looking this often. Needed because the main connection never checkpoints (autocheckpoint off)
 * and the thread's autocheckpoint only follows its own commits: boards created over HTTP alone
 * would otherwise grow the WAL without end.
 */
const WAL_CHECK_INTERVAL_MS = 250
/** A truncating checkpoint that found a reader in the way is tried again this many times. */
const CHECKPOINT_TRIES = 3

/** Same settings as the main connection (see SqliteDocumentStore). */
export function configureConnection(db: DatabaseSync): void {
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  db.exec('PRAGMA busy_timeout = 5000')
  // Deleted content is overwritten with zeros, not just unlinked from the b-tree (AVG: deleted means gone).
  db.exec('PRAGMA secure_delete = ON')
  db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`)
}

/**
 * Copies every committed page into the database file and empties the WAL to 0 bytes. After a
 * deletion this is what makes it final: secure_delete zeroes the new page versions, but the WAL
 * still holds the old ones until it is truncated. True when it completed (no reader in the way).
 */
export function truncateWal(db: DatabaseSync): boolean {
  for (let attempt = 1; ; attempt++) {
    const result = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number | bigint }
    if (Number(result.busy) === 0) return true
    if (attempt >= CHECKPOINT_TRIES) return false
    // busy_timeout already waited for readers; a reader that outlasted it may be done a moment later.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
  }
}

/** A writer thread that died is started again after this long, doubling up to RESPAWN_MAX_MS while it keeps dying. */
const RESPAWN_MS = 100
const RESPAWN_MAX_MS = 5000

export class DocWriter {
  private readonly path: string
  private worker: Worker
  /** Set while no thread runs: a new one starts when it fires. Writes asked for meanwhile wait for it. */
  private respawnTimer: NodeJS.Timeout | null = null
  private respawns = 0
  private closing = false
  private queue: { write: DocWrite; resolve: () => void; reject: (error: Error) => void }[] = []
  private readonly inFlight = new Map<number, { resolve: () => void; reject: (error: Error) => void }[]>()
  private nextId = 1
  private flushScheduled = false
  private failure: Error | null = null
  /** Resolves when every write asked for so far is committed (or failed). */
  private settledPromise: Promise<void> = Promise.resolve()

  constructor(path: string) {
    this.path = path
    this.worker = this.spawn()
  }

  /** Null while the thread is healthy; the error it stopped with while it is being started again. */
  get error(): Error | null {
    return this.failure
  }

  write(write: DocWrite): Promise<void> {
    if (this.closing) return Promise.reject(new Error('SQLite writer is closed'))
    const done = new Promise<void>((resolve, reject) => this.queue.push({ write, resolve, reject }))
    // Every write settles; `settled()` waits for all of them, failed ones included.
    this.settledPromise = Promise.all([this.settledPromise, done.catch(() => {})]).then(() => {})
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setTimeout(() => this.flush(), WRITE_BATCH_MS)
    }
    return done
  }

  /** Waits until every write asked for so far is committed, so a read on another connection sees it. */
  settled(): Promise<void> {
    return this.settledPromise
  }

  /**
   * After every write asked for so far, a truncating checkpoint in the thread (see `truncateWal`):
   * off the event loop, with its fsyncs. Should a reader keep it from completing, the thread
   * tries again on its next WAL check.
   */
  async checkpoint(): Promise<void> {
    this.flush()
    await this.settled()
    if (this.respawnTimer !== null || this.closing) throw this.failure ?? new Error('SQLite writer is closed')
    const id = this.nextId++
    const done = new Promise<void>((resolve, reject) => this.inFlight.set(id, [{ resolve, reject }]))
    this.settledPromise = Promise.all([this.settledPromise, done.catch(() => {})]).then(() => {})
    const request: CheckpointRequest = { id, checkpoint: true }
    this.worker.ref()
    this.worker.postMessage(request)
    return done
  }

  async close(): Promise<void> {
    this.closing = true
    if (this.respawnTimer !== null) {
      // No thread to write them: what waits is refused (the relay keeps it and logs it).
      clearTimeout(this.respawnTimer)
      this.respawnTimer = null
      const error = this.failure ?? new Error('SQLite writer is closed')
      for (const { reject } of this.queue.splice(0)) reject(error)
    }
    this.flush()
    await this.settled()
    await this.worker.terminate()
  }

  private spawn(): Worker {
    const worker = new Worker(new URL(import.meta.url), { workerData: { [WRITER_THREAD_KEY]: this.path } })
    // Idle, the thread does not keep the process alive; with writes on their way it does (ref in flush).
    worker.unref()
    worker.on('message', (result: WriteResult) => this.onResult(result))
    worker.on('online', () => {
      if (worker === this.worker) this.failure = null
    })
    worker.on('error', (error) => this.lost(worker, error))
    worker.on('exit', (code) => this.lost(worker, new Error(`SQLite writer thread exited (${code})`)))
    return worker
  }

  private flush(): void {
    this.flushScheduled = false
    // No thread right now: the writes wait for the next one (see `lost`).
    if (this.queue.length === 0 || this.respawnTimer !== null) return
    const batch = this.queue
    this.queue = []
    const id = this.nextId++
    this.inFlight.set(id, batch.map(({ resolve, reject }) => ({ resolve, reject })))
    const request: WriteRequest = { id, writes: batch.map((entry) => entry.write) }
    this.worker.ref()
    this.worker.postMessage(request)
  }

  private onResult(result: WriteResult): void {
    const waiting = this.inFlight.get(result.id)
    if (waiting === undefined) return
    this.inFlight.delete(result.id)
    const error = result.ok ? null : new Error(result.message)
    if (error === null) this.respawns = 0
    for (const { resolve, reject } of waiting) {
      if (error === null) resolve()
      else reject(error)
    }
    if (this.inFlight.size === 0) this.worker.unref()
  }

  /**
   * The thread died (an error it did not catch, out of memory): the writes it had may or may not
   * be committed, so they fail (the relay tries them again: a repeat row is harmless), and a new
   * thread is started, so the writes that follow are not refused for good.
   */
  private lost(worker: Worker, error: Error): void {
    if (worker !== this.worker) return // an earlier thread's last event
    this.failure ??= error
    for (const waiting of this.inFlight.values()) for (const { reject } of waiting) reject(error)
    this.inFlight.clear()
    if (this.closing || this.respawnTimer !== null) return
    const delay = Math.min(RESPAWN_MS * 2 ** this.respawns, RESPAWN_MAX_MS)
    this.respawns += 1
    this.respawnTimer = setTimeout(() => {
      this.respawnTimer = null
      if (this.closing) return
      this.worker = this.spawn()
      this.flush()
    }, delay)
  }
}

/** One row for the batch; should merging fail, each update as a row of its own (nothing is dropped). */
function mergedRows(updates: Uint8Array[]): Uint8Array[] {
  if (updates.length === 1) return updates
  try {
    return [Y.mergeUpdates(updates)]
  } catch {
    return updates
  }
}

/** The thread: one connection, one transaction per request. */
function runWriterThread(path: string): void {
  const db = new DatabaseSync(path)
  configureConnection(db)
  const insert = db.prepare('INSERT INTO doc_updates (doc, "update") VALUES (?, ?)')
  const deleteDoc = db.prepare('DELETE FROM doc_updates WHERE doc = ?')
  /** A truncating checkpoint that could not complete yet: deleted data may still be in the WAL. */
  let truncateOwed = false
  const walPath = `${path}-wal`
  // Keeps the WAL bounded whoever wrote to it. Timers run between requests, never inside a transaction.
  setInterval(() => {
    try {
      if (truncateOwed) {
        truncateOwed = !truncateWal(db)
      } else if ((statSync(walPath, { throwIfNoEntry: false })?.size ?? 0) > WAL_CHECKPOINT_BYTES) {
        // Copy first without holding anyone up; the truncating checkpoint then has only what was
        // written meanwhile to copy while writers wait. (A passive checkpoint alone never lets the
        // WAL shrink while commits keep coming.)
        db.exec('PRAGMA wal_checkpoint(PASSIVE)')
        db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
      }
    } catch {
      // Busy or I/O trouble: the next tick tries again; a failing write reports it.
    }
  }, WAL_CHECK_INTERVAL_MS)
  parentPort!.on('message', (request: WriteRequest | CheckpointRequest) => {
    const { id } = request
    let result: WriteResult
    if ('checkpoint' in request) {
      try {
        truncateOwed = !truncateWal(db)
        result = { id, ok: true }
      } catch (error) {
        truncateOwed = true
        result = { id, ok: false, message: (error as Error).message }
      }
      parentPort!.postMessage(result)
      return
    }
    const { writes } = request
    try {
      db.exec('BEGIN IMMEDIATE')
      try {
        for (const write of writes) {
          if (write.kind === 'append') {
            insert.run(write.doc, write.update)
          } else if (write.kind === 'append-merged') {
            for (const row of mergedRows(write.updates)) insert.run(write.doc, row)
          } else {
            deleteDoc.run(write.doc)
            insert.run(write.doc, write.state)
          }
        }
        db.exec('COMMIT')
      } catch (error) {
        db.exec('ROLLBACK')
        throw error
      }
      result = { id, ok: true }
    } catch (error) {
      result = { id, ok: false, message: (error as Error).message }
    }
    parentPort!.postMessage(result)
  })
}

const threadPath = isMainThread ? undefined : (workerData as Record<string, unknown> | null)?.[WRITER_THREAD_KEY]
if (typeof threadPath === 'string') runWriterThread(threadPath)
