import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SqliteDocumentStore } from '@samenbord/server/storage/sqlite-store'
import type { DocumentStore } from '@samenbord/server/storage/document-store'
import { checkBoardUpdate } from '@samenbord/server/sync/record-guard'
import {
  barrier,
  connectClient,
  createBoard,
  disposeAll,
  frame,
  makeTempDir,
  openRawSocket,
  roundTrip,
  sendFrame,
  sleep,
  startServer,
  syncStep1Frame,
  syncUpdateFrame,
  waitFor,
  waitForSynced,
  WAIT_MS,
  boardList,
  boardMap,
  boardRecords,
  pageEntry,
  type RawSocket,
} from './helpers.ts'

afterEach(disposeAll)

describe('relay: document sync with the stock y-websocket client', () => {
  it('syncs board records both ways, and a late joiner gets the full state', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const a = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b)])

    // A → B
    boardMap(a.doc, 'records').set('shape:1', { x: 10, y: 20 })
    boardList<string>(a.doc, 'order').push(['eerste'])
    await waitFor(() => boardList(b.doc, 'order').length === 1, { message: 'B did not get A’s edit' })
    expect(boardMap(b.doc, 'records').get('shape:1')).toEqual({ x: 10, y: 20 })

    // B → A, including a change to what A wrote
    b.doc.transact(() => {
      boardMap(b.doc, 'records').set('shape:2', { x: 1, y: 2 })
      boardMap(b.doc, 'records').delete('shape:1')
      boardList<string>(b.doc, 'order').push(['tweede'])
    })
    await waitFor(() => boardList(a.doc, 'order').length === 2, { message: 'A did not get B’s edit' })
    expect(boardMap(a.doc, 'records').toJSON()).toEqual({ 'shape:2': { x: 1, y: 2 } })
    expect(boardList(a.doc, 'order').toArray()).toEqual(['eerste', 'tweede'])

    // Concurrent edits converge.
    boardList<string>(a.doc, 'order').insert(0, ['van A'])
    boardList<string>(b.doc, 'order').insert(0, ['van B'])
    await waitFor(() => boardList(a.doc, 'order').length === 4 && boardList(b.doc, 'order').length === 4)
    expect(boardList(a.doc, 'order').toArray()).toEqual(boardList(b.doc, 'order').toArray())
    expect(boardList(a.doc, 'order').toArray().slice(2)).toEqual(['eerste', 'tweede'])

    // Late joiner
    const late = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(late)
    expect(boardMap(late.doc, 'records').toJSON()).toEqual(boardMap(a.doc, 'records').toJSON())
    expect(boardList(late.doc, 'order').toArray()).toEqual(boardList(a.doc, 'order').toArray())
    expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(a.doc))
  })

  it('sends a client’s offline edits to the server when it connects (sync step 2)', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const offline = new Y.Doc()
    boardMap(offline, 'records').set('made-offline', true)
    const a = connectClient(server.wsUrl, board.id, board.tokens.participant, offline)
    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b)])
    await waitFor(() => boardMap(b.doc, 'records').get('made-offline') === true)
  })

  it('keeps documents of different boards apart', async () => {
    const server = await startServer()
    const one = await createBoard(server.httpUrl, 'Een')
    const two = await createBoard(server.httpUrl, 'Twee')
    const a = connectClient(server.wsUrl, one.id, one.tokens.participant)
    const b = connectClient(server.wsUrl, two.id, two.tokens.participant)
    const a2 = connectClient(server.wsUrl, one.id, one.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b), waitForSynced(a2)])
    boardMap(a.doc, 'm').set('only-on-one', 1)
    await waitFor(() => boardMap(a2.doc, 'm').has('only-on-one'))
    expect(boardMap(b.doc, 'm').has('only-on-one')).toBe(false)
    expect(server.app.rooms.roomCount).toBe(2)
    expect(server.app.rooms.connectionCount).toBe(3)
  })

  it('queues frames that arrive while the board is checked and the room loads (slow storage)', async () => {
    // Like PostgreSQL would be: every read takes a while, so the client's first frames
    // (sync step 1, awareness) arrive before the room exists.
    const dataDir = makeTempDir()
    const sqlite = new SqliteDocumentStore(dataDir)
    const slow: DocumentStore = Object.assign(Object.create(sqlite) as DocumentStore, {
      getBoard: async (id: string) => (await sleep(150), sqlite.getBoard(id)),
      loadDocUpdates: async (doc: string) => (await sleep(150), sqlite.loadDocUpdates(doc)),
    })
    const server = await startServer({ dataDir, build: { store: slow } })
    const board = await createBoard(server.httpUrl)
    const a = connectClient(server.wsUrl, board.id, board.tokens.participant)
    boardMap(a.doc, 'm').set('offline', 1)
    a.provider.awareness.setLocalStateField('user', { name: 'Anouk' })
    // Synced means the server answered the step 1 the client sent right after opening.
    await waitForSynced(a)
    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(b)
    await waitFor(() => boardMap(b.doc, 'm').get('offline') === 1)
    await waitFor(() => b.provider.awareness.getStates().has(a.doc.clientID))
  })

  it('unloads an empty room after ROOM_IDLE_MS and reloads it with its content', async () => {
    const server = await startServer({ env: { ROOM_IDLE_MS: '100' } })
    const board = await createBoard(server.httpUrl)
    const a = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(a)
    boardList<number>(a.doc, 'list').push([1, 2, 3])
    await waitFor(() => {
      const room = server.app.rooms.peek(board.id)
      return room !== undefined && boardList(room.doc, 'list').length === 3
    })
    a.destroy()
    await waitFor(() => server.app.rooms.roomCount === 0, { message: 'room was not unloaded' })
    expect(await server.app.store.countDocUpdates(board.id)).toBe(1) // compacted on unload

    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(b)
    expect(boardList(b.doc, 'list').toArray()).toEqual([1, 2, 3])
  })
})

