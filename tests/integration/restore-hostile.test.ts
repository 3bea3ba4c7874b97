/**
 * `POST /api/boards/restore` needs no link, so anyone can send it anything. A hostile file is
 * refused cheaply and clearly, nothing of it is stored, and the boards that are live meanwhile
 * never notice: /healthz is asked again and again while the restore runs, and must answer fast.
 */
import { spawn } from 'node:child_process'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SqliteDocumentStore } from '@samenbord/server/storage/sqlite-store'
import { boardApi, createBoard, disposeAll, onDispose, sessionHeaders, startServer, startServerProcess, waitFor, type CreatedBoard } from './helpers.ts'

afterEach(disposeAll)

/** The per-address restore limit would otherwise stop these tests, which restore from one address many times. */
const GENEROUS_RATE_LIMITS = { RESTORE_LIMIT_PER_HOUR: '100000', RATE_LIMIT_PER_MINUTE: '1000000' }
const MB = 1024 * 1024
const HEALTHZ_BUDGET_MS = 200

/**
 * The budget for /healthz during a hostile restore: 200 ms on top of what the same probe saw from
 * the same server, for as long as the restore took, with nothing but honest traffic; that noise
 * counted four times over. On a quiet machine (noise of a few ms) it is about 200 ms. On a loaded
 * one (CI shares two cores with everything else) sending and receiving 60 MB competes for the
 * same cores and scheduling alone can cost a probe a few hundred ms; the budget grows with the
 * measured noise, while the old restore (parsed on the event loop) blocked for seconds.
 */
async function healthzBudget(httpUrl: string, forMs: number): Promise<number> {
  const { slowestMs } = await healthzWhile(httpUrl, async () => {
    const until = performance.now() + forMs
    do await fetch(`${httpUrl}/api/config`).then((response) => response.arrayBuffer())
    while (performance.now() < until)
  })
  return HEALTHZ_BUDGET_MS + 4 * slowestMs
}

/** Runs `work` and tells how long it took. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; tookMs: number }> {
  const started = performance.now()
  const value = await work()
  return { value, tookMs: performance.now() - started }
}

const encode = (doc: Y.Doc) => Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64')
const EMPTY_DOC = encode(new Y.Doc())

/** A well-formed back-up of an empty board; `extra` replaces or adds top-level fields. */
function backupFile(extra: Record<string, unknown> = {}) {
  return {
    format: 'samenbord-backup',
    version: 1,
    board: { id: 'origineel-bord-0001', title: 'Casus Jansen', createdAt: '2026-01-05T09:00:00.000Z' },
    exportedAt: '2026-01-05T10:00:00.000Z',
    documents: { '': EMPTY_DOC },
    perspectiefwissel: null,
    ...extra,
  }
}

const restore = (server: { httpUrl: string }, body: unknown) => boardApi(server, '/restore', null, body)

interface Upload {
  /** The answer, whenever it comes (also while the body is still being sent). */
  response: Promise<{ status: number; headers: IncomingHttpHeaders; json: any }>
  /** Sends more of the body; resolves once it may be sent more, or once the answer came. */
  write(chunk: Buffer): Promise<void>
  answered(): boolean
  destroy(): void
}

/** A restore whose body is sent by hand: headers at once, the body bit by bit or never. */
function startUpload(httpUrl: string, headers: Record<string, string>): Upload {
  const url = new URL('/api/boards/restore', httpUrl)
  const request = httpRequest({ method: 'POST', host: url.hostname, port: url.port, path: url.pathname, headers: { 'content-type': 'application/json', ...sessionHeaders(httpUrl), ...headers } })
  let answered = false
  const response = new Promise<{ status: number; headers: IncomingHttpHeaders; json: any }>((resolve, reject) => {
    request.on('response', (incoming) => {
      answered = true
      let text = ''
      incoming.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, json: JSON.parse(text || 'null') }))
    })
    // Once answered, the server may close the connection under the rest of the body: expected.
    request.on('error', (error) => (answered ? undefined : reject(error)))
  })
  response.catch(() => {})
  request.flushHeaders()
  onDispose(() => request.destroy())
  return {
    response,
    answered: () => answered,
    write: (chunk) =>
      new Promise<void>((resolve) => {
        if (answered || request.destroyed) return resolve()
        if (request.write(chunk)) return resolve()
        request.once('drain', resolve)
        response.then(() => resolve(), () => resolve())
      }),
    destroy: () => request.destroy(),
  }
}

