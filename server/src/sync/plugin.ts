import fp from 'fastify-plugin'
import websocket from '@fastify/websocket'
import * as Y from 'yjs'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import { canWrite, CloseCode, CONSENT_DOC_KIND, DOC_NAME_PATTERN, roleCardDocName, rolePostureDocName, FACILITATOR_PREP_DOC_KIND, phaseReached, ROLE_DOC_REVEALED_FROM, SYNC_PATH } from '@samenbord/shared'
import { decodeMessage, ProtocolError } from './messages.ts'
import { BoardLocks, checkLockedWrite } from './board-locks.ts'
import type { PersistenceOptions } from './persistence.ts'
import { BoardGoneError, LINK_RENEWED_REASON, RoomRegistry } from './room-registry.ts'
import { BusMessageKind, type RoomBus } from './bus.ts'
import type { Connection, Room } from './room.ts'
import { linkRenewedSince } from '../http/board-access.ts'

declare module 'fastify' {
  interface FastifyInstance {
    rooms: RoomRegistry
    /** Deletes a board with all its documents and closes its sockets with 4404. */
    deleteBoard(boardId: string): Promise<boolean>
    /** Closes every socket on the board's role-card documents whose card is not in `keepCardIds` (4404). */
    /** `formerCardIds`: the cards of the session being replaced, whose documents other instances may hold without any stored row yet. */
    closeRoleCards(boardId: string, keepCardIds: ReadonlySet<string>, reason: string, formerCardIds?: readonly string[]): void
    /** The facilitator's locks per board, as the relay enforces them for participant links. */
    boardLocks: BoardLocks
    /** Closes, on every instance, the sockets opened with a board link issued before `validFrom` (4401). */
    closeRenewedLinks(boardId: string, validFrom: number): void
  }
}

/** Trims and bounds a display name from the socket's `name` query parameter; null if none. */
export function cleanDisplayName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  // eslint-disable-next-line no-control-regex
  const name = raw.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 60)
  return name.length > 0 ? name : null
}

export interface SyncPluginOptions {
  maxMessageBytes: number
  limits: SyncLimits
  roomIdleMs: number
  /** Ping interval; a socket that did not answer the previous ping is terminated. */
  pingIntervalMs?: number
  persistence?: PersistenceOptions
  /** Fan-out between relay instances (REDIS_URL); closed with the app. */
  bus?: RoomBus | null
}

export interface SyncLimits {
  maxMessagesPerSecond: number
  messageBurst: number
  maxConnectionsPerBoard: number
  maxConnectionsPerIp: number
  maxDocsPerBoard: number
  maxBufferedBytes: number
}

/** RFC 6455 "try again later": not final, the y-websocket client reconnects and resyncs. */
export const CLOSE_TRY_AGAIN_LATER = 1013
/** A socket closed for being too slow gets this long for the close handshake, then is cut. */
const SLOW_CLOSE_GRACE_MS = 2000

/** Token bucket: `rate` tokens per second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number
  private last: number
  private readonly rate: number
  private readonly burst: number
  private readonly now: () => number
  constructor(rate: number, burst: number, now: () => number = performance.now.bind(performance)) {
    this.rate = rate
    this.burst = burst
    this.tokens = burst
    this.now = now
    this.last = now()
  }
  take(): boolean {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

/** Live socket counts per board and per client address, for the connection limits. */
class Counter {
  private readonly counts = new Map<string, number>()
  get(key: string): number {
    return this.counts.get(key) ?? 0
  }
  add(key: string): void {
    this.counts.set(key, this.get(key) + 1)
  }
  remove(key: string): void {
    const next = this.get(key) - 1
    if (next <= 0) this.counts.delete(key)
    else this.counts.set(key, next)
  }
}

interface ConnectionLimits {
  limits: SyncLimits
  perBoard: Counter
  perIp: Counter
}

/** Close code for failures on our side (RFC 6455 "internal error"); the client retries. */
const CLOSE_INTERNAL_ERROR = 1011
/** Frames a client may send while its room is still loading, before it is cut off. */
const MAX_QUEUED_FRAMES = 256

