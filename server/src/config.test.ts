import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from './config.ts'

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-config-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('loadConfig', () => {
  it('has sensible defaults', () => {
    const dataDir = tempDir()
    const config = loadConfig({ DATA_DIR: dataDir })
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir,
      publicUrl: 'http://localhost:8080',
      publicUrlIsDefault: true,
      maxMessageBytes: 2 * 1024 * 1024,
      tldrawLicenseKey: null,
      linkTtlDays: 180,
      roomIdleMs: 15_000,
    })
    expect(config.clientDir).toBe(fileURLToPath(new URL('../../client/dist/', import.meta.url)))
  })

  it('creates DATA_DIR, resolved against the working directory', () => {
    const parent = tempDir()
    const config = loadConfig({ DATA_DIR: join(parent, 'nested', 'data') })
    expect(statSync(config.dataDir).isDirectory()).toBe(true)
    expect(loadConfig({ DATA_DIR: 'relative-dir-test' }).dataDir).toBe(join(process.cwd(), 'relative-dir-test'))
    rmSync(join(process.cwd(), 'relative-dir-test'), { recursive: true, force: true })
  })

  it('generates a secret once (mode 0600) and reuses it', () => {
    const dataDir = tempDir()
    const first = loadConfig({ DATA_DIR: dataDir })
    const file = join(dataDir, 'secret')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret)
    expect(first.secret.length).toBeGreaterThanOrEqual(43) // 32 random bytes
    expect(loadConfig({ DATA_DIR: dataDir }).secret).toBe(first.secret)
    expect(loadConfig({ DATA_DIR: tempDir() }).secret).not.toBe(first.secret)
  })

  it('prefers SECRET from the environment', () => {
    const config = loadConfig({ DATA_DIR: tempDir(), SECRET: 'a-long-enough-secret-value' })
    expect(config.secret).toBe('a-long-enough-secret-value')
  })

  it('reads every variable', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      PORT: '0',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://bord.example.nl/',
      MAX_MESSAGE_BYTES: '65536',
      TLDRAW_LICENSE_KEY: 'key',
      LINK_TTL_DAYS: '30',
      ROOM_IDLE_MS: '0',
      CLIENT_DIR: '/srv/client',
    })
    expect(config).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      publicUrl: 'https://bord.example.nl',
      publicUrlIsDefault: false,
      maxMessageBytes: 65536,
      tldrawLicenseKey: 'key',
      linkTtlDays: 30,
      roomIdleMs: 0,
      clientDir: '/srv/client',
    })
  })

  it('has limits, retention and scale-out defaults, and reads them', () => {
    const defaults = loadConfig({ DATA_DIR: tempDir() })
    expect(defaults.limits).toEqual({
      maxMessagesPerSecond: 300,
      messageBurst: 600,
      maxConnectionsPerBoard: 100,
      maxConnectionsPerIp: 200,
      maxBoards: 100_000,
      maxDocsPerBoard: 100,
      maxBufferedBytes: 16 * 1024 * 1024,
      maxBoardBytes: 64 * 1024 * 1024,
      maxSubDocBytes: 256 * 1024,
      maxAwarenessBytes: 64 * 1024,
    })
    expect(defaults).toMatchObject({ retentionDays: 90, retentionSweepMs: 3_600_000, databaseUrl: null, databaseSchema: 'public', redisUrl: null, trustProxy: false })
    const set = loadConfig({
      DATA_DIR: tempDir(),
      MAX_MESSAGES_PER_SECOND: '50',
      MESSAGE_BURST: '70',
      MAX_CONNECTIONS_PER_BOARD: '3',
      MAX_CONNECTIONS_PER_IP: '4',
      MAX_BOARDS: '5',
      MAX_DOCS_PER_BOARD: '6',
      MAX_BUFFERED_BYTES: '65536',
      MAX_BOARD_BYTES: '1048576',
      MAX_SUBDOC_BYTES: '8192',
      MAX_AWARENESS_BYTES: '2048',
      RETENTION_DAYS: '30',
      RETENTION_SWEEP_MS: '60000',
      DATABASE_URL: 'postgres://u@db:5432/sb',
      DATABASE_SCHEMA: 'samenbord',
      REDIS_URL: 'redis://cache:6379',
      TRUST_PROXY: 'true',
    })
    expect(set.limits).toEqual({
      maxMessagesPerSecond: 50,
      messageBurst: 70,
      maxConnectionsPerBoard: 3,
      maxConnectionsPerIp: 4,
      maxBoards: 5,
      maxDocsPerBoard: 6,
      maxBufferedBytes: 65536,
      maxBoardBytes: 1048576,
      maxSubDocBytes: 8192,
      maxAwarenessBytes: 2048,
    })
    expect(set).toMatchObject({
      retentionDays: 30,
      retentionSweepMs: 60000,
      databaseUrl: 'postgres://u@db:5432/sb',
      databaseSchema: 'samenbord',
      redisUrl: 'redis://cache:6379',
      trustProxy: true,
    })
    expect(loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).trustProxy).toEqual(['10.0.0.1', '10.0.0.2'])
    expect(loadConfig({ DATA_DIR: tempDir(), MAX_MESSAGES_PER_SECOND: '1000' }).limits.messageBurst).toBe(2000)
  })

  it('caps back-up files at 96 MiB (a full 64 MiB board as base64) unless MAX_BACKUP_BYTES says otherwise, within 64 KiB and 512 MiB', () => {
    expect(loadConfig({ DATA_DIR: tempDir() }).maxBackupBytes).toBe(96 * 1024 * 1024)
    expect(loadConfig({ DATA_DIR: tempDir(), MAX_BACKUP_BYTES: '1048576' }).maxBackupBytes).toBe(1024 * 1024)
    for (const value of ['65535', String(512 * 1024 * 1024 + 1), '64MB']) {
      expect(() => loadConfig({ DATA_DIR: tempDir(), MAX_BACKUP_BYTES: value }), value).toThrow(/MAX_BACKUP_BYTES/)
    }
  })

  it('has HTTP rate limits per address with generous defaults, and reads them', () => {
    expect(loadConfig({ DATA_DIR: tempDir() }).rateLimits).toEqual({ perMinute: 10_000, createPerHour: 100, restorePerHour: 20, exportPerMinute: 20, signInPerMinute: 60 })
    const set = loadConfig({
      DATA_DIR: tempDir(),
      RATE_LIMIT_PER_MINUTE: '600',
      CREATE_LIMIT_PER_HOUR: '5',
      RESTORE_LIMIT_PER_HOUR: '2',
      EXPORT_LIMIT_PER_MINUTE: '3',
      SIGN_IN_LIMIT_PER_MINUTE: '4',
    })
    expect(set.rateLimits).toEqual({ perMinute: 600, createPerHour: 5, restorePerHour: 2, exportPerMinute: 3, signInPerMinute: 4 })
    for (const name of ['RATE_LIMIT_PER_MINUTE', 'CREATE_LIMIT_PER_HOUR', 'RESTORE_LIMIT_PER_HOUR', 'EXPORT_LIMIT_PER_MINUTE', 'SIGN_IN_LIMIT_PER_MINUTE']) {
      expect(() => loadConfig({ DATA_DIR: tempDir(), [name]: '0' })).toThrow(name)
      expect(() => loadConfig({ DATA_DIR: tempDir(), [name]: 'veel' })).toThrow(name)
    }
  })

  it('signs in with the local beheerder unless OIDC_ISSUER is set; sessions last 12 hours, invites a week', () => {
    expect(loadConfig({ DATA_DIR: tempDir() }).auth).toEqual({ oidc: null, sessionTtlHours: 12, inviteTtlHours: 168, resetBeheerder: false })
    const set = loadConfig({ DATA_DIR: tempDir(), SESSION_TTL_HOURS: '8', INVITE_TTL_HOURS: '24', RESET_BEHEERDER: 'true' }).auth
    expect(set).toEqual({ oidc: null, sessionTtlHours: 8, inviteTtlHours: 24, resetBeheerder: true })
  })

  it('reads the OpenID Connect settings: issuer, client, and who may sign in', () => {
    const minimal = { DATA_DIR: tempDir(), OIDC_ISSUER: 'https://login.microsoftonline.com/tenant-id/v2.0', OIDC_CLIENT_ID: 'samenbord', OIDC_CLIENT_SECRET: 'geheim' }
    expect(loadConfig(minimal).auth.oidc).toEqual({
      issuer: 'https://login.microsoftonline.com/tenant-id/v2.0',
      clientId: 'samenbord',
      clientSecret: 'geheim',
      allowedDomains: [],
      allowedGroups: [],
      groupsClaim: 'groups',
      providerName: null,
    })
    const full = loadConfig({
      ...minimal,
      OIDC_ALLOWED_DOMAINS: ' Gemeente.nl, @jeugdhulp.example ',
      OIDC_ALLOWED_GROUPS: 'samenbord-begeleiders, 5f1c…-groep',
      OIDC_GROUPS_CLAIM: 'roles',
      OIDC_PROVIDER_NAME: 'Gemeente-account',
    }).auth.oidc
    expect(full).toMatchObject({
      allowedDomains: ['gemeente.nl', 'jeugdhulp.example'],
      allowedGroups: ['samenbord-begeleiders', '5f1c…-groep'],
      groupsClaim: 'roles',
      providerName: 'Gemeente-account',
    })
    // Plain http only to this machine.
    expect(loadConfig({ ...minimal, OIDC_ISSUER: 'http://127.0.0.1:9000/realms/test' }).auth.oidc?.issuer).toBe('http://127.0.0.1:9000/realms/test')
    expect(() => loadConfig({ ...minimal, OIDC_ISSUER: 'http://keycloak.gemeente.nl/realms/x' })).toThrow(/OIDC_ISSUER must start with https/)
    expect(() => loadConfig({ ...minimal, OIDC_ISSUER: 'niet-een-url' })).toThrow(/OIDC_ISSUER/)
    expect(() => loadConfig({ ...minimal, OIDC_CLIENT_ID: '' })).toThrow(/OIDC_CLIENT_ID is required/)
    expect(() => loadConfig({ ...minimal, OIDC_CLIENT_SECRET: '' })).toThrow(/OIDC_CLIENT_SECRET is required/)
    expect(() => loadConfig({ ...minimal, OIDC_ALLOWED_DOMAINS: 'gemeente' })).toThrow(/OIDC_ALLOWED_DOMAINS/)
    // A half-done set-up never falls back to the local beheerder.
    expect(() => loadConfig({ DATA_DIR: tempDir(), OIDC_CLIENT_ID: 'samenbord' })).toThrow(/OIDC_CLIENT_ID is set but OIDC_ISSUER is not/)
    expect(() => loadConfig({ DATA_DIR: tempDir(), RESET_BEHEERDER: 'ja' })).toThrow(/RESET_BEHEERDER/)
    expect(() => loadConfig({ DATA_DIR: tempDir(), SESSION_TTL_HOURS: '0' })).toThrow(/SESSION_TTL_HOURS/)
  })

  it('keeps DATA_DIR and the secret private to the server user (0700, 0600), also when they existed', () => {
    const created = loadConfig({ DATA_DIR: join(tempDir(), 'nieuw') }).dataDir
    expect(statSync(created).mode & 0o777).toBe(0o700)
    const existing = tempDir()
    loadConfig({ DATA_DIR: existing })
    chmodSync(existing, 0o755)
    chmodSync(join(existing, 'secret'), 0o644)
    loadConfig({ DATA_DIR: existing })
    expect(statSync(existing).mode & 0o777).toBe(0o700)
    expect(statSync(join(existing, 'secret')).mode & 0o777).toBe(0o600)
    // A shared folder is refused rather than locked for everyone else.
    const shared = tempDir()
    chmodSync(shared, 0o1777)
    expect(() => loadConfig({ DATA_DIR: shared })).toThrow(/DATA_DIR.*shared folder/)
    expect(statSync(shared).mode & 0o7777).toBe(0o1777)
  })

  it.each([
    ['MAX_MESSAGES_PER_SECOND', '0', /MAX_MESSAGES_PER_SECOND/],
    ['RETENTION_DAYS', 'nooit', /RETENTION_DAYS/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL/],
    ['DATABASE_SCHEMA', 'Drop Table', /DATABASE_SCHEMA/],
    ['REDIS_URL', 'http://x', /REDIS_URL/],
    ['REDIS_URL', 'redis://cache:6379', /REDIS_URL needs DATABASE_URL/],
    ['PORT', 'abc', /PORT/],
    ['PORT', '70000', /PORT/],
    ['PORT', '-1', /PORT/],
    ['MAX_MESSAGE_BYTES', '2MB', /MAX_MESSAGE_BYTES/],
    ['LINK_TTL_DAYS', '0', /LINK_TTL_DAYS/],
    ['ROOM_IDLE_MS', '1.5', /ROOM_IDLE_MS/],
    ['PUBLIC_URL', 'bord.example.nl', /PUBLIC_URL/],
    ['PUBLIC_URL', 'ftp://bord.example.nl', /PUBLIC_URL/],
    ['SECRET', 'kort', /SECRET/],
  ])('refuses %s=%s with an error naming the variable', (name, value, message) => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), [name]: value })).toThrow(message)
  })
})
