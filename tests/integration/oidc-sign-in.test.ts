/**
 * Organisation sign-in against a real OpenID provider on 127.0.0.1 (oidc-provider): the whole
 * authorization code flow with PKCE through the provider's login form, and what an attacker would
 * try on the way back: a forged, replayed or foreign `state`, a wrong nonce, an ID token from
 * another issuer, for another client or signed by another key, a user outside the organisation's
 * rule, an expired session, an open redirect, a planted session id.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { disposeAll, startServer, type TestServer } from './helpers.ts'
import { CookieBrowser, loginAtProvider, startOidcProvider, type TestProvider } from './oidc-provider.ts'

afterEach(disposeAll)

const HOUR_MS = 60 * 60 * 1000

let provider: TestProvider
let server: TestServer
/** The server as the provider sends browsers back to it: PUBLIC_URL's default, http://localhost:PORT. */
let base: string
let clock: number

beforeEach(async () => {
  provider = await startOidcProvider()
  clock = Date.now()
  server = await startServer({ env: provider.env({ OIDC_PROVIDER_NAME: 'Testorganisatie' }), build: { now: () => clock } })
  base = `http://localhost:${server.port}`
  provider.allowRedirectUri(`${base}/auth/callback`)
})

/** The start page's address for a refusal. */
const refused = (reason: string) => `/?aanmelden=geweigerd&reden=${reason}`

async function signIn(browser: CookieBrowser, user = provider.allowed, returnTo = '/'): Promise<Response> {
  return browser.request(await loginAtProvider(browser, base, provider, user, returnTo))
}

async function me(browser: CookieBrowser): Promise<{ status: number; json: any }> {
  const response = await browser.request(`${base}/api/me`)
  return { status: response.status, json: await response.json() }
}

function createBoard(browser: CookieBrowser, title = 'Casus') {
  return browser.request(`${base}/api/boards`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ title }) })
}

