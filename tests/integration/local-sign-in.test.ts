/**
 * The embedded default (no OIDC_ISSUER): the local beheerder's one-time set-up code, invites for
 * local facilitators, and what sign-in guards on every server: who may create and restore, "Mijn
 * borden" and its owner links, rename, the Origin check on cookie requests, the cookie's flags.
 */
import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import {
  boardApi,
  codeOfLink,
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  sessionHeaders,
  setCookieValue,
  startServer,
  startServerProcess,
  waitFor,
  waitForSynced,
  SLOW_TEST_MS,
  type TestServer,
} from './helpers.ts'

afterEach(disposeAll)

const HOUR_MS = 60 * 60 * 1000
const DAY_MS = 24 * HOUR_MS

interface Answer {
  status: number
  json: any
  session: string | null
  setCookies: string[]
}

/** A request as a page of `server` would send it (Origin set), with `session` as cookie when given. */
async function call(server: { httpUrl: string }, method: string, path: string, options: { body?: unknown; session?: string | null; origin?: string | null } = {}): Promise<Answer> {
  const origin = options.origin === undefined ? server.httpUrl : options.origin
  const response = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(origin === null ? {} : { origin }),
      ...(options.session ? { cookie: `sb_session=${options.session}` } : {}),
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  })
  const text = await response.text()
  return { status: response.status, json: text ? JSON.parse(text) : null, session: setCookieValue(response, 'sb_session'), setCookies: response.headers.getSetCookie() }
}

/** A restore that announces 1 GiB and sends one byte of it: the status of the answer that does not wait for the rest. */
function announceHugeRestore(server: TestServer): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL('/api/boards/restore', server.httpUrl)
    const request = httpRequest({ method: 'POST', host: url.hostname, port: url.port, path: url.pathname, headers: { 'content-type': 'application/json', 'content-length': String(1024 ** 3) } })
    request.on('response', (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
      request.destroy()
    })
    request.on('error', reject)
    request.write('{')
  })
}

/** An invitee accepting `link` with their own name: their session. */
async function acceptInvite(server: TestServer, link: string, name?: string): Promise<string> {
  const accepted = await call(server, 'POST', '/auth/invite', { body: { code: codeOfLink(link), ...(name ? { name } : {}) } })
  expect(accepted.status, JSON.stringify(accepted.json)).toBe(200)
  return accepted.session!
}

