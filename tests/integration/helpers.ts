/**
 * Shared plumbing for the integration suite: real servers on real sockets (in-process or as a
 * child process), the stock y-websocket client, raw `ws` sockets for hand-made frames, and a
 * cleanup list so no test leaks a socket, timer, server or temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { buildApp, loadConfig, type BuildAppOptions, type Config } from '@samenbord/server'
import { RECORDS_ARRAY, SYNC_PATH, type Role } from '@samenbord/shared'
import { ticketSocketClass, ticketUrlFor } from '../../client/src/sync/ticket-socket.ts'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

// ---------------------------------------------------------------------------------------------
// Cleanup

const disposers: { dispose: () => unknown; what: string | (() => string) }[] = []

/** Registers something to undo in `disposeAll`, last registered first; `what` names it should it hang. */
export function onDispose(dispose: () => unknown, what: string | (() => string) = 'a cleanup step'): void {
  disposers.push({ dispose, what })
}

/**
 * Runs every registered disposer; call from afterEach/afterAll. Each gets WAIT_MS: one that hangs
 * (a server whose close waits for a socket nobody ends) is named in the error, after the others ran.
 */
export async function disposeAll(): Promise<void> {
  const hung: string[] = []
  while (disposers.length > 0) {
    const { dispose, what } = disposers.pop()!
    try {
      await withTimeout(Promise.resolve().then(dispose), what)
    } catch (error) {
      // Best effort: a failing cleanup must not hide the test result; a hanging one must not hide itself.
      if (error instanceof WaitTimeoutError) hung.push(error.message)
    }
  }
  if (hung.length > 0) throw new Error(`cleanup hung:\n${hung.join('\n')}`)
}

export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-it-'))
  onDispose(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

// ---------------------------------------------------------------------------------------------
// Servers

export type App = Awaited<ReturnType<typeof buildApp>>

export interface TestServer {
  app: App
  config: Config
  port: number
  dataDir: string
  /** http://127.0.0.1:PORT */
  httpUrl: string
  /** ws://127.0.0.1:PORT/sync, the serverUrl for WebsocketProvider. */
  wsUrl: string
  /** Graceful close (what SIGTERM does); safe to call twice. */
  close(): Promise<void>
  /** The local beheerder's `sb_session` cookie value (null with `signIn: false` or OIDC): createBoard and boardApi send it. */
  sessionCookie: string | null
}

export interface StartServerOptions {
  /** Reuse a data dir (restart tests); a fresh temp dir otherwise. */
  dataDir?: string
  /** Extra environment for loadConfig, e.g. { MAX_MESSAGE_BYTES: '65536' }. */
  env?: Record<string, string>
  build?: BuildAppOptions
  /** Listen on this port (a restart that clients must find again); a free one otherwise. */
  port?: number
  /**
   * Sign in as the local beheerder through the real set-up endpoint (default), so createBoard and
   * boardApi work; false leaves the set-up code unused (tests of the sign-in itself).
   */
  signIn?: boolean
}

/** buildApp + listen on 127.0.0.1 with a free port, in this process. */
export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? makeTempDir()
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ROOM_IDLE_MS: '500',
    CLIENT_DIR: join(dataDir, 'no-client'),
    ...options.env,
  })
  const app = await buildApp(config, options.build)
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address !== 'object') throw new Error('server has no port')
  let closed: Promise<void> | null = null
  const openSockets = () => `the server on port ${address.port} to close (websockets still open: ${app.websocketServer.clients.size})`
  const close = () => (closed ??= withTimeout(app.close(), openSockets).then(() => undefined))
  onDispose(close, openSockets)
  const httpUrl = `http://127.0.0.1:${address.port}`
  const store = options.build?.store as { schema?: unknown } | undefined
  const sessionKey = typeof store?.schema === 'string' ? `pg:${store.schema}` : dataDir
  const sessionCookie = options.signIn === false || config.auth.oidc !== null ? null : await beheerderSession(httpUrl, sessionKey, app.beheerderSetupLink())
  return { app, config, port: address.port, dataDir, httpUrl, wsUrl: `ws://127.0.0.1:${address.port}${SYNC_PATH}`, close, sessionCookie }
}

