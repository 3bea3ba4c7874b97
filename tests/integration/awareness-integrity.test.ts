/**
 * Awareness integrity (issue 11, finding 5): the relay passes on only what a socket says about
 * itself, with the role of its own link. A viewer cannot pose as the facilitator (whose
 * `leading`/`summon` other screens obey), nobody can overwrite or remove someone else's presence
 * by their client id, and a flood of made-up people reaches nobody.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '@samenbord/shared'
import {
  connectClient,
  createBoard,
  disposeAll,
  frame,
  openRawSocket,
  roundTrip,
  sendFrame,
  startServer,
  varUint,
  waitFor,
  waitForSynced,
  type Client,
} from './helpers.ts'

afterEach(disposeAll)

type User = { name?: string; role?: string; leading?: boolean; summon?: unknown }

/** An awareness frame ([1, update]) with these (client id, clock, JSON state) entries, as y-protocols encodes them. */
function awarenessFrame(entries: [clientId: number, clock: number, state: unknown][]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from(varUint(entries.length))]
  for (const [clientId, clock, state] of entries) {
    const json = Buffer.from(JSON.stringify(state))
    parts.push(Uint8Array.from([...varUint(clientId), ...varUint(clock), ...varUint(json.byteLength)]), json)
  }
  return frame([1], Buffer.concat(parts))
}

const userOf = (watcher: Client, clientId: number) => (watcher.provider.awareness.getStates().get(clientId) as { user?: User } | undefined)?.user
const clockOf = (client: Client) => client.provider.awareness.meta.get(client.doc.clientID)!.clock

/** Every client id the watcher was ever told about. */
function heardIds(watcher: Client): Set<number> {
  const heard = new Set<number>()
  watcher.provider.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    for (const id of [...added, ...updated, ...removed]) heard.add(id)
  })
  return heard
}

/**
 * The relay handles each socket's frames in order and relays in order: once the watcher sees
 * this fresh marker, anything relayed for frames handled before it has arrived too.
 */
async function barrier(server: { wsUrl: string }, boardId: string, token: string, watcher: Client, name: string): Promise<void> {
  const marker = connectClient(server.wsUrl, boardId, token)
  marker.provider.awareness.setLocalStateField('user', { name })
  await waitFor(() => userOf(watcher, marker.doc.clientID)?.name === name, { message: `barrier ${name} not seen` })
}

