import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { SqliteDocumentStore } from '@samenbord/server/storage/sqlite-store'
import type { DocumentStore } from '@samenbord/server/storage/document-store'
import {
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  onDispose,
  sleep,
  SLOW_TEST_MS,
  startServer,
  startServerProcess,
  ticketUrl,
  waitFor,
  waitForSynced,
  withTimeout,
  boardList,
  boardMap,
  boardRecords,
  type BoardEntry,
} from './helpers.ts'

afterEach(disposeAll)

/** Makes a recognisable set of edits: 40 records, a list, some deletions. */
function writeEdits(doc: Y.Doc): void {
  const records = boardMap(doc, 'records')
  const order = boardList<string>(doc, 'order')
  for (let i = 0; i < 40; i++) {
    // Separate transactions: separate updates, like a user drawing.
    records.set(`shape:${i}`, { x: i, label: `vorm ${i}` })
    order.push([`shape:${i}`])
  }
  for (let i = 0; i < 10; i++) records.delete(`shape:${i}`)
  order.delete(0, 10)
}

function expectEdits(doc: Y.Doc): void {
  const records = boardMap(doc, 'records').toJSON()
  expect(Object.keys(records)).toHaveLength(30)
  expect(records['shape:39']).toEqual({ x: 39, label: 'vorm 39' })
  expect(records['shape:3']).toBeUndefined()
  expect(boardList(doc, 'order').toArray()).toEqual(Array.from({ length: 30 }, (_, i) => `shape:${i + 10}`))
}

