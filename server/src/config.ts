import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Config {
  port: number
  host: string
  /** Absolute path; created if missing. */
  dataDir: string
  /** Base URL used to build capability links, without a trailing slash. */
  publicUrl: string
  /**
   * True when PUBLIC_URL was not set: links then use http://localhost:<bound port>, so
   * PORT=0 (tests) still gives working links.
   */
  publicUrlIsDefault: boolean
  /** HMAC key for capability tokens. */
  secret: string
  maxMessageBytes: number
  /**
   * Largest back-up file `POST /api/boards/restore` reads (MAX_BACKUP_BYTES). Refused with 413
   * from Content-Length before the body is read, and cut off at this many bytes when streamed.
   */
  maxBackupBytes: number
  tldrawLicenseKey: string | null
  linkTtlDays: number
  /** An empty room is unloaded (flushed, compacted, destroyed) after this long. */
  roomIdleMs: number
  /** Absolute path of the built client (index.html + assets/). */
  clientDir: string
  limits: Limits
  /** Boards idle longer than this many days are deleted (AVG storage limitation). */
  retentionDays: number
  retentionSweepMs: number
  /** postgres://… : store in PostgreSQL instead of SQLite in DATA_DIR. */
  databaseUrl: string | null
  /** PostgreSQL schema for the tables (DATABASE_SCHEMA, default public). */
  databaseSchema: string
  /** redis://… : fan-out between several relay instances. */
  redisUrl: string | null
  /**
   * Behind a reverse proxy: trust X-Forwarded-For from it, so limits per address see the
   * client's address. true = trust any hop; a list = only these proxy addresses.
   */
  trustProxy: boolean | string[]
  rateLimits: RateLimits
  /** Who may create and restore boards: organisation sign-in (OIDC) or the embedded local beheerder. */
  auth: AuthConfig
}

/**
 * Sign-in for facilitators. With OIDC_ISSUER: OpenID Connect against the organisation's provider.
 * Without it: the local beheerder (a one-time set-up link printed on start) and their invitees.
 */
export interface AuthConfig {
  oidc: OidcConfig | null
  /** A session ends this many hours after sign-in (SESSION_TTL_HOURS). */
  sessionTtlHours: number
  /** A local invite link works this many hours (INVITE_TTL_HOURS). */
  inviteTtlHours: number
  /**
   * RESET_BEHEERDER=true: print a set-up link on start even though a beheerder exists; it signs
   * that browser in as the existing beheerder and ends the beheerder's other sessions.
   */
  resetBeheerder: boolean
}

export interface OidcConfig {
  /** The issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string
  clientId: string
  clientSecret: string
  /** Lower-case e-mail domains that may sign in; empty: any. */
  allowedDomains: string[]
  /** Values of `groupsClaim` of which the user needs at least one; empty: any. */
  allowedGroups: string[]
  /** The ID token (or userinfo) claim holding groups or roles (OIDC_GROUPS_CLAIM). */
  groupsClaim: string
  /** Shown on the sign-in button, e.g. "Gemeente-account" (OIDC_PROVIDER_NAME); null: the client's own words. */
  providerName: string | null
}

/**
 * HTTP requests per client address (request.ip, so behind TRUST_PROXY the client's), counted in
 * fixed windows; see server/src/http/rate-limits.ts. The websocket has its own limits (Limits).
 */
export interface RateLimits {
  /** Requests a minute to the API; the client's files count separately, against the same number. */
  perMinute: number
  /** New boards (POST /api/boards) an hour. */
  createPerHour: number
  /** Back-ups restored (POST /api/boards/restore) an hour. */
  restorePerHour: number
  /** Downloads a minute from each export route (back-up, verslag data). */
  exportPerMinute: number
  /** Sign-in attempts a minute (set-up code, invite, OIDC login and callback): a code cannot be guessed by the thousand. */
  signInPerMinute: number
}

/** Abuse and capacity limits; every one is an environment variable (see README). */
export interface Limits {
  /** Sustained frames per second per socket (token bucket refill rate). */
  maxMessagesPerSecond: number
  /** Bucket size: how many frames a socket may send in one burst. */
  messageBurst: number
  maxConnectionsPerBoard: number
  maxConnectionsPerIp: number
  maxBoards: number
  /** Documents per board, the main document included (sub-documents are `boardId.kind.id`). */
  maxDocsPerBoard: number
  /** A socket whose unsent output exceeds this is closed (1013) instead of buffering without bound. */
  maxBufferedBytes: number
  /** All loaded documents of one board together; a write past it is refused with 4413. */
  maxBoardBytes: number
  /** One sub-document (role card, preparation, consent); a write past it is refused with 4413. */
  maxSubDocBytes: number
  /** A socket's own presence state in one awareness frame; larger closes with 4413. */
  maxAwarenessBytes: number
}

