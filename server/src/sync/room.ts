import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { CloseCode, type Role } from '@samenbord/shared'
import {
  assertValidAwarenessUpdate,
  assertValidUpdate,
  decodeMessage,
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  ProtocolError,
} from './messages.ts'
import type { DocPersistence } from './persistence.ts'
import { BusMessageKind, type BusMessageKindValue } from './bus.ts'
import { checkBoardUpdate, shouldCheckDoc } from './record-guard.ts'

/** Origin of changes that came from another relay instance (never published back). */
export const BUS_ORIGIN = Symbol('bus')

/** Publishes this room's local changes to the other relay instances. */
export interface RoomFanout {
  publish(kind: BusMessageKindValue, payload: Uint8Array): void
}

/** One client socket as the room sees it. */
export interface Connection {
  readonly role: Role
  /** False for viewers: their document writes are dropped. */
  readonly canWrite: boolean
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
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  readonly persistence: DocPersistence
  /** Each connection with the awareness client ids it controls (removed when it leaves). */
  private readonly connections = new Map<Connection, Set<number>>()
  private destroyed = false
  private readonly fanout: RoomFanout | null
  private readonly disposers: (() => void)[] = []

  constructor(name: string, doc: Y.Doc, persistence: DocPersistence, fanout: RoomFanout | null = null) {
    this.name = name
    this.doc = doc
    this.persistence = persistence
    this.fanout = fanout
    this.awareness = new awarenessProtocol.Awareness(doc)
    // The server is not a participant: it has no presence of its own.
    this.awareness.setLocalState(null)
    this.doc.on('update', this.onDocUpdate)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /** The connections in this room (a copy). */
  get connectionList(): Connection[] {
    return [...this.connections.keys()]
  }

  join(connection: Connection): void {
    if (this.destroyed) throw new Error(`room ${this.name} is destroyed`)
    this.connections.set(connection, new Set())
    // Ask the client for what it has that we lack; it answers with step 2 (dropped for viewers).
    connection.send(encodeSyncStep1(this.doc))
    const states = this.awareness.getStates()
    if (states.size > 0) {
      connection.send(encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])))
    }
  }

  leave(connection: Connection): void {
    const controlled = this.connections.get(connection)
    if (controlled === undefined) return
    this.connections.delete(connection)
    if (controlled.size > 0 && !this.destroyed) {
      // Others see the person leave now, not after the 30 s awareness timeout.
      awarenessProtocol.removeAwarenessStates(this.awareness, [...controlled], null)
    }
  }

  /** Handles one frame. Throws ProtocolError when the frame is malformed; the room stays intact. */
  handleMessage(connection: Connection, frame: Uint8Array): void {
    if (!this.connections.has(connection)) return
    const message = decodeMessage(frame)
    switch (message.type) {
      case 'sync-step1':
        connection.send(encodeSyncStep2(this.doc, message.stateVector))
        return
      case 'sync-step2':
      case 'sync-update':
        // Read-only: a viewer's writes are never applied, so never broadcast or stored.
        if (!connection.canWrite) return
        this.applyClientUpdate(connection, message.update)
        return
      case 'awareness':
        assertValidAwarenessUpdate(message.update)
        awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, connection)
        return
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
        Y.applyUpdate(this.doc, payload, BUS_ORIGIN)
        return
      case BusMessageKind.awareness:
        awarenessProtocol.applyAwarenessUpdate(this.awareness, payload, BUS_ORIGIN)
        return
      case BusMessageKind.syncRequest:
        // Another instance just loaded this document: send what it may lack (not yet stored).
        this.fanout?.publish(BusMessageKind.update, Y.encodeStateAsUpdate(this.doc, payload))
        return
      case BusMessageKind.syncRequestAwareness: {
        const clients = [...this.awareness.getStates().keys()]
        if (clients.length > 0) this.fanout?.publish(BusMessageKind.awareness, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients))
        return
      }
    }
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const dispose of this.disposers.splice(0)) dispose()
    this.connections.clear()
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.persistence.dispose()
    this.doc.destroy()
  }

  private applyClientUpdate(connection: Connection, update: Uint8Array): void {
    // Decode fully first, so garbage is refused before Y.applyUpdate could integrate half of it.
    const decoded = assertValidUpdate(update)
    // A modified client must not store what the board schema forbids: refuse the whole update.
    if (shouldCheckDoc(this.name)) {
      const guard = checkBoardUpdate(update, this.doc, decoded)
      if (!guard.ok) return connection.close(CloseCode.invalidRecord, guard.reason)
    }
    try {
      Y.applyUpdate(this.doc, update, connection)
    } catch (error) {
      throw new ProtocolError('Yjs update could not be applied', { cause: error })
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const message = encodeSyncUpdate(update)
    for (const connection of this.connections.keys()) {
      // The sender already has its own update.
      if (connection !== origin) connection.send(message)
    }
    if (origin !== BUS_ORIGIN) this.fanout?.publish(BusMessageKind.update, update)
    // Also what other instances sent: should one of them die before its batch is written,
    // the update is still stored (duplicates are harmless, compaction folds them).
    this.persistence.enqueue(update)
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