/**
 * Asks /healthz one request after another, from a small process of its own (so that building and
 * sending a big file here does not slow the asking), while `work` runs: the slowest answer, and
 * how many answers there were.
 */
async function healthzWhile<T>(httpUrl: string, work: () => Promise<T>): Promise<{ result: T; slowestMs: number; samples: number }> {
  const script = `
    const times = []
    let stop = false
    process.stdin.on('data', () => { stop = true })
    while (!stop) {
      const started = performance.now()
      const response = await fetch(process.argv[1] + '/healthz')
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error('healthz answered ' + response.status)
      times.push(performance.now() - started)
      if (times.length === 1) console.log('asking')
    }
    console.log(JSON.stringify({ slowestMs: Math.max(...times), samples: times.length }))
    process.exit(0)
  `
  const probe = spawn(process.execPath, ['--input-type=module', '-e', script, httpUrl], { stdio: ['pipe', 'pipe', 'inherit'] })
  onDispose(() => probe.kill())
  let output = ''
  probe.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = new Promise<void>((resolve) => probe.once('exit', () => resolve()))
  await waitFor(() => output.includes('asking'), { timeout: 15_000, message: 'the /healthz probe did not start' })
  let result: T
  try {
    result = await work()
  } finally {
    probe.stdin.end('stop')
    await exited
  }
  const measured = JSON.parse(output.slice(output.indexOf('{'))) as { slowestMs: number; samples: number }
  return { result, ...measured }
}

/** Boards stored in a server process's data dir (read after it stopped). */
async function storedBoards(dataDir: string): Promise<number> {
  const store = new SqliteDocumentStore(dataDir, { writerThread: false })
  try {
    return await store.countBoards()
  } finally {
    await store.close()
  }
}

describe('restore: refused by size and count before the body is read', () => {
  it('a Content-Length over MAX_BACKUP_BYTES (96 MB by default) gets 413 without the body being sent', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS })
    const upload = startUpload(server.httpUrl, { 'content-length': String(200 * MB) })
    await upload.write(Buffer.from('{"format":"samenbord-backup",'))
    const { status, json } = await upload.response
    expect(status).toBe(413)
    expect(json).toEqual({ error: 'payload-too-large', message: expect.stringMatching(/^De back-up is groter dan 96 MB.*niets opgeslagen/) })
    expect(await server.app.store.countBoards()).toBe(0)
    expect((await restore(server, backupFile())).status).toBe(201)
  })

  it('a streamed (chunked) body is cut off once it passes MAX_BACKUP_BYTES, not read to its end', async () => {
    const server = await startServer({ env: { ...GENEROUS_RATE_LIMITS, MAX_BACKUP_BYTES: String(MB) } })
    const upload = startUpload(server.httpUrl, { 'transfer-encoding': 'chunked' })
    const chunk = Buffer.alloc(64 * 1024, ' ')
    let sent = 0
    const giveUpAt = 64 * MB
    while (!upload.answered() && sent < giveUpAt) {
      await upload.write(chunk)
      sent += chunk.byteLength
    }
    const { status, json } = await upload.response
    expect(status).toBe(413)
    expect(json.message).toMatch(/^De back-up is groter dan 1 MB,/)
    expect(sent).toBeLessThan(giveUpAt)
    expect(await server.app.store.countBoards()).toBe(0)
  })

  it('at MAX_BOARDS a restore gets 507 before its body is read', async () => {
    const server = await startServer({ env: { ...GENEROUS_RATE_LIMITS, MAX_BOARDS: '1' } })
    await createBoard(server.httpUrl)
    const upload = startUpload(server.httpUrl, { 'content-length': String(10 * MB) })
    const { status, json } = await upload.response
    expect(status).toBe(507)
    expect(json).toEqual({ error: 'insufficient-storage', message: 'Deze server heeft het maximale aantal borden bereikt.' })
    expect(await server.app.store.countBoards()).toBe(1)
  })
})

