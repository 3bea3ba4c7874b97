import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

/**
 * Fan-out between relay instances. Each document has a channel; an instance publishes the
 * document updates and awareness changes of its own clients there and applies what the other
 * instances publish. Every message carries the sender's instance id, so nobody hears its own echo.
 */
export const BusMessageKind = {
  /** A Yjs update. */
  update: 0,
  /** An awareness update. */
  awareness: 1,
  /**
   * A state vector: "send me what I lack". Sent by an instance that just loaded the document,
   * whose subscriber reconnected, or whose document waits for updates it never received.
   */
  syncRequest: 2,
  /** The board was deleted: close its sockets, drop the room without writing. */
  gone: 3,
  /** "Send me your clients' awareness states" (an instance that just loaded the document). */
  syncRequestAwareness: 4,
  /** A role card left the perspectiefwissel: close its sockets (4404); payload: the reason, UTF-8. */
  cardGone: 5,
  /** The board's links were renewed: close sockets opened with a board link issued before the payload's time (ms, decimal UTF-8). */
  linksRenewed: 6,
  /**
   * The answer's other half: a state vector, "send me what I lack", sent back by whoever answered
   * a syncRequest (deletions do not show in a state vector, so it cannot tell what it lacks).
   * Answered, never asked back. Older instances ignore it.
   */
  syncRequestBack: 7,
} as const
export type BusMessageKindValue = (typeof BusMessageKind)[keyof typeof BusMessageKind]

export type BusHandler = (kind: BusMessageKindValue, payload: Uint8Array) => void

/**
 * Called after the subscriber connection came back (Redis restarted, the connection was cut, or
 * Redis dropped it as too slow a reader): whatever was published meanwhile never reached this
 * instance, so the subscriber asks for it again (see RoomRegistry: resync by state vector).
 */
export type ResyncHandler = () => void

/** The fan-out's state for /healthz. */
export interface FanoutHealth {
  ok: boolean
  kind: string
  /** connected; disconnected (no Redis connection); resyncing (back, asking for what it missed). */
  status: 'connected' | 'disconnected' | 'resyncing'
  /** Why it is not ok, in Dutch, for the operator. */
  reason?: string
  [detail: string]: unknown
}

export interface RoomBus {
  readonly instanceId: string
  publish(docName: string, kind: BusMessageKindValue, payload: Uint8Array): void
  /** Resolves once the subscription is active; returns the unsubscribe function. `onResync` runs after every reconnect of the subscriber. */
  subscribe(docName: string, handler: BusHandler, onResync?: ResyncHandler): Promise<() => void>
  health(): FanoutHealth
  close(): Promise<void>
}

const INSTANCE_ID_BYTES = 8
const CHANNEL_PREFIX = 'samenbord:doc:'

interface Subscription {
  handler: BusHandler
  onResync: ResyncHandler | null
}

/**
 * Redis pub/sub (ioredis, pure JavaScript): one connection publishes, one subscribes. Pub/sub
 * delivers at most once: a message published while the subscriber is away (cut off, Redis
 * restarted, or dropped by Redis for reading too slowly) is gone. So the subscriber resubscribes
 * itself after every reconnect and then calls each subscription's `onResync`, and the rooms ask
 * the other instances and the store for what they lack. Yjs updates are idempotent and carry
 * their own causality, so a repeat costs nothing and a gap shows (structs that cannot be applied).
 */
export class RedisBus implements RoomBus {
  readonly instanceId: string
  private readonly id: Buffer
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly subscriptions = new Map<string, Subscription>()
  private readonly onError: (error: Error) => void
  /** Bumped on every subscriber (re)connect: a resubscribe overtaken by a newer one stops. */
  private subscriberEpoch = 0
  /** The subscriber lost its connection and has not resubscribed and resynced since. */
  private resyncing = false
  private disconnectedSince: number | null = null
  private reconnects = 0
  private lastResyncAt: number | null = null
  private closed = false

