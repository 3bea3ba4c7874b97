/**
 * A real OpenID provider (`oidc-provider`) on 127.0.0.1 for sign-in tests, with one confidential
 * client and two users: Anna (in the allowed domain and group) and Otto (in neither). Its login
 * page is a plain form (`login`, `password`, button "Inloggen") that works in Chromium and loads
 * nothing from anywhere else. The server's redirect URI is only known once it listens, so the
 * client is looked up afresh on each request (`allowRedirectUri`).
 *
 * For the attacks a real provider would never make, `tamperNextIdToken` rewrites the ID token
 * of the next token response (re-signed with the provider's key, or with a key it never published).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import { onDispose } from './helpers.ts'

export interface TestUser {
  login: string
  password: string
  sub: string
  email: string
  name: string
  groups: string[]
}

export interface TestProvider {
  /** http://127.0.0.1:PORT, the OIDC_ISSUER. */
  issuer: string
  clientId: string
  clientSecret: string
  /** In `allowedDomain` and `allowedGroup`. */
  allowed: TestUser
  /** In neither. */
  outsider: TestUser
  allowedDomain: string
  allowedGroup: string
  /** Lets the client use this redirect URI (e.g. `${server's PUBLIC_URL}/auth/callback`). */
  allowRedirectUri(uri: string): void
  /** Environment for the Samenbord server: issuer, client, and the domain and group rule. */
  env(extra?: Record<string, string>): Record<string, string>
  /**
   * Changes the ID token of the next token response, re-signed with the provider's own key, or
   * with `foreignKey` (same key id, never published: as a forger would).
   */
  tamperNextIdToken(change: (claims: Record<string, unknown>) => Record<string, unknown>, options?: { foreignKey?: boolean }): void
  close(): Promise<void>
}

const KEY_ID = 'samenbord-test-key'

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url')
}

function signJwt(claims: Record<string, unknown>, key: KeyObject): string {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`
  return `${input}.${base64url(sign('sha256', Buffer.from(input), key))}`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function loginPage(action: string, error: string | null): string {
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Inloggen bij de testorganisatie</title></head>
<body>
<h1>Inloggen bij de testorganisatie</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
  <label>Gebruikersnaam <input name="login" autocomplete="username" required></label>
  <label>Wachtwoord <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Inloggen</button>
</form>
</body></html>`
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  let body = ''
  for await (const chunk of request) body += chunk
  return new URLSearchParams(body)
}