describe('restore: checked in a process of its own, the boards keep being served', () => {
  it('60 MB of nested [ is refused while /healthz keeps answering within 200 ms', { timeout: 120_000 }, async () => {
    const server = await startServerProcess({ env: GENEROUS_RATE_LIMITS })
    const body = Buffer.alloc(60 * 1000 * 1000, '[')
    const restoring = () => fetch(`${server.httpUrl}/api/boards/restore`, { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeaders(server.httpUrl) }, body }).then(async (response) => ({ status: response.status, json: await response.json() }))
    const { result: { value: result, tookMs }, slowestMs, samples } = await healthzWhile(server.httpUrl, () => timed(restoring))
    expect(result.status).toBe(422)
    expect(result.json.message).toMatch(/dieper genest dan een back-up ooit is/)
    expect(samples).toBeGreaterThanOrEqual(3)
    expect(slowestMs).toBeLessThan(await healthzBudget(server.httpUrl, tookMs))
    // And a flat one: as many values as the nesting, but side by side.
    const flat = `{"format":"samenbord-backup","documents":[${'0,'.repeat(5 * 1000 * 1000)}0]}`
    const refused = await restore(server, flat)
    expect(refused.status).toBe(422)
    expect(refused.json.message).toMatch(/meer dan 10000 waarden/)
    await server.stop()
    expect(await storedBoards(server.dataDir)).toBe(0)
  })

  it('a document of a million structs is refused while /healthz keeps answering within 200 ms', { timeout: 120_000 }, async () => {
    const server = await startServerProcess({ env: GENEROUS_RATE_LIMITS })
    const doc = new Y.Doc()
    const meta = doc.getMap('meta')
    doc.transact(() => {
      for (let i = 0; i < 1_000_000; i++) meta.set(`k${i}`, i)
    })
    const body = JSON.stringify(backupFile({ documents: { '': encode(doc) } }))
    doc.destroy()
    const restoring = () => fetch(`${server.httpUrl}/api/boards/restore`, { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeaders(server.httpUrl) }, body }).then(async (response) => ({ status: response.status, json: await response.json() }))
    const { result: { value: result, tookMs }, slowestMs, samples } = await healthzWhile(server.httpUrl, () => timed(restoring))
    expect(result.status).toBe(422)
    expect(result.json.message).toBe('Document "bord" in de back-up bestaat uit meer dan 250.000 delen (Yjs-structs); zoveel neemt Samenbord van één document niet aan.')
    expect(samples).toBeGreaterThanOrEqual(3)
    expect(slowestMs).toBeLessThan(await healthzBudget(server.httpUrl, tookMs))
    await server.stop()
    expect(await storedBoards(server.dataDir)).toBe(0)
  })

  it('two files are checked at a time and two wait; the next gets 503 with Retry-After, and the places come back', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS })
    // Four restores that announce a body and never send it hold every place.
    const held = Array.from({ length: 4 }, () => startUpload(server.httpUrl, { 'content-length': '1000' }))
    let busy: Awaited<ReturnType<typeof restore>> | null = null
    await waitFor(async () => {
      const attempt = await restore(server, '{}')
      if (attempt.status === 503) busy = attempt
      return busy !== null
    }, { message: 'the held restores never took the places' })
    expect(busy!.json).toEqual({ error: 'busy', message: 'De server controleert al andere back-ups. Probeer het over 20 seconden opnieuw.' })
    expect(busy!.headers.get('retry-after')).toBe('20')
    for (const upload of held) upload.destroy()
    let restored: Awaited<ReturnType<typeof restore>> | null = null
    await waitFor(async () => {
      restored = await restore(server, backupFile())
      return restored.status !== 503
    }, { message: 'the places did not come back' })
    expect(restored!.status).toBe(201)
  })

  it('a body that keeps the server waiting is refused with 408, and its place comes back', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS, build: { restoreCheck: { uploadTimeoutMs: 300, concurrency: 1, queue: 0 } } })
    const upload = startUpload(server.httpUrl, { 'content-length': '1000' })
    await upload.write(Buffer.from('{"format":'))
    const { status, json } = await upload.response
    expect(status).toBe(408)
    expect(json).toEqual({ error: 'request-timeout', message: 'De back-up kwam niet binnen 1 seconde binnen; er is niets opgeslagen. Probeer het opnieuw over een snellere verbinding.' })
    let restored: Awaited<ReturnType<typeof restore>> | null = null
    await waitFor(async () => {
      restored = await restore(server, backupFile())
      return restored.status !== 503
    }, { message: 'the place did not come back' })
    expect(restored!.status).toBe(201)
  })

  it('a check that runs past its clock is stopped: 503 with Retry-After, nothing stored', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS, build: { restoreCheck: { timeoutMs: 1 } } })
    const response = await restore(server, backupFile())
    expect(response.status).toBe(503)
    expect(response.json.message).toMatch(/^Het controleren van de back-up duurde langer dan 1 seconde en is gestopt; er is niets opgeslagen/)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(await server.app.store.countBoards()).toBe(0)
  })

  it('a file that needs more memory than the checking process has is refused with 422, nothing stored', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS, build: { restoreCheck: { heapMb: 16 } } })
    const doc = new Y.Doc()
    doc.getMap('meta').set('groot', 'x'.repeat(20 * MB))
    const response = await restore(server, JSON.stringify(backupFile({ documents: { '': encode(doc) } })))
    expect(response.status).toBe(422)
    expect(response.json.message).toBe('De back-up is te groot of te ingewikkeld om te controleren; er is niets opgeslagen.')
    expect(await server.app.store.countBoards()).toBe(0)
    expect((await startServer({ env: GENEROUS_RATE_LIMITS }).then((fresh) => restore(fresh, backupFile()))).status).toBe(201)
  })
})

