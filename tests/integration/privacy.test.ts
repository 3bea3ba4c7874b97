import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, consentDocName, FACILITATOR_PREP_MAP, facilitatorPrepDocName } from '@samenbord/shared'
import {
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  startServer,
  waitFor,
  waitForFinalClose,
  waitForSynced,
  WAIT_MS,
  type TestServer,
  boardMap,
} from './helpers.ts'

afterEach(disposeAll)

const DAY_MS = 24 * 60 * 60 * 1000

function api(server: TestServer, path: string, token: string | null, init: RequestInit = {}) {
  return fetch(`${server.httpUrl}/api${path}`, {
    ...init,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  })
}

describe('AVG: deleting a board', () => {
  it('only the facilitator may delete; it removes every document, closes sockets with 4404 and survives a restart', async () => {
    const dataDir = makeTempDir()
    const server = await startServer({ dataDir })
    const board = await createBoard(server.httpUrl)
    const keep = await createBoard(server.httpUrl, 'Blijft')
    const main = connectClient(server.wsUrl, board.id, board.tokens.participant)
    const prepDoc = facilitatorPrepDocName(board.id)
    const prep = connectClient(server.wsUrl, prepDoc, board.tokens.facilitator)
    const other = connectClient(server.wsUrl, keep.id, keep.tokens.participant)
    await Promise.all([waitForSynced(main), waitForSynced(prep), waitForSynced(other)])
    boardMap(main.doc, 'm').set('gevoelig', 'gegevens over een kind')
    prep.doc.getMap(FACILITATOR_PREP_MAP).set('casus', 'ook')
    boardMap(other.doc, 'm').set('blijft', true)
    // Stored, so that the deletion below has something to remove.
    await waitFor(async () => (await server.app.store.countDocUpdates(board.id)) > 0 && (await server.app.store.countDocUpdates(prepDoc)) > 0, {
      message: 'the board and the preparation were not stored',
    })

    for (const role of ['viewer', 'participant'] as const) {
      const response = await api(server, `/boards/${board.id}`, board.tokens[role], { method: 'DELETE' })
      expect(response.status, role).toBe(403)
      expect((await response.json()).error).toBe('forbidden')
    }
    expect((await api(server, `/boards/${board.id}`, null, { method: 'DELETE' })).status).toBe(401)
    expect((await api(server, `/boards/${board.id}`, keep.tokens.facilitator, { method: 'DELETE' })).status).toBe(403)

    const mainClosed = waitForFinalClose(main)
    const prepClosed = waitForFinalClose(prep)
    const response = await api(server, `/boards/${board.id}`, board.tokens.facilitator, { method: 'DELETE' })
    expect(response.status).toBe(204)
    expect(await mainClosed).toEqual({ code: CloseCode.notFound, reason: 'bord verwijderd' })
    expect((await prepClosed).code).toBe(CloseCode.notFound)

    expect(await server.app.store.getBoard(board.id)).toBeNull()
    expect(await server.app.store.countDocUpdates(board.id)).toBe(0)
    expect(await server.app.store.countDocUpdates(prepDoc)).toBe(0)
    expect(await server.app.store.listBoardDocs(board.id)).toEqual([])
    expect(server.app.rooms.loadedDocsOf(board.id)).toEqual([])
    // Reconnecting, the API and a second delete all say: gone.
    const again = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    expect((await waitForFinalClose(again)).code).toBe(CloseCode.notFound)
    expect((await api(server, `/boards/${board.id}`, board.tokens.facilitator)).status).toBe(404)
    expect((await api(server, `/boards/${board.id}`, board.tokens.facilitator, { method: 'DELETE' })).status).toBe(404)
    // Only the fact of the deletion stays in the audit log: no names, no content.
    const audit = await server.app.store.listAudit(board.id)
    expect(audit.map((entry) => [entry.event, entry.name])).toEqual([['delete', null]])

    // The other board is untouched, also after a restart; the deleted one stays gone.
    boardMap(other.doc, 'm').set('na', 1)
    await waitFor(() => {
      const room = server.app.rooms.peek(keep.id)
      return room !== undefined && boardMap(room.doc, 'm').get('na') === 1
    })
    await server.close()
    const restarted = await startServer({ dataDir })
    const reader = connectClient(restarted.wsUrl, keep.id, keep.tokens.viewer)
    await waitForSynced(reader)
    expect(boardMap(reader.doc, 'm').toJSON()).toEqual({ blijft: true, na: 1 })
    expect(await restarted.app.store.getBoard(board.id)).toBeNull()
    expect(await restarted.app.store.countDocUpdates(board.id)).toBe(0)
  })
})