/** Starts the provider on a free port of 127.0.0.1; closed by disposeAll. */
export async function startOidcProvider(): Promise<TestProvider> {
  const allowed: TestUser = {
    login: 'anna',
    password: 'anna-wachtwoord',
    sub: 'anna-0001',
    email: 'anna@gemeente.example',
    name: 'Anna de Vries',
    groups: ['samenbord-begeleiders'],
  }
  const outsider: TestUser = {
    login: 'otto',
    password: 'otto-wachtwoord',
    sub: 'otto-0002',
    email: 'otto@elders.example',
    name: 'Otto Buiten',
    groups: ['andere-groep'],
  }
  const users = [allowed, outsider]
  const clientId = 'samenbord-test'
  const clientSecret = randomBytes(24).toString('base64url')
  const redirectUris = new Set<string>()
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'RS256', use: 'sig' }
  let tamper: { change: (claims: Record<string, unknown>) => Record<string, unknown>; foreignKey: boolean } | null = null

  let provider: Provider | null = null
  let providerHandler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' })
      response.end(`provider helper: ${error.message}`)
    })
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://provider.invalid')
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(url.pathname)
    if (interaction && provider) return handleInteraction(provider, request, response)
    if (request.method === 'POST' && url.pathname === '/token' && tamper !== null) {
      const { change, foreignKey } = tamper
      tamper = null
      rewriteIdToken(response, (token) => {
        const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>
        return signJwt(change(claims), foreignKey ? foreign : privateKey)
      })
    }
    providerHandler!(request, response)
  }

  async function handleInteraction(oidc: Provider, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const details = await oidc.interactionDetails(request, response)
    const action = `/interaction/${details.uid}`
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      response.end(loginPage(action, null))
      return
    }
    const form = await readForm(request)
    const user = users.find((candidate) => candidate.login === form.get('login') && candidate.password === form.get('password'))
    if (!user) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      response.end(loginPage(action, 'Onbekende gebruikersnaam of verkeerd wachtwoord.'))
      return
    }
    await oidc.interactionFinished(request, response, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false })
  }

  /** Replaces the id_token in the JSON this response will end with. */
  function rewriteIdToken(response: ServerResponse, rewrite: (token: string) => string): void {
    const end = response.end.bind(response) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse
    response.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
        const body = JSON.parse(chunk.toString()) as Record<string, unknown>
        if (typeof body.id_token === 'string') {
          const text = JSON.stringify({ ...body, id_token: rewrite(body.id_token) })
          if (!response.headersSent) response.setHeader('content-length', Buffer.byteLength(text))
          return end(text, ...rest)
        }
      }
      return end(chunk, ...rest)
    }) as typeof response.end
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  /** Everything the provider stores, in memory; the client is made up on each lookup. */
  const stored = new Map<string, { payload: Record<string, unknown>; expiresAt: number | null }>()
  class MemoryAdapter {
    private readonly model: string
    constructor(model: string) {
      this.model = model
    }
    private key(id: string): string {
      return `${this.model}:${id}`
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
      stored.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : null })
    }
    async find(id: string): Promise<Record<string, unknown> | undefined> {
      if (this.model === 'Client') {
        if (id !== clientId) return undefined
        return {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [...redirectUris],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
        }
      }
      const entry = stored.get(this.key(id))
      if (!entry || (entry.expiresAt !== null && entry.expiresAt <= Date.now())) return undefined
      return entry.payload
    }
    async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      for (const [key, entry] of stored) if (key.startsWith(`${this.model}:`) && entry.payload.uid === uid) return entry.payload
      return undefined
    }
    async findByUserCode(): Promise<undefined> {
      return undefined
    }
    async consume(id: string): Promise<void> {
      const entry = stored.get(this.key(id))
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000)
    }
    async destroy(id: string): Promise<void> {
      stored.delete(this.key(id))
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of stored) if (entry.payload.grantId === grantId) stored.delete(key)
    }
  }

  provider = new Provider(issuer, {
    adapter: MemoryAdapter as never,
    clients: [],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // The claims in the ID token itself, as Entra ID and Keycloak put them there.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Seconds; set so the provider does not remark on its defaults.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    async findAccount(_ctx: unknown, sub: string) {
      const user = users.find((candidate) => candidate.sub === sub)
      if (!user) return undefined
      return {
        accountId: sub,
        claims: async () => ({ sub, email: user.email, email_verified: true, name: user.name, groups: user.groups }),
      }
    },
    // A first-party client: no consent screen.
    async loadExistingGrant(ctx: any) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId)
      if (grantId) return ctx.oidc.provider.Grant.find(grantId)
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId })
      grant.addOIDCScope('openid email profile')
      await grant.save()
      return grant
    },
    // The default error page loads a web font from elsewhere.
    async renderError(ctx: any, out: Record<string, unknown>) {
      ctx.type = 'html'
      ctx.body = `<!doctype html><meta charset="utf-8"><title>Fout</title><p>${escapeHtml(String(out.error ?? 'fout'))}</p>`
    },
  } as never)
  providerHandler = provider.callback() as never

  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  server.unref()
  onDispose(() => {
    server.closeAllConnections()
    return close()
  })

  const allowedDomain = 'gemeente.example'
  const allowedGroup = 'samenbord-begeleiders'
  return {
    issuer,
    clientId,
    clientSecret,
    allowed,
    outsider,
    allowedDomain,
    allowedGroup,
    allowRedirectUri: (uri) => void redirectUris.add(uri),
    env: (extra = {}) => ({
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_ALLOWED_DOMAINS: allowedDomain,
      OIDC_ALLOWED_GROUPS: allowedGroup,
      ...extra,
    }),
    tamperNextIdToken: (change, options = {}) => {
      tamper = { change, foreignKey: options.foreignKey ?? false }
    },
    close,
  }
}

