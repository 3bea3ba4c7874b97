import * as Y from 'yjs'
import { CloseCode } from '@samenbord/shared'
import type { FastifyBaseLogger } from 'fastify'
import { isDocOfBoard, type DocumentStore } from '../storage/document-store.ts'
import { DEFAULT_PERSISTENCE_OPTIONS, DocPersistence, stateOfUpdates, WriteBacklog, type PersistenceOptions } from './persistence.ts'
import { Room, type Connection } from './room.ts'
import { BusMessageKind, type RoomBus } from './bus.ts'
import { DEFAULT_AWARENESS_LIMITS, type AwarenessLimits } from './policies/awareness.ts'
import { isCurrentDoc } from './doc-kinds.ts'
import { readFacilitation } from '../facilitation-state.ts'

/** The board was deleted (or is being deleted): nobody may open its documents. */
export class BoardGoneError extends Error {
  constructor(boardId: string) {
    super(`board ${boardId} was deleted`)
    this.name = 'BoardGoneError'
  }
}

/** How long a deleted board id stays blocked for sockets that were already past the board check. */
const PURGED_MEMORY_MS = 60_000
/**
 * On shutdown, writes that keep failing (the store is away) are tried this long before the
 * instance gives up on them (within main.ts's 10 s watchdog). Other instances and the clients
 * still hold those updates; the next instance to load the board stores them again.
 */
const SHUTDOWN_WRITE_GRACE_MS = 5000

export interface RoomRegistryOptions {
  /** Unload a room this long after its last connection left. */
  roomIdleMs: number
  persistence?: PersistenceOptions
  /** Fan-out to other relay instances (Redis); null for a single instance. */
  bus?: RoomBus | null
  awarenessLimits?: AwarenessLimits
}

/**
 * The rooms in memory. A room is loaded from the store on its first connection and unloaded
 * (flushed, compacted, destroyed) once it has been empty for `roomIdleMs`.
 */
/** Close reason for sockets of a board link issued before the facilitator renewed the links (4401). */
export const LINK_RENEWED_REASON = 'link vervangen door een nieuwe'

export class RoomRegistry {
  private readonly store: DocumentStore
  private readonly log: FastifyBaseLogger
  private readonly options: Required<RoomRegistryOptions>
  private readonly rooms = new Map<string, Room>()
  private readonly loading = new Map<string, Promise<Room>>()
  /** Board id → the latest renewal of its links this instance heard of (ms). */
  private readonly renewals = new Map<string, number>()
  /** Unloads still writing their final state; a reload of the same doc waits for them. */
  private readonly unloading = new Map<string, Promise<void>>()
  private readonly idleTimers = new Map<string, NodeJS.Timeout>()
  private shuttingDown = false
  /** Boards being deleted, or deleted a moment ago. */
  private readonly purged = new Set<string>()
  /** Store reads of resyncing rooms, one after the other. */
  private storeResyncs: Promise<void> = Promise.resolve()
  private resyncs = 0
  /** Which documents hold updates not yet stored, and which writes are failing (for /healthz). */
  readonly writeBacklog = new WriteBacklog()

  constructor(store: DocumentStore, log: FastifyBaseLogger, options: RoomRegistryOptions) {
    this.store = store
    this.log = log
    this.options = { persistence: DEFAULT_PERSISTENCE_OPTIONS, bus: null, awarenessLimits: DEFAULT_AWARENESS_LIMITS, ...options }
  }

  /** The fan-out to other instances, if any. */
  get bus(): RoomBus | null {
    return this.options.bus
  }

  /** True once shutdown started: no new rooms are opened. */
  get isShuttingDown(): boolean {
    return this.shuttingDown
  }

  get roomCount(): number {
    return this.rooms.size
  }

  get connectionCount(): number {
    let count = 0
    for (const room of this.rooms.values()) count += room.connectionCount
    return count
  }

  /** Names of the loaded (or loading) documents of a board. */
  loadedDocsOf(boardId: string): string[] {
    return [...this.rooms.keys(), ...this.loading.keys()].filter((name) => isDocOfBoard(name, boardId))
  }

  /** Closes the sockets on this instance opened with a board link issued before `validFrom` (renewed links). */
  closeLinksIssuedBefore(boardId: string, validFrom: number): void {
    this.renewals.set(boardId, Math.max(validFrom, this.renewals.get(boardId) ?? 0))
    for (const name of this.loadedDocsOf(boardId)) {
      for (const connection of this.rooms.get(name)?.connectionList ?? []) {
        if (connection.issuedAt < validFrom) connection.close(CloseCode.unauthenticated, LINK_RENEWED_REASON)
      }
    }
  }