describe('restore: the limits and cleaning of live writes', () => {
  const role = (cardId: string, personId: string, label: string, holderName: string | null = null) => ({ cardId, personId, label, holderName })

  it('more documents than MAX_DOCS_PER_BOARD (151 of 100) are refused', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS })
    const documents: Record<string, string> = { '': EMPTY_DOC }
    for (let i = 0; i < 150; i++) documents[`.rolkaart.kaart${i}`] = EMPTY_DOC
    const response = await restore(server, backupFile({ documents }))
    expect(response.status).toBe(422)
    expect(response.json.message).toBe('De back-up bevat 151 documenten; een bord heeft er hoogstens 100.')
    expect(await server.app.store.countBoards()).toBe(0)
  })

  it('roles beyond the live limits are refused: 5,000 roles, a 10,000-character name', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS })
    const many = Array.from({ length: 5000 }, (_, i) => role(`kaart${i}`, `person:p${i}`, `Rol ${i}\u0007`))
    const tooMany = await restore(server, backupFile({ perspectiefwissel: { phase: 'afgerond', roles: many } }))
    expect(tooMany.status).toBe(422)
    // So many roles are more values than any back-up has: refused before the roles are looked at.
    expect(tooMany.json.message).toBe('De back-up bevat meer dan 10000 waarden; dit is geen back-up van Samenbord.')
    const oneTooMany = await restore(server, backupFile({ perspectiefwissel: { phase: 'afgerond', roles: many.slice(0, 21) } }))
    expect(oneTooMany.status).toBe(422)
    expect(oneTooMany.json.message).toBe('De perspectiefwissel in de back-up heeft 21 rollen; dat mogen er 1 tot 20 zijn.')
    const long = await restore(server, backupFile({ perspectiefwissel: { phase: 'afgerond', roles: [role('kaartA', 'person:moeder', 'M'.repeat(10_000))] } }))
    expect(long.status).toBe(422)
    expect(long.json.message).toBe('De naam van een rol in de back-up is langer dan 80 tekens.')
    const twice = await restore(server, backupFile({ perspectiefwissel: { phase: 'afgerond', roles: [role('kaartA', 'person:moeder', 'Moeder'), role('kaartB', 'person:moeder', 'Moeder')] } }))
    expect(twice.status).toBe(422)
    expect(twice.json.message).toMatch(/maar één keer een rol/)
    expect(await server.app.store.countBoards()).toBe(0)
  })

  it('control characters leave role names, holder names and agenda steps as live; a holder name is cut at 60 characters', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS })
    const file = backupFile({
      perspectiefwissel: { phase: 'antwoorden', roles: [role('kaartA', 'person:moeder', ' Moe\u0000der\u001b[31m\n', `Jo\u0007ost ${'x'.repeat(200)}`), role('kaartB', 'person:sam', 'Sam', '\u0001\u0002')] },
      agenda: { steps: ['Tijd\tlijn', ' Afsluiten\r\n'], current: 1 },
    })
    const response = await restore(server, file)
    expect(response.status).toBe(201)
    const copy = response.json as CreatedBoard
    const session = await boardApi(server, `/${copy.id}/perspectiefwissel`, copy.tokens.viewer)
    expect(session.json.roles).toEqual([
      expect.objectContaining({ cardId: 'kaartA', label: 'Moeder[31m', claimed: true, holderName: `Joost ${'x'.repeat(54)}` }),
      expect.objectContaining({ cardId: 'kaartB', label: 'Sam', claimed: false, holderName: null }),
    ])
    expect(session.text.length).toBeLessThan(1000)
    const begeleiding = await boardApi(server, `/${copy.id}/begeleiding`, copy.tokens.viewer)
    expect(begeleiding.json.agenda).toEqual({ steps: ['Tijdlijn', 'Afsluiten'], current: 1 })
  })

  it('sub-documents only of the known kinds; role cards of cards outside the session are left out', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS })
    for (const name of ['.rommel.x', '.voorbereiding.anders', '.toestemming.extra', '.__proto__.x']) {
      const response = await restore(server, backupFile({ documents: { '': EMPTY_DOC, [name]: EMPTY_DOC } }))
      expect(response.status, name).toBe(422)
      expect(response.json.message, name).toMatch(/^Onbekende documentnaam in de back-up/)
    }
    expect(await server.app.store.countBoards()).toBe(0)

    const card = new Y.Doc()
    card.getMap('kaart').set('dilemma', 'Als ik zeg wat ik wil, wordt mama verdrietig')
    const documents = { '': EMPTY_DOC, '.rolkaart.nieuw': encode(card), '.rolkaart.oud': encode(card), '.rolhouding.oud': EMPTY_DOC, '.toestemming.sessie': EMPTY_DOC, '.voorbereiding.notities': EMPTY_DOC }
    const response = await restore(server, backupFile({ documents, perspectiefwissel: { phase: 'afgerond', roles: [role('nieuw', 'person:sam', 'Sam')] } }))
    expect(response.status).toBe(201)
    const id = response.json.id as string
    expect((await server.app.store.listBoardDocs(id)).sort()).toEqual([id, `${id}.rolkaart.nieuw`, `${id}.toestemming.sessie`, `${id}.voorbereiding.notities`])
  })

  it('content a live write could not put there is refused: junk beside the records, unknown card fields', async () => {
    const server = await startServer({ env: GENEROUS_RATE_LIMITS })
    const junk = new Y.Doc()
    junk.getMap('junk').set('x', 'y'.repeat(1000))
    const board = await restore(server, backupFile({ documents: { '': encode(junk) } }))
    expect(board.status).toBe(422)
    expect(board.json.message).toMatch(/^Het bord in de back-up bevat iets wat Samenbord niet accepteert: /)
    const card = new Y.Doc()
    card.getMap('kaart').set('verborgen', 'iets')
    const roles = [{ cardId: 'kaartA', personId: 'person:sam', label: 'Sam', holderName: null }]
    const cardFile = await restore(server, backupFile({ documents: { '': EMPTY_DOC, '.rolkaart.kaartA': encode(card) }, perspectiefwissel: { phase: 'afgerond', roles } }))
    expect(cardFile.status).toBe(422)
    expect(cardFile.json.message).toMatch(/^Document "rolkaart\.kaartA" in de back-up bevat iets wat Samenbord niet accepteert: Onbekend veld: verborgen/)
    expect(await server.app.store.countBoards()).toBe(0)
  })

  it('a sub-document larger than MAX_SUBDOC_BYTES is refused as a live write to it would be', async () => {
    const server = await startServer({ env: { ...GENEROUS_RATE_LIMITS, MAX_SUBDOC_BYTES: '8192' } })
    const consent = new Y.Doc()
    consent.getMap('toestemming').set('sharing', 'x'.repeat(10_000))
    const response = await restore(server, backupFile({ documents: { '': EMPTY_DOC, '.toestemming.sessie': encode(consent) } }))
    expect(response.status).toBe(422)
    expect(response.json.message).toMatch(/^Document "toestemming\.sessie" in de back-up is 10 kB groot; een subdocument mag hoogstens 8 kB zijn/)
    expect(await server.app.store.countBoards()).toBe(0)
  })
})