/**
 * The relay: `GET /sync/:docName?token=…` upgrades to a y-websocket connection.
 * Refusals accept the upgrade and then close with a 44xx code, which the stock
 * y-websocket client treats as final (it stops reconnecting).
 */
export const syncPlugin = fp<SyncPluginOptions>(
  async (app, options) => {
    const maxMessageBytes = options.maxMessageBytes
    const registry = new RoomRegistry(app.store, app.log, {
      roomIdleMs: options.roomIdleMs,
      ...(options.persistence ? { persistence: options.persistence } : {}),
      bus: options.bus ?? null,
    })
    app.decorate('rooms', registry)
    const boardLocks = new BoardLocks(app.store)
    app.decorate('boardLocks', boardLocks)
    app.addHook('onClose', async () => boardLocks.close())
    const bus = options.bus ?? null
    if (bus) app.addHook('onClose', async () => bus.close())
    app.decorate('deleteBoard', async (boardId: string) => {
      if (bus) {
        // Other instances close their sockets on this board too.
        for (const doc of await registry.docsOfBoard(boardId)) bus.publish(doc, BusMessageKind.gone, new Uint8Array(0))
      }
      let deleted = false
      await registry.purgeBoard(boardId, CloseCode.notFound, 'bord verwijderd', async () => {
        deleted = await app.store.deleteBoard(boardId)
      })
      return deleted
    })
    app.decorate('closeRoleCards', (boardId: string, keepCardIds: ReadonlySet<string>, reason: string, formerCardIds: readonly string[] = []) => {
      const gone = (name: string) => {
        const match = DOC_NAME_PATTERN.exec(name)
        return match !== null && isRoleDocKind(match[2]) && !keepCardIds.has(match[3])
      }
      for (const name of registry.loadedDocsOf(boardId).filter(gone)) {
        for (const connection of registry.peek(name)?.connectionList ?? []) connection.close(CloseCode.roleCardGone, reason)
      }
      if (bus) {
        // Holders connected through another instance are closed there.
        const payload = new TextEncoder().encode(reason)
        void registry
          .docsOfBoard(boardId)
          .then((docs) => {
            for (const cardId of formerCardIds) docs.add(roleCardDocName(boardId, cardId)).add(rolePostureDocName(boardId, cardId))
            for (const name of docs) if (gone(name)) bus.publish(name, BusMessageKind.cardGone, payload)
          })
          .catch((error: unknown) => app.log.warn({ err: error }, 'could not tell other instances about closed role cards'))
      }
    })
    app.decorate('closeRenewedLinks', (boardId: string, validFrom: number) => {
      registry.closeLinksIssuedBefore(boardId, validFrom)
      // Sockets on other instances are closed there.
      if (bus) {
        const payload = new TextEncoder().encode(String(validFrom))
        void registry
          .docsOfBoard(boardId)
          .then((docs) => {
            for (const name of docs) bus.publish(name, BusMessageKind.linksRenewed, payload)
          })
          .catch((error: unknown) => app.log.warn({ err: error }, 'could not tell other instances about renewed links'))
      }
    })
    const connectionLimits: ConnectionLimits = { limits: options.limits, perBoard: new Counter(), perIp: new Counter() }

    await app.register(websocket, {
      // Hard cap well above our own limit: frames in between get a final 4413 from us, only
      // absurd ones are cut off by ws itself (1009, which clients would retry).
      options: { maxPayload: transportPayloadCap(maxMessageBytes) },
      errorHandler(error, socket, request) {
        request.log.warn({ err: { message: error.message } }, 'websocket error')
        socket.terminate()
      },
      preClose: async function preClose(this: FastifyInstance) {
        clearInterval(pingTimer)
        const sockets = [...this.websocketServer.clients]
        // 1001 "going away" is not final: clients reconnect once the server is back.
        for (const socket of sockets) socket.close(CloseCode.goingAway, 'server stopt')
        await registry.shutdown()
        await waitForClosed(sockets, 1000)
        this.websocketServer.close()
      },
    })

    // Liveness: browsers answer pings automatically; a socket that missed one is dead.
    const alive = new WeakSet<WebSocket>()
    const pingTimer = setInterval(() => {
      for (const socket of app.websocketServer.clients) {
        if (!alive.has(socket)) {
          socket.terminate()
          continue
        }
        alive.delete(socket)
        socket.ping()
      }
    }, options.pingIntervalMs ?? 30_000)
    pingTimer.unref()

    app.get<{ Params: { docName: string }; Querystring: { token?: string; name?: string } }>(
      `${SYNC_PATH}/:docName`,
      {
        websocket: true,
        // Before the upgrade: a page on another site gets no socket at all.
        preValidation: async (request, reply) => {
          if (!app.isAllowedOrigin(request)) {
            request.log.warn('refusing websocket upgrade from a foreign origin')
            return reply.code(403).send({ error: 'forbidden', message: 'Herkomst niet toegestaan.' })
          }
        },
      },
      (socket, request) => {
        alive.add(socket)
        socket.on('pong', () => alive.add(socket))
        handleConnection(app, registry, maxMessageBytes, connectionLimits, socket, request)
      },
    )
  },
  { name: 'samenbord-sync', fastify: '5.x', dependencies: ['samenbord-storage', 'samenbord-auth', 'samenbord-security'] },
)