type Env = Record<string, string | undefined>

export const SECRET_FILE_NAME = 'secret'
/** DATA_DIR: only the server's user may list or enter it. */
const PRIVATE_DIR_MODE = 0o700
const MIN_SECRET_LENGTH = 16
const DEFAULT_MAX_MESSAGE_BYTES = 2 * 1024 * 1024
/**
 * A back-up file holds every document as base64, pictures included, so a picture costs 4/3 of
 * its size in the board (which is itself a base64 data URL). The client fits each picture under
 * MAX_MESSAGE_BYTES (2 MiB; a phone photo lands at 1.5–2 MiB). A year of heavy use, a session a
 * fortnight with a photo or two, is some 25–30 photos: 40–50 MiB on the board, 55–65 MiB as a
 * back-up; text, shapes and role cards are a few hundred KiB besides. 64 MiB keeps that
 * restorable, so the cap is not lowered; checking the file in a child process with its own heap
 * limit and clock (http/backup-check-worker.ts) is what keeps a file of that size from hurting
 * the server.
 */
// A back-up carries the board as base64 in JSON (4/3 of its size): room for a full MAX_BOARD_BYTES board and a little.
const DEFAULT_MAX_BACKUP_BYTES = 96 * 1024 * 1024

/**
 * Reads the configuration from environment variables. Throws an Error naming the variable
 * when a value is unusable, so a misconfigured deployment fails at start, not at first use.
 */