describe('local beheerder', () => {
  it('a one-time set-up code makes this browser the beheerder; used twice it is refused', async () => {
    const server = await startServer({ signIn: false })
    const link = server.app.beheerderSetupLink()!
    // PUBLIC_URL's default, the code in the fragment (never sent to the server in a request line).
    expect(link).toMatch(new RegExp(`^http://localhost:${server.port}/auth/setup#code=[A-Za-z0-9_-]{43}$`))
    const code = codeOfLink(link)

    const wrong = await call(server, 'POST', '/auth/setup', { body: { code: code.slice(0, -2) + (code.endsWith('AA') ? 'BB' : 'AA') } })
    expect(wrong).toMatchObject({ status: 401, json: { error: 'unauthenticated', message: expect.stringMatching(/^Deze code klopt niet/) }, session: null })

    const first = await call(server, 'POST', '/auth/setup', { body: { code } })
    expect(first.status).toBe(200)
    expect(first.json).toEqual({ subject: expect.stringMatching(/^local:[A-Za-z0-9_-]{43}$/), name: 'Beheerder', email: null, kind: 'local', beheerder: true })
    expect(first.setCookies).toEqual([`sb_session=${first.session}; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax`])
    expect((await call(server, 'GET', '/api/me', { session: first.session })).json).toEqual(first.json)

    const second = await call(server, 'POST', '/auth/setup', { body: { code } })
    expect(second).toMatchObject({ status: 401, json: { error: 'unauthenticated', message: 'Deze code is al gebruikt.' }, session: null })
    expect(server.app.beheerderSetupLink()).toBeNull()
  })

  it('prints the set-up link while there is no beheerder, nothing after, and a new one with RESET_BEHEERDER', { timeout: SLOW_TEST_MS }, async () => {
    const dataDir = makeTempDir()
    const first = await startServerProcess({ dataDir })
    const printed = /Beheerder instellen: (http:\/\/localhost:(\d+)\/auth\/setup#code=[A-Za-z0-9_-]{43})\n/.exec(first.output())
    expect(printed?.[2]).toBe(String(first.port))
    // The helper has used it: the beheerder is signed in.
    const beheerder = (await call(first, 'GET', '/api/me', { session: first.sessionCookie })).json
    expect(beheerder).toMatchObject({ kind: 'local', beheerder: true })
    expect(await first.stop()).toBe(0)

    const second = await startServerProcess({ dataDir })
    expect(second.output()).not.toContain('Beheerder instellen')
    expect(second.output()).toContain('Er is al een beheerder')
    // The old link is worth nothing after a restart.
    expect((await call(second, 'POST', '/auth/setup', { body: { code: codeOfLink(printed![1]) } })).status).toBe(401)
    // The session survived the restart: it is in the store.
    expect((await call(second, 'GET', '/api/me', { session: first.sessionCookie })).status).toBe(200)
    expect(await second.stop()).toBe(0)

    // The beheerder lost their browser: the operator restarts with RESET_BEHEERDER.
    const reset = await startServerProcess({ dataDir, env: { RESET_BEHEERDER: 'true' }, signIn: false })
    const link = /Beheerder instellen: (\S+)/.exec(reset.output())![1]
    const again = await call(reset, 'POST', '/auth/setup', { body: { code: codeOfLink(link) } })
    expect(again.status).toBe(200)
    // The same account (its boards stay its own); whoever held its old session does not any more.
    expect(again.json.subject).toBe(beheerder.subject)
    expect((await call(reset, 'GET', '/api/me', { session: first.sessionCookie })).status).toBe(401)
    expect((await call(reset, 'POST', '/auth/setup', { body: { code: codeOfLink(link) } })).json.message).toBe('Deze code is al gebruikt.')
  })

  it('invites local facilitators with one-time links; only the beheerder invites', async () => {
    let clock = Date.now()
    const server = await startServer({ build: { now: () => clock } })
    const beheerder = server.sessionCookie!

    expect(await call(server, 'POST', '/api/invites', { body: { name: 'Bram' } })).toMatchObject({
      status: 401,
      json: { error: 'unauthenticated', message: 'Meld je aan als beheerder om iemand uit te nodigen.' },
    })
    const invite = await call(server, 'POST', '/api/invites', { body: { name: 'Bram' }, session: beheerder })
    expect(invite.status).toBe(201)
    expect(invite.json.link).toMatch(new RegExp(`^http://localhost:${server.port}/auth/invite#code=[A-Za-z0-9_-]{43}$`))
    expect(Date.parse(invite.json.expiresAt)).toBe(clock + 7 * DAY_MS)

    // Accepted without a name: the one the beheerder gave.
    const bram = await acceptInvite(server, invite.json.link)
    expect((await call(server, 'GET', '/api/me', { session: bram })).json).toMatchObject({ name: 'Bram', kind: 'local', beheerder: false })
    const twice = await call(server, 'POST', '/auth/invite', { body: { code: codeOfLink(invite.json.link), name: 'Indringer' } })
    expect(twice).toMatchObject({ status: 401, json: { message: 'Deze uitnodiging is al gebruikt.' }, session: null })
    expect((await call(server, 'POST', '/auth/invite', { body: { code: 'x'.repeat(43) } })).json.message).toMatch(/bestaat niet/)

    expect(await call(server, 'POST', '/api/invites', { body: { name: 'Cor' }, session: bram })).toMatchObject({
      status: 403,
      json: { message: 'Alleen de beheerder kan begeleiders uitnodigen.' },
    })
    expect((await call(server, 'POST', '/api/invites', { body: { name: '   ' }, session: beheerder })).status).toBe(400)
    expect((await call(server, 'POST', '/api/invites', { body: { name: 'x'.repeat(101) }, session: beheerder })).status).toBe(400)

    const late = await call(server, 'POST', '/api/invites', { body: { name: 'Dirk' }, session: beheerder })
    clock += 7 * DAY_MS + 1
    const expired = await call(server, 'POST', '/auth/invite', { body: { code: codeOfLink(late.json.link), name: 'Dirk' } })
    expect(expired).toMatchObject({ status: 401, json: { message: 'Deze uitnodiging is verlopen. Vraag de beheerder om een nieuwe.' }, session: null })
  })

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const server = await startServer({ signIn: false, env: { PUBLIC_URL: 'https://samenbord.gemeente.example' } })
    const link = server.app.beheerderSetupLink()!
    expect(link.startsWith('https://samenbord.gemeente.example/auth/setup#code=')).toBe(true)
    // A page of PUBLIC_URL's origin, behind its proxy.
    const done = await call(server, 'POST', '/auth/setup', { body: { code: codeOfLink(link) }, origin: 'https://samenbord.gemeente.example' })
    expect(done.setCookies).toEqual([`sb_session=${done.session}; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure`])
  })

  it('counts sign-in attempts per address (SIGN_IN_LIMIT_PER_MINUTE)', async () => {
    const server = await startServer({ signIn: false, env: { SIGN_IN_LIMIT_PER_MINUTE: '5' } })
    const answers: number[] = []
    for (let i = 0; i < 6; i++) answers.push((await call(server, 'POST', '/auth/setup', { body: { code: `raden-${i}` } })).status)
    expect(answers).toEqual([401, 401, 401, 401, 401, 429])
    const refused = await call(server, 'POST', '/auth/setup', { body: { code: codeOfLink(server.app.beheerderSetupLink()!) } })
    expect(refused).toMatchObject({ status: 429, json: { message: expect.stringMatching(/^Te veel aanmeldpogingen vanaf dit adres/) } })
  })
})