function handleConnection(
  app: FastifyInstance,
  registry: RoomRegistry,
  maxMessageBytes: number,
  { limits, perBoard, perIp }: ConnectionLimits,
  socket: WebSocket,
  request: FastifyRequest<{ Params: { docName: string }; Querystring: { token?: string; name?: string } }>,
): void {
  const docName = request.params.docName
  let room: Room | null = null
  let connection: Connection | null = null
  /** Set once we decided to close (or the peer did): later frames are ignored. */
  let finished = false
  const queued: Uint8Array[] = []
  const bucket = new TokenBucket(limits.maxMessagesPerSecond, limits.messageBurst)
  /** Undoes the connection counts once; set when this socket was counted. */
  let uncount: (() => void) | null = null

  const closeWith = (code: number, reason: string): void => {
    if (finished) return
    finished = true
    leaveRoom()
    socket.close(code, reason)
  }

  const leaveRoom = (): void => {
    if (room !== null && connection !== null) registry.leave(room, connection)
    room = null
  }

  const deliver = (frame: Uint8Array): void => {
    if (room === null || connection === null) return
    if (lockApplies && lockRefusal(app, boardId, room, frame, (reason) => closeWith(CloseCode.boardLocked, reason))) return
    try {
      room.handleMessage(connection, frame)
    } catch (error) {
      if (error instanceof ProtocolError) {
        request.log.info({ doc: docName, reason: error.message }, 'closing socket: bad message')
        closeWith(CloseCode.badMessage, 'ongeldig bericht')
      } else {
        request.log.error({ err: error, doc: docName }, 'message handling failed')
        closeWith(CLOSE_INTERNAL_ERROR, 'interne fout')
      }
    }
  }

  // Attached synchronously, before any await: frames that arrive while the token is checked
  // and the room loads are queued, not lost.
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (finished) return
    const frame = toUint8Array(data)
    if (frame.byteLength > maxMessageBytes) return closeWith(CloseCode.messageTooLarge, 'bericht te groot')
    if (!isBinary) return closeWith(CloseCode.badMessage, 'ongeldig bericht')
    if (!bucket.take()) {
      request.log.info({ doc: docName }, 'closing socket: message rate limit')
      return closeWith(CloseCode.rateLimited, 'te veel berichten')
    }
    if (room === null) {
      if (queued.length >= MAX_QUEUED_FRAMES) return closeWith(CloseCode.rateLimited, 'te veel berichten')
      queued.push(frame)
      return
    }
    deliver(frame)
  })

  socket.on('close', () => {
    finished = true
    leaveRoom()
    uncount?.()
    uncount = null
  })

  const docMatch = DOC_NAME_PATTERN.exec(docName)
  if (docMatch === null) return closeWith(CloseCode.badMessage, 'ongeldige documentnaam')
  const boardId = docMatch[1]
  /** Set once the token is checked: a participant on the board itself, where the facilitator's locks apply. */
  let lockApplies = false
  /** Set for a perspectiefwissel role card: `boardId.rolkaart.cardId` (answers) or `boardId.rolhouding.cardId` (posture). */
  const roleDocKind = isRoleDocKind(docMatch[2]) ? docMatch[2] : null
  const roleCardId = roleDocKind !== null ? docMatch[3] : null
  // A personal role-card token opens its own card and nothing else.
  const access = app.checkBoardAccess(request.query.token, boardId, { allowCardToken: roleCardId !== null })
  if (!access.ok) return closeWith(access.closeCode, access.message)
  const role = access.claims.role
  const cardToken = access.claims.card
  if (cardToken !== undefined && cardToken !== roleCardId) {
    return closeWith(CloseCode.forbidden, 'deze link hoort bij een andere rolkaart')
  }
  // The facilitator's preparation: not a byte of it for any other link.
  if (docMatch[2] === FACILITATOR_PREP_DOC_KIND && role !== 'facilitator') {
    return closeWith(CloseCode.forbidden, 'alleen voor de begeleider')
  }

  const ip = request.ip
  if (perIp.get(ip) >= limits.maxConnectionsPerIp) {
    request.log.warn({ doc: docName }, 'refusing socket: connection limit per address')
    return closeWith(CloseCode.rateLimited, 'te veel verbindingen vanaf dit adres')
  }
  if (perBoard.get(boardId) >= limits.maxConnectionsPerBoard) {
    request.log.warn({ doc: docName }, 'refusing socket: connection limit per board')
    return closeWith(CloseCode.rateLimited, 'te veel verbindingen met dit bord')
  }
  perIp.add(ip)
  perBoard.add(boardId)
  uncount = () => {
    perIp.remove(ip)
    perBoard.remove(boardId)
  }

  void (async () => {
    const board = await app.store.getBoard(boardId)
    if (finished) return
    if (board === null) return closeWith(CloseCode.notFound, 'bord bestaat niet')
    if (await linkRenewedSince(app.store, boardId, access.claims)) return closeWith(CloseCode.unauthenticated, LINK_RENEWED_REASON)
    if (finished) return
    if (docName !== boardId && registry.peek(docName) === undefined) {
      const docs = await registry.docsOfBoard(boardId)
      if (finished) return
      if (!docs.has(docName) && docs.size >= limits.maxDocsPerBoard) {
        request.log.warn({ doc: docName }, 'refusing socket: document limit per board')
        return closeWith(CloseCode.rateLimited, 'te veel documenten op dit bord')
      }
    }
    let writable = canWrite(role)
    // The consent record is the facilitator's to keep; everyone else on the board reads it.
    if (docMatch[2] === CONSENT_DOC_KIND) writable = role === 'facilitator'
    if (roleCardId !== null) {
      // Decided before joining: a refused socket gets nothing of the card, not even sync step 1.
      const session = await app.store.getPerspectiefwissel(boardId)
      if (finished) return
      if (session === null || !session.roles.some((r) => r.cardId === roleCardId)) {
        return closeWith(CloseCode.roleCardGone, 'rolkaart bestaat niet (meer)')
      }
      const ownsCard = cardToken === roleCardId || role === 'facilitator'
      // Postures are revealed before answers: each kind of card document has its own moment.
      const revealed = phaseReached(session.phase, ROLE_DOC_REVEALED_FROM[roleDocKind!])
      if (!ownsCard && !revealed) return closeWith(CloseCode.roleCardHidden, 'rolkaart nog verborgen')
      // Only the card's holder and the facilitator write; after the reveal everyone else reads.
      writable = ownsCard
    }
    if (docName === boardId && role === 'participant') {
      await app.boardLocks.load(boardId)
      if (finished) return
      lockApplies = true
    }
    app.store.touchBoard(boardId).catch((error: unknown) => request.log.warn({ err: error }, 'touchBoard failed'))

    const self: Connection = {
      role,
      canWrite: writable,
      issuedAt: access.claims.card === undefined ? (access.claims.iat ?? 0) : Number.POSITIVE_INFINITY,
      send(message) {
        if (socket.readyState !== socket.OPEN || finished) return
        // Never wait for a slow reader, and never buffer for it without bound: past the limit
        // it is cut off (1013, not final: it reconnects and resyncs once it can keep up).
        if (socket.bufferedAmount + message.byteLength > limits.maxBufferedBytes) {
          request.log.warn({ doc: docName, buffered: socket.bufferedAmount }, 'closing socket: client too slow')
          closeWith(CLOSE_TRY_AGAIN_LATER, 'verbinding te traag')
          setTimeout(() => {
            if (socket.readyState !== socket.CLOSED) socket.terminate()
          }, SLOW_CLOSE_GRACE_MS).unref()
          return
        }
        socket.send(message, (error) => {
          if (error) socket.terminate()
        })
      },
      close(code, reason) {
        closeWith(code, reason)
      },
    }
    const joined = await registry.join(docName, self, () => finished)
    if (joined === null) return
    room = joined
    connection = self
    if (self.issuedAt < registry.linksRenewedAt(boardId)) return closeWith(CloseCode.unauthenticated, LINK_RENEWED_REASON)
    request.log.info({ doc: docName, role }, 'client joined')
    if (docName === boardId) {
      app.store
        .appendAudit({ boardId, event: 'join', role, name: cleanDisplayName(request.query.name), at: Date.now() })
        .catch((error: unknown) => request.log.warn({ err: error }, 'audit write failed'))
    }
    for (const frame of queued.splice(0)) {
      if (finished) break
      deliver(frame)
    }
  })().catch((error: unknown) => {
    if (error instanceof BoardGoneError) return closeWith(CloseCode.notFound, 'bord verwijderd')
    request.log.error({ err: error, doc: docName }, 'could not open room')
    closeWith(CLOSE_INTERNAL_ERROR, 'bord kan niet geladen worden')
  })
}