describe('relay: live edits are passed on before the server applies them', () => {
  it('sends the writer’s own frame on, and an edit that completes a waiting one brings that one along', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    // The board itself: a record entry may wait there for one it builds on (a sub-document refuses that).
    const docName = board.id
    const watcher = connectClient(server.wsUrl, docName, board.tokens.facilitator)
    await waitForSynced(watcher)
    const reader = await openRawSocket(server.wsUrl, docName, board.tokens.facilitator)
    const writer = await openRawSocket(server.wsUrl, docName, board.tokens.facilitator)
    await Promise.all([roundTrip(reader), roundTrip(writer)])

    const source = new Y.Doc()
    const updates: Uint8Array[] = []
    source.on('update', (update: Uint8Array) => updates.push(update))
    boardMap(source, 'notities').set('vraag', 'Wie is de inbrenger?')
    const live = syncUpdateFrame(updates[0])
    await sendFrame(writer, live)
    await waitFor(() => reader.received.some((received) => Buffer.from(received).equals(Buffer.from(live))), {
      message: 'the live edit did not reach the other socket as it was sent',
    })
    await waitFor(() => boardMap(watcher.doc, 'notities').get('vraag') === 'Wie is de inbrenger?')

    // 'tweede' builds on 'eerste'. It arrives first, in a sync step 2: the server keeps it
    // waiting and passes nothing on. Then 'eerste' arrives as a live edit: the server integrates
    // both, and the others must get both, not only the frame that was just sent.
    const order = boardList<string>(source, 'volgorde')
    order.push(['eerste'])
    order.push(['tweede'])
    await sendFrame(writer, frame([0, 1], updates[2]))
    await roundTrip(writer)
    expect(boardList(watcher.doc, 'volgorde').length).toBe(0)
    await sendFrame(writer, syncUpdateFrame(updates[1]))
    await waitFor(() => boardList(watcher.doc, 'volgorde').length === 2, { message: 'the waiting edit never reached the others' })
    expect(boardList(watcher.doc, 'volgorde').toArray()).toEqual(['eerste', 'tweede'])
    expect(boardList(server.app.rooms.peek(docName)!.doc, 'volgorde').toArray()).toEqual(['eerste', 'tweede'])
  })
})

