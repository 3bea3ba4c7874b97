/**
 * Awareness integrity: what the relay lets a socket say about who is on the board.
 *
 * A y-websocket awareness frame is a list of (client id, clock, JSON state) entries. The relay
 * used to pass every entry on as sent, so one link could pose as another person or as the
 * facilitator. `admitAwareness` is the pure rule the room applies to each awareness frame:
 *
 * - A socket speaks only for the client ids it introduced. The first state a socket sends for an
 *   id that nobody controls makes that id its own; at most `maxClientIds` ids per socket (a
 *   browser tab uses one).
 * - Entries for ids another socket controls are dropped. The stock client echoes every change it
 *   hears (other people's states, at the clock the relay sent), so such entries are normal; only
 *   one with a newer clock than the room's would change anything, and that is a forgery. A frame
 *   with forgeries and nothing of its own closes the socket (4403).
 * - The JSON state of the socket's own entries is bounded (`maxStateBytes` for its entries of one
 *   frame together, 4413), must be an object or null (4400), and its role is stamped from the
 *   socket's token: `user.role` is overwritten, and the facilitator-only fields of `user`
 *   (`leading`: everyone follows this view; `summon`: everyone jumps here) are removed unless the
 *   socket is the facilitator's.
 * - A null state (someone leaving) passes for the socket's own ids only.
 *
 * Entries that are dropped are not even parsed. What the room relays afterwards is its own
 * re-encoding of the states it holds, so only stamped states ever reach other clients.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { CloseCode, type Role } from '@samenbord/shared'
import { isPlainObject } from '../record-entries.ts'

export interface AwarenessLimits {
  /** Largest JSON state, in bytes, a socket may publish about itself in one frame (all its entries together). */
  maxStateBytes: number
  /** Client ids one socket may control. */
  maxClientIds: number
}

/** 64 KiB: a presence is about 1 kB plus some 30 bytes per selected shape. */
export const DEFAULT_MAX_AWARENESS_BYTES = 64 * 1024
/** A browser tab uses one client id per socket; a little room for other clients. */
export const MAX_AWARENESS_CLIENTS_PER_SOCKET = 4

export const DEFAULT_AWARENESS_LIMITS: AwarenessLimits = {
  maxStateBytes: DEFAULT_MAX_AWARENESS_BYTES,
  maxClientIds: MAX_AWARENESS_CLIENTS_PER_SOCKET,
}

/** The sending socket: its role from its token and the client ids it controls now. */
export interface AwarenessSender {
  role: Role
  ownedClientIds: ReadonlySet<number>
}

/** What the rule needs to know of the room. */
export interface AwarenessRoomView {
  /** True when another socket controls `clientId` (on this instance, or on another one whose presence the room holds). */
  ownedByOthers(clientId: number): boolean
  /** The room's clock for `clientId`; undefined when it never saw the id. */
  clockOf(clientId: number): number | undefined
}

export type AwarenessAdmission =
  | {
      ok: true
      /** The sender's own entries, stamped, as one awareness update; null when none are left. */
      update: Uint8Array | null
      /** Ids this frame made the sender's own (add them to what it controls). */
      introduced: number[]
      /** Ids of other people this frame tried to change (dropped). */
      forged: number[]
    }
  | { ok: false; code: number; reason: string }

const FORGED_REASON = 'alleen je eigen aanwezigheid kan worden doorgegeven'
const TOO_MANY_REASON = 'te veel aanwezigen via één verbinding'
const BAD_REASON = 'ongeldig bericht'

/** Fields of `user` that make other screens act (follow, jump); only a facilitator's count. */
export const FACILITATOR_ONLY_USER_FIELDS = ['leading', 'summon'] as const

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The state as others may see it: role from the token, facilitator-only fields only for the facilitator. */
export function stampState(state: Record<string, unknown>, role: Role): Record<string, unknown> {
  if (!('user' in state)) return state
  const user: Record<string, unknown> = isPlainObject(state.user) ? { ...state.user } : {}
  user.role = role
  if (role !== 'facilitator') for (const field of FACILITATOR_ONLY_USER_FIELDS) delete user[field]
  return { ...state, user }
}

