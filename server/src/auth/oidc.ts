/**
 * Organisation sign-in with OpenID Connect (authorization code flow with PKCE, state and nonce)
 * through `openid-client`. A sign-in under way lives in the store (several instances share it),
 * bound to the browser that started it by the `sb_login` cookie and good for one callback.
 * Every refusal goes back to the start page as `/?aanmelden=geweigerd&reden=<code>`, which
 * explains it in Dutch; the details go to the server log only.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import * as client from 'openid-client'
import type { OidcConfig } from '../config.ts'
import { appendSetCookie, cookieString, randomId, readCookie, sha256, type Account } from './session.ts'

/** Why a sign-in was refused; the start page has a Dutch explanation for each. */
export type SignInRefusal = 'state' | 'token' | 'niet-toegestaan' | 'verlopen' | 'provider'

export interface OidcPluginOptions extends OidcConfig {
  /** PUBLIC_URL (a function when only known after listen): the callback is `<PUBLIC_URL>/auth/callback`. */
  publicUrl: () => string
  secureCookie: boolean
  now?: () => number
}

export const LOGIN_COOKIE = 'sb_login'
const CALLBACK_PATH = '/auth/callback'
/** Time to sign in at the provider (a password manager, a second factor). */
const LOGIN_ATTEMPT_MS = 10 * 60 * 1000
const SCOPE = 'openid email profile'
const MAX_RETURN_TO = 2000
const MAX_NAME = 200
const MAX_EMAIL = 320
const MAX_SUBJECT = 255

/**
 * A path on this server to go to after sign-in, or `/`. Only a same-origin path: no scheme, no
 * `//host`, no backslash (browsers read `/\host` as `//host`), no control characters.
 */
export function safeReturnTo(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_RETURN_TO) return '/'
  // eslint-disable-next-line no-control-regex
  if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(raw)) return '/'
  const base = 'http://samenbord.invalid'
  let url: URL
  try {
    url = new URL(raw, base)
  } catch {
    return '/'
  }
  if (url.origin !== base) return '/'
  // The sign-in routes themselves would go round in circles.
  if (url.pathname.startsWith('/auth/')) return '/'
  return `${url.pathname}${url.search}${url.hash}`
}

/** Control characters out, length capped: names and addresses end up on screens and in logs. */
function cleanText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  return text.length === 0 ? null : text.slice(0, max)
}

/** The groups or roles claim as a list: an array of strings, or one string. */
function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string')
  return []
}

/**
 * Whether the provider's claims meet the rule of OIDC_ALLOWED_DOMAINS and OIDC_ALLOWED_GROUPS
 * (both, when both are set). An address the provider marks unverified never counts.
 */
export function isAllowed(claims: Record<string, unknown>, rule: Pick<OidcConfig, 'allowedDomains' | 'allowedGroups' | 'groupsClaim'>): boolean {
  if (rule.allowedDomains.length > 0) {
    const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null
    if (email === null || claims.email_verified === false) return false
    const domain = email.slice(email.lastIndexOf('@') + 1)
    if (!email.includes('@') || !rule.allowedDomains.includes(domain)) return false
  }
  if (rule.allowedGroups.length > 0) {
    const groups = claimValues(claims[rule.groupsClaim])
    if (!groups.some((group) => rule.allowedGroups.includes(group))) return false
  }
  return true
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]'
}

