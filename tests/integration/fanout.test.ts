/**
 * Several relay instances on one PostgreSQL and one Redis: clients on different instances see
 * each other's edits and presence; when an instance dies, its clients move to another one and
 * nothing is lost.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { roleCardDocName } from '@samenbord/shared'
import {
  boardApi,
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  sleep,
  startServerProcess,
  waitFor,
  waitForSynced,
  boardList,
  boardMap,
  type Client,
} from './helpers.ts'
import { openTestPgStore, skipMessage, TEST_DATABASE_URL, TEST_REDIS_URL } from './pg-helpers.ts'

afterEach(disposeAll)

const missing = [...(TEST_DATABASE_URL ? [] : ['TEST_DATABASE_URL']), ...(TEST_REDIS_URL ? [] : ['TEST_REDIS_URL'])]
skipMessage('Redis-fan-out-tests', missing)

;(missing.length > 0 ? describe.skip : describe)('fan-out between relay instances (PostgreSQL + Redis)', () => {
  async function cluster() {
    const store = await openTestPgStore() // creates the schema; dropped after the test
    const dataDir = makeTempDir() // shared: same secret, so links work on every instance
    const env = { DATABASE_URL: TEST_DATABASE_URL!, DATABASE_SCHEMA: store.schema, REDIS_URL: TEST_REDIS_URL!, ROOM_IDLE_MS: '300' }
    const start = () => startServerProcess({ dataDir, env })
    // One after the other: the first sets the store's beheerder up, the second finds it done.
    const one = await start()
    const two = await start()
    return { store, start, one, two }
  }

  it('clients on different instances converge (edits and presence); a board made on one opens on the other', async () => {
    const { one, two } = await cluster()
    const board = await createBoard(one.httpUrl)
    const a = connectClient(one.wsUrl, board.id, board.tokens.participant)
    const b = connectClient(two.wsUrl, board.id, board.tokens.participant)
    a.provider.awareness.setLocalStateField('user', { name: 'Anouk' })
    await Promise.all([waitForSynced(a), waitForSynced(b)])
    boardMap(a.doc, 'm').set('van-a', 1)
    boardMap(b.doc, 'm').set('van-b', 2)
    await waitFor(() => boardMap(a.doc, 'm').size === 2 && boardMap(b.doc, 'm').size === 2, { message: 'no convergence across instances' })
    // Concurrent edits to one list converge to the same order.
    for (let i = 0; i < 20; i++) {
      boardList<string>(a.doc, 'list').push([`a${i}`])
      boardList<string>(b.doc, 'list').push([`b${i}`])
    }
    await waitFor(() => boardList(a.doc, 'list').length === 40 && boardList(b.doc, 'list').length === 40)
    expect(boardList(a.doc, 'list').toArray()).toEqual(boardList(b.doc, 'list').toArray())
    await waitFor(() => b.provider.awareness.getStates().has(a.doc.clientID), { message: 'presence did not cross instances' })
    // A late joiner on instance two gets everything, also what instance one has not stored yet.
    boardMap(a.doc, 'm').set('vers', true)
    const late = connectClient(two.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(late)
    await waitFor(() => boardMap(late.doc, 'm').get('vers') === true && boardList(late.doc, 'list').length === 40)
    const health = await (await fetch(`${two.httpUrl}/healthz`)).json()
    expect(health).toMatchObject({ status: 'ok', storage: { kind: 'postgres' }, fanout: { ok: true, kind: 'redis' } })
  })

  it('kill -9 one instance: its clients reconnect to the other and nothing is lost', async () => {
    const { one, two, start } = await cluster()
    const board = await createBoard(one.httpUrl)
    const onOne: Client[] = [0, 1].map(() => connectClient(one.wsUrl, board.id, board.tokens.participant))
    const onTwo = connectClient(two.wsUrl, board.id, board.tokens.participant)
    await Promise.all([...onOne, onTwo].map((client) => waitForSynced(client)))

    // Everyone writes; the last edits on instance one are not yet stored when it dies.
    for (let i = 0; i < 30; i++) {
      boardMap(onOne[0].doc, 'm').set(`x${i}`, i)
      boardMap(onOne[1].doc, 'm').set(`y${i}`, i)
      boardMap(onTwo.doc, 'm').set(`z${i}`, i)
      await sleep(5) // spread out like people editing (pacing, not waiting for anything)
    }
    await waitFor(() => boardMap(onTwo.doc, 'm').size === 90, { message: 'instance two did not get everything' })
    expect(await one.stop('SIGKILL')).toBe('SIGKILL')

    // The load balancer sends the clients of instance one to instance two; they kept their
    // documents (and edits made while away), which sync on reconnect.
    const moved = onOne.map((client, i) => {
      client.provider.destroy()
      boardMap(client.doc, 'm').set(`offline${i}`, true)
      return connectClient(two.wsUrl, board.id, board.tokens.participant, client.doc)
    })
    await Promise.all(moved.map((client) => waitForSynced(client)))
    // Each moved client also gets the other's offline edit, relayed after it arrived.
    await waitFor(() => [onTwo, ...moved].every((client) => boardMap(client.doc, 'm').size === 92), { message: 'edits made while away did not arrive everywhere' })
    for (const client of moved) expect(boardMap(client.doc, 'm').toJSON()).toEqual(boardMap(onTwo.doc, 'm').toJSON())

    // And it is all stored: once instance two reports nothing waiting to be written, a fresh
    // instance on the same database has it.
    await waitFor(async () => (await (await fetch(`${two.httpUrl}/healthz`)).json()).writes === undefined, { message: 'instance two kept writes pending' })
    const three = await start()
    const reader = connectClient(three.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    await waitFor(() => boardMap(reader.doc, 'm').size === 92, { message: 'stored state incomplete' })
    expect(boardMap(reader.doc, 'm').toJSON()).toEqual(boardMap(onTwo.doc, 'm').toJSON())
  })

  it('deleting a board on one instance closes its sockets on the other with 4404', async () => {
    const { store, one, two } = await cluster()
    const board = await createBoard(one.httpUrl)
    const there = connectClient(two.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(there)
    boardMap(there.doc, 'm').set('x', 1)
    await waitFor(async () => (await store.countDocUpdates(board.id)) > 0, { message: 'the edit was not stored' })
    const response = await fetch(`${one.httpUrl}/api/boards/${board.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${board.tokens.facilitator}` },
    })
    expect(response.status).toBe(204)
    await waitFor(() => there.closes.some((close) => close.code === 4404), { message: 'socket on the other instance stayed open' })
    const again = connectClient(two.wsUrl, board.id, board.tokens.participant)
    await waitFor(() => again.closes.some((close) => close.code === 4404))
  })

  it('renewing the links on one instance closes sockets of old links on the other (4401), not those of new ones', async () => {
    const { one, two } = await cluster()
    const board = await createBoard(one.httpUrl)
    const there = connectClient(two.wsUrl, board.id, board.tokens.participant)
    await waitForSynced(there)
    const renewed = await boardApi(one, `/${board.id}/links/renew`, board.tokens.facilitator, {})
    expect(renewed.status).toBe(201)
    const fresh = connectClient(two.wsUrl, board.id, new URL(renewed.json.links.participant).hash.replace(/^#token=/, ''))
    await waitForSynced(fresh)
    await waitFor(() => there.closes.some((close) => close.code === 4401), { message: 'the old link stayed open on the other instance' })
    // The new link still writes after the renewal went round: a reader on the other instance gets it.
    const reader = connectClient(one.wsUrl, board.id, new URL(renewed.json.links.viewer).hash.replace(/^#token=/, ''))
    await waitForSynced(reader)
    boardMap(fresh.doc, 'm').set('na', 'vernieuwd')
    await waitFor(() => boardMap(reader.doc, 'm').get('na') === 'vernieuwd', { message: 'the new link’s write did not arrive' })
    expect(fresh.closes).toEqual([])
    expect(fresh.provider.wsconnected).toBe(true)
  })

  it('a new perspectiefwissel on one instance closes the old role cards held through the other (4404)', async () => {
    const { one, two } = await cluster()
    const board = await createBoard(one.httpUrl)
    const roles = { roles: [{ personId: 'person:moeder', label: 'Moeder' }] }
    const started = await boardApi(one, `/${board.id}/perspectiefwissel`, board.tokens.facilitator, roles)
    const cardId = started.json.roles[0].cardId as string
    const claimed = await boardApi(one, `/${board.id}/perspectiefwissel/claim`, board.tokens.participant, { cardId, holderName: 'Anouk' })
    // Holding the card through instance two, without having written anything yet.
    const holder = connectClient(two.wsUrl, roleCardDocName(board.id, cardId), claimed.json.cardToken)
    await waitForSynced(holder)
    expect((await boardApi(one, `/${board.id}/perspectiefwissel`, board.tokens.facilitator, roles)).status).toBe(201)
    await waitFor(() => holder.closes.some((close) => close.code === 4404 && close.reason === 'nieuwe perspectiefwissel gestart'), {
      message: 'the old card stayed open on the other instance',
    })
  })
})
