/**
 * Chaos on the real services: relay processes on a Redis and a PostgreSQL of the test's own
 * (private-services.ts; the machine's shared ones serve other test files meanwhile), with the
 * Redis subscriber cut, Redis and PostgreSQL restarted, an instance killed and one stalled.
 * Each test ends with every client and a fresh client on every instance holding exactly what was
 * written, and nothing lost in the store.
 */
import { isDeepStrictEqual } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  boardMap,
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  onDispose,
  startServerProcess,
  waitFor,
  waitForSynced,
  type Client,
  type CreatedBoard,
  type ServerProcess,
} from './helpers.ts'
import { uniqueSchema } from './pg-helpers.ts'
import { missingServiceBinaries, startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from './private-services.ts'

afterEach(disposeAll)

const missing = missingServiceBinaries()
if (missing.length > 0) console.warn(`Chaos-tests overgeslagen: ${missing.join(' en ')} niet gevonden`)

/** How long a healed fan-out may take to converge; generous for a loaded 2-core machine. */
const CONVERGE_MS = 20_000
/** Each chaos test, relays' start included (about 5 s on an idle machine, up to 18 s measured under load). */
const CHAOS_TEST_MS = 60_000

;(missing.length > 0 ? describe.skip : describe)('chaos: relay instances on a private Redis and PostgreSQL', () => {
  let pg: PrivatePostgres

  beforeAll(async () => {
    pg = await startPrivatePostgres()
  }, 60_000)
  afterAll(async () => {
    await pg?.dispose()
  })

  interface Cluster {
    redis: PrivateRedis
    relays: ServerProcess[]
    /** Another relay on the same Redis, store and secret. */
    start(): Promise<ServerProcess>
  }

  async function cluster(count: number, redisArgs: string[] = []): Promise<Cluster> {
    const redis = await startPrivateRedis(redisArgs)
    onDispose(() => redis.dispose())
    const dataDir = makeTempDir() // shared: the same secret, so links work on every instance
    const env = { DATABASE_URL: pg.url, DATABASE_SCHEMA: uniqueSchema(), REDIS_URL: redis.url, ROOM_IDLE_MS: '2000' }
    const start = () => startServerProcess({ dataDir, env })
    // The first sets the store up (and its beheerder) alone; the others find it done.
    const first = await start()
    const relays = [first, ...(await Promise.all(Array.from({ length: count - 1 }, start)))]
    return { redis, relays, start }
  }

  /** What the test wrote, key by key: every client must end up with exactly this. */
  class Written {
    readonly expected: Record<string, unknown> = {}
    set(client: Client, key: string, value: unknown = key): void {
      boardMap(client.doc, 'chaos').set(key, value)
      this.expected[key] = value
    }
    missingIn(client: Client): string[] {
      const has = boardMap(client.doc, 'chaos').toJSON()
      return Object.keys(this.expected).filter((key) => !isDeepStrictEqual(has[key], this.expected[key]))
    }
    holds(client: Client): boolean {
      return isDeepStrictEqual(boardMap(client.doc, 'chaos').toJSON(), this.expected)
    }
  }

  /** Redis's count of subscribers to the board's channel (one per relay that has the board loaded). */
  async function subscribers(c: Cluster, board: CreatedBoard): Promise<number> {
    return Number((await c.redis.cli('PUBSUB', 'NUMSUB', `samenbord:doc:${board.id}`)).split('\n').at(-1))
  }

  async function health(relay: ServerProcess): Promise<{ code: number; body: any }> {
    const response = await fetch(`${relay.httpUrl}/healthz`)
    return { code: response.status, body: await response.json() }
  }

  /** Every client, and a fresh viewer on every relay, holds exactly `written`; every relay is healthy again. */
  async function expectConverged(written: Written, clients: Client[], relays: ServerProcess[], board: CreatedBoard): Promise<void> {
    for (const [i, client] of clients.entries()) {
      await waitFor(() => written.holds(client), {
        timeout: CONVERGE_MS,
        message: `client ${i} misses ${written.missingIn(client).length} of ${Object.keys(written.expected).length} edits: ${written.missingIn(client).slice(0, 8).join(', ')}`,
      })
    }
    for (const relay of relays) {
      const fresh = connectClient(relay.wsUrl, board.id, board.tokens.viewer)
      await waitForSynced(fresh, 10_000)
      await waitFor(() => written.holds(fresh), { timeout: CONVERGE_MS, message: `a fresh client on ${relay.httpUrl} misses ${written.missingIn(fresh).join(', ')}` })
      fresh.destroy()
    }
    for (const relay of relays) {
      await waitFor(async () => (await health(relay)).body.status === 'ok', { timeout: CONVERGE_MS, interval: 50, message: `${relay.httpUrl} did not report healthy again` })
    }
  }

  /** Kills every relay without a flush, starts a fresh one: it must serve everything from the store alone. */
  async function expectStored(written: Written, c: Cluster, board: CreatedBoard): Promise<void> {
    // Until no relay holds an update not yet stored (`writes` is there while one is batched, being written or retried).
    for (const relay of c.relays) {
      if (relay.child.exitCode !== null || relay.child.signalCode !== null) continue
      await waitFor(async () => (await health(relay)).body.writes === undefined, { timeout: CONVERGE_MS, interval: 50, message: 'writes still waiting' })
    }
    await Promise.all(c.relays.map((relay) => relay.stop('SIGKILL')))
    const reader = await c.start()
    const fresh = connectClient(reader.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(fresh, 10_000)
    expect(written.missingIn(fresh)).toEqual([])
    expect(written.holds(fresh)).toBe(true)
  }

  it('the subscriber connections are killed again and again (CLIENT KILL TYPE pubsub, or of one instance only): nothing is lost, fan-out heals', async () => {
    const c = await cluster(2)
    const [one, two] = c.relays
    const board = await createBoard(one.httpUrl)
    const a = connectClient(one.wsUrl, board.id, board.tokens.participant)
    const b = connectClient(two.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b)])
    const written = new Written()
    written.set(a, 'warm-up')
    await waitFor(() => written.holds(b), { message: 'fan-out does not work to begin with' })

    const twoId = (await health(two)).body.fanout.instanceId as string
    for (let round = 0; round < 8; round++) {
      if (round % 2 === 0) {
        // Each relay's subscriber is gone for a moment: the edits published meanwhile reach nobody.
        expect(Number(await c.redis.cli('CLIENT', 'KILL', 'TYPE', 'pubsub'))).toBe(2)
      } else {
        // Only instance two's subscriber (as in the report: one instance's connection closed for ~50 ms).
        const line = (await c.redis.cli('CLIENT', 'LIST', 'TYPE', 'pubsub')).split('\n').find((client) => client.includes(`name=samenbord-sub-${twoId}`))
        const id = line === undefined ? null : /\bid=(\d+)/.exec(line)?.[1]
        expect(id).toBeTruthy()
        expect(await c.redis.cli('CLIENT', 'KILL', 'ID', id!)).toBe('1')
      }
      written.set(a, `a${round}`)
      written.set(b, `b${round}`)
      // Until both subscribers are back: the next kill must find them.
      await waitFor(async () => (await subscribers(c, board)) === 2, { message: 'subscribers did not come back' })
    }
    // Later edits of the same clients depend on the lost ones: they must not wait for them forever.
    for (let i = 0; i < 7; i++) {
      written.set(a, `later-a${i}`)
      written.set(b, `later-b${i}`)
    }
    await expectConverged(written, [a, b], c.relays, board)
    const reports = await Promise.all(c.relays.map(health))
    for (const report of reports) expect(report.body.fanout).toMatchObject({ ok: true, kind: 'redis', status: 'connected' })
    await expectStored(written, c, board)
  }, CHAOS_TEST_MS)

  it('Redis is restarted mid-session: /healthz says degraded meanwhile, then everything converges', async () => {
    const c = await cluster(3)
    const board = await createBoard(c.relays[0].httpUrl)
    const clients = c.relays.map((relay) => connectClient(relay.wsUrl, board.id, board.tokens.participant))
    await Promise.all(clients.map((client) => waitForSynced(client)))
    const written = new Written()
    clients.forEach((client, i) => written.set(client, `before-${i}`))
    for (const client of clients) await waitFor(() => written.holds(client), { message: 'fan-out does not work to begin with' })

    await c.redis.kill()
    for (const relay of c.relays) {
      await waitFor(async () => (await health(relay)).body.fanout?.ok === false, { timeout: 10_000, interval: 20, message: 'fan-out still reported fine without Redis' })
      const report = await health(relay)
      // Still serving its own clients: degraded, not down.
      expect(report.code).toBe(200)
      expect(report.body).toMatchObject({ status: 'degraded', fanout: { ok: false, status: 'disconnected' } })
      expect(report.body.reasons.join(' ')).toMatch(/Redis/)
    }
    // Edits while Redis is away: each relay's own clients keep working.
    for (let i = 0; i < 5; i++) clients.forEach((client, n) => written.set(client, `during-${n}-${i}`))
    await c.redis.start()
    clients.forEach((client, n) => written.set(client, `after-${n}`))
    await expectConverged(written, clients, c.relays, board)
    await expectStored(written, c, board)
  }, CHAOS_TEST_MS)

  it('PostgreSQL is restarted mid-session: failed appends are retried until stored, never dropped', async () => {
    const c = await cluster(2)
    const [one, two] = c.relays
    const board = await createBoard(one.httpUrl)
    const a = connectClient(one.wsUrl, board.id, board.tokens.participant)
    const b = connectClient(two.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b)])
    const written = new Written()
    written.set(a, 'before-a')
    written.set(b, 'before-b')
    await waitFor(() => written.holds(a) && written.holds(b))

    await pg.stop()
    try {
      for (let i = 0; i < 5; i++) {
        written.set(a, `during-a${i}`)
        written.set(b, `during-b${i}`)
      }
      // Both relays tried to store those edits and failed: they say so, and keep serving.
      for (const relay of c.relays) {
        await waitFor(async () => (await health(relay)).body.writes?.failing >= 1, { timeout: 10_000, interval: 20, message: 'no failed write reported' })
        const report = await health(relay)
        expect(report.body.reasons.join(' ')).toMatch(/opslag/i)
      }
      written.set(a, 'during-a-last')
      await waitFor(() => written.holds(b), { message: 'fan-out stopped while PostgreSQL was down' })
    } finally {
      await pg.start()
    }
    written.set(b, 'after-b')
    await expectConverged(written, [a, b], c.relays, board)
    // The relays die before any compaction could rewrite the log: only the retried appends hold the edits made during the outage.
    await expectStored(written, c, board)
  }, CHAOS_TEST_MS)

  it('one of three instances is killed with SIGKILL mid-edit: its clients move on, nothing is lost', async () => {
    const c = await cluster(3)
    const [one, two, three] = c.relays
    const board = await createBoard(one.httpUrl)
    const onOne = [0, 1].map(() => connectClient(one.wsUrl, board.id, board.tokens.participant))
    const onTwo = connectClient(two.wsUrl, board.id, board.tokens.participant)
    const onThree = connectClient(three.wsUrl, board.id, board.tokens.participant)
    await Promise.all([...onOne, onTwo, onThree].map((client) => waitForSynced(client)))
    const written = new Written()
    for (let i = 0; i < 20; i++) {
      written.set(onOne[0], `x${i}`)
      written.set(onOne[1], `y${i}`)
      written.set(onTwo, `z${i}`)
      written.set(onThree, `w${i}`)
    }
    // Killed while those edits are still on their way (fan-out, batches not yet stored).
    expect(await one.stop('SIGKILL')).toBe('SIGKILL')
    // The load balancer sends its clients to the others; they kept their documents and edits made while away.
    const moved = onOne.map((client, i) => {
      client.provider.destroy()
      written.set(client, `offline-${i}`)
      return connectClient([two, three][i].wsUrl, board.id, board.tokens.participant, client.doc)
    })
    await Promise.all(moved.map((client) => waitForSynced(client)))
    written.set(onTwo, 'z-after')
    const survivors = [two, three, await c.start()]
    await expectConverged(written, [...moved, onTwo, onThree], survivors, board)
    await expectStored(written, { ...c, relays: survivors }, board)
  }, CHAOS_TEST_MS)

  it('a stalled instance whose subscriber Redis drops (client output buffer limit) catches up when it resumes', async () => {
    // A small pub/sub buffer limit, so a stalled subscriber is dropped after a few MB, not 32.
    const c = await cluster(2, ['--client-output-buffer-limit', 'pubsub 1mb 256kb 1'])
    const [one, two] = c.relays
    const board = await createBoard(one.httpUrl)
    const a = connectClient(one.wsUrl, board.id, board.tokens.participant)
    const b = connectClient(two.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b)])
    const written = new Written()
    written.set(a, 'warm-up')
    await waitFor(() => written.holds(b), { message: 'fan-out does not work to begin with' })
    expect(await subscribers(c, board)).toBe(2)

    // Instance two stalls (as under a long GC pause or a starved CPU) while big edits stream in.
    two.child.kill('SIGSTOP')
    try {
      // Two frames a round, at most 300 rounds: within the relay's burst of 600 frames.
      const picture = 'p'.repeat(256 * 1024)
      for (let round = 0; (await subscribers(c, board)) === 2; round++) {
        if (round >= 300) throw new Error('Redis never dropped the stalled subscriber')
        written.set(a, 'picture', `${round}:${picture}`)
        written.set(a, `small-${round}`)
      }
    } finally {
      two.child.kill('SIGCONT')
    }
    written.set(a, 'after-stall')
    written.set(b, 'from-b-after-stall')
    await expectConverged(written, [a, b], c.relays, board)
    await expectStored(written, c, board)
  }, CHAOS_TEST_MS)
})