describe('relay: awareness', () => {
  it('shows A’s awareness state to B, and removes it when A’s socket dies', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const a = connectClient(server.wsUrl, board.id, board.tokens.participant)
    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    a.provider.awareness.setLocalStateField('user', { name: 'Anouk', color: '#f00' })
    await Promise.all([waitForSynced(a), waitForSynced(b)])

    const aId = a.doc.clientID
    await waitFor(() => b.provider.awareness.getStates().has(aId), { message: 'B does not see A' })
    // The relay stamps the role of A's link into the state (see awareness-integrity.test.ts).
    expect(b.provider.awareness.getStates().get(aId)).toEqual({ user: { name: 'Anouk', color: '#f00', role: 'participant' } })

    a.provider.awareness.setLocalStateField('user', { name: 'Anouk', color: '#0f0' })
    await waitFor(() => (b.provider.awareness.getStates().get(aId) as { user: { color: string } } | undefined)?.user.color === '#0f0')

    // Kill A's socket without the goodbye message the client sends on a clean disconnect:
    // removing A is then up to the server.
    a.provider.shouldConnect = false
    ;(a.provider.ws as unknown as { socket: { terminate(): void } }).socket.terminate() // the `ws` socket inside the ticket socket
    // Bounded well under y-protocols' 30 s awareness timeout: the server removed A, not the timeout.
    await waitFor(() => !b.provider.awareness.getStates().has(aId), { timeout: WAIT_MS, message: 'A still visible to B' })
  })

  it('gives a late joiner the awareness states of those already there', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const a = connectClient(server.wsUrl, board.id, board.tokens.participant)
    a.provider.awareness.setLocalStateField('user', { name: 'Anouk' })
    await waitForSynced(a)
    await waitFor(() => (server.app.rooms.peek(board.id)?.awareness.getStates().size ?? 0) === 1)
    const late = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitFor(() => late.provider.awareness.getStates().has(a.doc.clientID))
  })
})