describe('who may create and restore', () => {
  it('refuses anonymous create and restore with 401 and a Dutch message, before reading a restore body', async () => {
    const server = await startServer()
    expect(await call(server, 'POST', '/api/boards', { body: { title: 'Casus' } })).toMatchObject({
      status: 401,
      json: { error: 'unauthenticated', message: 'Meld je aan om een bord te maken.' },
    })
    // Even one with a bad title: who asks comes first.
    expect((await call(server, 'POST', '/api/boards', { body: { title: '' } })).status).toBe(401)
    expect(await call(server, 'POST', '/api/boards/restore', { body: '{}' })).toMatchObject({
      status: 401,
      json: { error: 'unauthenticated', message: 'Meld je aan om een back-up terug te zetten.' },
    })
    // A body too large to be read is refused for who sends it, not for its size.
    expect(await announceHugeRestore(server)).toBe(401)
    // A forged or stale cookie is no session.
    expect((await call(server, 'POST', '/api/boards', { body: { title: 'Casus' }, session: 'A'.repeat(43) })).status).toBe(401)
    expect((await call(server, 'POST', '/api/boards', { body: { title: 'Casus' }, session: 'kort' })).status).toBe(401)
  })

  it('refuses a cookie request that does not come from a page of this server (CSRF), also sign-ins', async () => {
    const server = await startServer()
    const session = server.sessionCookie!
    const withoutOrigin = await call(server, 'POST', '/api/boards', { body: { title: 'Casus' }, session, origin: null })
    expect(withoutOrigin).toMatchObject({ status: 403, json: { error: 'forbidden', message: 'Dit verzoek komt niet van een pagina van Samenbord en is geweigerd.' } })
    expect((await call(server, 'POST', '/api/boards', { body: { title: 'Casus' }, session, origin: 'https://evil.example' })).status).toBe(403)
    expect((await call(server, 'POST', '/api/boards', { body: { title: 'Casus' }, session, origin: 'null' })).status).toBe(403)
    expect((await call(server, 'POST', '/auth/logout', { session, origin: 'https://evil.example' })).status).toBe(403)
    expect((await call(server, 'GET', '/api/me', { session })).status).toBe(200)
    // Signing a victim's browser into someone else's account is a state change too.
    expect((await call(server, 'POST', '/auth/invite', { body: { code: 'x' }, origin: 'https://evil.example' })).status).toBe(403)
    expect((await call(server, 'POST', '/auth/setup', { body: { code: 'x' }, origin: null })).status).toBe(403)
    // From our own page it works, and capability-link calls without the cookie are as before.
    expect((await call(server, 'POST', '/api/boards', { body: { title: 'Casus' }, session })).status).toBe(201)
    const board = await createBoard(server.httpUrl)
    const renew = await fetch(`${server.httpUrl}/api/boards/${board.id}/links/renew`, { method: 'POST', headers: { authorization: `Bearer ${board.tokens.facilitator}` } })
    expect(renew.status).toBe(201)
  })
})