export function loadConfig(env: Env = process.env): Config {
  const port = readInteger(env, 'PORT', 8080, 0, 65535)
  const host = readString(env, 'HOST') ?? '0.0.0.0'
  const dataDir = resolve(readString(env, 'DATA_DIR') ?? './data')
  try {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE })
  } catch (error) {
    throw new Error(`DATA_DIR: cannot create directory ${dataDir}: ${(error as Error).message}`)
  }
  // A shared folder such as /tmp is never made private (as root that would lock others out).
  if ((statSync(dataDir).mode & 0o1000) !== 0) throw new Error(`DATA_DIR: ${dataDir} is a shared folder (sticky bit); give the server a folder of its own`)
  try {
    // Also an existing folder: what is in it (database, secret) is for the server's user alone.
    chmodSync(dataDir, PRIVATE_DIR_MODE)
  } catch (error) {
    throw new Error(`DATA_DIR: cannot make ${dataDir} private (mode 0700); the server's user must own it: ${(error as Error).message}`)
  }
  const publicUrl = readPublicUrl(env, port)
  const secret = readSecret(env, dataDir)
  const maxMessageBytes = readInteger(env, 'MAX_MESSAGE_BYTES', DEFAULT_MAX_MESSAGE_BYTES, 1024, 256 * 1024 * 1024)
  const maxBackupBytes = readInteger(env, 'MAX_BACKUP_BYTES', DEFAULT_MAX_BACKUP_BYTES, 64 * 1024, 512 * 1024 * 1024)
  const tldrawLicenseKey = readString(env, 'TLDRAW_LICENSE_KEY') ?? null
  const linkTtlDays = readInteger(env, 'LINK_TTL_DAYS', 180, 1, 100 * 365)
  const roomIdleMs = readInteger(env, 'ROOM_IDLE_MS', 15_000, 0, 24 * 60 * 60 * 1000)
  const clientDirEnv = readString(env, 'CLIENT_DIR')
  const clientDir = clientDirEnv
    ? resolve(clientDirEnv)
    : fileURLToPath(new URL('../../client/dist/', import.meta.url))

  const maxMessagesPerSecond = readInteger(env, 'MAX_MESSAGES_PER_SECOND', 300, 1, 1_000_000)
  const limits: Limits = {
    maxMessagesPerSecond,
    messageBurst: readInteger(env, 'MESSAGE_BURST', Math.max(maxMessagesPerSecond * 2, 600), 1, 10_000_000),
    maxConnectionsPerBoard: readInteger(env, 'MAX_CONNECTIONS_PER_BOARD', 100, 1, 1_000_000),
    maxConnectionsPerIp: readInteger(env, 'MAX_CONNECTIONS_PER_IP', 200, 1, 1_000_000),
    maxBoards: readInteger(env, 'MAX_BOARDS', 100_000, 1, 1_000_000_000),
    maxDocsPerBoard: readInteger(env, 'MAX_DOCS_PER_BOARD', 100, 1, 1_000_000),
    maxBufferedBytes: readInteger(env, 'MAX_BUFFERED_BYTES', 16 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
    // A year of weekly sessions with a handful of pictures each (the client shrinks a picture to
    // fit one message, most photos land at 1-2 MB) stays below this; an attacker's junk stops here.
    // A full board still fits in a back-up of the default MAX_BACKUP_BYTES.
    maxBoardBytes: readInteger(env, 'MAX_BOARD_BYTES', 64 * 1024 * 1024, 64 * 1024, 4 * 1024 * 1024 * 1024),
    maxSubDocBytes: readInteger(env, 'MAX_SUBDOC_BYTES', 256 * 1024, 4 * 1024, 64 * 1024 * 1024),
    maxAwarenessBytes: readInteger(env, 'MAX_AWARENESS_BYTES', 64 * 1024, 1024, 256 * 1024 * 1024),
  }

  if (readString(env, 'REDIS_URL') !== undefined && readString(env, 'DATABASE_URL') === undefined) {
    throw new Error('REDIS_URL needs DATABASE_URL: several instances must share one PostgreSQL store')
  }

  return {
    port,
    host,
    dataDir,
    publicUrl,
    publicUrlIsDefault: readString(env, 'PUBLIC_URL') === undefined,
    secret,
    maxMessageBytes,
    maxBackupBytes,
    tldrawLicenseKey,
    linkTtlDays,
    roomIdleMs,
    clientDir,
    limits,
    retentionDays: readInteger(env, 'RETENTION_DAYS', 90, 1, 100 * 365),
    databaseUrl: readDatabaseUrl(env),
    databaseSchema: readSchema(env),
    redisUrl: readRedisUrl(env),
    trustProxy: readTrustProxy(env),
    retentionSweepMs: readInteger(env, 'RETENTION_SWEEP_MS', 60 * 60 * 1000, 1000, 7 * 24 * 60 * 60 * 1000),
    rateLimits: readRateLimits(env),
    auth: readAuth(env),
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

function readAuth(env: Env): AuthConfig {
  return {
    oidc: readOidc(env),
    sessionTtlHours: readInteger(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 31),
    inviteTtlHours: readInteger(env, 'INVITE_TTL_HOURS', 7 * 24, 1, 24 * 31),
    resetBeheerder: readBoolean(env, 'RESET_BEHEERDER'),
  }
}

function readOidc(env: Env): OidcConfig | null {
  const issuerRaw = readString(env, 'OIDC_ISSUER')
  const others = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ALLOWED_DOMAINS', 'OIDC_ALLOWED_GROUPS', 'OIDC_GROUPS_CLAIM', 'OIDC_PROVIDER_NAME']
  if (issuerRaw === undefined) {
    // A half-done set-up must not quietly fall back to the local beheerder.
    const stray = others.filter((name) => readString(env, name) !== undefined)
    if (stray.length > 0) throw new Error(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but OIDC_ISSUER is not`)
    return null
  }
  let issuer: URL
  try {
    issuer = new URL(issuerRaw)
  } catch {
    throw new Error(`OIDC_ISSUER must be an absolute https URL, got "${issuerRaw}"`)
  }
  // Plain http only to this machine (a provider in a test, a Keycloak on a laptop): tokens must not cross a network unencrypted.
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && LOOPBACK_HOSTS.has(issuer.hostname))) {
    throw new Error(`OIDC_ISSUER must start with https:// (http:// only for localhost), got "${issuerRaw}"`)
  }
  if (issuer.search || issuer.hash) throw new Error(`OIDC_ISSUER must not contain a query or fragment, got "${issuerRaw}"`)
  const clientId = readString(env, 'OIDC_CLIENT_ID')
  if (clientId === undefined) throw new Error('OIDC_CLIENT_ID is required with OIDC_ISSUER')
  const clientSecret = readString(env, 'OIDC_CLIENT_SECRET')
  if (clientSecret === undefined) throw new Error('OIDC_CLIENT_SECRET is required with OIDC_ISSUER')
  const allowedDomains = readList(env, 'OIDC_ALLOWED_DOMAINS').map((domain) => domain.toLowerCase().replace(/^@/, ''))
  for (const domain of allowedDomains) {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw new Error(`OIDC_ALLOWED_DOMAINS: "${domain}" is not an e-mail domain such as gemeente.nl`)
  }
  const groupsClaim = readString(env, 'OIDC_GROUPS_CLAIM') ?? 'groups'
  if (!/^[A-Za-z0-9_:.\/-]{1,100}$/.test(groupsClaim)) throw new Error(`OIDC_GROUPS_CLAIM must be a claim name, got "${groupsClaim}"`)
  return {
    // As the provider spells it: the ID token's iss must equal it exactly (a trailing slash counts).
    issuer: issuerRaw,
    clientId,
    clientSecret,
    allowedDomains,
    allowedGroups: readList(env, 'OIDC_ALLOWED_GROUPS'),
    groupsClaim,
    providerName: readString(env, 'OIDC_PROVIDER_NAME') ?? null,
  }
}

/** A comma-separated list, entries trimmed, empty ones dropped. */
function readList(env: Env, name: string): string[] {
  return (readString(env, name) ?? '').split(',').map((part) => part.trim()).filter(Boolean)
}

function readBoolean(env: Env, name: string): boolean {
  const raw = readString(env, name)
  if (raw === undefined || raw === 'false' || raw === '0') return false
  if (raw === 'true' || raw === '1') return true
  throw new Error(`${name} must be true or false, got "${raw}"`)
}

function readRateLimits(env: Env): RateLimits {
  return {
    // A room of 30 behind one NAT address, every panel open, polls 3,600 times a minute.
    perMinute: readInteger(env, 'RATE_LIMIT_PER_MINUTE', 10_000, 1, 100_000_000),
    // A whole team preparing its boards at once; a flood gets 100, not 450 a second.
    createPerHour: readInteger(env, 'CREATE_LIMIT_PER_HOUR', 100, 1, 100_000_000),
    restorePerHour: readInteger(env, 'RESTORE_LIMIT_PER_HOUR', 20, 1, 100_000_000),
    exportPerMinute: readInteger(env, 'EXPORT_LIMIT_PER_MINUTE', 20, 1, 100_000_000),
    // A team signing in at nine from one office address: each sign-in costs two (login, callback).
    signInPerMinute: readInteger(env, 'SIGN_IN_LIMIT_PER_MINUTE', 60, 1, 100_000_000),
  }
}

function readTrustProxy(env: Env): boolean | string[] {
  const raw = readString(env, 'TRUST_PROXY')
  if (raw === undefined || raw === 'false') return false
  if (raw === 'true') return true
  return raw.split(',').map((part) => part.trim()).filter(Boolean)
}

function readSchema(env: Env): string {
  const raw = readString(env, 'DATABASE_SCHEMA') ?? 'public'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new Error(`DATABASE_SCHEMA must be a lower-case SQL identifier, got "${raw}"`)
  return raw
}

function readRedisUrl(env: Env): string | null {
  const raw = readString(env, 'REDIS_URL')
  if (raw === undefined) return null
  if (!/^rediss?:\/\//.test(raw)) throw new Error('REDIS_URL must start with redis:// or rediss://')
  return raw
}

function readDatabaseUrl(env: Env): string | null {
  const raw = readString(env, 'DATABASE_URL')
  if (raw === undefined) return null
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://')
  return raw
}

/** A set variable with surrounding whitespace removed; empty counts as unset. */
function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value ? value : undefined
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readString(env, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw)) {
    throw new Error(`${name} must be a whole number, got "${raw}"`)
  }
  const value = Number(raw)
  if (value < min || value > max) {
    throw new Error(`${name} must be between ${min} and ${max}, got ${value}`)
  }
  return value
}

function readPublicUrl(env: Env, port: number): string {
  const raw = readString(env, 'PUBLIC_URL') ?? `http://localhost:${port}`
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`PUBLIC_URL must be an absolute http(s) URL, got "${raw}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`PUBLIC_URL must start with http:// or https://, got "${raw}"`)
  }
  if (url.search || url.hash) {
    throw new Error(`PUBLIC_URL must not contain a query or fragment, got "${raw}"`)
  }
  return url.href.replace(/\/+$/, '')
}

/**
 * SECRET from the environment, else the one kept in DATA_DIR/secret, else a new random one
 * written there (mode 0600) so links stay valid across restarts.
 */
function readSecret(env: Env, dataDir: string): string {
  const fromEnv = readString(env, 'SECRET')
  if (fromEnv !== undefined) {
    if (fromEnv.length < MIN_SECRET_LENGTH) {
      throw new Error(`SECRET must be at least ${MIN_SECRET_LENGTH} characters long`)
    }
    return fromEnv
  }
  const file = join(dataDir, SECRET_FILE_NAME)
  if (existsSync(file)) {
    try {
      chmodSync(file, 0o600)
    } catch (error) {
      throw new Error(`SECRET: cannot make ${file} private (mode 0600): ${(error as Error).message}`)
    }
    const stored = readFileSync(file, 'utf8').trim()
    if (stored.length < MIN_SECRET_LENGTH) {
      throw new Error(`SECRET: the file ${file} is empty or too short; delete it to generate a new secret`)
    }
    return stored
  }
  const generated = randomBytes(32).toString('base64url')
  // 'wx' fails if another process created the file meanwhile; then use theirs.
  try {
    writeFileSync(file, generated + '\n', { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim()
    throw new Error(`SECRET: cannot write ${file}: ${(error as Error).message}`)
  }
  return generated
}