interface Kept {
  clientId: number
  clock: number
  json: string
}

function tooLarge(limits: AwarenessLimits): { ok: false; code: number; reason: string } {
  return { ok: false, code: CloseCode.messageTooLarge, reason: `aanwezigheid te groot (hoogstens ${Math.round(limits.maxStateBytes / 1024)} kB)` }
}

/** Decides what of one awareness update (the payload of an awareness frame) the room takes from this socket. */
export function admitAwareness(update: Uint8Array, sender: AwarenessSender, room: AwarenessRoomView, limits: AwarenessLimits): AwarenessAdmission {
  const decoder = decoding.createDecoder(update)
  const kept: Kept[] = []
  const introduced: number[] = []
  const forged: number[] = []
  let ownBytes = 0
  try {
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      // A view, not a copy: an entry that is dropped costs no decoding.
      const bytes = decoding.readVarUint8Array(decoder)
      const own = sender.ownedClientIds.has(clientId) || introduced.includes(clientId)
      if (!own) {
        const roomClock = room.clockOf(clientId)
        if (room.ownedByOthers(clientId)) {
          if (clock > (roomClock ?? 0) && !forged.includes(clientId)) forged.push(clientId)
          continue
        }
        // Nobody's: a leave or a stale echo of someone who left changes nothing, and claims nothing.
        if (isNullState(bytes) || (roomClock !== undefined && clock <= roomClock)) continue
        if (sender.ownedClientIds.size + introduced.length >= limits.maxClientIds) return { ok: false, code: CloseCode.rateLimited, reason: TOO_MANY_REASON }
        introduced.push(clientId)
      }
      ownBytes += bytes.byteLength
      // Checked before parsing: an oversized state costs nothing but this comparison.
      if (ownBytes > limits.maxStateBytes) return tooLarge(limits)
      const state: unknown = JSON.parse(utf8.decode(bytes))
      if (state !== null && !isPlainObject(state)) return { ok: false, code: CloseCode.badMessage, reason: BAD_REASON }
      kept.push({ clientId, clock, json: state === null ? 'null' : JSON.stringify(stampState(state, sender.role)) })
    }
  } catch {
    // Truncated varints, bytes that are not UTF-8, JSON that does not parse (or is nested too deep to write back).
    return { ok: false, code: CloseCode.badMessage, reason: BAD_REASON }
  }
  if (decoding.hasContent(decoder)) return { ok: false, code: CloseCode.badMessage, reason: BAD_REASON }
  if (forged.length > 0 && kept.length === 0) return { ok: false, code: CloseCode.forbidden, reason: FORGED_REASON }
  return { ok: true, update: kept.length === 0 ? null : encodeEntries(kept), introduced, forged }
}

const NULL_BYTES = [0x6e, 0x75, 0x6c, 0x6c] // "null"

function isNullState(bytes: Uint8Array): boolean {
  return bytes.byteLength === 4 && NULL_BYTES.every((byte, i) => bytes[i] === byte)
}

function encodeEntries(entries: Kept[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, clock)
    encoding.writeVarString(encoder, json)
  }
  return encoding.toUint8Array(encoder)
}

/**
 * The room as `admitAwareness` sees it, from the room's Awareness and the client ids each of its
 * sockets controls. A live state no local socket controls came from another relay instance (or
 * is the relay's own id): somebody else's as well.
 */
export function roomAwarenessView(
  awareness: { clientID: number; getStates(): Map<number, unknown>; meta: Map<number, { clock: number }> },
  controlledBySocket: ReadonlyMap<unknown, ReadonlySet<number>>,
  own: ReadonlySet<number>,
): AwarenessRoomView {
  return {
    ownedByOthers(clientId) {
      if (own.has(clientId)) return false
      if (clientId === awareness.clientID || awareness.getStates().has(clientId)) return true
      for (const controlled of controlledBySocket.values()) if (controlled !== own && controlled.has(clientId)) return true
      return false
    },
    clockOf: (clientId) => awareness.meta.get(clientId)?.clock,
  }
}
