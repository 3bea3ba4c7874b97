import type { Duplex } from 'node:stream'
import fp from 'fastify-plugin'
import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import { CloseCode, DOC_NAME_PATTERN, roleCardDocName, rolePostureDocName, ROLE_DOC_REVEALED_FROM, SYNC_PATH } from '@samenbord/shared'
import { ProtocolError } from './messages.ts'
import { BoardLocks } from './board-locks.ts'
import { admit, isCurrentDoc, parseDocName, type Admission, type SessionView } from './doc-kinds.ts'
import { boardLockPolicy, knownContentPolicy, quotaPolicy, type QuotaLimits, type WritePolicy } from './write-policy.ts'
import type { PerspectiefwisselRecord } from '../storage/document-store.ts'
import { DEFAULT_AWARENESS_LIMITS } from './policies/awareness.ts'
import { facilitatorSettingsPolicy } from './policies/facilitator-settings.ts'
import type { PersistenceOptions } from './persistence.ts'
import { BoardGoneError, LINK_RENEWED_REASON, RoomRegistry } from './room-registry.ts'
import { BusMessageKind, type RoomBus } from './bus.ts'
import type { Connection, Room } from './room.ts'
import { linkRenewedSince } from '../facilitation-state.ts'

declare module 'fastify' {
  interface FastifyInstance {
    rooms: RoomRegistry
    /** Deletes a board with all its documents and closes its sockets with 4404. */
    deleteBoard(boardId: string): Promise<boolean>
    /**
     * Removes the board's role-card documents whose card is not in `keepCardIds`: sockets closed
     * (4404), rooms dropped on every instance, stored answers deleted. `formerCardIds`: the cards
     * of the session being replaced, whose documents other instances may hold without any stored row yet.
     */
    removeRoleCards(boardId: string, keepCardIds: ReadonlySet<string>, reason: string, formerCardIds?: readonly string[]): Promise<void>
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
  /** All loaded documents of one board together (MAX_BOARD_BYTES). */
  maxBoardBytes: number
  /** One sub-document: role card, preparation, consent (MAX_SUBDOC_BYTES). */
  maxSubDocBytes: number
  /** A socket's own presence state per frame (MAX_AWARENESS_BYTES). */
  maxAwarenessBytes: number
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
 * The relay: `GET /sync/:docName?ticket=…` (a single-use ticket from `POST /api/sync-ticket`,
 * never a link token) upgrades to a y-websocket connection.
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
      awarenessLimits: { ...DEFAULT_AWARENESS_LIMITS, maxStateBytes: options.limits.maxAwarenessBytes },
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
    app.decorate('removeRoleCards', async (boardId: string, keepCardIds: ReadonlySet<string>, reason: string, formerCardIds: readonly string[] = []) => {
      const gone = (name: string) => {
        const match = DOC_NAME_PATTERN.exec(name)
        return match !== null && isRoleDocKind(match[2]) && !keepCardIds.has(match[3])
      }
      const docs = await registry.docsOfBoard(boardId)
      for (const cardId of formerCardIds) docs.add(roleCardDocName(boardId, cardId)).add(rolePostureDocName(boardId, cardId))
      const names = [...docs].filter(gone)
      // Sockets closed, rooms dropped without writing back, then the stored answers deleted.
      await registry.dropDocs(names, CloseCode.roleCardGone, reason)
      await app.store.deleteDocs(names)
      if (bus) {
        // Holders connected through another instance are closed there, and its rooms dropped unwritten.
        const payload = new TextEncoder().encode(reason)
        for (const name of names) bus.publish(name, BusMessageKind.cardGone, payload)
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
        // From now on Fastify answers an upgrade with 503, but nothing ends that socket (it left
        // the HTTP server with the upgrade), and the server's close would wait for it forever.
        this.server.on('upgrade', endRefusedUpgrade)
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

  // Admission: which document, whose token, what this socket may do (doc-kinds.ts).
  const docRef = parseDocName(docName)
  if (!docRef.ok) return closeWith(docRef.code, docRef.reason)
  const boardId = docRef.boardId
  /** Set for a perspectiefwissel role card: `boardId.rolkaart.cardId` (answers) or `boardId.rolhouding.cardId` (posture). */
  const roleCardId = docRef.sub !== null && docRef.sub.id === 'card' ? docRef.id : null
  // A personal role-card token opens its own card and nothing else.
  const access = app.checkSocketTicket(request.query, docName)
  if (!access.ok) return closeWith(access.closeCode, access.message)
  const role = access.claims.role
  const cardToken = access.claims.card
  // Refusals that need no store read come before the socket is counted.
  // (Without the session a role card looks gone; whether it is, is decided once the session is read.)
  const early = admit({ docName, role, cardToken, session: null })
  if (!early.ok && !(roleCardId !== null && early.code === CloseCode.roleCardGone)) return closeWith(early.code, early.reason)

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
    const loaded = registry.peek(docName) !== undefined
    // The session decides which role cards exist (and so which documents count towards the limit).
    const session = docName === boardId ? null : sessionView(await app.store.getPerspectiefwissel(boardId))
    if (finished) return
    // Decided before joining: a refused socket gets nothing of the document, not even sync step 1.
    const admission = admit({ docName, role, cardToken, session })
    if (!admission.ok) return closeWith(admission.code, admission.reason)
    if (docName !== boardId && !loaded) {
      const docs = [...(await registry.docsOfBoard(boardId))].filter((name) => isCurrentDoc(name, session))
      if (finished) return
      if (!docs.includes(docName) && docs.length >= limits.maxDocsPerBoard) {
        request.log.warn({ doc: docName }, 'refusing socket: document limit per board')
        return closeWith(CloseCode.rateLimited, 'te veel documenten op dit bord')
      }
    }
    if (admission.isParticipantOnBoard) {
      await app.boardLocks.load(boardId)
      if (finished) return
    }
    const writePolicies = admission.canWrite ? writePoliciesFor(app, registry, limits, admission) : []
    app.store.touchBoard(boardId).catch((error: unknown) => request.log.warn({ err: error }, 'touchBoard failed'))

    const self: Connection = {
      role,
      canWrite: admission.canWrite,
      writePolicies,
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

/** What admission needs of the stored perspectiefwissel session. */
function sessionView(session: PerspectiefwisselRecord | null): SessionView | null {
  return session === null ? null : { phase: session.phase, cardIds: new Set(session.roles.map((role) => role.cardId)) }
}

/** The write-policy chain of an admitted writer (write-policy.ts): the lock binds participants on the board only. */
function writePoliciesFor(app: FastifyInstance, registry: RoomRegistry, quota: QuotaLimits, admission: Admission): WritePolicy[] {
  const policies: WritePolicy[] = [knownContentPolicy]
  if (admission.isParticipantOnBoard) policies.push(boardLockPolicy(() => app.boardLocks.get(admission.boardId)))
  // For every writer, the facilitator too: the example family only goes onto an empty board.
  if (admission.kind === 'board') policies.push(facilitatorSettingsPolicy)
  policies.push(quotaPolicy(quota, admission.kind !== 'board', (exact) => registry.boardBytes(admission.boardId, exact)))
  return policies
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

/** Ends the socket of an upgrade that came in during shutdown, once Fastify's 503 is written. */
function endRefusedUpgrade(_request: unknown, socket: Duplex): void {
  socket.once('finish', () => socket.destroy())
  socket.end()
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
