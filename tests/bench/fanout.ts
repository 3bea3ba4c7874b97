/**
 * Benchmarks for the relay (not tests: nothing here asserts a time).
 *
 *   pnpm bench                      # everything
 *   node tests/bench/fanout.ts fanout coldopen memory storage   # pick sections
 *
 * - fanout:   one writer, N readers in one room; time from sending an update until each reader
 *             has it (p50/p99), our relay vs the reference y-websocket relay (1.5.4, bin/utils),
 *             both as child processes on 127.0.0.1, driven by the same harness.
 * - coldopen: a board with 5,000 shape-like records in storage, room not loaded: time from
 *             socket open to the full state (sync step 2), stored compacted and as 5,000 rows.
 * - memory:   RSS growth of the relay per loaded idle board (one socket each) and per extra socket.
 * - storage:  SQLite file size after 100,000 edits (one row per edit, in 100 ms-style batches)
 *             and after compaction.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DatabaseSync } from 'node:sqlite'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { SqliteDocumentStore } from '@samenbord/server/storage/sqlite-store'
import { applyUpdates } from '@samenbord/server/sync/persistence'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const tempDirs: string[] = []
const children: ChildProcess[] = []
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-bench-'))
  tempDirs.push(dir)
  return dir
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------------------------
// Relays as child processes

interface Relay {
  name: string
  pid: number
  port: number
  /** URL of a room's socket. */
  roomUrl(docName: string, token?: string): string
  stop(): Promise<void>
}

function startChild(command: string[], env: NodeJS.ProcessEnv, pattern: RegExp): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, command, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = pattern.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ child, port: Number(match[1]) })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

async function startOurs(dataDir = tempDir()): Promise<Relay & { httpUrl: string; dataDir: string }> {
  const { child, port } = await startChild(
    ['server/src/main.ts'],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ROOM_IDLE_MS: '600000',
      MAX_CONNECTIONS_PER_BOARD: '10000',
      MAX_CONNECTIONS_PER_IP: '10000',
      MAX_MESSAGES_PER_SECOND: '100000',
      MESSAGE_BURST: '100000',
      MAX_DOCS_PER_BOARD: '10000',
    },
    /luistert op http:\/\/[^\s:]+:(\d+)/,
  )
  return {
    name: 'Samenbord',
    pid: child.pid!,
    port,
    dataDir,
    httpUrl: `http://127.0.0.1:${port}`,
    roomUrl: (docName, token) => `ws://127.0.0.1:${port}/sync/${docName}?token=${encodeURIComponent(token ?? '')}`,
    stop: () => stopChild(child),
  }
}

async function startReference(): Promise<Relay> {
  const { child, port } = await startChild(['tests/bench/reference-relay.cjs'], {}, /listening on (\d+)/)
  return {
    name: 'y-websocket 1.5.4',
    pid: child.pid!,
    port,
    roomUrl: (docName) => `ws://127.0.0.1:${port}/${docName}`,
    stop: () => stopChild(child),
  }
}

