import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { CloseCode } from '@samenbord/shared'
import {
  connectClient,
  createBoard,
  disposeAll,
  frame,
  makeTempDir,
  openRawSocket,
  sendFrame,
  startServer,
  syncUpdateFrame,
  ticketUrl,
  waitFor,
  waitForSynced,
  type Client,
  type CreatedBoard,
  type TestServer,
  boardMap,
} from './helpers.ts'

afterEach(disposeAll)

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function pseudoRandomBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  let state = seed
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    bytes[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff
  }
  return bytes
}

const textEncoder = new TextEncoder()

/** Bytes that are not a Yjs update: the struct count promises far more than follows. */
const GARBAGE_UPDATE = new Uint8Array([0x05, 0xc8, 0x01, 0x02, 0x03, 0xff, 0xff, 0xff, 0x0f, 0x07])

/** Decodes as a Yjs update, but Y.applyUpdate throws ("Unexpected case") part-way in. */
const UNAPPLICABLE_UPDATE = Uint8Array.from(Buffer.from('000102020700030003020005', 'hex'))

let server: TestServer
let board: CreatedBoard
let a: Client
let b: Client
let dataDir: string

/** Two healthy clients with some shared content, to prove they are unaffected. */
async function setUp(env: Record<string, string> = {}) {
  dataDir = makeTempDir()
  server = await startServer({ dataDir, env })
  board = await createBoard(server.httpUrl)
  a = connectClient(server.wsUrl, board.id, board.tokens.participant)
  b = connectClient(server.wsUrl, board.id, board.tokens.participant)
  await Promise.all([waitForSynced(a), waitForSynced(b)])
  boardMap(a.doc, 'm').set('before', 1)
  await waitFor(() => boardMap(b.doc, 'm').get('before') === 1)
}

/** A and B still sync both ways, and the room content is intact. */
async function expectOthersUnaffected(marker: string) {
  boardMap(a.doc, 'm').set(`${marker}-a`, true)
  boardMap(b.doc, 'm').set(`${marker}-b`, true)
  await waitFor(() => boardMap(b.doc, 'm').get(`${marker}-a`) === true && boardMap(a.doc, 'm').get(`${marker}-b`) === true, {
    message: `A and B stopped syncing after ${marker}`,
  })
  expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
  expect(boardMap(server.app.rooms.peek(board.id)!.doc, 'm').get('before')).toBe(1)
}

async function expectClosedWith(bytes: Uint8Array | string, code: number, options: { binary?: boolean } = {}) {
  const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
  await sendFrame(raw, bytes, options)
  return expect((await raw.closed).code).toBe(code)
}

