/**
 * Locks a facilitator puts on a board for participant links (R34): the whole board, or single
 * frames with everything inside them. The relay asks `checkLockedWrite` before it hands a
 * participant's write on a board's main document to the room; a refused write is not applied,
 * relayed or stored, and that socket is closed with CloseCode.boardLocked (4423).
 *
 * The state itself is kept by server/src/facilitation-state.ts in the store; this is the relay's
 * synchronous copy, read again from the store every REFRESH_MS for the boards in use, so a lock
 * set through another relay instance holds here within about that time.
 */
import * as Y from 'yjs'
import { RECORDS_ARRAY } from '@samenbord/shared'
import type { DocumentStore } from '../storage/document-store.ts'
import { parseFacilitation } from '../facilitation-state.ts'
import { deletedRecordEntries, isPlainObject } from './record-entries.ts'
import type { DecodedUpdate } from './messages.ts'

export interface BoardLockState {
  locked: boolean
  lockedFrames: readonly string[]
}

export const UNLOCKED: BoardLockState = { locked: false, lockedFrames: [] }

const REFRESH_MS = 2000
/** A board nobody wrote to for this long is dropped from the copy (loaded again on the next join). */
const FORGET_AFTER_MS = 10 * 60_000

export type LockCheck = { ok: true } | { ok: false; reason: string }

const OK: LockCheck = { ok: true }

/** The lock part of the stored facilitation state (one parser with the API: facilitation-state.ts). */
export function lockStateOf(stateJson: string | null | undefined): BoardLockState {
  const { locked, lockedFrames } = parseFacilitation(stateJson)
  return { locked, lockedFrames }
}

interface Entry {
  state: BoardLockState
  usedAt: number
}

export class BoardLocks {
  private readonly store: DocumentStore
  private readonly states = new Map<string, Entry>()
  private readonly timer: NodeJS.Timeout
  private refreshing = false

  constructor(store: DocumentStore) {
    this.store = store
    this.timer = setInterval(() => void this.refreshAll(), REFRESH_MS)
    this.timer.unref()
  }

  /** Loads the board's locks (once; then kept fresh); call before a participant joins. */
  async load(boardId: string): Promise<BoardLockState> {
    if (!this.states.has(boardId)) {
      const stored = await this.store.getFacilitation(boardId)
      // A set() that raced with this read wins: it is newer.
      if (!this.states.has(boardId)) this.states.set(boardId, { state: lockStateOf(stored?.state), usedAt: Date.now() })
    }
    return this.get(boardId)
  }

  /** The relay's copy; unlocked for a board never loaded. */
  get(boardId: string): BoardLockState {
    const entry = this.states.get(boardId)
    if (entry === undefined) return UNLOCKED
    entry.usedAt = Date.now()
    return entry.state
  }

  /** What the facilitator just stored (on this instance): effective for the very next frame. */
  set(boardId: string, state: BoardLockState): void {
    this.states.set(boardId, { state, usedAt: Date.now() })
  }

  forget(boardId: string): void {
    this.states.delete(boardId)
  }

  close(): void {
    clearInterval(this.timer)
  }

  private async refreshAll(): Promise<void> {
    if (this.refreshing) return
    this.refreshing = true
    try {
      const now = Date.now()
      for (const [boardId, entry] of [...this.states]) {
        if (now - entry.usedAt > FORGET_AFTER_MS) {
          this.states.delete(boardId)
          continue
        }
        const stored = await this.store.getFacilitation(boardId).catch(() => undefined)
        // Only when nothing newer was set meanwhile.
        if (stored !== undefined && this.states.get(boardId) === entry) entry.state = lockStateOf(stored?.state)
      }
    } finally {
      this.refreshing = false
    }
  }
}

function isEmptyUpdate(decoded: DecodedUpdate): boolean {
  const ds = decoded.ds as { clients?: Map<number, unknown[]> }
  return decoded.structs.length === 0 && (ds.clients === undefined || ds.clients.size === 0)
}


/**
 * A cheap fingerprint of what the document holds: every insert moves some client's clock. A
 * deletion does not, but it can only shrink the locked set, and a stale extra key locks nothing.
 */
function docSignature(doc: Y.Doc): string {
  let sum = 0
  for (const [client, structs] of doc.store.clients) sum += client % 1_000_003 + Y.getState(doc.store, client) + structs.length
  return `${doc.store.clients.size}:${sum}`
}

const lockedKeyCache = new WeakMap<Y.Doc, { frames: string; signature: string; keys: Set<string> }>()

/** lockedKeys, computed once per document state and set of frames (a participant may send many writes per second). */
function cachedLockedKeys(doc: Y.Doc, frames: readonly string[]): Set<string> {
  const framesKey = frames.join(',')
  const signature = docSignature(doc)
  const cached = lockedKeyCache.get(doc)
  if (cached !== undefined && cached.frames === framesKey && cached.signature === signature) return cached.keys
  const keys = lockedKeys(doc, frames)
  lockedKeyCache.set(doc, { frames: framesKey, signature, keys })
  return keys
}

/** Keys of the locked frames and of every record whose parent chain leads into one. */
function lockedKeys(doc: Y.Doc, frames: readonly string[]): Set<string> {
  const parentOf = new Map<string, string>()
  for (const entry of doc.getArray<unknown>(RECORDS_ARRAY).toArray()) {
    if (isPlainObject(entry) && typeof entry.key === 'string' && isPlainObject(entry.val) && typeof entry.val.parentId === 'string') {
      parentOf.set(entry.key, entry.val.parentId)
    }
  }
  const locked = new Set(frames)
  for (const key of parentOf.keys()) {
    const seen = new Set<string>()
    let at: string | undefined = key
    while (at !== undefined && !seen.has(at)) {
      if (locked.has(at)) {
        locked.add(key)
        break
      }
      seen.add(at)
      at = parentOf.get(at)
    }
  }
  return locked
}

/** Does the update's delete set remove an entry of `tl_records` whose key is locked? */
function deletesLockedEntry(ds: unknown, doc: Y.Doc, locked: ReadonlySet<string>): boolean {
  for (const entry of deletedRecordEntries(ds, doc)) if (locked.has(entry.key)) return true
  return false
}

/**
 * May a participant apply this update to the board's main document (`doc`) under `lock`?
 * An empty update (what a client that has nothing new answers to sync step 1) always may.
 */
export function checkLockedWrite(decoded: DecodedUpdate, doc: Y.Doc, lock: BoardLockState): LockCheck {
  if (!lock.locked && lock.lockedFrames.length === 0) return OK
  if (isEmptyUpdate(decoded)) return OK
  if (lock.locked) return { ok: false, reason: 'bord staat op slot' }
  const locked = cachedLockedKeys(doc, lock.lockedFrames)
  // New or changed records (YKeyValue writes a whole new entry) in or into a locked frame.
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentAny)) continue
    for (const value of struct.content.arr) {
      if (!isPlainObject(value) || !isPlainObject(value.val)) continue
      const { key, val } = value
      if ((typeof key === 'string' && locked.has(key)) || (typeof val.parentId === 'string' && locked.has(val.parentId))) {
        return { ok: false, reason: 'dit frame staat op slot' }
      }
    }
  }
  // Removed entries: a deleted, moved or changed record in a locked frame.
  if (deletesLockedEntry(decoded.ds, doc, locked)) return { ok: false, reason: 'dit frame staat op slot' }
  return OK
}
