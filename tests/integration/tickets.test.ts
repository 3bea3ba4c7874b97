/**
 * Tokens out of sight: the websocket URL carries a short-lived, single-use ticket for one
 * document instead of a link token (URLs end up in proxy logs), and no error answer repeats
 * the URL it was asked for.
 */
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { signToken } from '@samenbord/server/auth/tokens'
import { SYNC_TICKET_TTL_MS } from '@samenbord/server/auth/plugin'
import { CloseCode, CONSENT_MAP, consentDocName } from '@samenbord/shared'
import { ticketSocketClass } from '../../client/src/sync/ticket-socket.ts'
import {
  boardApi,
  connectClient,
  createBoard,
  disposeAll,
  fetchSyncTicket,
  onDispose,
  rawSocketAt,
  roundTrip,
  startServer,
  ticketUrl,
  waitFor,
  waitForFinalClose,
  waitForSynced,
} from './helpers.ts'

afterEach(disposeAll)

/** A bare socket on `url` as given: resolves once it is open or closed, with its close (if any) to await. */
const rawSocket = (url: string) => rawSocketAt(url)

describe('sync tickets', () => {
  it('a link token in the socket URL is refused with 4401, even next to a good ticket', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const plain = await rawSocket(`${server.wsUrl}/${board.id}?token=${board.tokens.participant}`)
    expect(await plain.closed).toEqual({ code: CloseCode.unauthenticated, reason: 'geen token in de URL: vraag eerst een ticket aan' })
    const both = await rawSocket(`${await ticketUrl(server, board.id, board.tokens.participant)}&token=${board.tokens.participant}`)
    expect((await both.closed).code).toBe(CloseCode.unauthenticated)
    expect(server.app.rooms.connectionCount).toBe(0)
  })

  it('a ticket opens its document once: the second socket with it is closed with 4401', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const url = await ticketUrl(server, board.id, board.tokens.participant)
    expect(url).not.toContain(board.tokens.participant)
    const first = await rawSocket(url)
    await roundTrip(first)
    const second = await rawSocket(url)
    expect(await second.closed).toEqual({ code: CloseCode.unauthenticated, reason: 'ticket al gebruikt' })
    // The first socket is untouched.
    await roundTrip(first)
  })

  it('an expired ticket is closed with 4401', async () => {
    let clock = Date.now()
    const server = await startServer({ build: { now: () => clock } })
    const board = await createBoard(server.httpUrl)
    const url = await ticketUrl(server, board.id, board.tokens.participant)
    clock += SYNC_TICKET_TTL_MS
    const late = await rawSocket(url)
    expect(await late.closed).toEqual({ code: CloseCode.unauthenticated, reason: 'ticket verlopen' })
  })

  it('a ticket for one document does not open another (4403), nor a missing or forged one (4401)', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const other = await createBoard(server.httpUrl)
    const forBoard = new URL(await ticketUrl(server, board.id, board.tokens.facilitator)).searchParams.get('ticket')!
    const elsewhere = await rawSocket(`${server.wsUrl}/${other.id}?ticket=${forBoard}`)
    expect(await elsewhere.closed).toEqual({ code: CloseCode.forbidden, reason: 'dit ticket hoort bij een ander document' })
    const forSubDoc = new URL(await ticketUrl(server, board.id, board.tokens.facilitator)).searchParams.get('ticket')!
    const subDoc = await rawSocket(`${server.wsUrl}/${consentDocName(board.id)}?ticket=${forSubDoc}`)
    expect((await subDoc.closed).code).toBe(CloseCode.forbidden)

    const none = await rawSocket(`${server.wsUrl}/${board.id}`)
    expect(await none.closed).toEqual({ code: CloseCode.unauthenticated, reason: 'ticket ontbreekt' })
    const ticket = new URL(await ticketUrl(server, board.id, board.tokens.viewer)).searchParams.get('ticket')!
    const [body, sig] = ticket.split('.')
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString())
    const upgraded = Buffer.from(JSON.stringify({ ...payload, role: 'facilitator' })).toString('base64url')
    const forged = await rawSocket(`${server.wsUrl}/${board.id}?ticket=${upgraded}.${sig}`)
    expect(await forged.closed).toEqual({ code: CloseCode.unauthenticated, reason: 'ticket ongeldig' })
    // A link token is no ticket.
    const token = await rawSocket(`${server.wsUrl}/${board.id}?ticket=${board.tokens.facilitator}`)
    expect(await token.closed).toEqual({ code: CloseCode.unauthenticated, reason: 'ticket ongeldig' })
    expect(server.app.rooms.connectionCount).toBe(0)
  })

  it('the ticket request checks the token like the relay did, and a ticket is no token for the API', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const other = await createBoard(server.httpUrl)
    expect(await fetchSyncTicket(server.wsUrl, board.id, null)).toEqual({ status: 401, json: { error: 'unauthenticated', message: 'Token ontbreekt.' } })
    expect(await fetchSyncTicket(server.wsUrl, board.id, 'rommel')).toEqual({ status: 401, json: { error: 'unauthenticated', message: 'Token ongeldig.' } })
    expect(await fetchSyncTicket(server.wsUrl, board.id, other.tokens.facilitator)).toMatchObject({ status: 403, json: { error: 'forbidden' } })
    expect(await fetchSyncTicket(server.wsUrl, 'kort', board.tokens.facilitator)).toEqual({ status: 400, json: { error: 'bad-request', message: 'Ongeldige documentnaam.' } })
    // A personal role-card token opens role-card documents only.
    const cardToken = signToken(server.config.secret, { board: board.id, role: 'participant', exp: Date.now() + 60_000, card: 'kaart1' })
    expect(await fetchSyncTicket(server.wsUrl, board.id, cardToken)).toMatchObject({ status: 403, json: { error: 'forbidden' } })
    expect((await fetchSyncTicket(server.wsUrl, `${board.id}.rolkaart.kaart1`, cardToken)).status).toBe(200)

    const issued = await fetchSyncTicket(server.wsUrl, board.id, board.tokens.facilitator)
    expect(issued.status).toBe(200)
    expect(Date.parse(issued.json.expiresAt) - Date.now()).toBeLessThanOrEqual(SYNC_TICKET_TTL_MS)
    expect(JSON.stringify(issued.json)).not.toContain(board.tokens.facilitator)
    expect((await boardApi(server, `/${board.id}`, issued.json.ticket)).status).toBe(401)
  })

  it('the y-websocket client fetches a fresh ticket for every reconnect and syncs again after the server closed its socket', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    // The consent record: a small document whose map both sides can read (the facilitator writes).
    const docName = consentDocName(board.id)
    const tickets: string[] = []
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      const body = await response.clone().json()
      if (typeof body.ticket === 'string') tickets.push(body.ticket)
      return response
    }
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(server.wsUrl, docName, doc, {
      WebSocketPolyfill: ticketSocketClass({ token: board.tokens.facilitator, WebSocket: WebSocket as never, fetch: recordingFetch }),
      disableBc: true,
    })
    onDispose(() => (provider.destroy(), doc.destroy()))
    const other = connectClient(server.wsUrl, docName, board.tokens.viewer)
    await waitFor(() => provider.synced, { message: 'first sync' })
    await waitForSynced(other)
    expect(tickets).toHaveLength(1)

    // Not final (1012 service restart): the client comes back by itself.
    for (const socket of server.app.websocketServer.clients) socket.close(1012, 'herstart')
    await waitFor(() => tickets.length >= 2 && provider.synced && other.provider.synced, { timeout: 10_000, message: 'resync after the server closed' })
    expect(new Set(tickets).size).toBe(tickets.length)
    doc.getMap(CONSENT_MAP).set('sharing', 'na de herstart')
    await waitFor(() => other.doc.getMap(CONSENT_MAP).get('sharing') === 'na de herstart', { message: 'change after the reconnect' })
  })

  it('a refused ticket request ends the y-websocket client for good, with the server\'s reason', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const expired = signToken(server.config.secret, { board: board.id, role: 'participant', exp: Date.now() - 1000 })
    const client = connectClient(server.wsUrl, board.id, expired)
    const closed = await waitForFinalClose(client)
    expect(closed).toEqual({ code: CloseCode.unauthenticated, reason: 'Link verlopen.' })
    expect(client.provider.shouldConnect).toBe(false)
  })

  it('the log carries neither the ticket nor the token', async () => {
    let log = ''
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        log += chunk.toString()
        callback()
      },
    })
    const server = await startServer({ build: { logger: { level: 'trace', stream } } })
    const board = await createBoard(server.httpUrl)
    const url = await ticketUrl(server, board.id, board.tokens.participant, { name: 'Anna' })
    const socket = await rawSocket(url)
    await roundTrip(socket)
    await server.close()
    const ticket = new URL(url).searchParams.get('ticket')!
    expect(log).toContain(`/sync/${board.id}?[redacted]`)
    expect(log).not.toContain(ticket.split('.')[0])
    expect(log).not.toContain(ticket.split('.')[1])
    expect(log).not.toContain(board.tokens.participant.split('.')[1])
  })
})

