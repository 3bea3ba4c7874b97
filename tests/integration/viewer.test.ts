import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  barrier,
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  openRawSocket,
  roundTrip,
  sendFrame,
  startServer,
  syncUpdateFrame,
  waitFor,
  waitForSynced,
  boardList,
  boardMap,
} from './helpers.ts'

afterEach(disposeAll)

describe('viewer links are read-only', () => {
  it('drops every write of a viewer, keeps it out of storage, and still sends it live edits', async () => {
    const dataDir = makeTempDir()
    const server = await startServer({ dataDir })
    const board = await createBoard(server.httpUrl)
    const participant = connectClient(server.wsUrl, board.id, board.tokens.participant)
    boardMap(participant.doc, 'm').set('start', 'van deelnemer')
    const viewer = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    viewer.provider.awareness.setLocalStateField('user', { name: 'Kijker' })
    await Promise.all([waitForSynced(participant), waitForSynced(viewer)])

    // The viewer receives the existing state...
    await waitFor(() => boardMap(viewer.doc, 'm').get('start') === 'van deelnemer')
    // ...and shows up in the people list.
    await waitFor(() => participant.provider.awareness.getStates().has(viewer.doc.clientID), {
      message: 'viewer awareness not relayed',
    })

    // 1. The stock client edits its local doc; it sends the update, the relay must drop it.
    // Valid records: only the viewer's role keeps them off the board.
    boardMap(viewer.doc, 'm').set('viewer-hack', 'via provider')
    boardList(viewer.doc, 'list').push(['viewer-item'])

    // 2. A raw socket with a viewer token sends a hand-encoded [0,2,update] frame.
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.viewer)
    const forged = new Y.Doc()
    boardMap(forged, 'm').set('raw-hack', 'via ws')
    await sendFrame(raw, syncUpdateFrame(Y.encodeStateAsUpdate(forged)))
    // The server answers step 1 only after handling what came before it on that socket.
    await roundTrip(raw)

    // The participant keeps writing; the viewer gets it live.
    boardMap(participant.doc, 'm').set('live', 'na de hack')
    await waitFor(() => boardMap(viewer.doc, 'm').get('live') === 'na de hack', { message: 'viewer missed a live edit' })

    // Also a fresh participant who syncs the whole state from the server sees no viewer write.
    const fresh = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(fresh)
    // All the viewer sent is handled, and anything the relay passed on from it reached the others.
    await barrier(viewer, [participant, fresh], server)
    await roundTrip(raw)
    for (const doc of [participant.doc, fresh.doc, server.app.rooms.peek(board.id)!.doc]) {
      expect(boardMap(doc, 'm').toJSON()).toEqual({ start: 'van deelnemer', live: 'na de hack' })
      expect(boardList(doc, 'list').length).toBe(0)
    }
    expect(raw.ws.readyState).toBe(raw.ws.OPEN) // dropped silently, not an error

    // After a restart the viewer writes are not in storage either.
    await server.close()
    const restarted = await startServer({ dataDir })
    const reader = connectClient(restarted.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(reader)
    expect(boardMap(reader.doc, 'm').toJSON()).toEqual({ start: 'van deelnemer', live: 'na de hack' })
    expect(boardList(reader.doc, 'list').length).toBe(0)
  })

  it('a participant writes with the same raw frame a viewer cannot (control case)', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const watcher = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(watcher)
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    const edit = new Y.Doc()
    boardMap(edit, 'm').set('raw', 'mag wel')
    await sendFrame(raw, syncUpdateFrame(Y.encodeStateAsUpdate(edit)))
    await waitFor(() => boardMap(watcher.doc, 'm').get('raw') === 'mag wel')
  })
})
