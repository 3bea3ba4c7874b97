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
  /** A state vector: "send me what I lack" (an instance that just loaded the document). */
  syncRequest: 2,
  /** The board was deleted: close its sockets, drop the room without writing. */
  gone: 3,
  /** "Send me your clients' awareness states" (an instance that just loaded the document). */
  syncRequestAwareness: 4,
  /** A role card left the perspectiefwissel: close its sockets (4404); payload: the reason, UTF-8. */
  cardGone: 5,
  /** The board's links were renewed: close sockets opened with a board link issued before the payload's time (ms, decimal UTF-8). */
  linksRenewed: 6,
} as const
export type BusMessageKindValue = (typeof BusMessageKind)[keyof typeof BusMessageKind]

export type BusHandler = (kind: BusMessageKindValue, payload: Uint8Array) => void

export interface RoomBus {
  readonly instanceId: string
  publish(docName: string, kind: BusMessageKindValue, payload: Uint8Array): void
  /** Resolves once the subscription is active; returns the unsubscribe function. */
  subscribe(docName: string, handler: BusHandler): Promise<() => void>
  health(): { ok: boolean; kind: string; [detail: string]: unknown }
  close(): Promise<void>
}

const INSTANCE_ID_BYTES = 8
const CHANNEL_PREFIX = 'samenbord:doc:'

/** Redis pub/sub (ioredis, pure JavaScript): one connection publishes, one subscribes. */
export class RedisBus implements RoomBus {
  readonly instanceId: string
  private readonly id: Buffer
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly handlers = new Map<string, BusHandler>()
  private readonly onError: (error: Error) => void

  private constructor(url: string, onError: (error: Error) => void) {
    this.id = randomBytes(INSTANCE_ID_BYTES)
    this.instanceId = this.id.toString('hex')
    this.onError = onError
    // Keep retrying while Redis is away; commands queue meanwhile (offline queue).
    const options = { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true }
    this.pub = new Redis(url, options)
    this.sub = new Redis(url, options)
    for (const client of [this.pub, this.sub]) client.on('error', (error: Error) => this.onError(error))
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message))
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

  async subscribe(docName: string, handler: BusHandler): Promise<() => void> {
    const channel = CHANNEL_PREFIX + docName
    this.handlers.set(channel, handler)
    await this.sub.subscribe(channel)
    return () => {
      if (this.handlers.get(channel) !== handler) return
      this.handlers.delete(channel)
      this.sub.unsubscribe(channel).catch((error: Error) => this.onError(error))
    }
  }

  health() {
    const ok = this.pub.status === 'ready' && this.sub.status === 'ready'
    return { ok, kind: 'redis', instanceId: this.instanceId, status: this.pub.status }
  }

  async close(): Promise<void> {
    this.handlers.clear()
    await Promise.allSettled([this.pub.quit(), this.sub.quit()])
  }

  private receive(channel: string, message: Buffer): void {
    if (message.length < INSTANCE_ID_BYTES + 1) return
    if (message.subarray(0, INSTANCE_ID_BYTES).equals(this.id)) return // our own echo
    const handler = this.handlers.get(channel)
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