export const oidcPlugin: FastifyPluginAsync<OidcPluginOptions> = async (app: FastifyInstance, options) => {
  const now = options.now ?? Date.now
  const issuer = new URL(options.issuer)
  const redirectUri = () => `${options.publicUrl()}${CALLBACK_PATH}`

  // Discovered on first use and kept; a failure is tried again at the next sign-in, so a provider
  // that was down at start does not need a restart.
  let discovered: Promise<client.Configuration> | null = null
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(issuer, options.clientId, options.clientSecret, undefined, {
        // config.ts allows http only for a provider on this machine.
        // The ID token's signature is checked too, against the provider's published keys: the
        // specification lets TLS to the token endpoint stand in for it, we do not rely on that alone.
        execute: [...(issuer.protocol === 'http:' && isLoopback(issuer) ? [client.allowInsecureRequests] : []), client.enableNonRepudiationChecks],
        timeout: 10,
      })
      .catch((error: unknown) => {
        discovered = null
        throw error
      })
    return discovered
  }
  app.addHook('onReady', async () => {
    // Early warning for a wrong OIDC_ISSUER; the server starts anyway.
    configuration().catch((error: Error) => app.log.warn({ issuer: options.issuer, err: { message: error.message } }, 'OpenID provider not reachable (yet)'))
  })

  const loginCookie = (value: string, maxAgeSeconds: number) => cookieString(LOGIN_COOKIE, value, { path: CALLBACK_PATH, maxAgeSeconds, secure: options.secureCookie })

  const refuse = (request: FastifyRequest, reply: FastifyReply, reason: SignInRefusal, detail: Record<string, unknown> = {}) => {
    request.log.info({ reason, ...detail }, 'sign-in refused')
    return reply.redirect(`/?aanmelden=geweigerd&reden=${reason}`, 302)
  }

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store')
    return payload
  })

  app.get<{ Querystring: { returnTo?: string } }>('/auth/login', async (request, reply) => {
    let config: client.Configuration
    try {
      config = await configuration()
    } catch (error) {
      return refuse(request, reply, 'provider', { err: { message: (error as Error).message } })
    }
    const attemptId = randomId()
    const state = client.randomState()
    const nonce = client.randomNonce()
    const codeVerifier = client.randomPKCECodeVerifier()
    await app.store.putLoginAttempt({
      idHash: sha256(attemptId),
      state,
      nonce,
      codeVerifier,
      returnTo: safeReturnTo(request.query.returnTo),
      expiresAt: now() + LOGIN_ATTEMPT_MS,
    })
    const target = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(),
      scope: SCOPE,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    })
    appendSetCookie(reply, loginCookie(attemptId, LOGIN_ATTEMPT_MS / 1000))
    return reply.redirect(target.href, 302)
  })

  app.get<{ Querystring: Record<string, string | undefined> }>(CALLBACK_PATH, async (request, reply) => {
    // Whatever happens next, this sign-in attempt is over.
    appendSetCookie(reply, loginCookie('', 0))
    const attemptId = readCookie(request, LOGIN_COOKIE)
    // No cookie: this browser did not start the sign-in (someone else's code pushed onto it).
    if (attemptId === null || attemptId === '') return refuse(request, reply, 'state', { why: 'no login cookie' })
    const attempt = await app.store.takeLoginAttempt(sha256(attemptId))
    if (attempt === null) return refuse(request, reply, 'state', { why: 'unknown or used sign-in' })
    if (request.query.state !== attempt.state) return refuse(request, reply, 'state', { why: 'state mismatch' })
    if (attempt.expiresAt <= now()) return refuse(request, reply, 'verlopen')
    if (typeof request.query.error === 'string') {
      return refuse(request, reply, request.query.error === 'access_denied' ? 'niet-toegestaan' : 'token', { providerError: request.query.error.slice(0, 100) })
    }

    let config: client.Configuration
    try {
      config = await configuration()
    } catch (error) {
      return refuse(request, reply, 'provider', { err: { message: (error as Error).message } })
    }
    // The URL as the provider sent the browser to it: PUBLIC_URL's, whatever Host a proxy passed on.
    const currentUrl = new URL(`${redirectUri()}${request.url.slice(request.url.indexOf('?') === -1 ? request.url.length : request.url.indexOf('?'))}`)
    let claims: Record<string, unknown>
    let accessToken: string
    try {
      // Checks state, the code (with the PKCE verifier), and the ID token: signature, iss, aud, nonce, expiry.
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      })
      claims = { ...(tokens.claims() as Record<string, unknown>) }
      accessToken = tokens.access_token
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string }
      return refuse(request, reply, 'token', { err: { code, message } })
    }

    const sub = cleanText(claims.sub, MAX_SUBJECT)
    if (sub === null) return refuse(request, reply, 'token', { why: 'no sub' })
    // Some providers put e-mail and groups only in userinfo: ask there for what the rule needs.
    const missing =
      (options.allowedDomains.length > 0 && claims.email === undefined) ||
      (options.allowedGroups.length > 0 && claims[options.groupsClaim] === undefined) ||
      (claims.name === undefined && claims.email === undefined)
    if (missing && config.serverMetadata().userinfo_endpoint !== undefined) {
      try {
        const info = await client.fetchUserInfo(config, accessToken, claims.sub as string)
        claims = { ...info, ...claims }
      } catch (error) {
        request.log.warn({ err: { message: (error as Error).message } }, 'userinfo not available')
      }
    }
    if (!isAllowed(claims, options)) return refuse(request, reply, 'niet-toegestaan', { subject: `oidc:${sub}` })

    const email = cleanText(claims.email, MAX_EMAIL)
    const account: Account = {
      subject: `oidc:${sub}`,
      name: cleanText(claims.name, MAX_NAME) ?? cleanText(claims.preferred_username, MAX_NAME) ?? email ?? 'Begeleider',
      email,
      kind: 'oidc',
      beheerder: false,
    }
    await app.sessions.start(request, reply, account)
    return reply.redirect(attempt.returnTo, 302)
  })
}