async function createBoard(httpUrl: string): Promise<{ id: string; token: string }> {
  const response = await fetch(`${httpUrl}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Bench' }),
  })
  const body = (await response.json()) as { id: string; tokens: { participant: string } }
  return { id: body.id, token: body.tokens.participant }
}

// ---------------------------------------------------------------------------------------------
// Raw y-websocket clients

/** lib0 varuint. */
function varUint(value: number): number[] {
  const bytes: number[] = []
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80)
    value = Math.floor(value / 128)
  }
  bytes.push(value)
  return bytes
}

function syncFrame(type: number, payload: Uint8Array): Uint8Array {
  return new Uint8Array([0, type, ...varUint(payload.byteLength), ...payload])
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.binaryType = 'nodebuffer'
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** Opens `count` sockets a few at a time and says hello (sync step 1 with an empty state). */
async function openMany(urls: string[], onMessage?: (index: number, data: Buffer) => void): Promise<WebSocket[]> {
  const sockets: WebSocket[] = new Array(urls.length)
  const hello = syncFrame(0, Y.encodeStateVector(new Y.Doc()))
  for (let start = 0; start < urls.length; start += 25) {
    await Promise.all(
      urls.slice(start, start + 25).map(async (url, offset) => {
        const index = start + offset
        const ws = await openSocket(url)
        if (onMessage) ws.on('message', (data: Buffer) => onMessage(index, data))
        ws.send(hello)
        sockets[index] = ws
      }),
    )
  }
  return sockets
}

function closeAll(sockets: WebSocket[]): void {
  for (const ws of sockets) ws?.terminate()
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** A tldraw-like geo shape record. */
function shapeRecord(i: number, x = (i % 100) * 120, y = Math.floor(i / 100) * 90) {
  return {
    id: `shape:${i.toString(36).padStart(8, '0')}`,
    typeName: 'shape',
    type: 'geo',
    x,
    y,
    rotation: 0,
    index: `a${i.toString(36)}`,
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    props: {
      w: 100,
      h: 60,
      geo: 'rectangle',
      color: 'black',
      labelColor: 'black',
      fill: 'none',
      dash: 'draw',
      size: 'm',
      font: 'draw',
      text: `Kaart ${i}`,
      align: 'middle',
      verticalAlign: 'middle',
      growY: 0,
      url: '',
      scale: 1,
    },
    meta: {},
  }
}

// ---------------------------------------------------------------------------------------------
// Fan-out latency

interface FanoutResult {
  relay: string
  clients: number
  samples: number
  p50: number
  p99: number
}

async function fanoutRun(relay: Relay, readers: number, rounds: number, token?: string, docName = `bench${readers}room${Date.now()}`): Promise<FanoutResult> {
  const url = relay.roomUrl(docName, token)
  let roundStart = 0
  let waiting = 0
  let done: (() => void) | null = null
  const got = new Uint8Array(readers)
  const latencies: number[] = []
  let measuring = false
  const sockets = await openMany(Array(readers).fill(url), (index, data) => {
    // [0, 2, …]: a sync update, i.e. the writer's edit relayed.
    if (data[0] !== 0 || data[1] !== 2 || got[index] === 1 || done === null) return
    got[index] = 1
    if (measuring) latencies.push(performance.now() - roundStart)
    waiting -= 1
    if (waiting === 0) done()
  })
  const writer = await openSocket(url)
  writer.send(syncFrame(0, Y.encodeStateVector(new Y.Doc())))
  await sleep(300)
  const doc = new Y.Doc()
  let update: Uint8Array | null = null
  doc.on('update', (u: Uint8Array) => (update = u))
  const records = doc.getMap('records')
  const warmup = 20
  for (let round = 0; round < warmup + rounds; round++) {
    measuring = round >= warmup
    got.fill(0)
    waiting = readers
    const finished = new Promise<void>((resolve) => (done = resolve))
    records.set('shape:moving', shapeRecord(round, round, round))
    const frame = syncFrame(2, update!)
    roundStart = performance.now()
    writer.send(frame)
    await Promise.race([finished, sleep(5000).then(() => Promise.reject(new Error(`round ${round}: ${waiting} readers never got the update`)))])
    done = null
  }
  closeAll([...sockets, writer])
  latencies.sort((a, b) => a - b)
  return { relay: relay.name, clients: readers, samples: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}

async function benchFanout(): Promise<void> {
  console.log('\n## Fan-out latency: one writer, N readers in one room (ms from send to receipt)\n')
  const plan: [number, number][] = [
    [10, 300],
    [50, 200],
    [200, 100],
  ]
  const rows: string[] = []
  for (const [clients, rounds] of plan) {
    const ours = await startOurs()
    const board = await createBoard(ours.httpUrl)
    const a = await fanoutRun(ours, clients, rounds, board.token, board.id)
    await ours.stop()
    const reference = await startReference()
    const b = await fanoutRun(reference, clients, rounds)
    await reference.stop()
    rows.push(
      `| ${clients} | ${a.p50.toFixed(2)} | ${a.p99.toFixed(2)} | ${b.p50.toFixed(2)} | ${b.p99.toFixed(2)} | ${(a.p50 / b.p50).toFixed(2)} | ${(a.p99 / b.p99).toFixed(2)} | ${a.samples} |`,
    )
  }
  console.log('| readers | Samenbord p50 | Samenbord p99 | y-websocket p50 | y-websocket p99 | ratio p50 | ratio p99 | samples each |')
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const row of rows) console.log(row)
}

// ---------------------------------------------------------------------------------------------
// Cold open

const RECORDS = 5000

/** The board document as the client lays it out: a Y.Array of { key, val } (YKeyValue). */
function boardUpdates(records: number): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const array = doc.getArray<{ key: string; val: unknown }>('tl_records')
  for (let i = 0; i < records; i++) {
    const record = shapeRecord(i)
    array.push([{ key: record.id, val: record }])
  }
  return updates
}

/** Opens a socket as a fresh client and waits for the full state (sync step 2). */
async function timeToFullState(relay: Relay, docName: string, token: string): Promise<{ ms: number; bytes: number; ws: WebSocket }> {
  const started = performance.now()
  const ws = await openSocket(relay.roomUrl(docName, token))
  return new Promise((resolve) => {
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && data[1] === 1) {
        ws.removeAllListeners('message')
        resolve({ ms: performance.now() - started, bytes: data.byteLength, ws })
      }
    })
    ws.send(syncFrame(0, Y.encodeStateVector(new Y.Doc())))
  })
}

/**
 * A write right after a cold open: `client` (just synced) sends an edit at once, then a sync step 1
 * holding the full state vector as a barrier (the relay answers frames in order, with a tiny diff
 * here). Ms until that answer: the edit was applied, stored and relayed by then, document build included.
 */
async function timeFirstEdit(client: WebSocket, stored: Y.Doc): Promise<number> {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(stored))
  let update: Uint8Array | null = null
  doc.on('update', (u: Uint8Array) => (update = u))
  // Outside tl_records: the bench's records are shape-like, not valid tldraw shapes for the record guard.
  doc.getMap('records').set('shape:new', shapeRecord(RECORDS + 1))
  const started = performance.now()
  const answered = new Promise<number>((resolve) => {
    client.on('message', (data: Buffer) => {
      if (data[0] === 0 && data[1] === 1) resolve(performance.now() - started)
    })
  })
  client.send(syncFrame(2, update!))
  client.send(syncFrame(0, Y.encodeStateVector(doc)))
  return answered
}

async function benchColdOpen(): Promise<void> {
  console.log(`\n## Cold open: a board with ${RECORDS.toLocaleString('en')} shape records, room not in memory\n`)
  const dataDir = tempDir()
  let relay = await startOurs(dataDir)
  const boards = await Promise.all(Array.from({ length: 15 }, () => createBoard(relay.httpUrl)))
  await relay.stop()
  const updates = boardUpdates(RECORDS)
  // What the relay's compaction writes: the state of a Y.Doc holding all updates.
  const storedDoc = docOf(updates)
  const compactedState = Y.encodeStateAsUpdate(storedDoc)
  const store = new SqliteDocumentStore(dataDir)
  for (const [i, board] of boards.entries()) {
    if (i < 5 || i >= 10) await store.appendDocUpdate(board.id, compactedState)
    else for (const update of updates) await store.appendDocUpdate(board.id, update)
  }
  await store.close()
  relay = await startOurs(dataDir)
  // One warm-up open of another board so module loading is not counted.
  const warm = await createBoard((relay as Awaited<ReturnType<typeof startOurs>>).httpUrl)
  ;(await timeToFullState(relay, warm.id, warm.token)).ws.terminate()
  const compacted: number[] = []
  const log: number[] = []
  const firstEdit: number[] = []
  let bytes = 0
  for (const [i, board] of boards.entries()) {
    const rows = i >= 5 && i < 10 ? RECORDS : 1
    const result = await timeToFullState(relay, board.id, board.token)
    if (i < 5) bytes = result.bytes
    if (i < 5) compacted.push(result.ms)
    else if (i < 10) log.push(result.ms)
    else firstEdit.push(await timeFirstEdit(result.ws, storedDoc))
    result.ws.terminate()
    // Let the relay build the room's document (and compact the long logs) before the next open.
    await sleep(rows > 1 ? 3000 : 500)
  }
  // The same boards again, now loaded: what a second person joining pays.
  const warmUnchanged: number[] = []
  const warmEdited: number[] = []
  for (const [i, board] of boards.entries()) {
    if (i >= 5 && i < 10) continue
    const result = await timeToFullState(relay, board.id, board.token)
    ;(i < 5 ? warmUnchanged : warmEdited).push(result.ms)
    result.ws.terminate()
  }
  await relay.stop()
  // Reference in this process: what every cold open cost before the relay served stored bytes
  // (decode the state into a Y.Doc, then encode it for the client).
  const reference: number[] = []
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    const doc = new Y.Doc()
    Y.applyUpdate(doc, compactedState)
    Y.encodeStateAsUpdate(doc)
    reference.push(performance.now() - started)
    doc.destroy()
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]
  console.log('| open | median ms from socket open to full state (5 boards each) |')
  console.log('|---|---:|')
  console.log(`| cold, stored as 1 compacted row (${(bytes / 1024).toFixed(0)} KiB sent) | ${median(compacted).toFixed(1)} |`)
  console.log(`| cold, stored as ${RECORDS.toLocaleString('en')} rows (one per record) | ${median(log).toFixed(1)} |`)
  console.log(`| warm (room loaded, unchanged since) | ${median(warmUnchanged).toFixed(1)} |`)
  console.log(`| warm (room loaded, edited since: state encoded again) | ${median(warmEdited).toFixed(1)} |`)
  console.log(`| an edit sent right after a cold open's full state, until the relay has applied it | ${median(firstEdit).toFixed(1)} |`)
  console.log(`| reference, bench process: Y.applyUpdate + Y.encodeStateAsUpdate of the compacted row | ${median(reference).toFixed(1)} |`)
}