describe('relay: cold open from storage (the room serves the stored bytes before it builds its Y.Doc)', () => {
  /**
   * Content with records (nested values), deletions, a map and a text; every transaction is one
   * update. Written to the store directly: the meta title and the text stand for content of an
   * older board that the relay serves as stored.
   */
  function storedContent(): { doc: Y.Doc; updates: Uint8Array[] } {
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    const records = boardRecords(doc)
    for (let i = 0; i < 40; i++) records.push([pageEntry(`page:${i}`, { x: i, label: `vorm ${i}`, nested: { tags: ['a', i] } })])
    records.delete(3, 5)
    doc.getMap('meta').set('titel', 'Tijdlijn gezin')
    doc.getText('notes').insert(0, 'eerste gesprek')
    return { doc, updates }
  }

  function contentOf(doc: Y.Doc) {
    return { records: boardRecords(doc).toJSON(), meta: doc.getMap('meta').toJSON(), notes: doc.getText('notes').toString() }
  }

  /** A board whose document is stored as `rows` while no server runs, then a server on that data. */
  async function coldBoard(rows: (content: ReturnType<typeof storedContent>) => Uint8Array[]) {
    const dataDir = makeTempDir()
    const first = await startServer({ dataDir })
    const board = await createBoard(first.httpUrl)
    await first.close()
    const content = storedContent()
    const stored = rows(content)
    const store = new SqliteDocumentStore(dataDir)
    for (const row of stored) await store.appendDocUpdate(board.id, row)
    await store.close()
    const server = await startServer({ dataDir })
    return { server, board, content, stored }
  }

  function step2Payloads(socket: RawSocket): Uint8Array[] {
    return socket.received
      .filter((frame) => frame[0] === 0 && frame[1] === 1)
      .map((frame) => {
        // Past the two header bytes: a varuint length, then the update.
        let length = 0
        let offset = 2
        for (let shift = 1; ; shift *= 128) {
          const byte = frame[offset++]
          length += (byte & 0x7f) * shift
          if (byte < 0x80) break
        }
        return frame.subarray(offset, offset + length)
      })
  }

  it('answers a fresh client with exactly the stored row, then builds the document in the background', async () => {
    const { server, board, content, stored } = await coldBoard(({ doc }) => [Y.encodeStateAsUpdate(doc)])
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.viewer)
    await sendFrame(raw, syncStep1Frame())
    await waitFor(() => step2Payloads(raw).length === 1)
    expect(step2Payloads(raw)[0]).toEqual(stored[0])

    const client = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(client)
    expect(contentOf(client.doc)).toEqual(contentOf(content.doc))
    await waitFor(() => server.app.rooms.peek(board.id)!.isBuilt, { message: 'room document never built' })
    expect(contentOf(server.app.rooms.peek(board.id)!.doc)).toEqual(contentOf(content.doc))
    // The server's own step 1 follows the build; the stock client answers it, nothing changes.
    // (Another client's presence reaching this one comes after that step 1 on its socket.)
    const other = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(other)
    await barrier(other, [client])
    expect(contentOf(client.doc)).toEqual(contentOf(content.doc))
    // Unchanged since it was read: unloading does not rewrite the stored row.
    other.destroy()
    client.destroy()
    raw.ws.terminate()
    await waitFor(() => server.app.rooms.roomCount === 0, { message: 'room was not unloaded' })
    expect(await server.app.store.loadDocUpdates(board.id)).toEqual(stored)
  })

  it('serves an uncompacted log in full with step 2, and folds it into one row', async () => {
    const { server, board, content, stored } = await coldBoard(({ updates }) => updates)
    expect(stored.length).toBeGreaterThan(40)
    const client = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(client)
    // Synced means everything: the stock client (and the board binding) take step 2 as the whole state.
    expect(contentOf(client.doc)).toEqual(contentOf(content.doc))
    await waitFor(async () => (await server.app.store.countDocUpdates(board.id)) === 1, { message: 'log was not compacted' })
    const late = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(late)
    expect(contentOf(late.doc)).toEqual(contentOf(content.doc))
  })

  it('applies, relays and stores writes that arrive before the document is built; drops a viewer’s', async () => {
    const { server, board, content } = await coldBoard(({ doc }) => [Y.encodeStateAsUpdate(doc)])
    // The writer's edit builds on the stored state (it deletes a stored entry and adds one).
    const writerDoc = new Y.Doc()
    Y.applyUpdate(writerDoc, Y.encodeStateAsUpdate(content.doc))
    const edits: Uint8Array[] = []
    writerDoc.on('update', (update: Uint8Array) => edits.push(update))
    writerDoc.transact(() => {
      boardRecords(writerDoc).delete(0, 1)
      boardRecords(writerDoc).push([pageEntry('page:nieuw', { x: 1 })])
    })
    // A valid record: only the viewer's role keeps it off the board.
    const viewerDoc = new Y.Doc()
    boardRecords(viewerDoc).push([pageEntry('page:kijker', 'geschreven door een kijker')])
    // Sent at once on open: the frames wait for the room and reach it before anything was built.
    const viewer = await openRawSocket(server.wsUrl, board.id, board.tokens.viewer)
    const writer = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await Promise.all([sendFrame(viewer, syncUpdateFrame(Y.encodeStateAsUpdate(viewerDoc))), sendFrame(writer, syncUpdateFrame(edits[0]))])
    await sendFrame(writer, syncStep1Frame())

    const expected = Y.encodeStateAsUpdate(writerDoc)
    const reader = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    await waitFor(() => boardRecords(reader.doc).toArray().some((entry) => entry.key === 'page:nieuw'))
    const want = new Y.Doc()
    Y.applyUpdate(want, expected)
    expect(contentOf(reader.doc)).toEqual(contentOf(want))
    expect(reader.doc.getMap('meta').get('titel')).toBe('Tijdlijn gezin')
    expect(boardRecords(reader.doc).toArray().some((entry) => entry.key === 'page:kijker')).toBe(false)

    // Stored too: a graceful restart keeps the edit.
    await server.close()
    const restarted = await startServer({ dataDir: server.dataDir })
    const after = connectClient(restarted.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(after)
    expect(contentOf(after.doc)).toEqual(contentOf(want))
  })

  it('closes the sockets with 1011 when the stored state cannot be decoded, and leaves that row as it is', async () => {
    const garbage = new Uint8Array([1, 2, 3, 4, 5])
    const { server, board } = await coldBoard(() => [garbage])
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await sendFrame(raw, syncStep1Frame())
    expect((await raw.closed).code).toBe(1011)
    expect(server.app.rooms.peek(board.id)).toBeUndefined()
    expect(await server.app.store.loadDocUpdates(board.id)).toEqual([garbage])
    // Also when a write is what needs the document first.
    const writer = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    const doc = new Y.Doc()
    boardMap(doc, 'm').set('k', 1)
    await sendFrame(writer, syncUpdateFrame(Y.encodeStateAsUpdate(doc)))
    expect((await writer.closed).code).toBe(1011)
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200)
    // A graceful close writes whatever is pending: after it, the row is still untouched.
    await server.close()
    const store = new SqliteDocumentStore(server.dataDir)
    expect(await store.loadDocUpdates(board.id)).toEqual([garbage])
    await store.close()
  })
})

