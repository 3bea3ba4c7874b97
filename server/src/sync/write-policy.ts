/**
 * The relay's write policies: one chain of named steps that every document update from a writer
 * passes once, decoded once, before the room applies it (as hocuspocus runs its extensions'
 * hooks in order). The first refusal closes that socket with its code and Dutch reason; nothing
 * of the update is applied, relayed or stored, and the room stays as it was for everyone else.
 *
 * Which steps a socket gets is decided at admission (server/src/sync/doc-kinds.ts): the lock and
 * the facilitator's settings only bind a participant on the board itself. New rules go here.
 */
import * as Y from 'yjs'
import { CloseCode, type Role } from '@samenbord/shared'
import { checkLockedWrite, type BoardLockState } from './board-locks.ts'
import { checkDocUpdate } from './known-content.ts'
import type { DecodedUpdate } from './messages.ts'

/** One update on its way into a room. */
export interface WriteContext {
  readonly docName: string
  readonly role: Role
  readonly update: Uint8Array
  readonly decoded: DecodedUpdate
  /** The room's document as it is before this update. */
  readonly doc: Y.Doc
  /** The document's real size in bytes before this update (measured on demand, see Room.measureByteSize). */
  readonly docBytes: () => number
}

export type Verdict = { ok: true } | { ok: false; code: number; reason: string }

export interface WritePolicy {
  readonly name: string
  check(context: WriteContext): Verdict
}

const PASS: Verdict = { ok: true }

/** Runs the chain; the first refusal wins. */
export function runWritePolicies(policies: readonly WritePolicy[], context: WriteContext): Verdict {
  for (const policy of policies) {
    const verdict = policy.check(context)
    if (!verdict.ok) return verdict
  }
  return PASS
}

/** Only known content: the board's records and schema, a sub-document's own keys (4422). */
export const knownContentPolicy: WritePolicy = {
  name: 'known-content',
  check({ docName, update, decoded, doc }) {
    const result = checkDocUpdate(docName, update, decoded, doc)
    return result.ok ? PASS : { ok: false, code: CloseCode.invalidRecord, reason: result.reason }
  },
}

/** The facilitator's lock on the whole board or on frames (4423); `lockOf` reads the relay's current copy. */
export function boardLockPolicy(lockOf: () => BoardLockState): WritePolicy {
  return {
    name: 'board-lock',
    check({ decoded, doc }) {
      const lock = lockOf()
      if (!lock.locked && lock.lockedFrames.length === 0) return PASS
      const result = checkLockedWrite(decoded, doc, lock)
      return result.ok ? PASS : { ok: false, code: CloseCode.boardLocked, reason: result.reason }
    },
  }
}

export interface QuotaLimits {
  /** Largest a single sub-document (role card, preparation, consent) may grow. */
  maxSubDocBytes: number
  /** Largest all loaded documents of one board may grow together. */
  maxBoardBytes: number
}

/**
 * Size limits (4413): a write that would take the document or the board past its limit is
 * refused; the board stays usable (reading, deleting, smaller edits) for everyone.
 * `boardBytes` is the measured size of the board's documents loaded on this instance.
 */
export function quotaPolicy(limits: QuotaLimits, isSubDoc: boolean, boardBytes: (exact: boolean) => number): WritePolicy {
  return {
    name: 'quota',
    check({ update, decoded, docBytes }) {
      // Deleting is always allowed: it is how a full board is made usable again.
      if (!insertsContent(decoded)) return PASS
      if (isSubDoc && docBytes() + update.byteLength > limits.maxSubDocBytes) {
        return { ok: false, code: CloseCode.quotaExceeded, reason: `dit document is vol (hoogstens ${formatBytes(limits.maxSubDocBytes)})` }
      }
      // The cheap upper bound first; the real size only when that says no.
      if (boardBytes(false) + update.byteLength > limits.maxBoardBytes && boardBytes(true) + update.byteLength > limits.maxBoardBytes) {
        return { ok: false, code: CloseCode.quotaExceeded, reason: `het bord is vol (hoogstens ${formatBytes(limits.maxBoardBytes)}); verwijder iets, bijvoorbeeld grote afbeeldingen` }
      }
      return PASS
    },
  }
}

function insertsContent(decoded: DecodedUpdate): boolean {
  return decoded.structs.some((struct) => struct instanceof Y.Item && !(struct.content instanceof Y.ContentDeleted))
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} kB`
}