describe('Mijn borden', () => {
  it('lists only the account\'s own boards, newest first, with activity, who is connected and the retention date', async () => {
    const server = await startServer()
    const beheerder = server.sessionCookie!
    const invite = await call(server, 'POST', '/api/invites', { body: { name: 'Bram' }, session: beheerder })
    const bram = await acceptInvite(server, invite.json.link, 'Bram Jansen')

    const first = await createBoard(server.httpUrl, 'Eerste')
    const second = await createBoard(server.httpUrl, 'Tweede')
    const brams = (await call(server, 'POST', '/api/boards', { body: { title: 'Van Bram' }, session: bram })).json

    const client = connectClient(server.wsUrl, first.id, first.tokens.participant)
    await waitForSynced(client)
    let mine: Answer
    await waitFor(async () => {
      mine = await call(server, 'GET', '/api/my-boards', { session: beheerder })
      return mine.json.boards[1]?.connectedNow === 1
    })
    expect(mine!.json.boards.map((board: { title: string }) => board.title)).toEqual(['Tweede', 'Eerste'])
    const [listedSecond, listedFirst] = mine!.json.boards
    expect(listedSecond).toEqual({
      id: second.id,
      title: 'Tweede',
      createdAt: second.createdAt,
      lastActiveAt: second.createdAt,
      connectedNow: 0,
      deleteAfter: new Date(Date.parse(second.createdAt) + 90 * DAY_MS).toISOString(),
      relation: 'owner',
    })
    expect(listedFirst.connectedNow).toBe(1)
    expect(Date.parse(listedFirst.deleteAfter)).toBe(Date.parse(listedFirst.lastActiveAt) + 90 * DAY_MS)

    expect((await call(server, 'GET', '/api/my-boards', { session: bram })).json.boards.map((board: { id: string }) => board.id)).toEqual([brams.id])
    expect(await call(server, 'GET', '/api/my-boards')).toMatchObject({ status: 401, json: { error: 'unauthenticated' } })
  })

  it('hands the owner fresh links for their own board, and nobody else', async () => {
    const server = await startServer()
    const beheerder = server.sessionCookie!
    const invite = await call(server, 'POST', '/api/invites', { body: { name: 'Bram' }, session: beheerder })
    const bram = await acceptInvite(server, invite.json.link)
    const board = await createBoard(server.httpUrl, 'Casus')

    const fresh = await call(server, 'POST', `/api/my-boards/${board.id}/links`, { session: beheerder })
    expect(fresh.status).toBe(201)
    expect(Object.keys(fresh.json.links).sort()).toEqual(['facilitator', 'participant', 'viewer'])
    expect(fresh.json.links.facilitator).toBe(`http://localhost:${server.port}/b/${board.id}#token=${fresh.json.tokens.facilitator}`)
    expect((await boardApi(server, `/${board.id}`, fresh.json.tokens.facilitator)).json.role).toBe('facilitator')

    // Someone else's board, an unknown one, a malformed id: all the same 404.
    for (const id of [board.id, 'A'.repeat(22), '..%2f..']) {
      expect(await call(server, 'POST', `/api/my-boards/${id}/links`, { session: bram })).toMatchObject({
        status: 404,
        json: { error: 'not-found', message: 'Dit bord staat niet bij jouw borden.' },
      })
    }
    expect((await call(server, 'POST', `/api/my-boards/${board.id}/links`)).status).toBe(401)

    const audit = (await boardApi(server, `/${board.id}/audit`, board.tokens.facilitator)).json.entries
    const subject = (await call(server, 'GET', '/api/me', { session: beheerder })).json.subject
    expect(audit.map((entry: { event: string; subject?: string }) => [entry.event, entry.subject])).toEqual([
      ['create', subject],
      ['owner-links', subject],
    ])
  })

  it('renames a board with the facilitator link; the audit names who, when signed in', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl, 'Oude naam')
    const rename = (token: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.httpUrl}/api/boards/${board.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify(body),
      }).then(async (response) => ({ status: response.status, json: await response.json() }))

    expect(await rename(board.tokens.facilitator, { title: '  Nieuwe naam ' })).toEqual({ status: 200, json: { id: board.id, title: 'Nieuwe naam' } })
    expect((await rename(board.tokens.participant, { title: 'Gekaapt' })).status).toBe(403)
    expect((await rename(board.tokens.facilitator, { title: '   ' })).json).toEqual({ error: 'bad-request', message: 'De titel mag niet leeg zijn.' })
    expect((await rename(board.tokens.facilitator, { title: 42 })).status).toBe(400)
    expect((await boardApi(server, `/${board.id}`, board.tokens.viewer)).json.title).toBe('Nieuwe naam')
    // From Mijn borden the cookie goes along: the rename is the account's.
    expect((await rename(board.tokens.facilitator, { title: 'Derde naam' }, sessionHeaders(server.httpUrl))).status).toBe(200)
    const mine = (await call(server, 'GET', '/api/my-boards', { session: server.sessionCookie })).json.boards
    expect(mine[0].title).toBe('Derde naam')

    const audit = (await boardApi(server, `/${board.id}/audit`, board.tokens.facilitator)).json.entries
    expect(audit.filter((entry: { event: string }) => entry.event === 'rename').map((entry: { subject?: string }) => entry.subject !== undefined)).toEqual([false, true])
  })

  it('a restored board belongs to whoever restored it; delete is logged with the account', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl, 'Origineel')
    const backup = await boardApi(server, `/${board.id}/export`, board.tokens.facilitator)
    const restored = await boardApi(server, '/restore', null, backup.text)
    expect(restored.status).toBe(201)
    const mine = (await call(server, 'GET', '/api/my-boards', { session: server.sessionCookie })).json.boards
    expect(mine.map((entry: { id: string }) => entry.id)).toEqual([restored.json.id, board.id])
    const subject = (await call(server, 'GET', '/api/me', { session: server.sessionCookie })).json.subject
    expect((await boardApi(server, `/${restored.json.id}/audit`, restored.json.tokens.facilitator)).json.entries[0]).toMatchObject({ event: 'restore', subject })

    const deleted = await fetch(`${server.httpUrl}/api/boards/${board.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${board.tokens.facilitator}`, ...sessionHeaders(server.httpUrl) } })
    expect(deleted.status).toBe(204)
    const trail = await server.app.store.listAudit(board.id)
    expect(trail).toEqual([{ boardId: board.id, event: 'delete', role: 'facilitator', name: null, at: expect.any(Number), subject }])
    expect((await call(server, 'GET', '/api/my-boards', { session: server.sessionCookie })).json.boards.map((entry: { id: string }) => entry.id)).toEqual([restored.json.id])
  })
})
