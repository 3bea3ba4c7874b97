import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import {
  connectClient,
  createBoard,
  disposeAll,
  frame,
  makeTempDir,
  sleep,
  startServerProcess,
  syncStep1Frame,
  syncUpdateFrame,
  ticketUrl,
  varUint,
  waitFor,
  waitForSynced,
  boardList,
  boardMap,
  SLOW_TEST_MS,
} from './helpers.ts'

afterEach(disposeAll)

/** mulberry32: deterministic, so a failing run can be replayed with the same seed. */
function rng(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = 20261123
const FUZZ_MS = 6000
const WORKERS = 4
const FRAMES_PER_SOCKET = 30

/** Valid frames of every kind, and well-formed updates with content the board refuses, as seeds for mutation. */
function seedFrames(): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  boardMap(doc, 'fuzz').set('a', { x: 1, label: 'vorm' })
  boardList(doc, 'fuzz-list').push(['een', 'twee', 3])
  boardMap(doc, 'fuzz').set('b', 'hallo wereld')
  boardMap(doc, 'fuzz').delete('a')
  const junk = new Y.Doc()
  junk.getMap('fuzz').set('a', { x: 1 })
  junk.getText('fuzz-text').insert(0, 'hallo wereld')
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState({ user: { name: 'Fuzz', color: '#123456' }, cursor: { x: 1, y: 2 } })
  const frames = [
    ...updates.map(syncUpdateFrame),
    frame([0, 1], Y.encodeStateAsUpdate(doc)),
    syncStep1Frame(doc),
    frame([1], awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])),
    frame([3]),
    syncUpdateFrame(Y.encodeStateAsUpdate(junk)),
  ]
  awareness.destroy()
  doc.destroy()
  junk.destroy()
  return frames
}

function randomBytes(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256))
}

/** One hostile frame: random bytes, a truncated or bit-flipped valid frame, or a valid header with garbage. */
function mutate(random: () => number, seeds: Uint8Array[]): Uint8Array {
  const base = seeds[Math.floor(random() * seeds.length)]
  const pick = random()
  if (pick < 0.15) return randomBytes(random, Math.floor(random() * 200))
  if (pick < 0.35) return base.slice(0, Math.floor(random() * base.length))
  if (pick < 0.55) {
    const copy = base.slice()
    const flips = 1 + Math.floor(random() * 4)
    for (let i = 0; i < flips; i++) copy[Math.floor(random() * copy.length)] ^= 1 << Math.floor(random() * 8)
    return copy
  }
  if (pick < 0.75) {
    const headers = [[0, 0], [0, 1], [0, 2], [1], [0, 2 + Math.floor(random() * 5)]]
    return frame(headers[Math.floor(random() * headers.length)], randomBytes(random, Math.floor(random() * 120)))
  }
  if (pick < 0.85) {
    // A length prefix that promises far more than follows.
    return new Uint8Array([0, 2, ...varUint(1 + Math.floor(random() * 2 ** 31)), ...randomBytes(random, 8)])
  }
  if (pick < 0.9) return new Uint8Array([...base, ...randomBytes(random, 1 + Math.floor(random() * 8))]) // trailing bytes
  return base // sometimes a valid frame, so sockets live long enough to take a few
}

describe('fuzz', () => {
  it('survives thousands of hostile frames from raw sockets while two stock clients keep editing', async () => {
    const dataDir = makeTempDir()
    const server = await startServerProcess({ dataDir })
    const board = await createBoard(server.httpUrl)
    const a = connectClient(server.wsUrl, board.id, board.tokens.participant)
    const b = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    await Promise.all([waitForSynced(a), waitForSynced(b)])

    const seeds = seedFrames()
    let sent = 0
    let sockets = 0
    const closeCodes = new Map<number, number>()
    const deadline = Date.now() + FUZZ_MS

    const worker = async (index: number) => {
      const random = rng(SEED + index)
      const tokens = [board.tokens.participant, board.tokens.viewer, board.tokens.facilitator]
      while (Date.now() < deadline) {
        const ws = new WebSocket(await ticketUrl(server, board.id, tokens[Math.floor(random() * tokens.length)]))
        ws.on('error', () => {})
        sockets += 1
        const closed = new Promise<void>((resolve) => {
          ws.once('close', (code) => {
            closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1)
            resolve()
          })
        })
        const opened = await new Promise<boolean>((resolve) => {
          ws.once('open', () => resolve(true))
          ws.once('close', () => resolve(false))
        })
        if (opened) {
          for (let i = 0; i < FRAMES_PER_SOCKET && ws.readyState === ws.OPEN; i++) {
            ws.send(mutate(random, seeds))
            sent += 1
            if (i % 10 === 9) await sleep(1) // let the server read in between
          }
          // The server closes most hostile sockets itself; the rest are cut after a moment.
          await Promise.race([closed, sleep(100)])
        }
        ws.terminate()
        await closed
      }
    }

    // The good clients edit all along.
    let edits = 0
    const editing = (async () => {
      while (Date.now() < deadline) {
        const writer = edits % 2 === 0 ? a : b
        boardMap(writer.doc, 'good').set(`k${edits}`, { n: edits, by: writer === a ? 'a' : 'b' })
        edits += 1
        await sleep(15) // editing all along (pacing)
      }
    })()
    await Promise.all([...Array.from({ length: WORKERS }, (_, i) => worker(i)), editing])

    expect(sent).toBeGreaterThan(2000)
    expect(server.child.exitCode).toBeNull()
    expect(server.child.signalCode).toBeNull()
    // Most hostile sockets were closed by the server with a protocol code (4400 mostly).
    expect(closeCodes.get(4400) ?? 0).toBeGreaterThan(sockets / 4)

    const expected = Object.fromEntries(
      Array.from({ length: edits }, (_, n) => [`k${n}`, { n, by: n % 2 === 0 ? 'a' : 'b' }]),
    )
    await waitFor(
      () => boardMap(a.doc, 'good').size === edits && boardMap(b.doc, 'good').size === edits,
      { timeout: 10_000, message: 'good clients did not converge' },
    )
    expect(boardMap(a.doc, 'good').toJSON()).toEqual(expected)
    expect(boardMap(b.doc, 'good').toJSON()).toEqual(expected)
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true)
    const health = await (await fetch(`${server.httpUrl}/healthz`)).json()
    expect(health.status).toBe('ok')

    // Stored data intact: a graceful restart gives the same good content.
    expect(await server.stop('SIGTERM')).toBe(0)
    a.destroy()
    b.destroy()
    const restarted = await startServerProcess({ dataDir })
    const reader = connectClient(restarted.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    expect(boardMap(reader.doc, 'good').toJSON()).toEqual(expected)
    console.log(`fuzz: ${sent} frames over ${sockets} sockets, close codes ${JSON.stringify(Object.fromEntries(closeCodes))}, ${edits} good edits`)
  }, SLOW_TEST_MS)
})
