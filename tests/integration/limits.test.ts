import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CloseCode, consentDocName, facilitatorPrepDocName, ROLE_CARD_MAP, roleCardDocName } from '@samenbord/shared'
import {
  connectClient,
  createBoard,
  disposeAll,
  frame,
  onDispose,
  openRawSocket,
  roundTrip,
  sendFrame,
  sleep,
  startServer,
  syncStep1Frame,
  syncUpdateFrame,
  ticketUrl,
  waitFor,
  waitForFinalClose,
  waitForSynced,
  withTimeout,
  type TestServer,
  boardApi,
  boardMap,
  sessionHeaders,
} from './helpers.ts'

afterEach(disposeAll)

/** Two stock clients on one board that keep syncing: the proof that a limit hit only its target. */
async function twoClients(server: TestServer, boardId: string, token: string) {
  const a = connectClient(server.wsUrl, boardId, token)
  const b = connectClient(server.wsUrl, boardId, token)
  await Promise.all([waitForSynced(a), waitForSynced(b)])
  return {
    a,
    b,
    async stillSync(marker: string) {
      boardMap(a.doc, 'm').set(marker, true)
      await waitFor(() => boardMap(b.doc, 'm').get(marker) === true, { message: `A and B stopped syncing (${marker})` })
    },
  }
}

