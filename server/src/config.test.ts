import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
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

  it.each([
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
