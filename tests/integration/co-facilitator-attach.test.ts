/**
 * Issue 12: a signed-in facilitator attaches a board to their own "Mijn borden" with a facilitator
 * link (their own or a co-facilitator link handed to them), and what an attacker tries instead:
 * a forged token, another board's, a participant's or viewer's, a role card's, a renewed one, no
 * session, a request from another site. Also "Nu verbonden" counting people, not documents.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { facilitatorPrepDocName } from '@samenbord/shared'
import { boardApi, codeOfLink, connectClient, createBoard, disposeAll, startServer, waitFor, waitForSynced, type TestServer } from './helpers.ts'

afterEach(disposeAll)

interface Answer {
  status: number
  json: any
}

/** A request as a page of `server` would send it (Origin set), with `session` as cookie and `token` as bearer when given. */
async function call(
  server: TestServer,
  method: string,
  path: string,
  options: { body?: unknown; session?: string | null; token?: string; origin?: string | null } = {},
): Promise<Answer> {
  const origin = options.origin === undefined ? server.httpUrl : options.origin
  const response = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(origin === null ? {} : { origin }),
      ...(options.session ? { cookie: `sb_session=${options.session}` } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await response.text()
  return { status: response.status, json: text ? JSON.parse(text) : null }
}

/** The beheerder invites Bram, who accepts: Bram's session. */
async function inviteBram(server: TestServer): Promise<string> {
  const invite = await call(server, 'POST', '/api/invites', { body: { name: 'Bram' }, session: server.sessionCookie })
  const response = await fetch(`${server.httpUrl}/auth/invite`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.httpUrl },
    body: JSON.stringify({ code: codeOfLink(invite.json.link) }),
  })
  expect(response.status).toBe(200)
  return /sb_session=([^;]+)/.exec(response.headers.getSetCookie().join('\n'))![1]
}

const tokenOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1)).get('token')!
const attach = (server: TestServer, boardId: string, token: string | undefined, session: string | null, origin?: string | null) =>
  call(server, 'POST', `/api/my-boards/${boardId}/attach`, { token, session, origin })
const myBoards = async (server: TestServer, session: string) => (await call(server, 'GET', '/api/my-boards', { session })).json.boards as any[]

