import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { signToken } from '@samenbord/server/auth/tokens'
import { MAX_TITLE_LENGTH, ROLES, BOARD_ID_PATTERN } from '@samenbord/shared'
import { connectClient, createBoard, disposeAll, makeTempDir, sessionHeaders, startServer, waitForSynced } from './helpers.ts'

afterEach(disposeAll)

async function getJson(url: string, init?: RequestInit) {
  const response = await fetch(url, init)
  return { status: response.status, headers: response.headers, body: await response.json() }
}

function postBoard(httpUrl: string, body: unknown) {
  return getJson(`${httpUrl}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sessionHeaders(httpUrl) },
    body: JSON.stringify(body),
  })
}

describe('HTTP API', () => {
  it('creates a board with three capability links carrying the token in the fragment', async () => {
    const server = await startServer()
    const { status, headers, body } = await postBoard(server.httpUrl, { title: '  Casus Sam  ' })
    expect(status).toBe(201)
    expect(headers.get('cache-control')).toBe('no-store')
    expect(body.id).toMatch(BOARD_ID_PATTERN)
    expect(body.title).toBe('Casus Sam')
    expect(Object.keys(body.links).sort()).toEqual([...ROLES].sort())
    for (const role of ROLES) {
      const link = new URL(body.links[role])
      expect(link.origin).toBe(`http://localhost:${server.port}`)
      expect(link.pathname).toBe(`/b/${body.id}`)
      expect(link.search).toBe('') // never in the query: that is sent to servers and logged
      expect(link.hash).toBe(`#token=${body.tokens[role]}`)
    }
    expect(new Set(Object.values(body.tokens)).size).toBe(3)

    const other = await postBoard(server.httpUrl, { title: 'Ander' })
    expect(other.body.id).not.toBe(body.id)
  })

  it('uses PUBLIC_URL for links when set', async () => {
    const server = await startServer({ env: { PUBLIC_URL: 'https://bord.example.nl/' } })
    const board = await createBoard(server.httpUrl)
    expect(board.links.viewer).toBe(`https://bord.example.nl/b/${board.id}#token=${board.tokens.viewer}`)
  })

  it('refuses bad titles with 400 and a message', async () => {
    const server = await startServer()
    for (const body of [{}, { title: '' }, { title: '    ' }, { title: 42 }, { title: 'x'.repeat(MAX_TITLE_LENGTH + 1) }, 'tekst']) {
      const response = await postBoard(server.httpUrl, body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.body.error).toBe('bad-request')
      expect(typeof response.body.message).toBe('string')
      expect(response.body.message.length).toBeGreaterThan(0)
      expect(JSON.stringify(response.body)).not.toMatch(/stack|at .*\.ts/)
    }
    expect((await postBoard(server.httpUrl, { title: 'x'.repeat(MAX_TITLE_LENGTH) })).status).toBe(201)
    const notJson = await fetch(`${server.httpUrl}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sessionHeaders(server.httpUrl) },
      body: 'title=x',
    })
    expect(notJson.status).toBe(415)
    expect((await notJson.json()).error).toBe('unsupported-media-type')
  })

  it('GET /api/boards/:id gives each token its role; 401, 403 and 404 otherwise', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl, 'Bord A')
    const other = await createBoard(server.httpUrl, 'Bord B')
    const url = `${server.httpUrl}/api/boards/${board.id}`
    for (const role of ROLES) {
      const { status, body } = await getJson(url, { headers: { authorization: `Bearer ${board.tokens[role]}` } })
      expect(status).toBe(200)
      expect(body).toMatchObject({ id: board.id, title: 'Bord A', role, createdAt: board.createdAt })
    }
    const none = await getJson(url)
    expect(none.status).toBe(401)
    expect(none.body).toEqual({ error: 'unauthenticated', message: expect.any(String) })
    expect((await getJson(url, { headers: { authorization: 'Bearer rommel' } })).status).toBe(401)
    const expired = signToken(server.config.secret, { board: board.id, role: 'viewer', exp: Date.now() - 1 })
    const expiredResponse = await getJson(url, { headers: { authorization: `Bearer ${expired}` } })
    expect(expiredResponse.status).toBe(401)
    expect(expiredResponse.body.message).toMatch(/verlopen/i)
    const forbidden = await getJson(url, { headers: { authorization: `Bearer ${other.tokens.facilitator}` } })
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.error).toBe('forbidden')

    const ghost = 'GhostBoardGhostBoard12'
    const ghostToken = signToken(server.config.secret, { board: ghost, role: 'viewer', exp: Date.now() + 60_000 })
    const missing = await getJson(`${server.httpUrl}/api/boards/${ghost}`, { headers: { authorization: `Bearer ${ghostToken}` } })
    expect(missing.status).toBe(404)
    expect(missing.body.error).toBe('not-found')
  })

  it('GET /api/config hands out the license key, message limit and how facilitators sign in', async () => {
    const plain = await startServer()
    const local = { mode: 'local', providerName: null }
    expect((await getJson(`${plain.httpUrl}/api/config`)).body).toEqual({ tldrawLicenseKey: null, maxMessageBytes: 2 * 1024 * 1024, auth: local })
    const licensed = await startServer({ env: { TLDRAW_LICENSE_KEY: 'tldraw-abc', MAX_MESSAGE_BYTES: '100000' } })
    expect((await getJson(`${licensed.httpUrl}/api/config`)).body).toEqual({ tldrawLicenseKey: 'tldraw-abc', maxMessageBytes: 100000, auth: local })
  })

  it('GET /healthz reports storage, rooms and connections', async () => {
    const server = await startServer()
    const empty = await getJson(`${server.httpUrl}/healthz`)
    expect(empty.status).toBe(200)
    expect(empty.body).toEqual({ status: 'ok', storage: expect.objectContaining({ ok: true, kind: 'sqlite' }), rooms: 0, connections: 0 })
    const board = await createBoard(server.httpUrl)
    await waitForSynced(connectClient(server.wsUrl, board.id, board.tokens.participant))
    await waitForSynced(connectClient(server.wsUrl, board.id, board.tokens.viewer))
    expect((await getJson(`${server.httpUrl}/healthz`)).body).toMatchObject({ rooms: 1, connections: 2 })
  })

  it('answers unknown API routes with a JSON 404', async () => {
    const server = await startServer()
    const response = await getJson(`${server.httpUrl}/api/bestaat-niet?token=geheim`)
    expect(response.status).toBe(404)
    expect(response.body).toEqual({ error: 'not-found', message: expect.any(String) })
    expect(JSON.stringify(response.body)).not.toContain('geheim')
  })

  it('never writes tokens to the log', async () => {
    let log = ''
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        log += chunk.toString()
        callback()
      },
    })
    const server = await startServer({ build: { logger: { level: 'trace', stream } } })
    const board = await createBoard(server.httpUrl)
    await getJson(`${server.httpUrl}/api/boards/${board.id}`, { headers: { authorization: `Bearer ${board.tokens.viewer}` } })
    await waitForSynced(connectClient(server.wsUrl, board.id, board.tokens.participant))
    await fetch(`${server.httpUrl}/b/${board.id}?token=${board.tokens.facilitator}`)
    await server.close()
    expect(log).toContain('incoming request')
    expect(log).toContain(`/sync/${board.id}?[redacted]`)
    for (const token of Object.values(board.tokens)) {
      expect(log).not.toContain(token)
      expect(log).not.toContain(token.split('.')[1]) // not even the signature part
    }
  })
})

describe('static client and SPA fallback', () => {
  function builtClient(): string {
    const dir = makeTempDir()
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Samenbord</title><div id="root"></div>')
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("hi")')
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    return dir
  }

  it('serves index.html (no-cache) for / and client routes, assets with long cache', async () => {
    const server = await startServer({ env: { CLIENT_DIR: builtClient() } })
    for (const path of ['/', '/b/AbCdEfGhIjKlMnOpQrStUv', '/ergens/anders']) {
      const response = await fetch(`${server.httpUrl}${path}`)
      expect(response.status, path).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/text\/html/)
      expect(response.headers.get('cache-control')).toBe('no-cache')
      expect(await response.text()).toContain('<div id="root">')
    }
    const asset = await fetch(`${server.httpUrl}/assets/index-abc123.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(await asset.text()).toContain('console.log')
    const favicon = await fetch(`${server.httpUrl}/favicon.svg`)
    expect(favicon.status).toBe(200)
    expect(favicon.headers.get('cache-control')).not.toContain('immutable')

    const missingAsset = await fetch(`${server.httpUrl}/assets/weg.js`)
    expect(missingAsset.status).toBe(404)
    expect((await missingAsset.json()).error).toBe('not-found')
    const apiMiss = await fetch(`${server.httpUrl}/api/nope`)
    expect(apiMiss.status).toBe(404)
  })

  it('says the client is not built when CLIENT_DIR has no index.html', async () => {
    const server = await startServer({ env: { CLIENT_DIR: join(makeTempDir(), 'dist') } })
    for (const path of ['/', '/b/AbCdEfGhIjKlMnOpQrStUv']) {
      const response = await fetch(`${server.httpUrl}${path}`)
      expect(response.status).toBe(503)
      expect(await response.json()).toEqual({ error: 'client-not-built', message: 'client not built: run pnpm build' })
    }
  })
})