describe('malformed frames', () => {
  beforeEach(() => setUp())

  it('closes the sender with 4400 for each kind of broken frame; others keep syncing; storage intact', async () => {
    // Preconditions: really not an update / an update that decodes but cannot be applied.
    expect(() => Y.decodeUpdate(GARBAGE_UPDATE)).toThrow()
    expect(() => Y.decodeUpdate(UNAPPLICABLE_UPDATE)).not.toThrow()
    const probe = new Y.Doc()
    boardMap(probe, 'm').set('before', 1)
    expect(() => Y.applyUpdate(probe, UNAPPLICABLE_UPDATE)).toThrow()

    const cases: [string, Uint8Array | string, { binary?: boolean }?][] = [
      ['random bytes 1', pseudoRandomBytes(1, 64)],
      ['random bytes 2', pseudoRandomBytes(2, 300)],
      ['random bytes 3', pseudoRandomBytes(3, 7)],
      ['empty frame', new Uint8Array(0)],
      ['text frame', 'hallo server', { binary: false }],
      ['text frame with a valid binary payload', new TextDecoder().decode(frame([0, 0], new Uint8Array([0]))), { binary: false }],
      ['sync frame with a garbage update', syncUpdateFrame(GARBAGE_UPDATE)],
      ['sync step 2 with a garbage update', frame([0, 1], GARBAGE_UPDATE)],
      ['sync frame whose update fails in Y.applyUpdate', syncUpdateFrame(UNAPPLICABLE_UPDATE)],
      ['unknown message type', frame([7])],
      ['unknown sync type', frame([0, 9], new Uint8Array([0]))],
      ['auth message from a client', frame([2, 0])],
      ['truncated length prefix', new Uint8Array([0, 2, 50, 1, 2])],
      ['trailing bytes', new Uint8Array([...syncUpdateFrame(Y.encodeStateAsUpdate(new Y.Doc())), 9, 9])],
      ['awareness with broken JSON', frame([1], new Uint8Array([1, 5, 1, 3, ...textEncoder.encode('{x:')]))],
      ['awareness truncated', frame([1], new Uint8Array([3, 5]))],
    ]
    for (const [name, bytes, options] of cases) {
      await expect(expectClosedWith(bytes, CloseCode.badMessage, options), name).resolves.not.toThrow()
    }
    await expectOthersUnaffected('after-garbage')

    const health = await (await fetch(`${server.httpUrl}/healthz`)).json()
    expect(health.status).toBe('ok')
    expect(health.connections).toBe(2)

    // Storage: only the good data, and it reloads.
    await server.close()
    a.destroy()
    b.destroy()
    const restarted = await startServer({ dataDir })
    const reader = connectClient(restarted.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    expect(boardMap(reader.doc, 'm').toJSON()).toEqual({ before: 1, 'after-garbage-a': true, 'after-garbage-b': true })
  })

  it('a valid frame after a bad one on another socket still applies (room doc not poisoned)', async () => {
    for (const bad of [GARBAGE_UPDATE, UNAPPLICABLE_UPDATE]) {
      const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
      await sendFrame(raw, syncUpdateFrame(bad))
      expect((await raw.closed).code).toBe(CloseCode.badMessage)
    }
    const good = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    const edit = new Y.Doc()
    boardMap(edit, 'm').set('good', 'ja')
    await sendFrame(good, syncUpdateFrame(Y.encodeStateAsUpdate(edit)))
    await waitFor(() => boardMap(a.doc, 'm').get('good') === 'ja' && boardMap(b.doc, 'm').get('good') === 'ja')
    const room = server.app.rooms.peek(board.id)!
    expect(room.doc.store.pendingStructs).toBeNull()
    expect(room.doc.store.pendingDs).toBeNull()
  })
})

describe('oversized frames', () => {
  const limit = 64 * 1024
  beforeEach(() => setUp({ MAX_MESSAGE_BYTES: String(limit) }))

  it('closes the sender with 4413; others are unaffected', async () => {
    const big = new Y.Doc()
    boardMap(big, 'm').set('blob', 'x'.repeat(limit + 1000))
    await expectClosedWith(syncUpdateFrame(Y.encodeStateAsUpdate(big)), CloseCode.messageTooLarge)
    await expectOthersUnaffected('after-big')
    expect(boardMap(server.app.rooms.peek(board.id)!.doc, 'm').has('blob')).toBe(false)
  })

  it('also refuses a too-large update sent by the stock client', async () => {
    const sender = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(sender)
    // Above the limit, below the transport's hard cap: the relay itself must answer 4413.
    boardMap(sender.doc, 'm').set('blob', 'y'.repeat(limit + 10_000))
    await waitFor(() => sender.closes.length > 0, { message: 'stock client was not closed' })
    expect(sender.closes[0].code).toBe(CloseCode.messageTooLarge)
    expect(sender.provider.shouldConnect).toBe(false) // final: it does not retry the same update
    await expectOthersUnaffected('after-client-big')
    expect(boardMap(a.doc, 'm').has('blob')).toBe(false)
  })

  it('cuts off frames far above the limit at the transport level; others are unaffected', async () => {
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await sendFrame(raw, new Uint8Array(limit * 5)).catch(() => {})
    const closed = await raw.closed
    expect(closed.code).toBe(1009) // ws "message too big": the frame was never buffered whole
    await expectOthersUnaffected('after-huge')
  })

  it('accepts a frame just under the limit (control case)', async () => {
    const edit = new Y.Doc()
    boardMap(edit, 'm').set('fits', 'z'.repeat(limit - 300))
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    const bytes = syncUpdateFrame(Y.encodeStateAsUpdate(edit))
    expect(bytes.byteLength).toBeLessThanOrEqual(limit)
    await sendFrame(raw, bytes)
    await waitFor(() => typeof boardMap(b.doc, 'm').get('fits') === 'string')
  })
})

describe('liveness', () => {
  beforeEach(() => setUp())

  it('terminates a socket that stops answering pings; live clients stay', async () => {
    await server.close()
    server = await startServer({ dataDir, build: { pingIntervalMs: 100 } })
    a.destroy()
    b.destroy()
    a = connectClient(server.wsUrl, board.id, board.tokens.participant)
    b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b)])

    // A client whose network died: it never answers a ping.
    const dead = new WebSocket(await ticketUrl(server, board.id, board.tokens.participant), { autoPong: false })
    dead.on('error', () => {})
    const closed = new Promise<number>((resolve) => dead.once('close', (code) => resolve(code)))
    await new Promise((resolve) => dead.once('open', resolve))
    await waitFor(() => server.app.rooms.connectionCount === 3)
    expect(await closed).toBe(1006) // terminated, no close handshake
    await waitFor(() => server.app.rooms.connectionCount === 2)
    await expectOthersUnaffected('after-ping')
  })
})
