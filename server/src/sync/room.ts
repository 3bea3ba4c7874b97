import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { Role } from '@samenbord/shared'
import { admitAwareness, DEFAULT_AWARENESS_LIMITS, roomAwarenessView, type AwarenessLimits } from './policies/awareness.ts'
import {
  assertValidUpdate,
  decodeMessage,
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncStep2Of,
  encodeSyncUpdate,
  isEmptyStateVector,
  isEmptyUpdate,
  ProtocolError,
} from './messages.ts'
import { applyUpdates, type DocPersistence } from './persistence.ts'
import { BusMessageKind, type BusMessageKindValue } from './bus.ts'
import { runWritePolicies, type WritePolicy } from './write-policy.ts'

/** Origin of changes that came from another relay instance (never published back). */
export const BUS_ORIGIN = Symbol('bus')
/** Origin of the stored state when it is built into the room's document: already stored, already sent. */
export const STORAGE_ORIGIN = Symbol('storage')

/**
 * If no client asked for the state (sync step 1) by then, build the document anyway: the
 * server's own step 1 to the clients that joined waits for it.
 */
const BUILD_FALLBACK_MS = 250

/**
 * A document that holds structs it cannot apply yet (their predecessors never arrived: a message
 * lost on the bus) asks for what it lacks after this long, then again after twice as long, up to
 * MISSING_RESYNC_MAX_MS, for as long as it waits. Updates of two instances may arrive out of order
 * for a moment; a real gap lasts.
 */
const MISSING_RESYNC_MS = 250
const MISSING_RESYNC_MAX_MS = 10_000
/** An instance asks back for what a requester may have and it lacks at most this often per room (a request within the window waits for its end). */
const SYNC_BACK_INTERVAL_MS = 200

/** RFC 6455 "internal error": the client retries. */
const CLOSE_INTERNAL_ERROR = 1011

/** The least time between two measurements of a big room's real size (encoding the state costs about 1 ms per MB). */
const MEASURE_INTERVAL_MS = 1000
/** Below this size measuring is cheap enough to do whenever it is asked for. */
const CHEAP_MEASURE_BYTES = 4 * 1024 * 1024

function isEmptyDeleteSet(decoded: { ds: unknown }): boolean {
  const ds = decoded.ds as { clients?: Map<number, unknown[]> }
  return ds.clients instanceof Map && ds.clients.size === 0
}

export interface RoomOptions {
  fanout?: RoomFanout | null
  /** Bounds on a socket's presence (MAX_AWARENESS_BYTES; see policies/awareness.ts). */
  awarenessLimits?: AwarenessLimits
  /**
   * The stored updates, not yet applied to `doc`. When they are one row (a compacted state), a
   * fresh client's first sync is answered with those bytes as they are, and the Y.Doc (decoding
   * every record: hundreds of ms for a big board) is built right after, off that client's path,
   * or at once when anything needs it first.
   */
  storedUpdates?: Uint8Array[]
  /** Called when the stored updates cannot be built into the document (the room's sockets are closed by then). */
  onBroken?: (error: unknown) => void
  /** Called while the document waits for updates it never received (see MISSING_RESYNC_MS): ask the other instances and the store. */
  onMissing?: () => void
}

/** Publishes this room's local changes to the other relay instances. */
export interface RoomFanout {
  publish(kind: BusMessageKindValue, payload: Uint8Array): void
}

/** One client socket as the room sees it. */
export interface Connection {
  readonly role: Role
  /** False for viewers: their document writes are dropped. */
  readonly canWrite: boolean
  /** When the socket's board link was issued (ms); renewing the board's links closes older ones. Infinity for personal card links. */
  readonly issuedAt: number
  /** The write policies this socket's updates pass (decided at admission; see write-policy.ts). */
  readonly writePolicies: readonly WritePolicy[]
  send(message: Uint8Array): void
  /** Closes the socket with a code and reason (the room is left as a consequence). */
  close(code: number, reason: string): void
}

interface AwarenessChange {
  added: number[]
  updated: number[]
  removed: number[]
}

/**
 * One live document: the shared Y.Doc, its Awareness and the sockets editing it.
 * Same algorithm as y-websocket's reference server, plus role filtering and strict decoding.
 */