describe('awareness: the relay stamps the role and passes on only a socket’s own presence', () => {
  it('a viewer posing as the facilitator, leading and summoning, is shown to others as a viewer without either', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const watcher = connectClient(server.wsUrl, board.id, board.tokens.participant)
    const summon = { id: 'nep', pageId: 'page:page', x: 0, y: 0, w: 100, h: 100 }
    // The stock client, as a modified browser would run it.
    const viewer = connectClient(server.wsUrl, board.id, board.tokens.viewer)
    viewer.provider.awareness.setLocalStateField('user', { name: 'Kijker', color: '#f00', role: 'facilitator', leading: true, summon })
    await Promise.all([waitForSynced(watcher), waitForSynced(viewer)])
    await waitFor(() => userOf(watcher, viewer.doc.clientID)?.name === 'Kijker', { message: 'viewer presence not relayed' })
    expect(userOf(watcher, viewer.doc.clientID)).toEqual({ name: 'Kijker', color: '#f00', role: 'viewer' })

    // A raw viewer socket with a hand-made frame: the same.
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.viewer)
    await sendFrame(raw, awarenessFrame([[424242, 1, { user: { name: 'Ook kijker', role: 'facilitator', leading: true, summon } }]]))
    await waitFor(() => userOf(watcher, 424242)?.name === 'Ook kijker', { message: 'raw viewer presence not relayed' })
    expect(userOf(watcher, 424242)).toEqual({ name: 'Ook kijker', role: 'viewer' })
    // What the relay holds for late joiners is stamped as well.
    const late = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await waitFor(() => userOf(late, 424242) !== undefined && userOf(late, viewer.doc.clientID) !== undefined)
    expect(userOf(late, 424242)?.role).toBe('viewer')
    expect(userOf(late, viewer.doc.clientID)?.role).toBe('viewer')

    // The real facilitator leads and summons; a participant claiming to be one is stamped a participant.
    const facilitator = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    facilitator.provider.awareness.setLocalStateField('user', { name: 'Fenna', role: 'participant', leading: true, summon })
    const participant = connectClient(server.wsUrl, board.id, board.tokens.participant)
    participant.provider.awareness.setLocalStateField('user', { name: 'Piet', role: 'facilitator', leading: true })
    await waitFor(() => userOf(watcher, facilitator.doc.clientID)?.name === 'Fenna' && userOf(watcher, participant.doc.clientID)?.name === 'Piet')
    expect(userOf(watcher, facilitator.doc.clientID)).toEqual({ name: 'Fenna', role: 'facilitator', leading: true, summon })
    expect(userOf(watcher, participant.doc.clientID)).toEqual({ name: 'Piet', role: 'participant' })
  })

  it('another person’s client id cannot be overwritten or removed; a frame of only such entries closes with 4403', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const facilitator = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    facilitator.provider.awareness.setLocalStateField('user', { name: 'Fenna', color: '#0a0' })
    const watcher = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(facilitator), waitForSynced(watcher)])
    const fenna = facilitator.doc.clientID
    await waitFor(() => userOf(watcher, fenna)?.name === 'Fenna', { message: 'facilitator not seen' })
    const heard = heardIds(watcher)

    // What the finding did: the facilitator's id, a newer clock, a viewer's role (and then a removal).
    for (const forged of [{ user: { name: 'Fenna', color: '#0a0', role: 'viewer' } }, null]) {
      const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
      await sendFrame(raw, awarenessFrame([[fenna, clockOf(facilitator) + 10, forged]]))
      const closed = await raw.closed
      expect(closed.code).toBe(CloseCode.forbidden)
      expect(closed.reason).toBe('alleen je eigen aanwezigheid kan worden doorgegeven')
    }
    // A frame with its own presence and a forged one: the own one passes, the socket stays.
    const mixed = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await sendFrame(mixed, awarenessFrame([[777, 1, { user: { name: 'Mia' } }], [fenna, clockOf(facilitator) + 20, { user: { name: 'Mia als Fenna' } }]]))
    await roundTrip(mixed)
    await barrier(server, board.id, board.tokens.participant, watcher, 'na de vervalsingen')
    expect(userOf(watcher, 777)).toEqual({ name: 'Mia', role: 'participant' })
    expect(userOf(watcher, fenna)).toEqual({ name: 'Fenna', color: '#0a0', role: 'facilitator' })
    expect(watcher.provider.awareness.meta.get(fenna)!.clock).toBe(clockOf(facilitator))
    expect(heard.has(fenna)).toBe(false)
    expect(server.app.rooms.peek(board.id)!.awareness.getStates().get(fenna)).toEqual({ user: { name: 'Fenna', color: '#0a0', role: 'facilitator' } })

    // The facilitator's own changes still come through.
    facilitator.provider.awareness.setLocalStateField('user', { name: 'Fenna', color: '#00f' })
    await waitFor(() => (userOf(watcher, fenna) as { color?: string } | undefined)?.color === '#00f')
  })

  it('one 1.9 MB frame with 5,000 made-up people reaches no other client and closes the sender (4429); one huge presence closes with 4413', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const watcher = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    await waitForSynced(watcher)
    const heard = heardIds(watcher)

    const people = Array.from({ length: 5000 }, (_, i): [number, number, unknown] => [
      1_000_000 + i,
      1,
      { user: { name: `Nep ${i} ${'x'.repeat(300)}`, role: 'facilitator', leading: true, color: '#123456' } },
    ])
    const flood = awarenessFrame(people)
    expect(flood.byteLength).toBeGreaterThan(1_800_000)
    expect(flood.byteLength).toBeLessThan(server.config.maxMessageBytes)
    const raw = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await sendFrame(raw, flood)
    expect(await raw.closed).toEqual({ code: CloseCode.rateLimited, reason: 'te veel aanwezigen via één verbinding' })

    const huge = await openRawSocket(server.wsUrl, board.id, board.tokens.participant)
    await sendFrame(huge, awarenessFrame([[2_000_000, 1, { user: { name: 'Groot' }, ballast: 'x'.repeat(1_900_000) }]]))
    expect(await huge.closed).toEqual({ code: CloseCode.messageTooLarge, reason: 'aanwezigheid te groot (hoogstens 64 kB)' })

    await barrier(server, board.id, board.tokens.participant, watcher, 'na de vloed')
    expect([...heard].filter((id) => (id >= 1_000_000 && id < 1_005_000) || id === 2_000_000)).toEqual([])
    expect(watcher.provider.awareness.getStates().size).toBeLessThanOrEqual(2)
    expect(server.app.rooms.peek(board.id)!.awareness.getStates().size).toBe(1)
  })

  it('a tab that reconnects shows up again, with its own client id', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const watcher = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
    const anna = connectClient(server.wsUrl, board.id, board.tokens.participant)
    anna.provider.awareness.setLocalStateField('user', { name: 'Anna' })
    await Promise.all([waitForSynced(watcher), waitForSynced(anna)])
    await waitFor(() => userOf(watcher, anna.doc.clientID)?.name === 'Anna')

    anna.provider.disconnect()
    await waitFor(() => !watcher.provider.awareness.getStates().has(anna.doc.clientID), { message: 'Anna still shown after leaving' })
    anna.provider.connect()
    await waitForSynced(anna)
    anna.provider.awareness.setLocalStateField('user', { name: 'Anna', color: '#f0f' })
    await waitFor(() => (userOf(watcher, anna.doc.clientID) as { color?: string } | undefined)?.color === '#f0f', { message: 'Anna not back' })
    expect(userOf(watcher, anna.doc.clientID)?.role).toBe('participant')
  })
})