// ---------------------------------------------------------------------------------------------
// A browser for fetch: cookies per host, redirects one at a time.

/** Remembers cookies per host (paths are ignored: every test host is ours) and sends them back. */
export class CookieBrowser {
  private readonly jar = new Map<string, Map<string, string>>()

  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name)
  }

  setCookie(url: string, name: string, value: string): void {
    const host = new URL(url).host
    if (!this.jar.has(host)) this.jar.set(host, new Map())
    this.jar.get(host)!.set(name, value)
  }

  /** One request, no redirect followed; Set-Cookie taken in (Max-Age=0 removes). */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const host = new URL(url).host
    const cookies = [...(this.jar.get(host) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookies ? { cookie: cookies } : {}) } })
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim())
      const at = pair.indexOf('=')
      const name = pair.slice(0, at)
      const gone = attributes.some((attribute) => /^max-age=0$/i.test(attribute)) || attributes.some((a) => /^expires=thu, 01 jan 1970/i.test(a))
      if (!this.jar.has(host)) this.jar.set(host, new Map())
      if (gone) this.jar.get(host)!.delete(name)
      else this.jar.get(host)!.set(name, pair.slice(at + 1))
    }
    return response
  }

  /** Follows redirects from `url` while `keepGoing(next)` holds; the last response and its URL. */
  async follow(url: string, keepGoing: (next: string) => boolean = () => true, init: RequestInit = {}): Promise<{ response: Response; url: string }> {
    let current = url
    let response = await this.request(current, init)
    for (let hops = 0; hops < 20 && response.status >= 300 && response.status < 400; hops++) {
      const next = new URL(response.headers.get('location')!, current).href
      if (!keepGoing(next)) return { response, url: current }
      await response.arrayBuffer()
      current = next
      response = await this.request(current)
    }
    return { response, url: current }
  }
}

/**
 * Signs `user` in at the provider, starting from the server's `/auth/login`, and stops right
 * before the browser would go back to the server: the callback URL it would open.
 */
export async function loginAtProvider(browser: CookieBrowser, serverUrl: string, provider: TestProvider, user: { login: string; password: string }, returnTo = '/'): Promise<string> {
  const login = await browser.request(`${serverUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`)
  if (login.status !== 302) throw new Error(`/auth/login answered ${login.status}: ${await login.text()}`)
  const atProvider = (next: string) => next.startsWith(provider.issuer)
  const form = await browser.follow(login.headers.get('location')!, atProvider)
  // Already signed in at the provider (single sign-on): straight back, no form.
  const straightBack = form.response.headers.get('location')
  if (straightBack !== null && straightBack.startsWith(`${serverUrl}/auth/callback`)) return straightBack
  if (form.response.status !== 200) throw new Error(`no login form at the provider: ${form.response.status} ${await form.response.text()}`)
  await form.response.text()
  const submitted = await browser.request(form.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: user.login, password: user.password }).toString(),
  })
  if (submitted.status !== 303 && submitted.status !== 302) throw new Error(`login refused by the provider: ${submitted.status} ${await submitted.text()}`)
  const back = await browser.follow(new URL(submitted.headers.get('location')!, form.url).href, atProvider)
  const callback = back.response.headers.get('location')
  if (callback === null || !callback.startsWith(`${serverUrl}/auth/callback`)) throw new Error(`provider did not send the browser back: ${back.response.status} ${callback}`)
  return callback
}