/**
 * True when `frame` is a write the facilitator's lock forbids (then `refuse` was called); false
 * lets the room handle it. Decodes only while a lock is on; malformed frames are the room's to refuse.
 */
function lockRefusal(app: FastifyInstance, boardId: string, room: Room, frame: Uint8Array, refuse: (reason: string) => void): boolean {
  const lock = app.boardLocks.get(boardId)
  if (!lock.locked && lock.lockedFrames.length === 0) return false
  let update: Uint8Array
  try {
    const message = decodeMessage(frame)
    if (message.type !== 'sync-step2' && message.type !== 'sync-update') return false
    update = message.update
  } catch {
    return false
  }
  let decoded: ReturnType<typeof Y.decodeUpdate>
  try {
    decoded = Y.decodeUpdate(update)
  } catch {
    return false
  }
  const check = checkLockedWrite(decoded as Parameters<typeof checkLockedWrite>[0], room.doc, lock)
  if (check.ok) return false
  refuse(check.reason)
  return true
}

/** The most ws buffers for one frame before cutting the connection. */
export function transportPayloadCap(maxMessageBytes: number): number {
  return Math.max(maxMessageBytes * 4, maxMessageBytes + 64 * 1024)
}

/** ws hands out Buffer, ArrayBuffer or fragments depending on binaryType; the relay wants bytes. */
function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

function waitForClosed(sockets: WebSocket[], timeoutMs: number): Promise<void> {
  const open = sockets.filter((socket) => socket.readyState !== socket.CLOSED)
  if (open.length === 0) return Promise.resolve()
  return new Promise((resolve) => {
    let remaining = open.length
    const timer = setTimeout(() => {
      for (const socket of open) if (socket.readyState !== socket.CLOSED) socket.terminate()
      resolve()
    }, timeoutMs)
    for (const socket of open) {
      socket.once('close', () => {
        remaining -= 1
        if (remaining === 0) {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  })
}

function isRoleDocKind(kind: string | undefined): kind is keyof typeof ROLE_DOC_REVEALED_FROM {
  return kind !== undefined && Object.hasOwn(ROLE_DOC_REVEALED_FROM, kind)
}