  /**
   * When this instance last saw the board's links renewed (0: never). A socket that passed the
   * stored check just before a renewal and joins just after it is caught with this.
   */
  linksRenewedAt(boardId: string): number {
    return this.renewals.get(boardId) ?? 0
  }

  /** Every document of a board: the board itself, those with stored updates, and those loaded here. */
  async docsOfBoard(boardId: string): Promise<Set<string>> {
    return new Set([boardId, ...(await this.store.listBoardDocs(boardId)), ...this.loadedDocsOf(boardId)])
  }

  /** The loaded room, if any (for tests and diagnostics). */
  peek(docName: string): Room | undefined {
    return this.rooms.get(docName)
  }

  /**
   * Joins `connection` to the room of `docName`, loading the room first if needed.
   * `isGone` is asked after loading: a socket that closed meanwhile does not join.
   */
  async join(docName: string, connection: Connection, isGone: () => boolean): Promise<Room | null> {
    const room = await this.open(docName)
    if (this.isPurged(docName)) {
      this.scheduleIdleUnload(room)
      throw new BoardGoneError(docName)
    }
    // No await between here and join(): the idle timer cannot fire in between.
    if (isGone()) {
      this.scheduleIdleUnload(room)
      return null
    }
    this.cancelIdleUnload(docName)
    room.join(connection)
    return room
  }

  leave(room: Room, connection: Connection): void {
    room.leave(connection)
    if (this.rooms.get(room.name) === room) this.scheduleIdleUnload(room)
  }

  /** The size in bytes of the board's documents loaded here (for MAX_BOARD_BYTES): an upper bound, or `exact`ly measured. */
  boardBytes(boardId: string, exact = false): number {
    let bytes = 0
    for (const [name, room] of this.rooms) if (isDocOfBoard(name, boardId)) bytes += exact ? room.measureByteSize() : room.byteSize
    return bytes
  }

  /** Connections on any document of the board. */
  boardConnectionCount(boardId: string): number {
    let count = 0
    for (const [name, room] of this.rooms) if (isDocOfBoard(name, boardId)) count += room.connectionCount
    return count
  }

  /**
   * Sockets on the board's main document on this instance: about one per person with the board
   * open, where `boardConnectionCount` counts a facilitator with the preparation open twice.
   */
  mainDocConnectionCount(boardId: string): number {
    return this.rooms.get(boardId)?.connectionCount ?? 0
  }

  /** The current state of a document: from memory when loaded, else from the store. */
  async docState(docName: string): Promise<Uint8Array> {
    const room = this.rooms.get(docName)
    if (room) return room.encodeState()
    await this.unloading.get(docName)
    const rows = await this.store.loadDocUpdates(docName)
    return rows.length === 0 ? Y.encodeStateAsUpdate(new Y.Doc()) : stateOfUpdates(rows)
  }

  /**
   * Deletes a board for good: closes every socket on its documents with `code`, drops the rooms
   * without writing anything back, waits for writes in flight, then runs `deleteFromStore`.
   */
  async purgeBoard(boardId: string, code: number, reason: string, deleteFromStore: () => Promise<void>): Promise<void> {
    this.purged.add(boardId)
    this.renewals.delete(boardId)
    try {
      const ofBoard = <T>(map: Map<string, T>) => [...map].filter(([name]) => isDocOfBoard(name, boardId))
      await Promise.allSettled(ofBoard(this.loading).map(([, pending]) => pending))
      const writes: Promise<void>[] = []
      for (const [name, room] of ofBoard(this.rooms)) {
        this.rooms.delete(name)
        this.cancelIdleUnload(name)
        for (const connection of room.connectionList) connection.close(code, reason)
        writes.push(room.persistence.discard())
        room.destroy()
      }
      for (const [name] of ofBoard(this.idleTimers)) this.cancelIdleUnload(name)
      await Promise.allSettled([...writes, ...ofBoard(this.unloading).map(([, done]) => done)])
      await deleteFromStore()
    } finally {
      setTimeout(() => this.purged.delete(boardId), PURGED_MEMORY_MS).unref()
    }
  }

  /**
   * Drops single documents for good (e.g. role cards of an earlier session): closes their sockets
   * with `code`, destroys the rooms without writing anything back and waits for writes in flight.
   * The caller deletes what is stored.
   */
  async dropDocs(docNames: readonly string[], code: number, reason: string): Promise<void> {
    const writes: Promise<void>[] = []
    for (const name of docNames) {
      await this.loading.get(name)?.catch(() => {})
      const room = this.rooms.get(name)
      this.cancelIdleUnload(name)
      if (room !== undefined) {
        this.rooms.delete(name)
        for (const connection of room.connectionList) connection.close(code, reason)
        writes.push(room.persistence.discard())
        room.destroy()
      }
      const unloading = this.unloading.get(name)
      if (unloading !== undefined) writes.push(unloading)
    }
    await Promise.allSettled(writes)
  }