describe('AVG: retention', () => {
  it('deletes boards idle longer than RETENTION_DAYS, at start-up and in the periodic sweep; active ones stay', async () => {
    const dataDir = makeTempDir()
    const first = await startServer({ dataDir, env: { RETENTION_DAYS: '30' } })
    const old = await createBoard(first.httpUrl, 'Oud')
    const recent = await createBoard(first.httpUrl, 'Recent')
    const writer = connectClient(first.wsUrl, old.id, old.tokens.participant)
    await waitForSynced(writer)
    boardMap(writer.doc, 'm').set('x', 1)
    await waitFor(() => boardMap(first.app.rooms.peek(old.id)?.doc ?? new Y.Doc(), 'm').get('x') === 1, { message: 'the write did not reach the server' })
    writer.destroy()
    await first.close()

    // Old: last active 31 days ago. Recent: 29 days ago.
    {
      const { SqliteDocumentStore } = await import('@samenbord/server/storage/sqlite-store')
      const store = new SqliteDocumentStore(dataDir)
      await store.touchBoard(old.id, Date.now() - 31 * DAY_MS)
      await store.touchBoard(recent.id, Date.now() - 29 * DAY_MS)
      await store.close()
    }
    // The sweep runs once at start-up.
    const second = await startServer({ dataDir, env: { RETENTION_DAYS: '30' } })
    await expect.poll(async () => second.app.store.getBoard(old.id)).toBeNull()
    expect(await second.app.store.countDocUpdates(old.id)).toBe(0)
    expect(await second.app.store.getBoard(recent.id)).not.toBeNull()

    // The periodic sweep: make `recent` idle too, but with someone on it, and a third one idle.
    const busy = await createBoard(second.httpUrl, 'Druk')
    const on = connectClient(second.wsUrl, busy.id, busy.tokens.participant)
    await waitForSynced(on)
    await second.app.store.touchBoard(busy.id, Date.now() - 40 * DAY_MS)
    await second.app.store.touchBoard(recent.id, Date.now() - 40 * DAY_MS)
    expect((await second.app.sweepRetention()).sort()).toEqual([recent.id])
    expect(await second.app.store.getBoard(busy.id)).not.toBeNull()
    expect(await second.app.store.getBoard(recent.id)).toBeNull()
    expect(on.provider.wsconnected).toBe(true)
  })

  it('runs the sweep on its interval (RETENTION_SWEEP_MS)', async () => {
    const server = await startServer({ env: { RETENTION_DAYS: '1', RETENTION_SWEEP_MS: '1000' } })
    const board = await createBoard(server.httpUrl)
    await server.app.store.touchBoard(board.id, Date.now() - 2 * DAY_MS)
    await expect.poll(async () => server.app.store.getBoard(board.id), { timeout: WAIT_MS }).toBeNull()
  })
})

describe('AVG: audit log', () => {
  it('records create, join (role, optional name), export and delete; never content or tokens; facilitator only', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const anouk = connectClient(`${server.wsUrl}`, board.id, board.tokens.participant)
    anouk.provider.params.name = 'Anouk (moeder)'
    anouk.provider.disconnect()
    anouk.provider.connect()
    const anonymous = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    await Promise.all([waitForSynced(anouk), waitForSynced(anonymous)])
    boardMap(anouk.doc, 'm').set('inhoud', 'geheime notitie')
    await waitFor(() => {
      const room = server.app.rooms.peek(board.id)
      return room !== undefined && boardMap(room.doc, 'm').get('inhoud') === 'geheime notitie'
    })
    // A sub-document does not add a join line of its own.
    await waitForSynced(connectClient(server.wsUrl, consentDocName(board.id), board.tokens.participant))

    const exported = await api(server, `/boards/${board.id}/export`, board.tokens.facilitator)
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-disposition')).toMatch(/attachment/)
    const dump = await exported.json()
    expect(Object.keys(dump.documents).sort()).toEqual(['', consentDocName(board.id).slice(board.id.length)])
    const restored = new Y.Doc()
    Y.applyUpdate(restored, Buffer.from(dump.documents[''], 'base64'))
    expect(boardMap(restored, 'm').get('inhoud')).toBe('geheime notitie')
    expect(dump).toMatchObject({ board: { id: board.id }, format: 'samenbord-backup', version: 1 })

    for (const role of ['viewer', 'participant'] as const) {
      expect((await api(server, `/boards/${board.id}/audit`, board.tokens[role])).status).toBe(403)
      expect((await api(server, `/boards/${board.id}/export`, board.tokens[role])).status).toBe(403)
    }
    const response = await api(server, `/boards/${board.id}/audit`, board.tokens.facilitator)
    expect(response.status).toBe(200)
    const body = await response.json()
    const events = body.entries.map((entry: { event: string; role: string | null; name: string | null }) => [entry.event, entry.role, entry.name])
    expect(events).toContainEqual(['create', 'facilitator', null])
    expect(events).toContainEqual(['join', 'participant', 'Anouk (moeder)'])
    expect(events).toContainEqual(['join', 'viewer', null])
    expect(events).toContainEqual(['export', 'facilitator', null])
    expect(events.filter(([event]: string[]) => event === 'join').length).toBeGreaterThanOrEqual(2)
    expect(events.filter(([event]: string[]) => event === 'join').length).toBeLessThanOrEqual(3) // reconnect may add one
    for (const entry of body.entries) expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 60_000)
    const text = JSON.stringify(body)
    expect(text).not.toContain('geheime notitie')
    for (const token of Object.values(board.tokens)) expect(text).not.toContain(token)
  })
})