export class Room {
  readonly name: string
  readonly awareness: awarenessProtocol.Awareness
  readonly persistence: DocPersistence
  /** Each connection with the awareness client ids it controls (removed when it leaves). */
  private readonly connections = new Map<Connection, Set<number>>()
  private destroyed = false
  private readonly fanout: RoomFanout | null
  private readonly disposers: (() => void)[] = []
  private readonly ydoc: Y.Doc
  /** Stored updates not yet in `ydoc`; null once the document is built. */
  private unbuilt: Uint8Array[] | null
  /** The whole document as one update while it is unchanged (what a fresh client gets), else null. */
  private fullState: Uint8Array | null
  /** Set when building from storage failed: the room must not be used or written back. */
  private buildError: unknown = null
  /** Joined while the document was not built: they get the server's step 1 once it is. */
  private readonly awaitingStep1 = new Set<Connection>()
  private readonly onBuilt: (() => void)[] = []
  private buildTimer: NodeJS.Timeout | null = null
  private buildScheduled = false
  private readonly onBroken: (error: unknown) => void
  /** True while a live edit that the sockets already got is being applied. */
  private relayedAhead = false
  /** The document's size in bytes: measured (encoded state) now and then, plus what was applied since. */
  private sizeBytes: number
  private readonly awarenessLimits: AwarenessLimits
  /** Bytes applied since the last measurement. */
  private grownSinceMeasure = 0
  private measuredAt = Number.NEGATIVE_INFINITY
  private readonly onMissing: (() => void) | null
  /** Since when the document holds structs or deletions it cannot apply yet (ms), or null. */
  private missingSince: number | null = null
  private missingTimer: NodeJS.Timeout | null = null
  private missingAttempts = 0
  private syncBackTimer: NodeJS.Timeout | null = null
  private syncBackAt = Number.NEGATIVE_INFINITY

  constructor(name: string, doc: Y.Doc, persistence: DocPersistence, options: RoomOptions = {}) {
    this.name = name
    this.ydoc = doc
    this.persistence = persistence
    this.fanout = options.fanout ?? null
    const stored = options.storedUpdates ?? []
    this.unbuilt = stored.length > 0 ? stored : null
    this.fullState = stored.length === 1 ? stored[0] : null
    this.onBroken = options.onBroken ?? (() => {})
    this.onMissing = options.onMissing ?? null
    this.awarenessLimits = options.awarenessLimits ?? DEFAULT_AWARENESS_LIMITS
    // The stored rows are the document's size until it is measured (an upper bound: the log may hold repeats).
    this.sizeBytes = stored.reduce((sum, row) => sum + row.byteLength, 0)
    this.awareness = new awarenessProtocol.Awareness(doc)
    // The server is not a participant: it has no presence of its own.
    this.awareness.setLocalState(null)
    this.ydoc.on('update', this.onDocUpdate)
    this.awareness.on('update', this.onAwarenessUpdate)
    persistence.bindDocument(() => this.documentToStore())
    if (this.unbuilt !== null) {
      this.buildTimer = setTimeout(() => this.buildInBackground(), BUILD_FALLBACK_MS)
      this.buildTimer.unref()
    }
  }

  /** The room's document, built from storage first if it was not yet. */
  get doc(): Y.Doc {
    this.build()
    return this.ydoc
  }

  /** False while the room still serves its stored bytes and has not decoded them into a Y.Doc. */
  get isBuilt(): boolean {
    return this.unbuilt === null
  }

  /** Runs `callback` once the document is built (at once if it is). */
  whenBuilt(callback: () => void): void {
    if (this.unbuilt === null) {
      if (this.buildError === null) callback()
    } else this.onBuilt.push(callback)
  }

  /** The document's full state as one update, without building the document when storage already holds it as one. */
  encodeState(): Uint8Array {
    if (this.fullState !== null) return this.fullState
    if (!this.ensureBuilt()) throw new Error(`room ${this.name} could not be loaded`)
    return (this.fullState = Y.encodeStateAsUpdate(this.ydoc))
  }

  /**
   * The document's size in bytes for the quotas, as an upper bound: the last measured size plus
   * every update applied since. Cheap; `measureByteSize` gives the real size.
   */
  get byteSize(): number {
    return this.sizeBytes + this.grownSinceMeasure
  }

  /**
   * The real encoded size, measured again when updates were applied since (a board edited a lot,
   * where moves replace records, is not taken for a growing one). A big document at most once
   * per MEASURE_INTERVAL_MS: encoding it costs milliseconds, and a writer at the limit must not
   * be able to make the room do it for every frame.
   */
  measureByteSize(): number {
    const now = performance.now()
    const due = this.sizeBytes < CHEAP_MEASURE_BYTES || now - this.measuredAt >= MEASURE_INTERVAL_MS
    if (this.grownSinceMeasure > 0 && due && this.ensureBuilt()) {
      this.sizeBytes = this.encodeState().byteLength
      this.grownSinceMeasure = 0
      this.measuredAt = now
    }
    return this.byteSize
  }

