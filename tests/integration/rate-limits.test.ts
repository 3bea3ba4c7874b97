/**
 * HTTP rate limits per client address: a flood from one address is cut off cheaply with 429 and
 * Retry-After, while everyone else, and a whole room behind one NAT address, carries on.
 * TRUST_PROXY with X-Forwarded-For gives each simulated client an address of its own.
 */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createBoard, disposeAll, onDispose, sessionHeaders, startServer, type CreatedBoard, type TestServer } from './helpers.ts'

afterEach(disposeAll)

const ATTACKER = '203.0.113.66'
const FACILITATOR = '198.51.100.7'
const MEETING_ROOM = '192.0.2.30'

interface Answer {
  status: number
  retryAfter: string | null
  json: any
}

/** One HTTP request as if from `address` (through the trusted proxy). */
async function from(server: TestServer, address: string, method: string, path: string, options: { token?: string; body?: string | object } = {}): Promise<Answer> {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
  const response = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers: {
      'x-forwarded-for': address,
      // Signed in (creating and restoring need it): a signed-in account can still flood.
      ...sessionHeaders(server.httpUrl),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body,
  })
  const text = await response.text()
  let json: any = null
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), json }
}

/** `count` requests, at most `parallel` at a time, in order of asking. */
async function many(count: number, parallel: number, request: (i: number) => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++
        answers[i] = await request(i)
      }
    }),
  )
  return answers
}

function expectRefused(answer: Answer, message: RegExp, maxWaitSeconds: number): void {
  expect(answer.status).toBe(429)
  expect(answer.json).toEqual({ error: 'rate-limited', message: expect.stringMatching(message) })
  expect(Number(answer.retryAfter)).toBeGreaterThan(0)
  expect(Number(answer.retryAfter)).toBeLessThanOrEqual(maxWaitSeconds)
}