  private constructor(url: string, onError: (error: Error) => void) {
    this.id = randomBytes(INSTANCE_ID_BYTES)
    this.instanceId = this.id.toString('hex')
    this.onError = onError
    // Keep retrying while Redis is away; commands queue meanwhile (offline queue) and the ones
    // that were on their way when a connection broke are sent again (duplicates are harmless).
    const options = { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true }
    this.pub = new Redis(url, { ...options, connectionName: `samenbord-pub-${this.instanceId}` })
    // The subscriber resubscribes itself, so it knows when it hears its channels again.
    this.sub = new Redis(url, { ...options, autoResubscribe: false, connectionName: `samenbord-sub-${this.instanceId}` })
    for (const client of [this.pub, this.sub]) client.on('error', (error: Error) => this.onError(error))
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message))
    this.sub.on('close', () => {
      this.disconnectedSince ??= Date.now()
      this.resyncing = true
    })
    this.pub.on('close', () => (this.disconnectedSince ??= Date.now()))
    this.pub.on('ready', () => {
      if (!this.resyncing) this.disconnectedSince = null
    })
    this.sub.on('ready', () => void this.resubscribe())
  }

  static async connect(url: string, onError: (error: Error) => void = () => {}): Promise<RedisBus> {
    const bus = new RedisBus(url, onError)
    try {
      await Promise.all([bus.pub.connect(), bus.sub.connect()])
    } catch (error) {
      bus.pub.disconnect()
      bus.sub.disconnect()
      throw error
    }
    return bus
  }

  publish(docName: string, kind: BusMessageKindValue, payload: Uint8Array): void {
    const message = Buffer.concat([this.id, Buffer.from([kind]), payload])
    this.pub.publish(CHANNEL_PREFIX + docName, message).catch((error: Error) => this.onError(error))
  }

  async subscribe(docName: string, handler: BusHandler, onResync?: ResyncHandler): Promise<() => void> {
    const channel = CHANNEL_PREFIX + docName
    const subscription: Subscription = { handler, onResync: onResync ?? null }
    this.subscriptions.set(channel, subscription)
    const confirmed = this.sub.subscribe(channel).then(
      () => {},
      (error: Error) => this.onError(error),
    )
    // While Redis is away the room opens without waiting for it: the resubscribe after the
    // reconnect includes this channel and resyncs it (onResync) like every other.
    if (!this.resyncing) {
      let onClose: () => void = () => {}
      const cut = new Promise<void>((resolve) => this.sub.once('close', (onClose = resolve)))
      try {
        await Promise.race([confirmed, cut])
      } finally {
        this.sub.off('close', onClose)
      }
    }
    return () => {
      if (this.subscriptions.get(channel) !== subscription) return
      this.subscriptions.delete(channel)
      this.sub.unsubscribe(channel).catch((error: Error) => this.onError(error))
    }
  }

  health(): FanoutHealth {
    const detail = {
      kind: 'redis',
      instanceId: this.instanceId,
      publisher: this.pub.status,
      subscriber: this.sub.status,
      channels: this.subscriptions.size,
      reconnects: this.reconnects,
      lastResyncAt: this.lastResyncAt === null ? null : new Date(this.lastResyncAt).toISOString(),
    }
    if (this.pub.status !== 'ready' || this.sub.status !== 'ready') {
      const since = this.disconnectedSince === null ? '' : ` sinds ${Math.round((Date.now() - this.disconnectedSince) / 1000)} s`
      return { ok: false, status: 'disconnected', reason: `geen verbinding met Redis${since}: andere instanties zien de wijzigingen van deze niet, en omgekeerd`, ...detail }
    }
    if (this.resyncing) return { ok: false, status: 'resyncing', reason: 'weer verbonden met Redis, haalt gemiste wijzigingen op', ...detail }
    return { ok: true, status: 'connected', ...detail }
  }

  async close(): Promise<void> {
    this.closed = true
    this.subscriptions.clear()
    await Promise.allSettled([this.pub.quit(), this.sub.quit()])
  }

  /**
   * On every (re)connect of the subscriber: subscribe to every channel again, and once Redis has
   * confirmed that (from here on nothing published is missed), let each room ask for what it missed.
   */
  private async resubscribe(): Promise<void> {
    const epoch = ++this.subscriberEpoch
    if (!this.resyncing) return // the first connect: nothing was missed
    const channels = [...this.subscriptions.keys()]
    try {
      if (channels.length > 0) await this.sub.subscribe(...channels)
    } catch (error) {
      // The connection broke again: its next 'ready' tries again.
      this.onError(error as Error)
      return
    }
    if (epoch !== this.subscriberEpoch || this.closed) return
    this.reconnects += 1
    this.resyncing = false
    if (this.pub.status === 'ready') this.disconnectedSince = null
    this.lastResyncAt = Date.now()
    for (const channel of channels) {
      const subscription = this.subscriptions.get(channel)
      if (subscription?.onResync == null) continue
      try {
        subscription.onResync()
      } catch (error) {
        this.onError(error as Error)
      }
    }
  }

  private receive(channel: string, message: Buffer): void {
    if (message.length < INSTANCE_ID_BYTES + 1) return
    if (message.subarray(0, INSTANCE_ID_BYTES).equals(this.id)) return // our own echo
    const handler = this.subscriptions.get(channel)?.handler
    if (handler === undefined) return
    const kind = message[INSTANCE_ID_BYTES] as BusMessageKindValue
    const payload = new Uint8Array(message.buffer, message.byteOffset + INSTANCE_ID_BYTES + 1, message.length - INSTANCE_ID_BYTES - 1)
    try {
      handler(kind, payload)
    } catch (error) {
      this.onError(error as Error)
    }
  }
}