describe('test helpers: board content facades over tl_records', () => {
  it('write only records the relay’s guard accepts, and behave like a map and a list that converge', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    const sent: Uint8Array[] = []
    a.on('update', (update: Uint8Array) => sent.push(update))
    b.on('update', (update: Uint8Array) => sent.push(update))

    const map = boardMap(a, 'm')
    map.set('x', { nested: [1, 'twee'] })
    map.set('x', 2)
    map.set('y', true)
    map.delete('y')
    expect(map.toJSON()).toEqual({ x: 2 })
    expect(boardRecords(a).length).toBe(1) // an overwritten key leaves one entry, as YKeyValue does

    const list = boardList<string>(a, 'l')
    list.push(['b'])
    list.insert(0, ['a'])
    list.push(['d'])
    list.insert(2, ['c'])
    expect(list.toArray()).toEqual(['a', 'b', 'c', 'd'])
    list.delete(1, 2)
    expect(list.toArray()).toEqual(['a', 'd'])

    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    // Concurrent inserts at the same place and concurrent sets of one key converge.
    sent.length = 0
    boardList<string>(a, 'l').insert(1, ['van A'])
    boardList<string>(b, 'l').insert(1, ['van B'])
    boardMap(a, 'm').set('x', 'A')
    boardMap(b, 'm').set('x', 'B')
    const fromA = Y.encodeStateAsUpdate(a)
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, fromA)
    expect(boardList(a, 'l').toArray()).toEqual(boardList(b, 'l').toArray())
    expect(boardList(a, 'l').length).toBe(4)
    expect(boardMap(a, 'm').get('x')).toBe(boardMap(b, 'm').get('x'))

    expect(sent.length).toBeGreaterThan(0)
    for (const update of [...sent, Y.encodeStateAsUpdate(a)]) expect(checkBoardUpdate(update, b)).toEqual({ ok: true })
  })
})