function docOf(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  applyUpdates(doc, updates, null)
  return doc
}

// ---------------------------------------------------------------------------------------------
// Memory

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1])
}

async function settledRss(pid: number): Promise<number> {
  await sleep(1500)
  return rssKiB(pid)
}

async function benchMemory(): Promise<void> {
  console.log('\n## Memory (RSS growth of the relay process)\n')
  const BOARDS = 200
  const CONNECTIONS = 500
  const results: string[] = []
  for (const which of ['ours', 'reference'] as const) {
    const relay = which === 'ours' ? await startOurs() : await startReference()
    const httpUrl = which === 'ours' ? (relay as Awaited<ReturnType<typeof startOurs>>).httpUrl : ''
    const boards = which === 'ours'
      ? await Promise.all(Array.from({ length: BOARDS + 1 }, () => createBoard(httpUrl)))
      : Array.from({ length: BOARDS + 1 }, (_, i) => ({ id: `membench${i}`, token: '' }))
    // Warm up: one board and one socket, so code paths are loaded before measuring.
    const warm = await openMany([relay.roomUrl(boards[BOARDS].id, boards[BOARDS].token)])
    const base = await settledRss(relay.pid)
    const perBoard = await openMany(boards.slice(0, BOARDS).map((board) => relay.roomUrl(board.id, board.token)))
    const withBoards = await settledRss(relay.pid)
    const extra = await openMany(Array(CONNECTIONS).fill(relay.roomUrl(boards[0].id, boards[0].token)))
    const withConnections = await settledRss(relay.pid)
    closeAll([...warm, ...perBoard, ...extra])
    await relay.stop()
    results.push(
      `| ${relay.name} | ${((withBoards - base) / BOARDS).toFixed(1)} KiB | ${((withConnections - withBoards) / CONNECTIONS).toFixed(1)} KiB | ${(base / 1024).toFixed(0)} MiB |`,
    )
  }
  console.log(`| relay | per idle board (${BOARDS} boards, 1 socket each) | per extra socket (${CONNECTIONS} on one board) | RSS at start |`)
  console.log('|---|---:|---:|---:|')
  for (const row of results) console.log(row)
}

