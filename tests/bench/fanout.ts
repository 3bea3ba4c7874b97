/**
 * Benchmarks for the relay (not tests: nothing here asserts a time).
 *
 *   pnpm bench                      # everything (a few minutes)
 *   node tests/bench/fanout.ts fanout rooms coldopen memory storage   # pick sections
 *   pnpm bench rooms heavy          # `heavy` adds 100 rooms × 20 clients and 5 updates/s per room
 *   BENCH_REPEAT=5 …                # runs per relay and configuration (default 3, medians reported)
 *   BENCH_PROFILE=/tmp/prof …       # relays run with --cpu-prof, profiles written there
 *
 * - fanout:   one writer, N readers in one room; time from sending an update until each reader
 *             has it (p50/p99), our relay vs the reference y-websocket relay (1.5.4, bin/utils),
 *             both as child processes on 127.0.0.1, driven by the same harness, after 2,000
 *             unmeasured rounds (BENCH_WARMUP). BENCH_READERS=10,50 picks room sizes,
 *             BENCH_ROUNDS_SCALE multiplies the rounds, BENCH_SLOW_ROUNDS=1 lists the slowest rounds.
 * - rooms:    200 rooms × 10 clients at once (2,000 sockets on one instance): one writer per room
 *             sending 2 updates a second, latency to each reader, ours vs the reference.
 * - coldopen: a board with 5,000 shape-like records in storage, room not loaded: time from
 *             socket open to the full state (sync step 2), stored compacted and as 5,000 rows;
 *             warm opens; an edit right after a cold open; the old decode-then-encode path as reference.
 * - memory:   RSS growth of the relay per loaded idle board (one socket each) and per extra socket.
 * - storage:  SQLite file size after 100,000 edits (one row per edit, in 100 ms-style batches)
 *             and after compaction.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DatabaseSync } from 'node:sqlite'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { SqliteDocumentStore } from '@samenbord/server/storage/sqlite-store'
import { applyUpdates } from '@samenbord/server/sync/persistence'
import { encodeBatchFromDoc, type DeleteRanges } from '@samenbord/server/sync/batch-update'

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
  /** URL of a room's socket (ours: with a fresh single-use ticket, fetched with the token). */
  roomUrl(docName: string, token?: string): Promise<string>
  stop(): Promise<void>
}

/** BENCH_PROFILE=dir: the relays run with --cpu-prof and write their profiles there (on SIGTERM). */
const PROFILE_ARGS = [
  ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []),
  // BENCH_NODE_ARGS="--trace-gc …": more Node flags for both relays.
  ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
]

function startChild(command: string[], env: NodeJS.ProcessEnv, pattern: RegExp): Promise<{ child: ChildProcess; port: number; output: string }> {
  const child = spawn(process.execPath, [...PROFILE_ARGS, ...command], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = pattern.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ child, port: Number(match[1]), output })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    if (process.env.BENCH_RELAY_OUTPUT) child.stdout!.pipe(process.stderr)
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

/** The local beheerder's session cookie per data folder and per relay address: creating boards needs it. */
const sessionsByData = new Map<string, string>()
const sessionsByUrl = new Map<string, string>()