  private isPurged(docName: string): boolean {
    for (const boardId of this.purged) if (isDocOfBoard(docName, boardId)) return true
    return false
  }

  /** Writes every pending batch and destroys all rooms; used on shutdown. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true
    // Writes that keep failing (store away) are given up after a while, rooms unloading included.
    this.writeBacklog.giveUpAfter(SHUTDOWN_WRITE_GRACE_MS)
    for (const timer of this.idleTimers.values()) clearTimeout(timer)
    this.idleTimers.clear()
    await Promise.allSettled([...this.loading.values()])
    const rooms = [...this.rooms.values()]
    this.rooms.clear()
    await Promise.all(
      rooms.map(async (room) => {
        try {
          await room.persistence.flush({ giveUpAfterMs: SHUTDOWN_WRITE_GRACE_MS })
        } finally {
          room.destroy()
        }
      }),
    )
    await Promise.allSettled([...this.unloading.values()])
  }

  private async open(docName: string): Promise<Room> {
    if (this.shuttingDown) throw new Error('server is shutting down')
    if (this.isPurged(docName)) throw new BoardGoneError(docName)
    const loaded = this.rooms.get(docName)
    if (loaded) return loaded
    let pending = this.loading.get(docName)
    if (!pending) {
      pending = this.load(docName).finally(() => this.loading.delete(docName))
      this.loading.set(docName, pending)
    }
    return pending
  }

  private async load(docName: string): Promise<Room> {
    await this.unloading.get(docName)
    const doc = new Y.Doc({ gc: true })
    const bus = this.options.bus
    let room: Room | null = null
    let unsubscribe: (() => void) | null = null
    /** Updates other instances published while the store was read: applied with the stored ones. */
    const early: Uint8Array[] = []
    /** The subscriber reconnected while the room was loading: resync it once it exists. */
    let resyncWhenLoaded = false
    try {
      if (bus) {
        // Listen before reading the store, so nothing published meanwhile is missed.
        const onResync = () => {
          if (room === null) resyncWhenLoaded = true
          else this.resync(room, 'reconnect')
        }
        unsubscribe = await bus.subscribe(docName, (kind, payload) => {
          if (kind === BusMessageKind.gone) {
            const boardId = docName.split('.')[0]
            void this.purgeBoard(boardId, 4404, 'bord verwijderd', async () => {}).catch(() => {})
          } else if (kind === BusMessageKind.cardGone) {
            // The card's instance deletes what is stored; this one must not write it back.
            void this.dropDocs([docName], CloseCode.roleCardGone, new TextDecoder().decode(payload))
          } else if (kind === BusMessageKind.linksRenewed) {
            const validFrom = Number(new TextDecoder().decode(payload))
            if (Number.isFinite(validFrom)) this.closeLinksIssuedBefore(docName.split('.')[0], validFrom)
          } else if (room !== null) {
            room.applyFromBus(kind, payload)
          } else if (kind === BusMessageKind.update) {
            early.push(payload)
          }
        }, onResync)
      }
      // The stored log is not decoded here: the room serves it as it is and builds its Y.Doc after.
      const rows = await this.store.loadDocUpdates(docName)
      const persistence = new DocPersistence(this.store, docName, this.log, rows.length, this.options.persistence, this.writeBacklog)
      const created: Room = new Room(docName, doc, persistence, {
        fanout: bus ? { publish: (kind, payload) => bus.publish(docName, kind, payload) } : null,
        awarenessLimits: this.options.awarenessLimits,
        storedUpdates: early.length > 0 ? [...rows, ...early] : rows,
        ...(bus ? { onMissing: () => this.resync(created, 'missing') } : {}),
        onBroken: (error) => {
          this.log.error({ err: error, doc: docName }, 'stored document could not be loaded')
          if (this.rooms.get(docName) === created) this.rooms.delete(docName)
          this.cancelIdleUnload(docName)
          created.destroy()
        },
      })
      room = created
      if (unsubscribe) room.onDestroy(unsubscribe)
      unsubscribe = null
      if (this.shuttingDown) {
        room.destroy()
        throw new Error('server is shutting down')
      }
      this.rooms.set(docName, room)
      // More than one row (a crash between compactions, or another instance's batches): fold them
      // into one once the document is built, so the next cold open is a single read.
      if (rows.length > 1) room.whenBuilt(() => persistence.scheduleCompaction())
      if (bus) {
        // Updates another instance applied but has not stored yet (asked with our state vector,
        // so once the document is built), and who is there.
        room.requestSync()
        bus.publish(docName, BusMessageKind.syncRequestAwareness, new Uint8Array(0))
        if (resyncWhenLoaded) this.resync(room, 'reconnect')
      }
      this.log.debug({ doc: docName }, 'room loaded')
      return room
    } catch (error) {
      unsubscribe?.()
      if (room === null) doc.destroy()
      throw error
    }
  }

  /**
   * Asks for what a room may have missed on the bus: the other instances by state vector (they
   * answer with what it lacks, and ask back for what they lack), and the store, for updates of
   * instances that have unloaded the document since. After a reconnect it also asks for presence
   * and checks what the lost control messages would have said (board deleted, card gone, links
   * renewed). Store reads run one room at a time, so a Redis restart does not stall the relay.
   */
  private resync(room: Room, why: 'reconnect' | 'missing'): void {
    const bus = this.options.bus
    if (bus === null || room.isDestroyed) return
    this.resyncs += 1
    room.requestSync()
    if (why === 'reconnect') bus.publish(room.name, BusMessageKind.syncRequestAwareness, new Uint8Array(0))
    this.storeResyncs = this.storeResyncs
      .then(async () => {
        if (room.isDestroyed) return
        if (why === 'reconnect' && !(await this.stillCurrent(room.name))) return
        room.applyFromStore(await this.store.loadDocUpdates(room.name))
      })
      .catch((error: unknown) => this.log.warn({ err: error, doc: room.name }, 'resync from the store failed'))
  }

  /**
   * After messages may have been lost: is the document still there for this instance to serve?
   * Closes what a lost `gone`, `cardGone` or `linksRenewed` would have closed.
   */
  private async stillCurrent(docName: string): Promise<boolean> {
    const boardId = docName.split('.')[0]
    if ((await this.store.getBoard(boardId)) === null) {
      // Deleted meanwhile on another instance: also what this one wrote after that goes.
      await this.purgeBoard(boardId, CloseCode.notFound, 'bord verwijderd', async () => void (await this.store.deleteBoard(boardId)))
      return false
    }
    const session = await this.store.getPerspectiefwissel(boardId)
    const view = session === null ? null : { phase: session.phase, cardIds: new Set(session.roles.map((role) => role.cardId)) }
    if (!isCurrentDoc(docName, view)) {
      await this.dropDocs([docName], CloseCode.roleCardGone, 'rolkaart bestaat niet (meer)')
      await this.store.deleteDocs([docName])
      return false
    }
    const { linksValidFrom } = await readFacilitation(this.store, boardId)
    if (linksValidFrom > this.linksRenewedAt(boardId)) this.closeLinksIssuedBefore(boardId, linksValidFrom)
    return true
  }

  /** How often rooms asked for what they missed on the bus (for /healthz). */
  get resyncCount(): number {
    return this.resyncs
  }

  /** Documents that have waited longer than `longerThanMs` for updates they never received (for /healthz). */
  docsWaitingForMissing(longerThanMs: number): string[] {
    const before = Date.now() - longerThanMs
    const waiting: string[] = []
    for (const [name, room] of this.rooms) {
      const since = room.waitingForMissingSince
      if (since !== null && since <= before) waiting.push(name)
    }
    return waiting
  }

  private scheduleIdleUnload(room: Room): void {
    if (room.connectionCount > 0 || this.shuttingDown) return
    this.cancelIdleUnload(room.name)
    const timer = setTimeout(() => {
      this.idleTimers.delete(room.name)
      void this.unload(room)
    }, this.options.roomIdleMs)
    this.idleTimers.set(room.name, timer)
  }

  private cancelIdleUnload(docName: string): void {
    const timer = this.idleTimers.get(docName)
    if (timer !== undefined) {
      clearTimeout(timer)
      this.idleTimers.delete(docName)
    }
  }

  private async unload(room: Room): Promise<void> {
    if (room.connectionCount > 0 || this.rooms.get(room.name) !== room) return
    this.rooms.delete(room.name)
    const done = (async () => {
      try {
        await room.persistence.compact()
      } finally {
        room.destroy()
      }
    })()
    this.unloading.set(room.name, done)
    try {
      await done
      this.log.debug({ doc: room.name }, 'room unloaded')
    } catch (error) {
      this.log.error({ err: error, doc: room.name }, 'room unload failed')
    } finally {
      if (this.unloading.get(room.name) === done) this.unloading.delete(room.name)
    }
  }
}