describe('limits', () => {
  it('closes a socket that sends more messages per second than allowed with 4429 "te veel berichten"', async () => {
    const server = await startServer({ env: { MAX_MESSAGES_PER_SECOND: '50', MESSAGE_BURST: '50' } })
    const board = await createBoard(server.httpUrl)
    const { stillSync } = await twoClients(server, board.id, board.tokens.participant)
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    // query-awareness frames: cheap and valid; 200 at once is far above a burst of 50.
    for (let i = 0; i < 200; i++) raw.ws.send(frame([3]))
    expect(await raw.closed).toEqual({ code: CloseCode.rateLimited, reason: 'te veel berichten' })
    await stillSync('after-flood')

    // Control: within the rate (paced, not a synchronisation), a socket stays open.
    const calm = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    for (let i = 0; i < 10; i++) {
      await sendFrame(calm, frame([3]))
      await sleep(30)
    }
    // The server answers after handling all ten: had it closed the socket, there would be no answer.
    await roundTrip(calm)
    expect(calm.ws.readyState).toBe(calm.ws.OPEN)
  })

  it('refuses connections beyond MAX_CONNECTIONS_PER_BOARD with 4429 and a reason; others stay', async () => {
    const server = await startServer({ env: { MAX_CONNECTIONS_PER_BOARD: '3' } })
    const board = await createBoard(server.httpUrl)
    const other = await createBoard(server.httpUrl)
    const { stillSync } = await twoClients(server, board.id, board.tokens.participant)
    // A sub-document counts for its board.
    const sub = connectClient(server.wsUrl, consentDocName(board.id), board.tokens.participant)
    await waitForSynced(sub)
    const fourth = connectClient(server.wsUrl, board.id, board.tokens.participant)
    const closed = await waitForFinalClose(fourth)
    expect(closed).toEqual({ code: CloseCode.rateLimited, reason: 'te veel verbindingen met dit bord' })
    expect(fourth.provider.shouldConnect).toBe(false)
    // Another board is not affected.
    await waitForSynced(connectClient(server.wsUrl, other.id, other.tokens.participant))
    await stillSync('after-refusal')
    // A place frees up when someone leaves.
    sub.destroy()
    await waitFor(() => server.app.rooms.connectionCount === 3)
    await waitForSynced(connectClient(server.wsUrl, board.id, board.tokens.viewer))
  })

  it('refuses connections beyond MAX_CONNECTIONS_PER_IP with 4429 and a reason', async () => {
    const server = await startServer({ env: { MAX_CONNECTIONS_PER_IP: '2' } })
    const one = await createBoard(server.httpUrl)
    const two = await createBoard(server.httpUrl)
    const { stillSync } = await twoClients(server, one.id, one.tokens.participant)
    const third = connectClient(server.wsUrl, two.id, two.tokens.participant)
    expect(await waitForFinalClose(third)).toEqual({ code: CloseCode.rateLimited, reason: 'te veel verbindingen vanaf dit adres' })
    await stillSync('after-ip-refusal')
  })

  it('behind a trusted proxy, counts connections per client address from X-Forwarded-For', async () => {
    const server = await startServer({ env: { MAX_CONNECTIONS_PER_IP: '1', TRUST_PROXY: 'true' } })
    const board = await createBoard(server.httpUrl)
    const open = async (address: string) => {
      const url = await ticketUrl(server, board.id, board.tokens.participant)
      // 'open' once the relay answered sync step 1: it admitted the socket.
      const outcome = new Promise<{ code: number; reason: string } | 'open'>((resolve) => {
        const ws = new WebSocket(url, { headers: { 'x-forwarded-for': address } })
        ws.on('error', () => {})
        onDispose(() => ws.terminate())
        ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
        ws.once('open', () => ws.send(syncStep1Frame()))
        ws.on('message', (data: Buffer) => {
          if (data[0] === 0 && data[1] === 1) resolve('open')
        })
      })
      return withTimeout(outcome, `a socket from ${address} to be admitted or closed`)
    }
    expect(await open('203.0.113.1')).toBe('open')
    expect(await open('203.0.113.2')).toBe('open')
    expect(await open('203.0.113.1')).toEqual({ code: CloseCode.rateLimited, reason: 'te veel verbindingen vanaf dit adres' })
  })

  it('refuses new boards beyond MAX_BOARDS with 507 and a JSON error', async () => {
    const server = await startServer({ env: { MAX_BOARDS: '2' } })
    await createBoard(server.httpUrl)
    await createBoard(server.httpUrl)
    const response = await fetch(`${server.httpUrl}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sessionHeaders(server.httpUrl) },
      body: JSON.stringify({ title: 'Eén te veel' }),
    })
    expect(response.status).toBe(507)
    expect(await response.json()).toEqual({ error: 'insufficient-storage', message: expect.stringMatching(/maximale aantal borden/) })
  })

  it('refuses a new sub-document beyond MAX_DOCS_PER_BOARD; existing documents still open', async () => {
    const server = await startServer({ env: { MAX_DOCS_PER_BOARD: '3' } })
    const board = await createBoard(server.httpUrl)
    // Only known sub-documents open: two role cards of a perspectiefwissel, then the preparation and the consent record.
    const token = board.tokens.facilitator
    const roles = { roles: [{ personId: 'person:moeder', label: 'Moeder' }, { personId: 'person:vader', label: 'Vader' }] }
    const started = await boardApi(server, `/${board.id}/perspectiefwissel`, token, roles)
    expect(started.status).toBe(201)
    const [cardIdA, cardIdB] = (started.json.roles as { cardId: string }[]).map((role) => role.cardId)
    const main = connectClient(server.wsUrl, board.id, token)
    const cardA = connectClient(server.wsUrl, roleCardDocName(board.id, cardIdA), token)
    const cardB = connectClient(server.wsUrl, roleCardDocName(board.id, cardIdB), token)
    await Promise.all([waitForSynced(main), waitForSynced(cardA), waitForSynced(cardB)])
    cardA.doc.getMap(ROLE_CARD_MAP).set('dilemma', 'a')
    const cardC = connectClient(server.wsUrl, facilitatorPrepDocName(board.id), token)
    expect(await waitForFinalClose(cardC)).toEqual({ code: CloseCode.rateLimited, reason: 'te veel documenten op dit bord' })
    // Once stored and unloaded, a sub-document still counts and can be reopened.
    const roomA = () => server.app.rooms.peek(roleCardDocName(board.id, cardIdA))
    await waitFor(() => roomA()?.doc.getMap(ROLE_CARD_MAP).get('dilemma') === 'a', { message: 'the answer did not reach the server' })
    cardA.destroy()
    cardB.destroy()
    await waitFor(() => server.app.rooms.roomCount === 1, { message: 'sub-documents not unloaded' })
    const again = connectClient(server.wsUrl, roleCardDocName(board.id, cardIdA), token)
    await waitForSynced(again)
    await waitFor(() => again.doc.getMap(ROLE_CARD_MAP).get('dilemma') === 'a')
    const stillNot = connectClient(server.wsUrl, consentDocName(board.id), token)
    expect((await waitForFinalClose(stillNot)).code).toBe(CloseCode.rateLimited)
  })

  it('a slow client cannot stall a room: it is closed (1013) once its send buffer is full; others keep syncing', async () => {
    const server = await startServer({ env: { MAX_BUFFERED_BYTES: String(256 * 1024), MAX_MESSAGE_BYTES: String(1024 * 1024) } })
    const board = await createBoard(server.httpUrl)
    const { a, b, stillSync } = await twoClients(server, board.id, board.tokens.participant)
    const slow = await openRawSocket(server.wsUrl, board.id, board.tokens.viewer)
    await waitFor(() => server.app.rooms.connectionCount === 3)
    // The slow client stops reading: the kernel buffers fill, then the server's send buffer.
    ;(slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause()

    // Big edits from A, each relayed to everyone; B keeps up, the slow one does not.
    const started = Date.now()
    for (let i = 0; i < 80 && server.app.rooms.connectionCount === 3; i++) {
      boardMap(a.doc, 'big').set(`k${i}`, 'x'.repeat(200 * 1024))
      await sleep(20) // pacing: the loop ends once the slow one is cut off
    }
    await waitFor(() => server.app.rooms.connectionCount === 2, { timeout: 10_000, message: 'slow client was not cut off' })
    expect(Date.now() - started).toBeLessThan(15_000)
    await waitFor(() => boardMap(b.doc, 'big').size === boardMap(a.doc, 'big').size, { timeout: 10_000 })
    await stillSync('after-slow')

    ;(slow.ws as unknown as { _socket: { resume(): void } })._socket.resume()
    const closed = await slow.closed
    expect([1013, 1006]).toContain(closed.code)
    if (closed.code === 1013) expect(closed.reason).toBe('verbinding te traag')
  })
})

describe('token bucket (unit, via the relay module)', () => {
  it('allows a burst, then the refill rate', async () => {
    const { TokenBucket } = await import('@samenbord/server/sync/plugin')
    let now = 0
    const bucket = new TokenBucket(10, 5, () => now)
    expect(Array.from({ length: 6 }, () => bucket.take())).toEqual([true, true, true, true, true, false])
    now += 100 // 1 token
    expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
    now += 10_000
    expect(Array.from({ length: 6 }, () => bucket.take()).filter(Boolean)).toHaveLength(5)
  })
})