/** Signs in with the set-up link the relay printed (a fresh data folder), or reuses the folder's session. */
async function signIn(httpUrl: string, dataDir: string, output: string): Promise<void> {
  const code = /Beheerder instellen: \S+#code=([A-Za-z0-9_-]+)/.exec(output)?.[1]
  if (code !== undefined) {
    const response = await fetch(`${httpUrl}/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json', origin: httpUrl }, body: JSON.stringify({ code }) })
    const cookie = response.headers.getSetCookie().find((header) => header.startsWith('sb_session='))
    if (response.status !== 200 || cookie === undefined) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
    sessionsByData.set(dataDir, cookie.split(';')[0])
  }
  const session = sessionsByData.get(dataDir)
  if (session === undefined) throw new Error(`no set-up link printed and no earlier session for ${dataDir}`)
  sessionsByUrl.set(httpUrl, session)
}

/** Headers for POST /api/boards: the beheerder's cookie, from a page of the relay itself. */
function sessionHeaders(httpUrl: string): Record<string, string> {
  return { cookie: sessionsByUrl.get(httpUrl) ?? '', origin: httpUrl }
}

async function startOurs(dataDir = tempDir()): Promise<Relay & { httpUrl: string; dataDir: string }> {
  const { child, port, output } = await startChild(
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
      // The rooms benchmark creates hundreds of boards from one address.
      CREATE_LIMIT_PER_HOUR: '100000',
      RATE_LIMIT_PER_MINUTE: '10000000',
    },
    /luistert op http:\/\/[^\s:]+:(\d+)/,
  )
  await signIn(`http://127.0.0.1:${port}`, dataDir, output)
  return {
    name: 'Samenbord',
    pid: child.pid!,
    port,
    dataDir,
    httpUrl: `http://127.0.0.1:${port}`,
    roomUrl: async (docName, token) => {
      const response = await fetch(`http://127.0.0.1:${port}/api/sync-ticket`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
        body: JSON.stringify({ doc: docName }),
      })
      const body = (await response.json()) as { ticket?: string }
      if (typeof body.ticket !== 'string') throw new Error(`sync ticket refused: ${response.status} ${JSON.stringify(body)}`)
      return `ws://127.0.0.1:${port}/sync/${docName}?ticket=${encodeURIComponent(body.ticket)}`
    },
    stop: () => stopChild(child),
  }
}

async function startReference(): Promise<Relay> {
  const { child, port } = await startChild(['tests/bench/reference-relay.cjs'], {}, /listening on (\d+)/)
  return {
    name: 'y-websocket 1.5.4',
    pid: child.pid!,
    port,
    roomUrl: async (docName) => `ws://127.0.0.1:${port}/${docName}`,
    stop: () => stopChild(child),
  }
}

async function createBoard(httpUrl: string): Promise<{ id: string; token: string }> {
  const response = await fetch(`${httpUrl}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sessionHeaders(httpUrl) },
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

/**
 * Writes `record` into the board the way the client's YKeyValue does: in one transaction the
 * older entry of that id goes and the new one is appended. Our relay keeps only valid tldraw
 * records in `tl_records`; the reference relay gets the very same frames.
 */
function setRecord(doc: Y.Doc, record: { id: string }): void {
  const array = doc.getArray<{ key: string; val: unknown }>('tl_records')
  doc.transact(() => {
    const entries = array.toArray()
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i].key === record.id) array.delete(i, 1)
    array.push([{ key: record.id, val: record }])
  })
}

/** The one shape a writer keeps moving: a valid tldraw geo shape at (x, y). */
function movingShape(x: number, y: number) {
  return { ...tldrawGeoShape(0), id: 'shape:moving', x, y }
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
  // One ticket per socket: a ticket opens one socket once.
  const urls = await Promise.all(Array.from({ length: readers }, () => relay.roomUrl(docName, token)))
  let roundStart = 0
  let waiting = 0
  let done: (() => void) | null = null
  const got = new Uint8Array(readers)
  const latencies: number[] = []
  let measuring = false
  const sockets = await openMany(urls, (index, data) => {
    // [0, 2, …]: a sync update, i.e. the writer's edit relayed.
    if (data[0] !== 0 || data[1] !== 2 || got[index] === 1 || done === null) return
    got[index] = 1
    if (measuring) latencies.push(performance.now() - roundStart)
    waiting -= 1
    if (waiting === 0) done()
  })
  const writer = await openSocket(await relay.roomUrl(docName, token))
  writer.send(syncFrame(0, Y.encodeStateVector(new Y.Doc())))
  // Start-up garbage (module loading, schemas) is collected in the first seconds of a process;
  // let that pass so the rounds measure relaying, for both relays alike.
  await sleep(1500)
  const doc = new Y.Doc()
  let update: Uint8Array | null = null
  doc.on('update', (u: Uint8Array) => (update = u))
  // Both relays run this many unmeasured rounds first (BENCH_WARMUP): with 50, the rounds still
  // measured JIT compilation and the first old-space collections of a fresh process, which made
  // the p99 of either relay swing 2-3× between runs. A relay in service is past that point.
  const warmup = Number(process.env.BENCH_WARMUP ?? 2000)
  const roundTimes: [number, number][] = []
  for (let round = 0; round < warmup + rounds; round++) {
    measuring = round >= warmup
    got.fill(0)
    waiting = readers
    const finished = new Promise<void>((resolve) => (done = resolve))
    setRecord(doc, movingShape(round, round))
    const frame = syncFrame(2, update!)
    roundStart = performance.now()
    writer.send(frame)
    await Promise.race([finished, sleep(5000).then(() => Promise.reject(new Error(`round ${round}: ${waiting} readers never got the update`)))])
    done = null
    if (process.env.BENCH_SLOW_ROUNDS && measuring) roundTimes.push([roundStart, performance.now() - roundStart])
  }
  if (process.env.BENCH_SLOW_ROUNDS) {
    const t0 = roundTimes[0][0]
    const slow = [...roundTimes].sort((a, b) => b[1] - a[1]).slice(0, 15).sort((a, b) => a[0] - b[0])
    console.error(`${relay.name} ${readers}: slowest rounds at ms ${slow.map(([at, ms]) => `${(at - t0).toFixed(0)}(${ms.toFixed(1)})`).join(' ')} of ${(performance.now() - t0).toFixed(0)}`)
  }
  closeAll([...sockets, writer])
  latencies.sort((a, b) => a - b)
  return { relay: relay.name, clients: readers, samples: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}

/** Runs per relay and configuration (BENCH_REPEAT): ours and the reference take turns, medians are reported. */
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3))

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function benchFanout(): Promise<void> {
  console.log(`\n## Fan-out latency: one writer, N readers in one room (ms from send to receipt; median of ${REPEAT} runs per relay, taking turns)\n`)
  // BENCH_READERS=10,50 picks reader counts; BENCH_ROUNDS_SCALE=5 runs five times the rounds (a steadier p99).
  const picked = process.env.BENCH_READERS?.split(',').map(Number)
  const scale = Math.max(0.1, Number(process.env.BENCH_ROUNDS_SCALE ?? 1))
  const plan = (
    [
      // Enough rounds that the p99 is not one or two slow rounds (1 % of 2,000 is 20).
      [10, 2000],
      [50, 1500],
      [200, 800],
    ] as [number, number][]
  )
    .filter(([readers]) => picked === undefined || picked.includes(readers))
    .map(([readers, rounds]): [number, number] => [readers, Math.round(rounds * scale)])
  const rows: string[] = []
  for (const [clients, rounds] of plan) {
    const ours: FanoutResult[] = []
    const reference: FanoutResult[] = []
    for (let run = 0; run < REPEAT; run++) {
      const relay = await startOurs()
      const board = await createBoard(relay.httpUrl)
      ours.push(await fanoutRun(relay, clients, rounds, board.token, board.id))
      await relay.stop()
      const ref = await startReference()
      reference.push(await fanoutRun(ref, clients, rounds))
      await ref.stop()
    }
    const [a50, a99, b50, b99] = [medianOf(ours.map((r) => r.p50)), medianOf(ours.map((r) => r.p99)), medianOf(reference.map((r) => r.p50)), medianOf(reference.map((r) => r.p99))]
    rows.push(
      `| ${clients} | ${a50.toFixed(2)} | ${a99.toFixed(2)} | ${b50.toFixed(2)} | ${b99.toFixed(2)} | ${(a50 / b50).toFixed(2)} | ${(a99 / b99).toFixed(2)} | ${ours.map((r) => r.p99.toFixed(1)).join(', ')} / ${reference.map((r) => r.p99.toFixed(1)).join(', ')} | ${ours[0].samples} |`,
    )
  }
  console.log('| readers | Samenbord p50 | Samenbord p99 | y-websocket p50 | y-websocket p99 | ratio p50 | ratio p99 | p99 of each run (ours / ref) | samples per run |')
  console.log('|---:|---:|---:|---:|---:|---:|---:|---|---:|')
  for (const row of rows) console.log(row)
}

// ---------------------------------------------------------------------------------------------
// Many rooms at once

/**
 * The harness and the relay each hold a descriptor per socket. Below `needed`, run this process
 * again under a raised soft limit (`ulimit -n`, up to the hard limit); the relays inherit it.
 */
function ensureOpenFileLimit(needed: number): void {
  const limits = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'))
  if (limits === null) return
  const soft = limits[1] === 'unlimited' ? Infinity : Number(limits[1])
  const hard = limits[2] === 'unlimited' ? Infinity : Number(limits[2])
  if (soft >= needed) return
  if (hard < needed || process.env.BENCH_RAISED_LIMIT) {
    console.error(`warning: open file limit ${soft} (hard ${hard}) is below the ${needed} the rooms benchmark needs`)
    return
  }
  const raised = Number.isFinite(hard) ? hard : needed
  const command = ['ulimit -n ' + raised, 'exec "$0" "$@"'].join(' && ')
  const result = spawnSync('bash', ['-c', command, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RAISED_LIMIT: '1' },
  })
  process.exit(result.status ?? 1)
}

interface RoomsResult {
  relay: string
  connections: number
  samples: number
  p50: number
  p99: number
  max: number
  /** Updates a reader never got within the run (should be 0). */
  lost: number
}

/**
 * `rooms` rooms with one writer and `clients - 1` readers each, all connected at once. Every
 * writer sends an update `rate` times a second (open loop, random phase per room), for `seconds`
 * after a warm-up; latency is measured from each send to each reader's receipt. A relay relays a
 * writer's updates in order, so a reader's n-th update frame is the writer's n-th update.
 */
async function roomsRun(relay: Relay, boards: { id: string; token: string }[], clients: number, rate: number, seconds: number): Promise<RoomsResult> {
  const rooms = boards.length
  const readersPerRoom = clients - 1
  const sendTimes: number[][] = Array.from({ length: rooms }, () => [])
  const received = new Int32Array(rooms * readersPerRoom)
  const latencies: number[] = []
  let measureFrom = Infinity
  let measureUntil = Infinity
  const urls: string[] = []
  for (const board of boards) for (let i = 0; i < readersPerRoom; i++) urls.push(await relay.roomUrl(board.id, board.token))
  const readers = await openMany(urls, (index, data) => {
    if (data[0] !== 0 || data[1] !== 2) return
    const room = Math.floor(index / readersPerRoom)
    const n = received[index]++
    const sentAt = sendTimes[room][n]
    if (sentAt === undefined) return
    if (sentAt >= measureFrom && sentAt < measureUntil) latencies.push(performance.now() - sentAt)
  })
  const writers = await openMany(await Promise.all(boards.map((board) => relay.roomUrl(board.id, board.token))))
  await sleep(1000)
  const docs = boards.map(() => new Y.Doc())
  const warmupMs = 2000
  const started = performance.now()
  measureFrom = started + warmupMs
  measureUntil = measureFrom + seconds * 1000
  const period = 1000 / rate
  const timers: NodeJS.Timeout[] = []
  await new Promise<void>((resolve) => {
    docs.forEach((doc, room) => {
      let update: Uint8Array | null = null
      doc.on('update', (u: Uint8Array) => (update = u))
      const send = () => {
        if (performance.now() >= measureUntil) return
        setRecord(doc, movingShape(room, sendTimes[room].length))
        const frame = syncFrame(2, update!)
        sendTimes[room].push(performance.now())
        writers[room].send(frame)
      }
      timers.push(setTimeout(() => {
        send()
        timers.push(setInterval(send, period))
      }, Math.random() * period))
    })
    setTimeout(resolve, warmupMs + seconds * 1000 + 2000)
  })
  for (const timer of timers) clearInterval(timer)
  let lost = 0
  for (let index = 0; index < received.length; index++) lost += sendTimes[Math.floor(index / readersPerRoom)].length - received[index]
  closeAll([...readers, ...writers])
  latencies.sort((a, b) => a - b)
  return {
    relay: relay.name,
    connections: rooms * clients,
    samples: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    lost,
  }
}

async function benchRooms(plan: [rooms: number, clients: number, rate: number][], seconds: number): Promise<void> {
  console.log(`\n## Many rooms at once: in every room one writer sends an update at a fixed rate, the other clients read (ms from send to receipt; ${seconds} s measured per run, median of ${REPEAT} runs per relay, taking turns)\n`)
  const rows: string[] = []
  for (const [rooms, clients, rate] of plan) {
    const ours: RoomsResult[] = []
    const reference: RoomsResult[] = []
    for (let run = 0; run < REPEAT; run++) {
      const relay = await startOurs()
      const boards = []
      for (let i = 0; i < rooms; i += 20) boards.push(...(await Promise.all(Array.from({ length: Math.min(20, rooms - i) }, () => createBoard(relay.httpUrl)))))
      ours.push(await roomsRun(relay, boards, clients, rate, seconds))
      await relay.stop()
      const ref = await startReference()
      reference.push(await roomsRun(ref, boards.map((_, i) => ({ id: `rooms${i}`, token: '' })), clients, rate, seconds))
      await ref.stop()
      const [a, b] = [ours.at(-1)!, reference.at(-1)!]
      console.error(`  (${rooms} × ${clients}, run ${run + 1}: p50 ${a.p50.toFixed(2)} / ${b.p50.toFixed(2)}, p99 ${a.p99.toFixed(2)} / ${b.p99.toFixed(2)})`)
    }
    const [a50, a99, b50, b99] = [medianOf(ours.map((r) => r.p50)), medianOf(ours.map((r) => r.p99)), medianOf(reference.map((r) => r.p50)), medianOf(reference.map((r) => r.p99))]
    const lost = (results: RoomsResult[]) => results.reduce((sum, r) => sum + r.lost, 0)
    rows.push(
      `| ${rooms} × ${clients} | ${(rooms * clients).toLocaleString('en')} | ${(rooms * rate).toLocaleString('en')} in, ${(rooms * rate * (clients - 1)).toLocaleString('en')} out | ${a50.toFixed(2)} | ${a99.toFixed(2)} | ${b50.toFixed(2)} | ${b99.toFixed(2)} | ${(a50 / b50).toFixed(2)} | ${(a99 / b99).toFixed(2)} | ${ours.map((r) => r.p99.toFixed(0)).join(', ')} / ${reference.map((r) => r.p99.toFixed(0)).join(', ')} | ${lost(ours)} / ${lost(reference)} |`,
    )
  }
  console.log('| rooms × clients | sockets | updates per second | Samenbord p50 | Samenbord p99 | y-websocket p50 | y-websocket p99 | ratio p50 | ratio p99 | p99 of each run (ours / ref) | lost |')
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|')
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
  // The ticket is fetched before the clock starts: this times the socket, as it did before tickets.
  const url = await relay.roomUrl(docName, token)
  const started = performance.now()
  const ws = await openSocket(url)
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
  // A valid tldraw shape: the stored shape-like records were written to the store directly, a live edit passes the record guard.
  setRecord(doc, tldrawGeoShape(RECORDS + 1))
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
  const store = new SqliteDocumentStore(dataDir, { writerThread: false })
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
// Browser: time to interactive on a 5,000-shape board

/** A tldraw 5.4 geo shape that passes the board schema (the relay's record guard). */
function tldrawGeoShape(i: number) {
  return {
    id: `shape:kaart${i}`,
    typeName: 'shape',
    type: 'geo',
    x: (i % 100) * 120,
    y: Math.floor(i / 100) * 90,
    rotation: 0,
    index: `a1${i.toString(36)}1`,
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    props: {
      w: 100, h: 60, geo: 'rectangle', color: 'black', labelColor: 'black', fill: 'none', dash: 'draw', size: 'm', font: 'draw',
      align: 'middle', verticalAlign: 'middle', growY: 0, url: '', scale: 1, flipX: false, flipY: false,
      richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: `Kaart ${i}` }] }] },
    },
    meta: {},
  }
}