  get connectionCount(): number {
    return this.connections.size
  }

  get isDestroyed(): boolean {
    return this.destroyed
  }

  /** Since when (ms since the epoch) the document waits for updates it never received; null when it lacks nothing it knows of. */
  get waitingForMissingSince(): number | null {
    return this.missingSince
  }

  /** The connections in this room (a copy). */
  get connectionList(): Connection[] {
    return [...this.connections.keys()]
  }

  join(connection: Connection): void {
    if (this.destroyed) throw new Error(`room ${this.name} is destroyed`)
    this.connections.set(connection, new Set())
    // Ask the client for what it has that we lack; it answers with step 2 (dropped for viewers).
    // Not built yet: that needs the state vector, so it follows once the document is built.
    if (this.unbuilt === null) connection.send(encodeSyncStep1(this.ydoc))
    else this.awaitingStep1.add(connection)
    const states = this.awareness.getStates()
    if (states.size > 0) {
      connection.send(encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])))
    }
  }

  leave(connection: Connection): void {
    const controlled = this.connections.get(connection)
    if (controlled === undefined) return
    this.connections.delete(connection)
    this.awaitingStep1.delete(connection)
    if (controlled.size > 0 && !this.destroyed) {
      // Others see the person leave now, not after the 30 s awareness timeout.
      awarenessProtocol.removeAwarenessStates(this.awareness, [...controlled], null)
    }
  }

  /** Handles one frame. Throws ProtocolError when the frame is malformed; the room stays intact. */
  handleMessage(connection: Connection, frame: Uint8Array): void {
    if (!this.connections.has(connection)) return
    // Decoded once here; the update inside once more in applyClientUpdate, and never again.
    const message = decodeMessage(frame)
    switch (message.type) {
      case 'sync-step1':
        if (isEmptyStateVector(message.stateVector)) {
          // One stored row is the whole state; a longer log is built first (merging it costs as much),
          // since a client takes step 2 as everything there is.
          if (this.unbuilt !== null && this.unbuilt.length === 1) return this.sendStored(connection, this.unbuilt[0])
          // A fresh client: the whole state, encoded once for everyone joining until the next change.
          connection.send(encodeSyncStep2Of(this.encodeState()))
          return
        }
        if (!this.ensureBuilt()) return
        connection.send(encodeSyncStep2(this.ydoc, message.stateVector))
        return
      case 'sync-step2':
        // Read-only: a viewer's writes are never applied, so never broadcast or stored.
        if (!connection.canWrite) return
        this.applyClientUpdate(connection, message.update, null)
        return
      case 'sync-update':
        if (!connection.canWrite) return
        // A live edit: once checked, the other sockets get the sender's own frame (it holds
        // exactly this update: decodeMessage refuses trailing bytes).
        this.applyClientUpdate(connection, message.update, frame)
        return
      case 'awareness': {
        // Only the sender's own presence, its role stamped from its token (policies/awareness.ts).
        const own = this.connections.get(connection)!
        const admitted = admitAwareness(message.update, { role: connection.role, ownedClientIds: own }, roomAwarenessView(this.awareness, this.connections, own), this.awarenessLimits)
        if (!admitted.ok) return connection.close(admitted.code, admitted.reason)
        for (const id of admitted.introduced) own.add(id)
        if (admitted.update !== null) awarenessProtocol.applyAwarenessUpdate(this.awareness, admitted.update, connection)
        return
      }
      case 'query-awareness': {
        const clients = [...this.awareness.getStates().keys()]
        connection.send(encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)))
        return
      }
    }
  }

  /** Runs `dispose` when the room is destroyed (e.g. leave the fan-out channel). */
  onDestroy(dispose: () => void): void {
    this.disposers.push(dispose)
  }

  /** Applies a message another relay instance published for this document. */
  applyFromBus(kind: BusMessageKindValue, payload: Uint8Array): void {
    if (this.destroyed) return
    switch (kind) {
      case BusMessageKind.update:
        if (isEmptyUpdate(payload) || !this.ensureBuilt()) return
        Y.applyUpdate(this.ydoc, payload, BUS_ORIGIN)
        // A lost message shows here: what follows it cannot be applied and waits.
        this.checkMissing()
        return
      case BusMessageKind.awareness:
        awarenessProtocol.applyAwarenessUpdate(this.awareness, payload, BUS_ORIGIN)
        return
      case BusMessageKind.syncRequest:
      case BusMessageKind.syncRequestBack: {
        // Another instance loaded this document, came back to Redis or waits for something it
        // missed: send what it lacks. Yjs always adds the whole delete set, so deletions it
        // missed (which the state vector cannot show) come along.
        if (!this.ensureBuilt()) return
        const missing = Y.encodeStateAsUpdate(this.ydoc, payload)
        if (!isEmptyUpdate(missing)) this.fanout?.publish(BusMessageKind.update, missing)
        // And the other way round: it may hold updates this instance never received.
        if (kind === BusMessageKind.syncRequest) this.requestSyncBack()
        return
      }
      case BusMessageKind.syncRequestAwareness: {
        const clients = [...this.awareness.getStates().keys()]
        if (clients.length > 0) this.fanout?.publish(BusMessageKind.awareness, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
        return
      }
    }
  }

  /** Applies the stored log (read again after a reconnect or while updates are missing): what this instance never received comes with it. */
  applyFromStore(updates: Uint8Array[]): void {
    if (this.destroyed || updates.length === 0 || !this.ensureBuilt()) return
    // Not published: whoever stored it had it, and every other instance reads the store itself.
    applyUpdates(this.ydoc, updates, BUS_ORIGIN)
    this.checkMissing()
  }

  /** "Send me what I lack", with this document's state vector (once it is built); `back`: as the answer's other half, not to be asked back. */
  requestSync(back = false): void {
    this.whenBuilt(() => {
      if (!this.destroyed) this.fanout?.publish(back ? BusMessageKind.syncRequestBack : BusMessageKind.syncRequest, Y.encodeStateVector(this.ydoc))
    })
  }

  /** Asks back at most once per SYNC_BACK_INTERVAL_MS; a request in the window goes at its end. */
  private requestSyncBack(): void {
    if (this.syncBackTimer !== null) return
    const wait = this.syncBackAt + SYNC_BACK_INTERVAL_MS - performance.now()
    const send = () => {
      this.syncBackTimer = null
      this.syncBackAt = performance.now()
      this.requestSync(true)
    }
    if (wait <= 0) return send()
    this.syncBackTimer = setTimeout(send, wait)
    this.syncBackTimer.unref()
  }

  /**
   * Notices structs or deletions Yjs keeps aside because what they build on never arrived, and
   * asks for it (onMissing) until it came: first after MISSING_RESYNC_MS, then less and less often.
   */
  private checkMissing(): void {
    const store = this.ydoc.store
    if (store.pendingStructs === null && store.pendingDs === null) {
      this.missingSince = null
      this.missingAttempts = 0
      if (this.missingTimer !== null) clearTimeout(this.missingTimer)
      this.missingTimer = null
      return
    }
    this.missingSince ??= Date.now()
    if (this.missingTimer !== null || this.onMissing === null) return
    const delay = Math.min(MISSING_RESYNC_MS * 2 ** this.missingAttempts, MISSING_RESYNC_MAX_MS)
    this.missingTimer = setTimeout(() => {
      this.missingTimer = null
      if (this.destroyed) return
      const store = this.ydoc.store
      if (store.pendingStructs === null && store.pendingDs === null) return this.checkMissing()
      this.missingAttempts += 1
      this.onMissing?.()
      this.checkMissing()
    }, delay)
    this.missingTimer.unref()
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const dispose of this.disposers.splice(0)) dispose()
    this.connections.clear()
    this.awaitingStep1.clear()
    this.onBuilt.length = 0
    if (this.buildTimer !== null) clearTimeout(this.buildTimer)
    this.buildTimer = null
    if (this.missingTimer !== null) clearTimeout(this.missingTimer)
    this.missingTimer = null
    if (this.syncBackTimer !== null) clearTimeout(this.syncBackTimer)
    this.syncBackTimer = null
    this.unbuilt = null
    this.ydoc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.persistence.dispose()
    this.ydoc.destroy()
  }

  /**
   * Builds the Y.Doc from the stored updates (synchronously: whoever needs the document gets
   * it complete). Should the stored state not apply, the room is broken: every socket is closed,
   * nothing is written back (the log stays in the store as it is) and `onBroken` drops the room.
   */
  private build(): void {
    const updates = this.unbuilt
    if (updates === null) return
    this.unbuilt = null
    if (this.buildTimer !== null) clearTimeout(this.buildTimer)
    this.buildTimer = null
    // Without an update listener Yjs does not encode the whole transaction again for it.
    this.ydoc.off('update', this.onDocUpdate)
    try {
      applyUpdates(this.ydoc, updates, STORAGE_ORIGIN)
    } catch (error) {
      this.buildError = error
      this.awaitingStep1.clear()
      this.onBuilt.length = 0
      for (const connection of this.connectionList) connection.close(CLOSE_INTERNAL_ERROR, 'bord kan niet geladen worden')
      this.onBroken(error)
      return
    } finally {
      if (!this.destroyed) this.ydoc.on('update', this.onDocUpdate)
    }
    if (this.awaitingStep1.size > 0) {
      const step1 = encodeSyncStep1(this.ydoc)
      for (const connection of this.awaitingStep1) connection.send(step1)
      this.awaitingStep1.clear()
    }
    for (const callback of this.onBuilt.splice(0)) callback()
  }

  private buildInBackground(): void {
    if (!this.destroyed) this.build()
  }

  /** Answers a fresh client (empty document) with the stored state as it is. */
  private sendStored(connection: Connection, state: Uint8Array): void {
    connection.send(encodeSyncStep2Of(state))
    // Build once this reply is on its way, so later writers and joiners find the document ready.
    if (!this.buildScheduled) {
      this.buildScheduled = true
      setImmediate(() => this.buildInBackground())
    }
  }

  /** The document persistence reads; null (write nothing) when the room is broken or gone. */
  private documentToStore(): Y.Doc | null {
    if (this.destroyed) return null
    this.build()
    return this.buildError === null ? this.ydoc : null
  }

  /** True when the room's document is usable (built now if needed). */
  private ensureBuilt(): boolean {
    this.build()
    return this.buildError === null
  }

  /**
   * Checks and applies a writer's update. With `relayFrame` (a live edit) the other sockets get
   * that frame as soon as the update passed every check, before the server integrates it: they
   * see the edit without waiting for the room's own apply and re-encode (about three quarters of
   * the work per edit), and the document's update event then skips the sockets.
   */
  private applyClientUpdate(connection: Connection, update: Uint8Array, relayFrame: Uint8Array | null): void {
    // Decode fully first, so garbage is refused before Y.applyUpdate could integrate half of it.
    const decoded = assertValidUpdate(update)
    // Nothing to apply (e.g. a fresh client's answer to our step 1): no need to build the document.
    if (decoded.structs.length === 0 && isEmptyDeleteSet(decoded)) return
    if (!this.ensureBuilt()) return
    // The write-policy chain (known content, lock, settings, quota): a refusal drops the whole update.
    const verdict = runWritePolicies(connection.writePolicies, {
      docName: this.name,
      role: connection.role,
      update,
      decoded,
      doc: this.ydoc,
      docBytes: () => this.measureByteSize(),
    })
    if (!verdict.ok) return connection.close(verdict.code, verdict.reason)
    // Only while nothing waits for missing structs: else the update event may carry more than this frame.
    const store = this.ydoc.store
    this.relayedAhead = relayFrame !== null && store.pendingStructs === null && store.pendingDs === null
    if (this.relayedAhead) {
      for (const other of this.connections.keys()) if (other !== connection) other.send(relayFrame!)
    }
    try {
      Y.applyUpdate(this.ydoc, update, connection)
    } catch (error) {
      throw new ProtocolError('Yjs update could not be applied', { cause: error })
    } finally {
      this.relayedAhead = false
    }
    // A client's update may fill what the bus lost, or (moved from a dead instance) lean on
    // updates of that instance that its own sync step 2 brings a moment later.
    if (this.missingSince !== null || store.pendingStructs !== null || store.pendingDs !== null) this.checkMissing()
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    this.fullState = null
    this.grownSinceMeasure += update.byteLength
    // The sockets already have it when it was relayed ahead.
    if (!this.relayedAhead) {
      const message = encodeSyncUpdate(update)
      for (const connection of this.connections.keys()) {
        // The sender already has its own update.
        if (connection !== origin) connection.send(message)
      }
    }
    if (origin !== BUS_ORIGIN) this.fanout?.publish(BusMessageKind.update, update)
    // Also what other instances sent: should one of them die before its batch is written,
    // the update is still stored (duplicates are harmless, compaction folds them).
    this.persistence.enqueue(update, transaction.deleteSet)
  }

  private readonly onAwarenessUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const controlled = this.connections.get(origin as Connection)
    if (controlled !== undefined) {
      for (const id of added) controlled.add(id)
      for (const id of updated) controlled.add(id)
      for (const id of removed) controlled.delete(id)
    }
    const changed = added.concat(updated, removed)
    if (changed.length === 0) return
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)
    const message = encodeAwarenessMessage(update)
    for (const connection of this.connections.keys()) connection.send(message)
    if (origin !== BUS_ORIGIN) this.fanout?.publish(BusMessageKind.awareness, update)
  }
}