describe('OpenID Connect sign-in', () => {
  it('signs a facilitator in through the provider, lets them make and list boards, and signs out', async () => {
    const config = await (await fetch(`${base}/api/config`)).json()
    expect(config.auth).toEqual({ mode: 'oidc', providerName: 'Testorganisatie' })

    const browser = new CookieBrowser()
    const login = await browser.request(`${base}/auth/login?returnTo=${encodeURIComponent('/b/bord?x=1')}`)
    expect(login.status).toBe(302)
    const authorize = new URL(login.headers.get('location')!)
    expect(authorize.origin).toBe(provider.issuer)
    // PKCE, state and nonce on the way out; the login cookie only for the callback.
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${base}/auth/callback`)
    expect(login.headers.getSetCookie()).toEqual([expect.stringMatching(/^sb_login=[A-Za-z0-9_-]{43}; Path=\/auth\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/)])

    const done = await signIn(browser, provider.allowed, '/b/bord?x=1')
    expect(done.status).toBe(302)
    expect(done.headers.get('location')).toBe('/b/bord?x=1')
    const session = done.headers.getSetCookie().find((cookie) => cookie.startsWith('sb_session='))
    expect(session).toMatch(/^sb_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/)
    expect(await me(browser)).toEqual({
      status: 200,
      json: { subject: `oidc:${provider.allowed.sub}`, name: 'Anna de Vries', email: 'anna@gemeente.example', kind: 'oidc', beheerder: false },
    })

    const created = await createBoard(browser, 'Casus Sam')
    expect(created.status).toBe(201)
    const board = await created.json()
    const mine = await (await browser.request(`${base}/api/my-boards`)).json()
    expect(mine.boards.map((entry: { id: string; title: string }) => [entry.id, entry.title])).toEqual([[board.id, 'Casus Sam']])
    // The audit names the account, never a token.
    const audit = await (await fetch(`${base}/api/boards/${board.id}/audit`, { headers: { authorization: `Bearer ${board.tokens.facilitator}` } })).json()
    expect(audit.entries[0]).toMatchObject({ event: 'create', subject: `oidc:${provider.allowed.sub}` })

    const logout = await browser.request(`${base}/auth/logout`, { method: 'POST', headers: { origin: base } })
    expect(logout.status).toBe(204)
    expect(logout.headers.getSetCookie()).toEqual(['sb_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax'])
    expect((await me(browser)).status).toBe(401)
    // The old cookie is dead on the server too, not just forgotten by this browser.
    const replayed = await fetch(`${base}/api/me`, { headers: { cookie: session!.split(';')[0] } })
    expect(replayed.status).toBe(401)
    const again = await createBoard(browser)
    expect(again.status).toBe(401)
    expect(await again.json()).toEqual({ error: 'unauthenticated', message: 'Meld je aan om een bord te maken.' })
  })

  it('refuses a user outside the allowed domain and group, with no session', async () => {
    const browser = new CookieBrowser()
    const done = await signIn(browser, provider.outsider)
    expect(done.status).toBe(302)
    expect(done.headers.get('location')).toBe(refused('niet-toegestaan'))
    expect(done.headers.getSetCookie().some((cookie) => cookie.startsWith('sb_session='))).toBe(false)
    expect((await me(browser)).status).toBe(401)
    expect((await createBoard(browser)).status).toBe(401)
  })

  it('refuses a forged state, a replayed callback, and a callback in a browser that did not start the sign-in', async () => {
    const forging = new CookieBrowser()
    const callback = new URL(await loginAtProvider(forging, base, provider, provider.allowed))
    callback.searchParams.set('state', 'vervalst-vervalst-vervalst')
    const forged = await forging.request(callback.href)
    expect(forged.headers.get('location')).toBe(refused('state'))
    expect((await me(forging)).status).toBe(401)

    // Someone else's callback (with its code) pushed onto a victim's browser: no login cookie there.
    const attacker = new CookieBrowser()
    const attackersCallback = await loginAtProvider(attacker, base, provider, provider.allowed)
    const victim = new CookieBrowser()
    expect((await victim.request(attackersCallback)).headers.get('location')).toBe(refused('state'))
    expect((await me(victim)).status).toBe(401)

    // A sign-in is good for one callback: replayed, even with its login cookie put back, it is refused.
    const browser = new CookieBrowser()
    const honest = await loginAtProvider(browser, base, provider, provider.allowed)
    const loginCookie = browser.cookie(base, 'sb_login')!
    expect((await browser.request(honest)).headers.get('location')).toBe('/')
    const replay = new CookieBrowser()
    replay.setCookie(base, 'sb_login', loginCookie)
    expect((await replay.request(honest)).headers.get('location')).toBe(refused('state'))
    expect((await me(replay)).status).toBe(401)
  })

  it.each([
    ['a wrong nonce', (claims: Record<string, unknown>) => ({ ...claims, nonce: 'een-andere-nonce' }), false],
    ['another issuer', (claims: Record<string, unknown>) => ({ ...claims, iss: 'http://127.0.0.1:1/andere-uitgever' }), false],
    ['another audience', (claims: Record<string, unknown>) => ({ ...claims, aud: 'een-andere-client' }), false],
    ['an expired ID token', (claims: Record<string, unknown>) => ({ ...claims, exp: Math.floor(Date.now() / 1000) - 3600 }), false],
    ['a signature by a key the provider never published', (claims: Record<string, unknown>) => ({ ...claims, email: 'anna@gemeente.example' }), true],
  ])('refuses an ID token with %s', async (_what, change, foreignKey) => {
    const browser = new CookieBrowser()
    const callback = await loginAtProvider(browser, base, provider, provider.allowed)
    provider.tamperNextIdToken(change, { foreignKey })
    const done = await browser.request(callback)
    expect(done.headers.get('location')).toBe(refused('token'))
    expect(done.headers.getSetCookie().some((cookie) => cookie.startsWith('sb_session='))).toBe(false)
    expect((await me(browser)).status).toBe(401)
  })

  it('ends a session after SESSION_TTL_HOURS (12): the cookie no longer signs in', async () => {
    const browser = new CookieBrowser()
    await signIn(browser)
    expect((await me(browser)).status).toBe(200)
    clock += 12 * HOUR_MS - 1000
    expect((await me(browser)).status).toBe(200)
    clock += 2000
    expect(await me(browser)).toEqual({ status: 401, json: { error: 'unauthenticated', message: 'Je bent niet aangemeld.' } })
    expect((await createBoard(browser)).status).toBe(401)
  })

  it('refuses a sign-in that took longer than ten minutes at the provider', async () => {
    const browser = new CookieBrowser()
    const callback = await loginAtProvider(browser, base, provider, provider.allowed)
    clock += 10 * 60 * 1000 + 1
    expect((await browser.request(callback)).headers.get('location')).toBe(refused('verlopen'))
    expect((await me(browser)).status).toBe(401)
  })

  it('gives a new session id at every sign-in and ends the one the browser had', async () => {
    const browser = new CookieBrowser()
    // An id an attacker planted before sign-in is not taken over.
    browser.setCookie(base, 'sb_session', 'A'.repeat(43))
    await signIn(browser)
    const first = browser.cookie(base, 'sb_session')!
    expect(first).not.toBe('A'.repeat(43))
    await signIn(browser)
    const second = browser.cookie(base, 'sb_session')!
    expect(second).not.toBe(first)
    expect((await fetch(`${base}/api/me`, { headers: { cookie: `sb_session=${first}` } })).status).toBe(401)
    expect((await me(browser)).status).toBe(200)
  })

  it('goes back only to a path on this server after sign-in', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/', '/\\evil.example/']) {
      const done = await signIn(new CookieBrowser(), provider.allowed, returnTo)
      expect(done.headers.get('location'), returnTo).toBe('/')
    }
  })

  it('says so when the provider cannot be reached, and still starts', async () => {
    const stopped = await startOidcProvider()
    await stopped.close()
    const orphan = await startServer({ env: stopped.env() })
    const response = await fetch(`${orphan.httpUrl}/auth/login`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(refused('provider'))
  })
})