/**
 * Chromium opens a board link of a board with 5,000 shapes stored compacted, room not loaded:
 * ms from navigation to the name prompt (the app is loaded), and from "Meedoen" to the first
 * stored shape on the canvas (synced, bound and drawn). Needs the built client (`pnpm build`)
 * and Chromium (CHROMIUM_PATH, default /usr/bin/chromium); not in the default run.
 * BENCH_BROWSER_SHAPES sets the number of shapes (default 5,000).
 */
async function benchBrowser(): Promise<void> {
  const shapes = Number(process.env.BENCH_BROWSER_SHAPES ?? RECORDS)
  console.log(`\n## Browser: opening a board with ${shapes.toLocaleString('en')} shapes in Chromium (room not loaded; median of 5 boards)\n`)
  if (!existsSync(join(REPO_ROOT, 'client/dist/index.html'))) {
    console.log('skipped: build the client first (pnpm build)')
    return
  }
  const { chromium } = await import('playwright-core')
  const { boardSchema } = await import('@samenbord/server/sync/record-guard')
  const { checkRecordEntry } = await import('@samenbord/server/sync/record-guard')
  const doc = new Y.Doc()
  const records = doc.getArray<{ key: string; val: unknown }>('tl_records')
  const all = [
    { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: 'page:page', typeName: 'page', name: 'Pagina 1', index: 'a1', meta: {} },
    ...Array.from({ length: shapes }, (_, i) => tldrawGeoShape(i)),
  ]
  for (const record of all) {
    const check = checkRecordEntry({ key: record.id, val: record })
    if (!check.ok) throw new Error(`bench record refused by the board schema: ${check.reason}`)
  }
  doc.transact(() => records.push(all.map((record) => ({ key: record.id, val: record }))))
  doc.getMap('meta').set('schema', boardSchema.serialize())
  const state = Y.encodeStateAsUpdate(doc)

  const dataDir = tempDir()
  let relay = await startOurs(dataDir)
  const boards: { id: string; link: string }[] = []
  for (let i = 0; i < 6; i++) {
    const response = await fetch(`${relay.httpUrl}/api/boards`, { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeaders(relay.httpUrl) }, body: JSON.stringify({ title: 'Bench' }) })
    const body = (await response.json()) as { id: string; links: { participant: string } }
    boards.push({ id: body.id, link: body.links.participant })
  }
  await relay.stop()
  const store = new SqliteDocumentStore(dataDir, { writerThread: false })
  for (const board of boards) await store.replaceDocState(board.id, state)
  await store.close()
  relay = await startOurs(dataDir)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const toPrompt: number[] = []
  const toShapes: number[] = []
  try {
    for (const [i, board] of boards.entries()) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      const page = await context.newPage()
      // The links name PUBLIC_URL's host (localhost); same server.
      const link = board.link.replace(/^http:\/\/[^/]+/, relay.httpUrl)
      const started = performance.now()
      await page.goto(link)
      await page.getByLabel(/Je naam|Your name/).waitFor()
      const prompted = performance.now()
      await page.getByLabel(/Je naam|Your name/).fill('Bench')
      const joined = performance.now()
      await page.getByRole('button', { name: /Meedoen|Join/ }).click()
      await page.locator('.tl-shape[data-shape-type="geo"]').first().waitFor({ timeout: 60_000 })
      const drawn = performance.now()
      await context.close()
      // The first board warms Chromium's cache of the app's files and the relay.
      if (i === 0) continue
      toPrompt.push(prompted - started)
      toShapes.push(drawn - joined)
    }
  } finally {
    await browser.close()
    await relay.stop()
  }
  console.log('| step | median ms |')
  console.log('|---|---:|')
  console.log(`| navigation to the name prompt (app loaded) | ${medianOf(toPrompt).toFixed(0)} |`)
  console.log(`| "Meedoen" to the first stored shape drawn (socket, sync, store binding, render) | ${medianOf(toShapes).toFixed(0)} |`)
  console.log(`| together | ${(medianOf(toPrompt) + medianOf(toShapes)).toFixed(0)} |`)
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
    const warm = await openMany([await relay.roomUrl(boards[BOARDS].id, boards[BOARDS].token)])
    const base = await settledRss(relay.pid)
    const perBoard = await openMany(await Promise.all(boards.slice(0, BOARDS).map((board) => relay.roomUrl(board.id, board.token))))
    const withBoards = await settledRss(relay.pid)
    const extra = await openMany(await Promise.all(Array.from({ length: CONNECTIONS }, () => relay.roomUrl(boards[0].id, boards[0].token))))
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
    const store = new SqliteDocumentStore(dir, { writerThread: false })
    const list = rowsOf()
    for (const update of list) await store.appendDocUpdate('board-bench-000', update)
    await store.close()
    console.error(`  (${label}: stored)`)
    const before = sqliteBytes(dir)
    const reopened = new SqliteDocumentStore(dir, { writerThread: false })
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
  await measure(`batches of ${BATCH} edits, merged (a document past 20,000 structs)`, () => {
    const batches: Uint8Array[] = []
    for (let i = 0; i < updates.length; i += BATCH) batches.push(Y.mergeUpdates(updates.slice(i, i + BATCH)))
    return batches
  })
  await measure(`batches of ${BATCH} edits, taken from the document (as the relay stores a steady drawer)`, () => {
    const replay = new Y.Doc()
    const deleted: DeleteRanges[] = []
    replay.on('update', (_u: Uint8Array, _o: unknown, _d: Y.Doc, transaction: Y.Transaction) => deleted.push(transaction.deleteSet))
    const batches: Uint8Array[] = []
    for (let i = 0; i < updates.length; i += BATCH) {
      const before = Y.encodeStateVector(replay)
      deleted.length = 0
      for (const update of updates.slice(i, i + BATCH)) Y.applyUpdate(replay, update)
      batches.push(encodeBatchFromDoc(replay, before, deleted) ?? Y.mergeUpdates(updates.slice(i, i + BATCH)))
    }
    return batches
  })
  console.log('| stored as | rows | database size | load + apply all rows | after compaction + VACUUM |')
  console.log('|---|---:|---:|---:|---:|')
  for (const row of rows) console.log(row)
}

// ---------------------------------------------------------------------------------------------

const sections = process.argv.slice(2)
const picked = sections.filter((section) => section !== 'heavy')
const wanted = (name: string) => picked.length === 0 || picked.includes(name)
if (wanted('rooms')) ensureOpenFileLimit(2 * 2000 + 500)
console.log(`# Samenbord relay benchmarks\n\nMachine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`)
if (wanted('fanout')) await benchFanout()
// `heavy` adds 100 rooms × 20 clients and a faster writer; the default stays a few minutes.
if (wanted('rooms')) await benchRooms([[200, 10, 2], ...(sections.includes('heavy') ? ([[100, 20, 2], [200, 10, 5]] as [number, number, number][]) : [])], 10)
if (wanted('coldopen')) await benchColdOpen()
if (wanted('memory')) await benchMemory()
if (wanted('storage')) await benchStorage()
// Only when asked for: needs the built client and Chromium.
if (picked.includes('browser')) await benchBrowser()
process.exit(0)
