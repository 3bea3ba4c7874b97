import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { connectClient, createBoard, disposeAll, makeTempDir, startServer, ticketUrl, waitForSynced } from './helpers.ts'

afterEach(disposeAll)

/** A server with a stand-in client build, so HTML is served. */
async function serverWithClient(env: Record<string, string> = {}) {
  const clientDir = join(makeTempDir(), 'client')
  mkdirSync(join(clientDir, 'assets'), { recursive: true })
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>Samenbord</title><script type="module" src="/assets/app.js"></script>')
  writeFileSync(join(clientDir, 'assets', 'app.js'), 'console.log(1)')
  return startServer({ env: { CLIENT_DIR: clientDir, ...env } })
}

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/)
      return [name, values.join(' ')]
    }),
  )
}

describe('security headers', () => {
  it('sends a strict CSP on HTML and the other hardening headers everywhere', async () => {
    const server = await serverWithClient()
    for (const path of ['/', '/b/SomeBoardIdHere12345']) {
      const response = await fetch(`${server.httpUrl}${path}`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      const csp = directives(response.headers.get('content-security-policy') ?? '')
      expect(csp.get('default-src')).toBe("'self'")
      expect(csp.get('script-src')).toBe("'self'") // no 'unsafe-inline', no 'unsafe-eval'
      expect(csp.get('style-src')).toBe("'self' 'unsafe-inline'")
      expect(csp.get('img-src')).toBe("'self' data: blob:")
      expect(csp.get('font-src')).toBe("'self' data:")
      expect(csp.get('worker-src')).toBe("'self' blob:")
      expect(csp.get('object-src')).toBe("'none'")
      expect(csp.get('base-uri')).toBe("'none'")
      expect(csp.get('frame-ancestors')).toBe("'none'")
      const connect = csp.get('connect-src')!.split(' ')
      expect(connect).toContain("'self'")
      expect(connect).toContain(`ws://127.0.0.1:${server.port}`) // the Host the request used
      expect(connect).toContain(`wss://localhost:${server.port}`) // PUBLIC_URL's host
      expect(connect.every((source) => source === "'self'" || /^wss?:\/\/(127\.0\.0\.1|localhost):\d+$/.test(source))).toBe(true)
    }
    for (const path of ['/', '/api/config', '/healthz', '/assets/app.js', '/api/nope']) {
      const response = await fetch(`${server.httpUrl}${path}`, { headers: { origin: 'https://evil.example' } })
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer')
      expect(response.headers.get('permissions-policy'), path).toMatch(/camera=\(\)/)
      expect(response.headers.get('cross-origin-opener-policy'), path).toBe('same-origin')
      expect(response.headers.get('strict-transport-security'), path).toBeNull() // plain http here
      // CORS closed: no Access-Control-* at all, also not for a cross-origin request.
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-')), path).toEqual([])
    }
    const preflight = await fetch(`${server.httpUrl}/api/boards`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('sends HSTS when PUBLIC_URL is https', async () => {
    const server = await serverWithClient({ PUBLIC_URL: 'https://bord.example.nl' })
    const response = await fetch(`${server.httpUrl}/`)
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/)
    expect(response.headers.get('content-security-policy')).toContain('wss://bord.example.nl')
  })
})

describe('websocket origin check', () => {
  function tryOpen(url: string, origin?: string): Promise<{ opened: boolean; status?: number }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, origin === undefined ? {} : { origin })
      ws.once('open', () => {
        ws.terminate()
        resolve({ opened: true })
      })
      ws.once('unexpected-response', (_request, response) => {
        resolve({ opened: false, status: response.statusCode })
        ws.terminate()
      })
      ws.once('error', () => resolve({ opened: false }))
    })
  }

  it('refuses upgrades from a foreign Origin with 403; same host, PUBLIC_URL and no Origin are fine', async () => {
    const server = await startServer({ env: { PUBLIC_URL: 'https://bord.example.nl' } })
    const board = await createBoard(server.httpUrl)
    // A fresh single-use ticket for every attempt.
    const url = () => ticketUrl(server, board.id, board.tokens.participant)
    expect(await tryOpen(await url(), 'https://evil.example')).toEqual({ opened: false, status: 403 })
    expect(await tryOpen(await url(), `http://localhost:${server.port}`)).toEqual({ opened: false, status: 403 }) // other host than requested
    expect(await tryOpen(await url(), 'null')).toEqual({ opened: false, status: 403 })
    expect(await tryOpen(await url(), `http://127.0.0.1:${server.port}`)).toEqual({ opened: true })
    expect(await tryOpen(await url(), 'https://bord.example.nl')).toEqual({ opened: true })
    expect(await tryOpen(await url())).toEqual({ opened: true })
    expect(server.app.rooms.roomCount).toBeLessThanOrEqual(1)
    // The stock Node client sends no Origin and syncs as before.
    await waitForSynced(connectClient(server.wsUrl, board.id, board.tokens.participant))
  })
})