describe('HTTP rate limits per address', () => {
  it('cuts off a flood of new boards from one address, while a facilitator elsewhere still creates one', async () => {
    const server = await startServer({ env: { TRUST_PROXY: 'true' } })
    const flood = await many(150, 10, () => from(server, ATTACKER, 'POST', '/api/boards', { body: { title: 'Spam' } }))

    // The default: 100 boards an hour per address; the rest is refused before anything is stored.
    expect(flood.filter((answer) => answer.status === 201)).toHaveLength(100)
    const refused = flood.filter((answer) => answer.status !== 201)
    expect(refused).toHaveLength(50)
    for (const answer of refused) expectRefused(answer, /te veel borden aangemaakt.*Probeer het over \d+ minuten opnieuw/, 3600)
    expect(await server.app.store.countBoards()).toBe(100)

    const honest = await from(server, FACILITATOR, 'POST', '/api/boards', { body: { title: 'Overleg' } })
    expect(honest.status).toBe(201)
    expect(honest.json.links.facilitator).toMatch(/^http/)
  })

  it('refuses restores past their limit before reading the body, and exports past theirs', async () => {
    const server = await startServer({ env: { TRUST_PROXY: 'true' } })
    // The default: 20 restores an hour. Empty files are answered 400 until then (at once: an
    // unreadable one costs a checking process each, which takes seconds on a loaded machine)...
    const restores = await many(21, 1, (i) => from(server, ATTACKER, 'POST', '/api/boards/restore', { body: i < 20 ? '' : '{"niet af' }))
    expect(restores.slice(0, 20).map((answer) => answer.status)).toEqual(new Array(20).fill(400))
    // ...and after it with 429: the body was never parsed.
    expectRefused(restores[20], /te veel back-ups teruggezet/, 3600)
    expect((await from(server, FACILITATOR, 'POST', '/api/boards/restore', { body: '{"niet af' })).status).toBe(400)

    // The default: 20 downloads a minute of each export route per address.
    const board = await createBoard(server.httpUrl)
    const exports = await many(21, 5, () => from(server, ATTACKER, 'GET', `/api/boards/${board.id}/export`, { token: board.tokens.facilitator }))
    expect(exports.slice(0, 20).map((answer) => answer.status)).toEqual(new Array(20).fill(200))
    expectRefused(exports[20], /Te veel downloads vanaf dit adres. Probeer het over \d+ seconden opnieuw/, 60)
    expect((await from(server, FACILITATOR, 'GET', `/api/boards/${board.id}/export`, { token: board.tokens.facilitator })).status).toBe(200)
    // The board itself stays reachable for the address that hit the export limit.
    expect((await from(server, ATTACKER, 'GET', `/api/boards/${board.id}`, { token: board.tokens.facilitator })).status).toBe(200)
  })

  it('answers 429 past the general limit on any API route, per address, and never counts websocket upgrades', async () => {
    const server = await startServer({ env: { TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '20' } })

    // Websocket upgrades are not counted: more than the limit still reach the relay, which
    // answers them itself (here: no token, 4401), and the address keeps its whole API budget.
    for (let i = 0; i < 25; i++) {
      const ws = new WebSocket(`${server.wsUrl}/AAAAAAAAAAAAAAAAAAAAAA`, { headers: { 'x-forwarded-for': ATTACKER } })
      onDispose(() => ws.terminate())
      const outcome = await new Promise<string>((resolve) => {
        ws.once('unexpected-response', (_request, response) => resolve(`http ${response.statusCode}`))
        ws.once('close', (code) => resolve(`close ${code}`))
        ws.once('error', () => {})
      })
      expect(outcome).toMatch(/^close 44\d\d$/)
    }

    const answers = await many(21, 3, (i) => from(server, ATTACKER, 'GET', i % 2 === 0 ? '/api/config' : '/healthz'))
    expect(answers.slice(0, 20).every((answer) => answer.status === 200)).toBe(true)
    expectRefused(answers[20], /^Te veel verzoeken vanaf dit adres. Probeer het over \d+ seconden opnieuw.$/, 60)
    expectRefused(await from(server, ATTACKER, 'POST', '/api/boards/AAAAAAAAAAAAAAAAAAAAAA/begeleiding', { body: {} }), /Te veel verzoeken/, 60)
    expect((await from(server, FACILITATOR, 'GET', '/api/config')).status).toBe(200)
  })

  it('lets a meeting of 30 people behind one address poll every panel for a full minute', async () => {
    const server = await startServer({ env: { TRUST_PROXY: 'true' } })
    const board: CreatedBoard = await createBoard(server.httpUrl)
    const { facilitator, participant } = board.tokens
    expect((await from(server, FACILITATOR, 'POST', `/api/boards/${board.id}/perspectiefwissel`, { token: facilitator, body: { roles: [{ personId: 'p:1', label: 'Moeder' }] } })).status).toBe(201)
    expect((await from(server, FACILITATOR, 'POST', `/api/boards/${board.id}/rugzak`, { token: facilitator, body: { carrier: 'Moeder', helpers: ['Anouk'] } })).status).toBe(201)

    // What the client does: on opening, the board and the config; then every 1.5 s the
    // begeleiding and perspectiefwissel state, and the rugzak while its panel is open.
    // 30 people x 40 rounds (one minute) x 3 requests, from one NAT address, as fast as it goes.
    const people = 30
    const opening = ['', '/config'].map((path) => (path === '/config' ? '/api/config' : `/api/boards/${board.id}`))
    const polled = ['begeleiding', 'perspectiefwissel', 'rugzak'].map((panel) => `/api/boards/${board.id}/${panel}`)
    const paths = [...opening.flatMap((path) => new Array(people).fill(path)), ...new Array(40 * people).fill(polled).flat()]
    const answers = await many(paths.length, people, (i) => from(server, MEETING_ROOM, 'GET', paths[i], { token: participant }))

    expect(answers).toHaveLength(3_660)
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.status)).toEqual([])
    // 3,660 requests: on a machine shared with other test files this takes a while.
  }, 60_000)
})