// ---------------------------------------------------------------------------------------------
// Sign-in: most tests act as the local beheerder, who may create and restore boards.

/** `sb_session` cookie values by server address, and by data folder (a restart keeps the session). */
const sessionsByUrl = new Map<string, string>()
const sessionsByData = new Map<string, string>()

/** The one-time code in a set-up or invite link (`…#code=…`). */
export function codeOfLink(link: string): string {
  const code = new URL(link).hash.match(/^#code=([A-Za-z0-9_-]+)$/)?.[1]
  if (code === undefined) throw new Error(`no code in ${link}`)
  return code
}

/** The value of `name` in a response's Set-Cookie headers, or null. */
export function setCookieValue(response: Response, name: string): string | null {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';')
    const at = pair.indexOf('=')
    if (pair.slice(0, at).trim() === name) return pair.slice(at + 1)
  }
  return null
}

/** Signs in through `POST /auth/setup` with the link's code, or reuses the session of an earlier start on the same data. */
async function beheerderSession(httpUrl: string, sessionKey: string, setupLink: string | null): Promise<string | null> {
  let cookie = sessionsByData.get(sessionKey) ?? null
  if (setupLink !== null) {
    const response = await fetch(`${httpUrl}/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: httpUrl },
      body: JSON.stringify({ code: codeOfLink(setupLink) }),
    })
    cookie = setCookieValue(response, 'sb_session')
    if (response.status !== 200 || cookie === null) throw new Error(`beheerder set-up failed: ${response.status} ${await response.text()}`)
    sessionsByData.set(sessionKey, cookie)
  }
  if (cookie !== null) sessionsByUrl.set(httpUrl, cookie)
  return cookie
}

/** Cookie and Origin of the beheerder signed in on this server, for a fetch that needs a session; {} when none. */
export function sessionHeaders(httpUrl: string): Record<string, string> {
  const cookie = sessionsByUrl.get(httpUrl)
  return cookie === undefined ? {} : { cookie: `sb_session=${cookie}`, origin: httpUrl }
}

export interface ServerProcess {
  child: ChildProcess
  port: number
  dataDir: string
  httpUrl: string
  wsUrl: string
  /** Everything the process printed so far (stdout and stderr). */
  output(): string
  /** Sends `signal` and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>
  /** The local beheerder's session (see TestServer.sessionCookie). */
  sessionCookie: string | null
}

/** Starts `node server/src/main.ts` with PORT=0 and waits for its "luistert op" line. */
export async function startServerProcess(options: { dataDir?: string; env?: Record<string, string>; signIn?: boolean } = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? makeTempDir()
  const inherited: NodeJS.ProcessEnv = { ...process.env }
  delete inherited.RESET_BEHEERDER
  const env: NodeJS.ProcessEnv = { ...inherited, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...options.env }
  delete env.SECRET
  delete env.PUBLIC_URL
  const child = spawn(process.execPath, ['server/src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  })
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return withTimeout(exited, `server process ${child.pid} to exit after ${signal}`)
  }
  onDispose(() => stop('SIGKILL'), `server process ${child.pid} to exit`)

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), 15_000)
    const check = () => {
      const match = /Samenbord luistert op http:\/\/[^\s:]+:(\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${output}`))
    })
  })
  const httpUrl = `http://127.0.0.1:${port}`
  // Printed before the listening line while there is no beheerder yet.
  const setupLink = /Beheerder instellen: (\S+)/.exec(output)?.[1] ?? null
  const databaseUrl = options.env?.DATABASE_URL
  const sessionKey = databaseUrl !== undefined ? `pg:${databaseUrl}:${options.env?.DATABASE_SCHEMA ?? 'public'}` : dataDir
  const sessionCookie = options.signIn === false || options.env?.OIDC_ISSUER !== undefined ? null : await beheerderSession(httpUrl, sessionKey, setupLink)
  return {
    child,
    port,
    dataDir,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}${SYNC_PATH}`,
    output: () => output,
    stop,
    sessionCookie,
  }
}

/** The secret a server generated in its data dir (for signing test tokens). */
export function readSecret(dataDir: string): string {
  return readFileSync(join(dataDir, 'secret'), 'utf8').trim()
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface CreatedBoard {
  id: string
  title: string
  createdAt: string
  links: Record<Role, string>
  tokens: Record<Role, string>
}

/**
 * One call to the board API (`/api/boards` + `path`): GET without a body, POST with one, the
 * token as a bearer. Returns the status, the parsed JSON (null when it is none) and the raw text.
 */
export async function boardApi(server: { httpUrl: string }, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const response = await fetch(`${server.httpUrl}/api/boards${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      // Create and restore need a signed-in facilitator; other routes ignore the cookie.
      ...sessionHeaders(server.httpUrl),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  let json: any = null
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON: keep null, the text is there
  }
  return { status: response.status, json, text, headers: response.headers }
}

