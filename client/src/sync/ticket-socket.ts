/**
 * A WebSocket that first fetches a sync ticket, for y-websocket's `WebSocketPolyfill` option.
 *
 * Websocket URLs end up in reverse-proxy logs, so the relay refuses a link token in them. Before
 * every connection attempt this socket asks `POST /api/sync-ticket` (token in the Authorization
 * header) for a short-lived, single-use ticket for the document and opens the real socket with
 * `?ticket=…`. y-websocket makes a new socket for every reconnect, so each attempt gets a fresh
 * ticket. A refused ticket request looks to y-websocket like the relay's refusal: 401/403/404/400
 * close with 4401/4403/4404/4400 (final, the reason is the server's Dutch message); 429, server
 * errors and network failures close with a code it retries after.
 */
import { CloseCode } from '@samenbord/shared/protocol'

export const SYNC_TICKET_PATH = '/api/sync-ticket'

/** The part of the WebSocket interface y-websocket uses, for the browser's and Node's `ws`. */
interface SocketLike {
  binaryType: string
  readonly readyState: number
  readonly bufferedAmount: number
  onopen: ((event: any) => void) | null
  onmessage: ((event: any) => void) | null
  onclose: ((event: any) => void) | null
  onerror: ((event: any) => void) | null
  send(data: any): void
  close(code?: number, reason?: string): void
}

export type SocketConstructor = new (url: string, protocols?: string | string[]) => SocketLike

export interface TicketSocketOptions {
  /** The board link token or personal card token that the ticket is fetched with; null: none. */
  token: string | null
  /** The real WebSocket: the browser's by default, Node's `ws` in tests. */
  WebSocket?: SocketConstructor
  /** Defaults to the global fetch. */
  fetch?: typeof globalThis.fetch
}

const CONNECTING = 0
const OPEN = 1
const CLOSING = 2
const CLOSED = 3

/** A ticket request the server refused for good maps to the relay's own close code. */
const FINAL_CLOSE_BY_STATUS: Record<number, number> = {
  400: CloseCode.badMessage,
  401: CloseCode.unauthenticated,
  403: CloseCode.forbidden,
  404: CloseCode.notFound,
}
/** Not final: y-websocket reconnects (with backoff) after these. */
const CLOSE_ABNORMAL = 1006
const CLOSE_TRY_AGAIN_LATER = 1013
const MAX_CLOSE_REASON_BYTES = 123

class TicketRefused extends Error {
  readonly code: number
  constructor(code: number, reason: string) {
    super(reason)
    this.code = code
  }
}

/** `http(s)://host/api/sync-ticket` for a `ws(s)://host/sync/<doc>` URL. */
export function ticketUrlFor(socketUrl: string): string {
  const url = new URL(socketUrl)
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}${SYNC_TICKET_PATH}`
}

function docNameOf(socketUrl: string): string {
  const path = new URL(socketUrl).pathname
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1))
}

function closeReason(message: unknown): string {
  let reason = typeof message === 'string' ? message : ''
  while (new TextEncoder().encode(reason).byteLength > MAX_CLOSE_REASON_BYTES) reason = reason.slice(0, -1)
  return reason
}

async function fetchTicket(doFetch: typeof globalThis.fetch, socketUrl: string, token: string | null, signal: AbortSignal): Promise<string> {
  let response: Response
  try {
    response = await doFetch(ticketUrlFor(socketUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ doc: docNameOf(socketUrl) }),
      credentials: 'omit',
      cache: 'no-store',
      signal,
    })
  } catch {
    throw new TicketRefused(CLOSE_ABNORMAL, '')
  }
  let body: { ticket?: unknown; message?: unknown } = {}
  try {
    body = (await response.json()) as typeof body
  } catch {
    // not JSON (a proxy's error page): the status decides
  }
  if (response.ok && typeof body.ticket === 'string') return body.ticket
  const final = FINAL_CLOSE_BY_STATUS[response.status]
  const code = final ?? (response.status === 429 ? CLOSE_TRY_AGAIN_LATER : CLOSE_ABNORMAL)
  throw new TicketRefused(code, closeReason(body.message))
}

/** A WebSocket class for y-websocket's `WebSocketPolyfill` that pays for every connection with a fresh ticket. */
export function ticketSocketClass(options: TicketSocketOptions): typeof globalThis.WebSocket {
  const RealSocket: SocketConstructor = options.WebSocket ?? (globalThis.WebSocket as unknown as SocketConstructor)
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))

  class TicketSocket {
    static readonly CONNECTING = CONNECTING
    static readonly OPEN = OPEN
    static readonly CLOSING = CLOSING
    static readonly CLOSED = CLOSED
    readonly CONNECTING = CONNECTING
    readonly OPEN = OPEN
    readonly CLOSING = CLOSING
    readonly CLOSED = CLOSED

    readonly url: string
    onopen: ((event: any) => void) | null = null
    onmessage: ((event: any) => void) | null = null
    onclose: ((event: any) => void) | null = null
    onerror: ((event: any) => void) | null = null
    /** The real socket, once the ticket is there. */
    socket: SocketLike | null = null
    #state = CONNECTING
    #binaryType = 'blob'
    readonly #aborter = new AbortController()

    constructor(url: string, protocols?: string | string[]) {
      this.url = url
      void this.#connect(url, protocols)
    }

    get readyState(): number {
      return this.socket?.readyState ?? this.#state
    }

    get binaryType(): string {
      return this.#binaryType
    }

    set binaryType(type: string) {
      this.#binaryType = type
      if (this.socket) this.socket.binaryType = type
    }

    get bufferedAmount(): number {
      return this.socket?.bufferedAmount ?? 0
    }

    send(data: unknown): void {
      if (!this.socket) throw new Error('TicketSocket: not open yet')
      this.socket.send(data)
    }

    close(code?: number, reason?: string): void {
      if (this.socket) return this.socket.close(code, reason)
      if (this.#state === CLOSED) return
      // Closed before the ticket came: like a socket closed while connecting.
      this.#aborter.abort()
      this.#fail(CLOSE_ABNORMAL, '')
    }

    async #connect(url: string, protocols?: string | string[]): Promise<void> {
      let ticket: string
      try {
        ticket = await fetchTicket(doFetch, url, options.token, this.#aborter.signal)
      } catch (error) {
        if (this.#state === CLOSED) return
        const refused = error instanceof TicketRefused ? error : new TicketRefused(CLOSE_ABNORMAL, '')
        if (refused.code === CLOSE_ABNORMAL) this.onerror?.({ type: 'error', target: this })
        this.#fail(refused.code, refused.message)
        return
      }
      if (this.#state === CLOSED) return
      const target = new URL(url)
      // Never a long-lived token in a URL, whatever the caller put there.
      target.searchParams.delete('token')
      target.searchParams.set('ticket', ticket)
      const socket = new RealSocket(target.toString(), protocols)
      socket.binaryType = this.#binaryType
      socket.onopen = (event) => this.onopen?.(event)
      socket.onmessage = (event) => this.onmessage?.(event)
      socket.onerror = (event) => this.onerror?.(event)
      socket.onclose = (event) => this.onclose?.(event)
      this.socket = socket
    }

    #fail(code: number, reason: string): void {
      if (this.#state === CLOSED) return
      this.#state = CLOSED
      const event = { type: 'close', code, reason, wasClean: false, target: this }
      // Asynchronous, as a real socket reports its close.
      setTimeout(() => this.onclose?.(event), 0)
    }
  }

  return TicketSocket as unknown as typeof globalThis.WebSocket
}
