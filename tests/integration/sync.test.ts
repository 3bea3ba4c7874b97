import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SqliteDocumentStore } from '@samenbord/server/storage/sqlite-store'
import type { DocumentStore } from '@samenbord/server/storage/document-store'
import {
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  sleep,
  startServer,
  waitFor,
  waitForSynced,
} from './helpers.ts'

afterEach(disposeAll)

describe('relay: document sync with the stock y-websocket client', () => {
  it('syncs a Y.Map and a Y.Array both ways, and a late joiner gets the full state', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const a = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b)])

    // A → B
    a.doc.getMap('records').set('shape:1', { x: 10, y: 20 })
    a.doc.getArray<string>('order').push(['eerste'])
    await waitFor(() => b.doc.getArray('order').length === 1, { message: 'B did not get A’s edit' })
    expect(b.doc.getMap('records').get('shape:1')).toEqual({ x: 10, y: 20 })

    // B → A, including a change to what A wrote
    b.doc.transact(() => {
      b.doc.getMap('records').set('shape:2', { x: 1, y: 2 })
      b.doc.getMap('records').delete('shape:1')
      b.doc.getArray<string>('order').push(['tweede'])
    })
    await waitFor(() => a.doc.getArray('order').length === 2, { message: 'A did not get B’s edit' })
    expect(a.doc.getMap('records').toJSON()).toEqual({ 'shape:2': { x: 1, y: 2 } })
    expect(a.doc.getArray('order').toArray()).toEqual(['eerste', 'tweede'])

    // Concurrent edits converge.
    a.doc.getArray<string>('order').insert(0, ['van A'])
    b.doc.getArray<string>('order').insert(0, ['van B'])
    await waitFor(() => a.doc.getArray('order').length === 4 && b.doc.getArray('order').length === 4)
    expect(a.doc.getArray('order').toArray()).toEqual(b.doc.getArray('order').toArray())

    // Late joiner
    const late = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(late)
    expect(late.doc.getMap('records').toJSON()).toEqual(a.doc.getMap('records').toJSON())
    expect(late.doc.getArray('order').toArray()).toEqual(a.doc.getArray('order').toArray())
    expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(a.doc))
  })

  it('sends a client’s offline edits to the server when it connects (sync step 2)', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const offline = new Y.Doc()
    offline.getMap('records').set('made-offline', true)
    const a = connectClient(server.wsUrl, board.id, board.tokens.participant, offline)
    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b)])
    await waitFor(() => b.doc.getMap('records').get('made-offline') === true)
  })

  it('keeps documents of different boards apart', async () => {
    const server = await startServer()
    const one = await createBoard(server.httpUrl, 'Een')
    const two = await createBoard(server.httpUrl, 'Twee')
    const a = connectClient(server.wsUrl, one.id, one.tokens.participant)
    const b = connectClient(server.wsUrl, two.id, two.tokens.participant)
    const a2 = connectClient(server.wsUrl, one.id, one.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b), waitForSynced(a2)])
    a.doc.getMap('m').set('only-on-one', 1)
    await waitFor(() => a2.doc.getMap('m').has('only-on-one'))
    expect(b.doc.getMap('m').has('only-on-one')).toBe(false)
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
    a.doc.getMap('m').set('offline', 1)
    a.provider.awareness.setLocalStateField('user', { name: 'Anouk' })
    // Synced means the server answered the step 1 the client sent right after opening.
    await waitForSynced(a)
    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(b)
    await waitFor(() => b.doc.getMap('m').get('offline') === 1)
    await waitFor(() => b.provider.awareness.getStates().has(a.doc.clientID))
  })

  it('unloads an empty room after ROOM_IDLE_MS and reloads it with its content', async () => {
    const server = await startServer({ env: { ROOM_IDLE_MS: '100' } })
    const board = await createBoard(server.httpUrl)
    const a = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(a)
    a.doc.getArray<number>('list').push([1, 2, 3])
    await waitFor(() => server.app.rooms.peek(board.id)?.doc.getArray('list').length === 3)
    a.destroy()
    await waitFor(() => server.app.rooms.roomCount === 0, { message: 'room was not unloaded' })
    expect(await server.app.store.countDocUpdates(board.id)).toBe(1) // compacted on unload

    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(b)
    expect(b.doc.getArray('list').toArray()).toEqual([1, 2, 3])
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
    expect(b.provider.awareness.getStates().get(aId)).toEqual({ user: { name: 'Anouk', color: '#f00' } })

    a.provider.awareness.setLocalStateField('user', { name: 'Anouk', color: '#0f0' })
    await waitFor(() => (b.provider.awareness.getStates().get(aId) as { user: { color: string } } | undefined)?.user.color === '#0f0')

    // Kill A's socket without the goodbye message the client sends on a clean disconnect:
    // removing A is then up to the server.
    a.provider.shouldConnect = false
    ;(a.provider.ws as unknown as { terminate(): void }).terminate()
    await waitFor(() => !b.provider.awareness.getStates().has(aId), { timeout: 3000, message: 'A still visible to B' })
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