describe('health', () => {
  it('reports storage state: 200 while healthy, 503 once the store is closed or broken', async () => {
    const server = await startServer()
    const healthy = await getJson(`${server.httpUrl}/healthz`)
    expect(healthy.status).toBe(200)
    expect(healthy.body).toMatchObject({ status: 'ok', storage: { ok: true, kind: 'sqlite' }, rooms: 0, connections: 0 })
    await server.app.store.close()
    const closed = await getJson(`${server.httpUrl}/healthz`)
    expect(closed.status).toBe(503)
    expect(closed.body).toMatchObject({ status: 'error', storage: { ok: false, kind: 'sqlite', error: 'closed' } })
  })

  it('answers 503 when the store health check itself throws', async () => {
    const dataDir = makeTempDir()
    const { SqliteDocumentStore } = await import('@samenbord/server/storage/sqlite-store')
    const sqlite = new SqliteDocumentStore(dataDir)
    const broken = Object.assign(Object.create(sqlite), { health: async () => Promise.reject(new Error('disk weg')) })
    const server = await startServer({ dataDir, build: { store: broken } })
    const response = await getJson(`${server.httpUrl}/healthz`)
    expect(response.status).toBe(503)
    expect(response.body.storage).toMatchObject({ ok: false, error: 'disk weg' })
  })
})