export async function createBoard(httpUrl: string, title = 'Testbord'): Promise<CreatedBoard> {
  const response = await fetch(`${httpUrl}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sessionHeaders(httpUrl) },
    body: JSON.stringify({ title }),
  })
  if (response.status !== 201) throw new Error(`createBoard: ${response.status} ${await response.text()}`)
  return (await response.json()) as CreatedBoard
}

// ---------------------------------------------------------------------------------------------
// Clients

export interface Client {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Close events the provider saw: code and reason. */
  closes: { code: number; reason: string }[]
  /**
   * Final closes (y-websocket's 'closed' event: a 44xx code, no more reconnecting), recorded from
   * the start, so a wait that begins after the close still sees it.
   */
  finalCloses: { code: number; reason: string }[]
  /** How many times the provider started a connection attempt. */
  attempts(): number
  destroy(): void
}

// ---------------------------------------------------------------------------------------------
// Sync tickets: what a socket URL carries instead of a link token

/** `POST /api/sync-ticket` for `docName`, with `token` as bearer (none when null). */
export async function fetchSyncTicket(wsUrl: string, docName: string, token: string | null): Promise<{ status: number; json: any }> {
  const response = await fetch(ticketUrlFor(wsUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ doc: docName }),
  })
  return { status: response.status, json: await response.json() }
}

/** The socket URL for `docName` with a fresh ticket paid for with `token` (and extra query `params`). */
export async function ticketUrl(server: { wsUrl: string }, docName: string, token: string, params: Record<string, string> = {}): Promise<string> {
  const { status, json } = await fetchSyncTicket(server.wsUrl, docName, token)
  if (status !== 200) throw new Error(`sync ticket refused: ${status} ${JSON.stringify(json)}`)
  return `${server.wsUrl}/${docName}?${new URLSearchParams({ ...params, ticket: json.ticket })}`
}

/**
 * The stock y-websocket client with the browser's ticket socket around Node's `ws`: every
 * (re)connection fetches a fresh ticket with `token`.
 */
export function connectClient(wsUrl: string, docName: string, token: string | null, doc: Y.Doc = new Y.Doc()): Client {
  const provider = new WebsocketProvider(wsUrl, docName, doc, {
    WebSocketPolyfill: ticketSocketClass({ token, WebSocket: WebSocket as never }),
    disableBc: true,
  })
  const closes: { code: number; reason: string }[] = []
  let attempts = 0
  provider.on('status', ({ status }) => {
    if (status === 'connecting') attempts += 1
  })
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason })
  })
  const finalCloses: { code: number; reason: string }[] = []
  provider.on('closed', ({ code, reason }) => {
    finalCloses.push({ code, reason })
  })
  // setupWS ran inside the constructor, before our listener: count that first attempt.
  attempts = provider.ws ? 1 : 0
  let destroyed = false
  const destroy = () => {
    if (destroyed) return
    destroyed = true
    provider.destroy()
    doc.destroy() // also destroys the provider's Awareness and its interval
  }
  onDispose(destroy)
  return { doc, provider, closes, finalCloses, attempts: () => attempts, destroy }
}

/** What a client went through, for a wait's error message. */
function describeClient(client: Client): string {
  const closes = client.closes.map(({ code, reason }) => `${code} ${reason}`.trim()).join(', ')
  return `${client.provider.roomname} (${client.attempts()} attempts, closes: ${closes || 'none'})`
}

export function waitForSynced(client: Client, timeout = WAIT_MS): Promise<void> {
  return waitFor(() => client.provider.synced, { timeout, message: () => `waiting for the client on ${describeClient(client)} to sync` })
}

/**
 * Resolves with the client's final close (a 44xx code: y-websocket's 'closed' event). It reads
 * the record kept from the client's start, so it may be called before or after the close came.
 */
export async function waitForFinalClose(client: Client, timeout = WAIT_MS): Promise<{ code: number; reason: string }> {
  await waitFor(() => client.finalCloses.length > 0, { timeout, message: () => `waiting for a final close of the client on ${describeClient(client)}` })
  return client.finalCloses[0]
}

let barrierCount = 0

/**
 * Waits until the relay has handled every frame `client` sent so far and what it passed on from
 * them reached `others` (and the room on `server`, if given). The relay handles a socket's frames
 * in order and sends to each socket in order, so a fresh presence marker from `client` arriving
 * everywhere comes after all of that: the positive event that shows a dropped write was not
 * passed on, where a sleep would only hope so.
 */
export async function barrier(client: Client, others: Client[], server?: { app: App }): Promise<void> {
  const marker = ++barrierCount
  client.provider.awareness.setLocalStateField('barrier', marker)
  const seen = (states: Map<number, Record<string, unknown>> | undefined) => states?.get(client.doc.clientID)?.barrier === marker
  const room = () => server?.app.rooms.peek(client.provider.roomname)
  await waitFor(() => others.every((other) => seen(other.provider.awareness.getStates())) && (server === undefined || seen(room()?.awareness.getStates())), {
    message: () => `waiting for the presence marker of ${describeClient(client)} to reach the others`,
  })
}

export interface RawSocket {
  ws: WebSocket
  /**
   * The close code and reason once the socket closed. Recorded from the socket's start; each
   * read of `closed` waits at most WAIT_MS and then fails saying which socket stayed open.
   */
  readonly closed: Promise<{ code: number; reason: string }>
  /** The close as recorded; null while the socket is open. */
  readonly closeEvent: { code: number; reason: string } | null
  /** Binary frames received so far. */
  received: Uint8Array[]
}

/** A bare `ws` socket on the relay (with a fresh ticket), for frames the stock client would never send. */
export async function openRawSocket(wsUrl: string, docName: string, token: string): Promise<RawSocket> {
  const socket = await rawSocketAt(await ticketUrl({ wsUrl }, docName, token), docName)
  if (!socket.opened) throw new Error(`the raw socket on ${docName} closed before it opened: ${JSON.stringify(socket.closeEvent)}`)
  return socket
}

/**
 * A bare `ws` socket on `url` as given (no ticket fetched): resolves once it opened, or closed
 * without opening (`opened` tells which). Frames and the close are recorded from the start.
 */
export async function rawSocketAt(url: string, label = new URL(url).pathname): Promise<RawSocket & { readonly opened: boolean }> {
  const ws = new WebSocket(url)
  const received: Uint8Array[] = []
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)))
  let opened = false
  let closeEvent: { code: number; reason: string } | null = null
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve((closeEvent = { code, reason: reason.toString() })))
  })
  ws.on('error', () => {})
  onDispose(() => ws.terminate())
  const settled = new Promise<void>((resolve) => {
    ws.once('open', () => resolve(void (opened = true)))
    ws.once('close', () => resolve())
  })
  await withTimeout(settled, `a raw socket on ${label} to open`)
  return {
    ws,
    get closed() {
      const state = () => ['connecting', 'open', 'closing', 'closed'][ws.readyState]
      return withTimeout(closed, () => `the raw socket on ${label} to close (${received.length} frames received, still ${state()})`)
    },
    get closeEvent() {
      return closeEvent
    },
    get opened() {
      return opened
    },
    received,
  }
}

export function sendFrame(socket: RawSocket, frame: Uint8Array | string, options: { binary?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.ws.send(frame, { binary: options.binary ?? typeof frame !== 'string' }, (error) => (error ? reject(error) : resolve()))
  })
}

/** lib0's unsigned varint: 7 bits per byte, high bit set on all but the last. */
export function varUint(value: number): number[] {
  const bytes: number[] = []
  while (value > 0x7f) {
    bytes.push((value % 128) | 0x80)
    value = Math.floor(value / 128)
  }
  bytes.push(value)
  return bytes
}

/** A y-websocket frame: the varint header fields, then a length-prefixed payload. */
export function frame(header: number[], payload?: Uint8Array): Uint8Array {
  const head = header.flatMap(varUint)
  if (payload === undefined) return new Uint8Array(head)
  return new Uint8Array([...head, ...varUint(payload.byteLength), ...payload])
}

/** `[0, 2, update]`: a sync update frame, as y-websocket encodes it. */
export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  return frame([0, 2], update)
}

/** `[0, 0, stateVector]`: sync step 1; the server always answers it, so it works as a barrier. */
export function syncStep1Frame(doc: Y.Doc = new Y.Doc()): Uint8Array {
  return frame([0, 0], Y.encodeStateVector(doc))
}

/**
 * Sends a step-1 frame and waits for the reply. The server handles a socket's frames in order,
 * so after this resolves every frame sent before it has been processed.
 */
export async function roundTrip(socket: RawSocket): Promise<void> {
  const before = socket.received.length
  await sendFrame(socket, syncStep1Frame())
  // Frame 0/1 of the reply is the step 2 answer; any frame after `before` will do.
  await waitFor(() => socket.received.slice(before).some((frame) => frame[0] === 0 && frame[1] === 1), {
    message: 'no answer to sync step 1',
  })
}

// ---------------------------------------------------------------------------------------------
// Waiting

/**
 * How long any wait of the suite may take by default: generous, since CI shares two cores with
 * other work (at a load average of 14 a 0.3 s test took seconds), yet well under the 30 s test
 * timeout, so that a wait that fails says what it waited for instead of "test timed out".
 */
export const WAIT_MS = 15_000

/**
 * Test timeout for a test that starts several server processes or back-up checking processes:
 * each start costs seconds on a loaded machine (at a load average of 15, three starts took 30 s).
 */
export const SLOW_TEST_MS = 90_000

/** A wait that ran out of time; its message names what was awaited. */
export class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WaitTimeoutError'
  }
}

/** Settles as `promise` does, or rejects with a WaitTimeoutError naming `what` after `timeout` ms. */
export function withTimeout<T>(promise: PromiseLike<T>, what: string | (() => string), timeout = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeoutError(`timed out after ${timeout} ms waiting for ${typeof what === 'function' ? what() : what}`)), timeout)
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

/** Polls `condition` until it holds; fails after `timeout` ms with `message` (a function: read at that moment). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeout = WAIT_MS, interval = 10, message = 'condition not met' }: { timeout?: number; interval?: number; message?: string | (() => string) } = {},
): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await condition())) {
    if (Date.now() > deadline) throw new WaitTimeoutError(`waitFor timed out after ${timeout} ms: ${typeof message === 'function' ? message() : message}`)
    await sleep(interval)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

// ---------------------------------------------------------------------------------------------
// Board content: the relay keeps only tldraw records in a board's main document, so tests that
// need "some data on the board" store it as page records in `tl_records` through these facades.

/** One `tl_records` entry, as y-utility's YKeyValue (and so the client) stores it. */
export interface BoardEntry {
  key: string
  val: Record<string, unknown>
}

/** The board's record array (`tl_records`). */
export function boardRecords(doc: Y.Doc): Y.Array<BoardEntry> {
  return doc.getArray<BoardEntry>(RECORDS_ARRAY)
}

/** A valid tldraw page record carrying `value` (any JSON) in its meta, for the record guard. */
export function pageRecord(id: string, value: unknown, name = id): Record<string, unknown> {
  return { id, typeName: 'page', name, index: 'a1', meta: { v: value } }
}

/** The `tl_records` entry for `pageRecord(id, value)`. */
export function pageEntry(id: string, value: unknown): BoardEntry {
  return { key: id, val: pageRecord(id, value) }
}

function metaValue(entry: BoardEntry): unknown {
  return (entry.val.meta as { v?: unknown } | undefined)?.v
}

/** A Y.Map-like view: each key is its own page record `page:m-<name>-<key>`. */
export interface BoardMap<T> {
  set(key: string, value: T): void
  get(key: string): T | undefined
  has(key: string): boolean
  delete(key: string): void
  keys(): string[]
  toJSON(): Record<string, T>
  readonly size: number
}

/**
 * A map over `tl_records` written the way YKeyValue writes: `set` deletes the older entries of
 * that key and appends the new one in one transaction; the rightmost entry of a key wins.
 */
export function boardMap<T = unknown>(doc: Y.Doc, name: string): BoardMap<T> {
  const records = boardRecords(doc)
  const prefix = `page:m-${name}-`
  const current = (): Map<string, T> => {
    const values = new Map<string, T>()
    for (const entry of records.toArray()) {
      if (entry.key.startsWith(prefix)) values.set(entry.key.slice(prefix.length), metaValue(entry) as T)
    }
    return values
  }
  const remove = (id: string) => {
    const entries = records.toArray()
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i].key === id) records.delete(i, 1)
  }
  return {
    set(key, value) {
      doc.transact(() => {
        remove(prefix + key)
        records.push([{ key: prefix + key, val: pageRecord(prefix + key, value, key) }])
      })
    },
    get: (key) => current().get(key),
    has: (key) => current().has(key),
    delete(key) {
      doc.transact(() => remove(prefix + key))
    },
    keys: () => [...current().keys()],
    toJSON: () => Object.fromEntries(current()),
    get size() {
      return current().size
    },
  }
}

/** A Y.Array-like view: each element is its own page record `page:l-<name>-<unique>`. */
export interface BoardList<T> {
  push(values: T[]): void
  insert(index: number, values: T[]): void
  delete(index: number, length?: number): void
  get(index: number): T | undefined
  toArray(): T[]
  readonly length: number
}

const listCounters = new WeakMap<Y.Doc, number>()

/**
 * A list over `tl_records`: an element inserted at `index` goes just before the list's
 * `index`-th entry in `tl_records` (after its last one for an append), so concurrent inserts by
 * two clients converge as the array itself does. Ids are unique per Y.Doc (its client id and a counter).
 */
export function boardList<T = unknown>(doc: Y.Doc, name: string): BoardList<T> {
  const records = boardRecords(doc)
  const prefix = `page:l-${name}-`
  /** Positions in `tl_records` of this list's entries, in order. */
  const positions = (): number[] => {
    const found: number[] = []
    records.toArray().forEach((entry, position) => {
      if (entry.key.startsWith(prefix)) found.push(position)
    })
    return found
  }
  const newEntries = (values: T[]): BoardEntry[] =>
    values.map((value) => {
      const count = (listCounters.get(doc) ?? 0) + 1
      listCounters.set(doc, count)
      return pageEntry(`${prefix}${doc.clientID.toString(36)}-${count}`, value)
    })
  const insert = (index: number, values: T[]) => {
    const at = positions()
    if (index < 0 || index > at.length) throw new RangeError(`boardList ${name}: index ${index} outside 0..${at.length}`)
    const position = index < at.length ? at[index] : at.length > 0 ? at[at.length - 1] + 1 : records.length
    records.insert(position, newEntries(values))
  }
  return {
    push: (values) => insert(positions().length, values),
    insert,
    delete(index, length = 1) {
      const at = positions().slice(index, index + length)
      doc.transact(() => {
        for (const position of at.reverse()) records.delete(position, 1)
      })
    },
    get: (index) => {
      const position = positions()[index]
      return position === undefined ? undefined : (metaValue(records.get(position)) as T)
    },
    toArray: () => records.toArray().filter((entry) => entry.key.startsWith(prefix)).map((entry) => metaValue(entry) as T),
    get length() {
      return positions().length
    },
  }
}