describe('persistence', () => {
  it('keeps the board across a graceful restart (same DATA_DIR), flushing at shutdown', async () => {
    const dataDir = makeTempDir()
    const first = await startServer({ dataDir })
    const board = await createBoard(first.httpUrl)
    const writer = connectClient(first.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(writer)
    writeEdits(writer.doc)
    // The last edit (not just a length that the pushes also pass through on the way to 40).
    await waitFor(() => {
      const room = first.app.rooms.peek(board.id)
      return room !== undefined && boardList(room.doc, 'order').get(0) === 'shape:10'
    })
    // Close at once: the last batch is still pending and must be flushed by the shutdown.
    await first.close()
    writer.destroy()

    const second = await startServer({ dataDir })
    expect(second.config.secret).toBe(first.config.secret)
    const reader = connectClient(second.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    expectEdits(reader.doc)
  })

  it('batches updates and compacts the stored log in the background past the row limit', async () => {
    const dataDir = makeTempDir()
    // A batch window long enough that a loaded machine still handles the burst's frames within it.
    const server = await startServer({ dataDir, build: { persistence: { batchMs: 200, compactAfterRows: 5 } } })
    const board = await createBoard(server.httpUrl)
    const writer = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(writer)
    const room = () => server.app.rooms.peek(board.id)
    const stored = () => waitFor(() => room()?.persistence.pendingCount === 0, { message: 'updates still waiting to be stored' })

    // A burst inside one batch window becomes one row.
    for (let i = 0; i < 30; i++) boardList<number>(writer.doc, 'burst').push([i])
    await waitFor(() => {
      const loaded = room()
      return loaded !== undefined && boardList(loaded.doc, 'burst').length === 30
    })
    await stored()
    expect(await server.app.store.countDocUpdates(board.id)).toBe(1)

    // Separate batches (each stored before the next edit): rows grow, then compaction folds them back into one.
    let maxRows = 0
    for (let i = 0; i < 12; i++) {
      boardMap(writer.doc, 'm').set(`k${i}`, i)
      await waitFor(() => room() !== undefined && boardMap(room()!.doc, 'm').get(`k${i}`) === i)
      await stored()
      maxRows = Math.max(maxRows, await server.app.store.countDocUpdates(board.id))
    }
    expect(maxRows).toBeGreaterThan(2)
    expect(maxRows).toBeLessThanOrEqual(6)
    expect(await server.app.store.countDocUpdates(board.id)).toBeLessThanOrEqual(6)

    await server.close()
    writer.destroy()
    const restarted = await startServer({ dataDir })
    const reader = connectClient(restarted.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    expect(boardList(reader.doc, 'burst').toArray()).toEqual(Array.from({ length: 30 }, (_, i) => i))
    expect(boardMap(reader.doc, 'm').toJSON()).toEqual(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i])))
  })

  it('stores a burst of moves of one shape as its net change, not every step', async () => {
    const dataDir = makeTempDir()
    const server = await startServer({ dataDir, build: { persistence: { batchMs: 150, compactAfterRows: 500 } } })
    const board = await createBoard(server.httpUrl)
    const writer = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(writer)
    // Each set replaces the record's entry, as YKeyValue (and so tldraw) does.
    const records = boardMap(writer.doc, 'records')
    const shape = (x: number) => ({ id: 'shape:kaart', x, y: 2 * x, props: { text: 'Gesprek met de mentor', w: 200, h: 80 } })
    records.set('shape:kaart', shape(0))
    await waitFor(async () => (await server.app.store.countDocUpdates(board.id)) === 1, { message: 'first batch not stored' })

    // One person drags the card: 100 updates within one batch window.
    let sent = 0
    writer.doc.on('update', (update: Uint8Array) => (sent += update.byteLength))
    for (let x = 1; x <= 100; x++) records.set('shape:kaart', shape(x))
    await waitFor(async () => (await server.app.store.countDocUpdates(board.id)) === 2, { message: 'the drag was not stored as one row' })
    const rows = await server.app.store.loadDocUpdates(board.id)
    expect(sent).toBeGreaterThan(8000)
    // Only the last position and the deletion of the first are left to store.
    expect(rows[1].byteLength).toBeLessThan(sent / 20)

    await server.close()
    writer.destroy()
    const restarted = await startServer({ dataDir })
    const reader = connectClient(restarted.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    expect(boardMap(reader.doc, 'records').get('shape:kaart')).toEqual(shape(100))
  })

  it('closes client sockets with 1001 on shutdown, and the client reconnects to the restarted server', async () => {
    const dataDir = makeTempDir()
    const first = await startServer({ dataDir })
    const board = await createBoard(first.httpUrl)
    const client = connectClient(first.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(client)
    await first.close()
    await waitFor(() => client.closes.length > 0)
    expect(client.closes[0].code).toBe(1001)
    expect(client.provider.shouldConnect).toBe(true) // 1001 is not final
  })

  it('refuses a socket that arrives while it shuts down, and still finishes shutting down', async () => {
    // A store whose writes wait while `held` is set: the shutdown's flush, and so the shutdown, waits with them.
    const dataDir = makeTempDir()
    const sqlite = new SqliteDocumentStore(dataDir)
    let held: Promise<void> | null = null
    let release = () => {}
    const gated: DocumentStore = Object.assign(Object.create(sqlite) as DocumentStore, {
      appendDocUpdates: async (doc: string, updates: Uint8Array[]) => (await held, sqlite.appendDocUpdates(doc, updates)),
    })
    const server = await startServer({ dataDir, build: { store: gated } })
    const board = await createBoard(server.httpUrl)
    const writer = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(writer)
    // A browser that fetched its ticket just before the restart began.
    const ticketed = await ticketUrl(server, board.id, board.tokens.participant)
    held = new Promise((resolve) => (release = resolve))
    boardMap(writer.doc, 'm').set('laatste', true)
    await waitFor(() => server.app.rooms.peek(board.id)?.doc !== undefined && boardMap(server.app.rooms.peek(board.id)!.doc, 'm').get('laatste') === true)

    const closing = server.close()
    // The writer's 1001 means the shutdown began; it now waits for the held write.
    await waitFor(() => writer.closes.some((close) => close.code === 1001), { message: 'the shutdown did not close the sockets' })
    writer.destroy()
    const late = new WebSocket(ticketed)
    late.on('error', () => {})
    const answer = await withTimeout(
      new Promise<number>((resolve) => late.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))),
      'the answer to a socket opened during the shutdown',
    )
    expect(answer).toBe(503)
    late.terminate()
    release()
    // Before the fix the refused socket was never ended, and the server's close waited for it forever.
    await withTimeout(closing, 'the shutdown to finish after refusing the late socket')

    const again = await startServer({ dataDir })
    const reader = connectClient(again.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    expect(boardMap(reader.doc, 'm').get('laatste')).toBe(true)
  })

  it('finishes shutting down when a request was still coming in as it began', async () => {
    const server = await startServer()
    // A request whose body is still on its way (a slow upload), routed before the shutdown.
    const routed = new Promise<void>((resolve) => server.app.server.once('request', () => resolve()))
    const socket = connect(server.port, '127.0.0.1')
    onDispose(() => socket.destroy())
    let answer = ''
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
    const body = JSON.stringify({ doc: 'AAAAAAAAAAAAAAAAAAAAAA' })
    socket.write(`POST /api/sync-ticket HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`)
    await withTimeout(routed, 'the request to reach the server')

    const closing = server.close()
    await waitFor(() => !server.app.server.listening, { message: 'the server kept listening' })
    socket.write(body.slice(5))
    await waitFor(() => answer.includes('\r\n\r\n'), { message: 'no answer to the request' })
    expect(answer).toMatch(/^HTTP\/1\.1 401 /)
    // Before the fix its keep-alive connection, idle once answered, kept the close waiting 72 s.
    await withTimeout(closing, 'the shutdown to finish after answering the request')
  })

  it('keeps every edit across kill -9 of the server process once the batch is stored (nothing pending on /healthz)', async () => {
    const dataDir = makeTempDir()
    const first = await startServerProcess({ dataDir })
    const board = await createBoard(first.httpUrl)
    const writer = connectClient(first.wsUrl, board.id, board.tokens.participant)
    const witness = connectClient(first.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(writer), waitForSynced(witness)])
    writeEdits(writer.doc)
    // The witness has everything, so the server has applied everything.
    await waitFor(() => boardList(witness.doc, 'order').length === 30 && boardMap(witness.doc, 'records').size === 30)
    // The batch window has passed once the server reports no updates waiting to be stored.
    await waitFor(async () => (await (await fetch(`${first.httpUrl}/healthz`)).json()).writes === undefined, { message: 'writes still pending' })
    expect(await first.stop('SIGKILL')).toBe('SIGKILL')
    writer.destroy()
    witness.destroy()

    const second = await startServerProcess({ dataDir })
    const reader = connectClient(second.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    expectEdits(reader.doc)
    expect(await second.stop('SIGTERM')).toBe(0)
  })
})

describe('durability under kill -9 while editing', () => {
  it('keeps every edit the server acknowledged more than 1 s before SIGKILL, with several clients writing all along', { timeout: SLOW_TEST_MS }, async () => {
    const dataDir = makeTempDir()
    const first = await startServerProcess({ dataDir })
    const board = await createBoard(first.httpUrl)
    const writers = [0, 1, 2].map(() => connectClient(first.wsUrl, board.id, board.tokens.participant))
    // "Acknowledged" = relayed back by the server to another client, so the server applied it.
    const witness = connectClient(first.wsUrl, board.id, board.tokens.viewer)
    await Promise.all([...writers, witness].map((client) => waitForSynced(client)))
    const seenAt = new Map<string, number>()
    boardRecords(witness.doc).observe((event) => {
      const now = Date.now()
      for (const item of event.changes.added) {
        for (const entry of item.content.getContent() as BoardEntry[]) {
          const key = entry.key.replace(/^page:m-edits-/, '')
          if (!seenAt.has(key)) seenAt.set(key, now)
        }
      }
    })

    let stop = false
    let written = 0
    const loops = writers.map(async (writer, w) => {
      for (let n = 0; !stop; n++) {
        boardMap(writer.doc, 'edits').set(`w${w}-${n}`, { w, n, text: `bewerking ${n}` })
        written += 1
        await sleep(8) // a steady stream of edits (pacing, not waiting for anything)
      }
    })
    // Editing until well over 100 edits were acknowledged (on a loaded machine that takes longer),
    // then on for 1.5 s, so the kill also cuts into edits acknowledged just before it.
    await waitFor(() => seenAt.size >= 150, { message: () => `only ${seenAt.size} edits acknowledged` })
    await sleep(1500) // how long they edit on before the kill
    const killedAt = Date.now()
    expect(await first.stop('SIGKILL')).toBe('SIGKILL')
    stop = true
    await Promise.all(loops)
    for (const client of [...writers, witness]) client.destroy()

    const mustSurvive = [...seenAt].filter(([, at]) => at < killedAt - 1000).map(([key]) => key)
    expect(mustSurvive.length).toBeGreaterThan(100)

    const second = await startServerProcess({ dataDir })
    const reader = connectClient(second.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    const stored = new Map(Object.entries(boardMap(reader.doc, 'edits').toJSON()))
    const missing = mustSurvive.filter((key) => !stored.has(key))
    expect(missing).toEqual([])
    for (const key of mustSurvive.slice(0, 20)) expect(stored.get(key)).toMatchObject({ text: expect.stringMatching(/^bewerking /) })
    // For the record: of all acknowledged edits, how many made it (the last ~100 ms batch may not).
    console.log(`kill -9: ${written} written, ${seenAt.size} acknowledged, ${mustSurvive.length} acknowledged > 1 s before the kill (all kept), ${stored.size} stored in total`)
    expect(await second.stop('SIGTERM')).toBe(0)
  })
})