describe('a co-facilitator attaches a board to their own account', () => {
  it('with a co-facilitator link: listed as co-facilitator with fresh links, the owner stays the owner, the audit names who', async () => {
    const server = await startServer()
    const bram = await inviteBram(server)
    const board = await createBoard(server.httpUrl, 'Casus Jansen')
    const coLink = (await boardApi(server, `/${board.id}/links/co-facilitator`, board.tokens.facilitator, {})).json.link as string

    expect(await myBoards(server, bram)).toEqual([])
    const attached = await attach(server, board.id, tokenOf(coLink), bram)
    expect(attached).toEqual({ status: 200, json: { id: board.id, title: 'Casus Jansen', relation: 'co-facilitator' } })
    // Twice is harmless: still one entry.
    expect((await attach(server, board.id, tokenOf(coLink), bram)).status).toBe(200)

    const listed = await myBoards(server, bram)
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ id: board.id, title: 'Casus Jansen', relation: 'co-facilitator', connectedNow: 0 })
    // The owner's list is unchanged, and the owner's attach answers "yours already" without a member row.
    expect((await myBoards(server, server.sessionCookie!)).map((b) => [b.id, b.relation])).toEqual([[board.id, 'owner']])
    expect(await attach(server, board.id, board.tokens.facilitator, server.sessionCookie)).toMatchObject({ status: 200, json: { relation: 'owner' } })
    expect(await server.app.store.boardOwner(board.id)).not.toBe(null)
    expect(await server.app.store.boardMemberSince(board.id, (await call(server, 'GET', '/api/me', { session: server.sessionCookie })).json.subject)).toBe(null)

    // "The same actions": Bram fetches fresh links, which open the board as facilitator.
    const fresh = await call(server, 'POST', `/api/my-boards/${board.id}/links`, { session: bram })
    expect(fresh.status).toBe(201)
    expect((await boardApi(server, `/${board.id}`, fresh.json.tokens.facilitator)).json.role).toBe('facilitator')

    const bramSubject = (await call(server, 'GET', '/api/me', { session: bram })).json.subject
    const audit = (await boardApi(server, `/${board.id}/audit`, board.tokens.facilitator)).json.entries
    expect(audit.filter((e: { event: string }) => e.event === 'attach' || e.event === 'member-links')).toEqual([
      expect.objectContaining({ event: 'attach', role: 'facilitator', subject: bramSubject }),
      expect.objectContaining({ event: 'attach', role: 'facilitator', subject: bramSubject }),
      expect.objectContaining({ event: 'member-links', role: 'facilitator', subject: bramSubject }),
    ])
  })

  it('refuses participant and viewer links (403, Dutch), forged, other-board and role-card tokens, no session and other sites', async () => {
    const server = await startServer()
    const bram = await inviteBram(server)
    const board = await createBoard(server.httpUrl, 'Doelbord')
    const other = await createBoard(server.httpUrl, 'Ander bord')

    for (const role of ['participant', 'viewer'] as const) {
      expect(await attach(server, board.id, board.tokens[role], bram)).toEqual({
        status: 403,
        json: { error: 'forbidden', message: 'Alleen met een begeleiderslink kun je een bord aan je borden toevoegen.' },
      })
    }
    // A forged token: the facilitator's with its signature altered, and one made up.
    const [body, signature] = board.tokens.facilitator.split('.')
    const flipped = `${body}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`
    for (const forged of [flipped, 'eyJib2FyZCI6Im5lcCJ9.bmVw']) {
      expect((await attach(server, board.id, forged, bram)).status).toBe(401)
    }
    // Another board's facilitator link does not open this one.
    expect(await attach(server, board.id, other.tokens.facilitator, bram)).toMatchObject({ status: 403, json: { error: 'forbidden' } })
    // A personal role-card token with the facilitator role is still no board link.
    const card = server.app.issueCardToken(board.id, 'kaart-1', 'facilitator', Date.now() + 60_000)
    expect(await attach(server, board.id, card, bram)).toMatchObject({ status: 403, json: { error: 'forbidden' } })
    // No token at all.
    expect((await attach(server, board.id, undefined, bram)).status).toBe(401)
    // No session: the link alone attaches nothing.
    expect(await attach(server, board.id, board.tokens.facilitator, null)).toMatchObject({
      status: 401,
      json: { error: 'unauthenticated', message: 'Meld je aan om dit bord aan je borden toe te voegen.' },
    })
    // The session cookie from another site's page, or without any Origin (CSRF).
    for (const origin of ['https://aanvaller.example', null]) {
      expect(await attach(server, board.id, board.tokens.facilitator, bram, origin)).toMatchObject({ status: 403, json: { error: 'forbidden' } })
    }
    // A malformed id and an unknown board.
    expect((await attach(server, '..%2f..', board.tokens.facilitator, bram)).status).toBe(404)

    expect(await myBoards(server, bram)).toEqual([])
    expect((await boardApi(server, `/${board.id}/audit`, board.tokens.facilitator)).json.entries.some((e: { event: string }) => e.event === 'attach')).toBe(false)
  })

  it('a renewed link attaches nothing (401), and renewing the links ends an attachment made before', async () => {
    const server = await startServer()
    const bram = await inviteBram(server)
    const board = await createBoard(server.httpUrl, 'Vernieuwd')
    expect((await attach(server, board.id, board.tokens.facilitator, bram)).status).toBe(200)
    expect((await myBoards(server, bram)).map((b) => b.id)).toEqual([board.id])

    const renewed = await boardApi(server, `/${board.id}/links/renew`, board.tokens.facilitator, {})
    expect(renewed.status).toBe(201)
    // The link reached the wrong person: whoever attached with the old one loses the board too.
    expect(await myBoards(server, bram)).toEqual([])
    expect((await call(server, 'POST', `/api/my-boards/${board.id}/links`, { session: bram })).status).toBe(404)
    expect(await attach(server, board.id, board.tokens.facilitator, bram)).toMatchObject({ status: 401, json: { error: 'unauthenticated' } })

    // Handed the new link, Bram attaches again.
    expect((await attach(server, board.id, tokenOf(renewed.json.links.facilitator), bram)).status).toBe(200)
    expect((await myBoards(server, bram)).map((b) => b.id)).toEqual([board.id])
  })

  it('deleting the board removes it from the co-facilitator\'s list and leaves no member row', async () => {
    const server = await startServer()
    const bram = await inviteBram(server)
    const board = await createBoard(server.httpUrl, 'Weg ermee')
    const bramSubject = (await call(server, 'GET', '/api/me', { session: bram })).json.subject
    expect((await attach(server, board.id, board.tokens.facilitator, bram)).status).toBe(200)
    expect(await server.app.store.boardMemberSince(board.id, bramSubject)).toEqual(expect.any(Number))

    const deleted = await call(server, 'DELETE', `/api/boards/${board.id}`, { token: board.tokens.facilitator })
    expect(deleted.status).toBe(204)
    expect(await myBoards(server, bram)).toEqual([])
    expect(await server.app.store.boardMemberSince(board.id, bramSubject)).toBe(null)
    // A deleted board cannot be attached again with its old link.
    expect((await attach(server, board.id, board.tokens.facilitator, bram)).status).toBe(404)
  })
})

describe('Nu verbonden in Mijn borden', () => {
  it('counts one facilitator with the preparation open as one person', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl, 'Met voorbereiding')
    const main = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    const prep = connectClient(server.wsUrl, facilitatorPrepDocName(board.id), board.tokens.facilitator)
    await Promise.all([waitForSynced(main), waitForSynced(prep)])
    expect(server.app.rooms.boardConnectionCount(board.id)).toBe(2)
    expect((await myBoards(server, server.sessionCookie!))[0].connectedNow).toBe(1)

    const participant = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(participant)
    await waitFor(async () => (await myBoards(server, server.sessionCookie!))[0].connectedNow === 2)
  })
})