// ---------------------------------------------------------------------------------------------
// Storage

function sqliteBytes(dir: string): number {
  let total = 0
  for (const suffix of ['', '-wal', '-shm']) {
    const file = join(dir, `samenbord.sqlite${suffix}`)
    if (existsSync(file)) total += statSync(file).size
  }
  return total
}

async function benchStorage(): Promise<void> {
  const EDITS = Number(process.env.BENCH_EDITS ?? 100_000)
  const SHAPES = 500
  const BATCH = 10
  console.log(`\n## Storage: ${EDITS.toLocaleString('en')} edits (moving ${SHAPES} shapes about) in SQLite\n`)
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const array = doc.getArray<{ key: string; val: unknown }>('tl_records')
  const keys: string[] = []
  for (let i = 0; i < SHAPES; i++) {
    const record = shapeRecord(i)
    array.push([{ key: record.id, val: record }])
    keys.push(record.id)
  }
  // YKeyValue-style edit: delete the old entry, append the new one.
  for (let edit = 0; edit < EDITS - SHAPES; edit++) {
    const i = edit % SHAPES
    const key = `shape:${i.toString(36).padStart(8, '0')}`
    const index = keys.indexOf(key)
    doc.transact(() => {
      array.delete(index, 1)
      array.push([{ key, val: shapeRecord(i, edit % 1000, (edit * 7) % 700) }])
    })
    keys.splice(index, 1)
    keys.push(key)
  }
  console.error(`  (${updates.length} updates made)`)
  const rows: string[] = []
  const measure = async (label: string, rowsOf: () => Uint8Array[]) => {
    const dir = tempDir()
    const store = new SqliteDocumentStore(dir)
    const list = rowsOf()
    for (const update of list) await store.appendDocUpdate('board-bench-000', update)
    await store.close()
    console.error(`  (${label}: stored)`)
    const before = sqliteBytes(dir)
    const reopened = new SqliteDocumentStore(dir)
    const start = performance.now()
    const loaded = await reopened.loadDocUpdates('board-bench-000')
    const rebuilt = new Y.Doc()
    applyUpdates(rebuilt, loaded, 'storage') // what the relay does when it loads a room
    const loadMs = performance.now() - start
    await reopened.replaceDocState('board-bench-000', Y.encodeStateAsUpdate(rebuilt))
    await reopened.close()
    const db = new DatabaseSync(join(dir, 'samenbord.sqlite'))
    db.exec('VACUUM')
    db.close()
    const after = sqliteBytes(dir)
    rows.push(`| ${label} | ${list.length.toLocaleString('en')} | ${(before / 1024 / 1024).toFixed(1)} MiB | ${loadMs.toFixed(0)} ms | ${(after / 1024).toFixed(0)} KiB |`)
  }
  await measure('one row per edit', () => updates)
  await measure(`batches of ${BATCH} edits (as the relay's 100 ms batching stores a steady drawer)`, () => {
    const batches: Uint8Array[] = []
    for (let i = 0; i < updates.length; i += BATCH) batches.push(Y.mergeUpdates(updates.slice(i, i + BATCH)))
    return batches
  })
  console.log('| stored as | rows | database size | load + apply all rows | after compaction + VACUUM |')
  console.log('|---|---:|---:|---:|---:|')
  for (const row of rows) console.log(row)
}

// ---------------------------------------------------------------------------------------------

const sections = process.argv.slice(2)
const wanted = (name: string) => sections.length === 0 || sections.includes(name)
console.log(`# Samenbord relay benchmarks\n\nMachine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`)
if (wanted('fanout')) await benchFanout()
if (wanted('coldopen')) await benchColdOpen()
if (wanted('memory')) await benchMemory()
if (wanted('storage')) await benchStorage()
process.exit(0)