describe('no error answer repeats the URL', () => {
  it('bad percent-encoding, over-long parameters and unknown routes answer {error, message} without URL or token', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const token = board.tokens.facilitator
    const paths = [
      `/api/boards/%c0%ae?token=${token}`,
      `/%c0%ae?token=${token}`,
      `/sync/%c0?token=${token}`,
      `/api/boards/${board.id}/audit%?token=${token}`,
      `/api/boards/${'x'.repeat(150)}?token=${token}`,
      `/api/bestaat-niet?token=${token}`,
      `/api/boards/${board.id}/bestaat-niet?token=${token}`,
    ]
    for (const path of paths) {
      const response = await fetch(`${server.httpUrl}${path}`)
      const text = await response.text()
      expect(response.status, path).toBeGreaterThanOrEqual(400)
      expect(response.status, path).toBeLessThan(500)
      const body = JSON.parse(text)
      expect(Object.keys(body).sort(), path).toEqual(['error', 'message'])
      expect(body.message, path).toMatch(/^[A-Z].*\.$/)
      expect(text, path).not.toContain(token.split('.')[1])
      expect(text, path).not.toContain('token')
      expect(text, path).not.toContain('%c0')
    }
  })

  it('framework errors on a body answer in Dutch without echoing it', async () => {
    const server = await startServer()
    const secret = 'geheim-1234567890'
    const cases: RequestInit[] = [
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"title": "${secret}",` },
      { method: 'POST', headers: { 'content-type': `text/${secret}` }, body: secret },
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: secret.repeat(10_000) }) },
    ]
    for (const init of cases) {
      const response = await fetch(`${server.httpUrl}/api/boards?token=${secret}`, init)
      const text = await response.text()
      expect(response.status).toBeGreaterThanOrEqual(400)
      expect(Object.keys(JSON.parse(text)).sort()).toEqual(['error', 'message'])
      expect(text).not.toContain(secret)
    }
  })
})
