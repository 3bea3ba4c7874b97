import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import { CloseCode, type Role } from '@samenbord/shared'
import {
  admitAwareness,
  DEFAULT_AWARENESS_LIMITS,
  roomAwarenessView,
  type AwarenessAdmission,
  type AwarenessRoomView,
} from './awareness.ts'

type Entry = [clientId: number, clock: number, state: unknown]

/** An awareness update as y-protocols encodes it; `raw` strings are written as they are (broken JSON). */
function encode(entries: (Entry | [number, number, { raw: string }])[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const [clientId, clock, state] of entries) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, clock)
    const raw = state as { raw?: unknown }
    encoding.writeVarString(encoder, typeof raw === 'object' && raw !== null && typeof raw.raw === 'string' ? raw.raw : JSON.stringify(state))
  }
  return encoding.toUint8Array(encoder)
}

/** What the room would hold after applying `update`: id → { clock, state }. */
function decode(update: Uint8Array): Map<number, { clock: number; state: any }> {
  const doc = new Y.Doc()
  const awareness = new awarenessProtocol.Awareness(doc)
  awareness.setLocalState(null)
  awarenessProtocol.applyAwarenessUpdate(awareness, update, 'test')
  const result = new Map<number, { clock: number; state: any }>()
  for (const [id, meta] of awareness.meta) if (id !== awareness.clientID) result.set(id, { clock: meta.clock, state: awareness.getStates().get(id) ?? null })
  awareness.destroy()
  doc.destroy()
  return result
}

/** A room where `others` are controlled by other sockets at the given clocks, `gone` left at those clocks. */
function room(others: Record<number, number> = {}, gone: Record<number, number> = {}): AwarenessRoomView {
  const clocks = new Map<number, number>([...Object.entries(others), ...Object.entries(gone)].map(([id, clock]) => [Number(id), clock]))
  return {
    ownedByOthers: (id) => Object.hasOwn(others, id),
    clockOf: (id) => clocks.get(id),
  }
}

const person = (name: string, extra: Record<string, unknown> = {}) => ({
  user: { name, color: '#123456', role: 'participant', userId: 'user:x', leading: false, inRole: null, summon: null, ...extra },
  presence: { cursor: { x: 1, y: 2 } },
})

function admitted(result: AwarenessAdmission) {
  if (!result.ok) throw new Error(`refused: ${result.code} ${result.reason}`)
  return result
}

describe('admitAwareness', () => {
  it('makes a new client id the socket’s own and stamps its role from the token', () => {
    const forgedLeader = person('Kijker', { role: 'facilitator', leading: true, summon: { id: 's', pageId: 'page:page', x: 0, y: 0, w: 10, h: 10 } })
    const result = admitted(admitAwareness(encode([[7, 1, forgedLeader]]), { role: 'viewer', ownedClientIds: new Set() }, room(), DEFAULT_AWARENESS_LIMITS))
    expect(result.introduced).toEqual([7])
    const state = decode(result.update!).get(7)!.state
    expect(state.user).toEqual({ name: 'Kijker', color: '#123456', role: 'viewer', userId: 'user:x', inRole: null })
    expect(state.presence).toEqual({ cursor: { x: 1, y: 2 } })
  })

  it('keeps leading and summon for the facilitator, and stamps a missing or broken user object too', () => {
    const leader = person('Fenna', { role: 'participant', leading: true })
    const result = admitted(admitAwareness(encode([[7, 3, leader]]), { role: 'facilitator', ownedClientIds: new Set([7]) }, room(), DEFAULT_AWARENESS_LIMITS))
    expect(result.introduced).toEqual([])
    expect(decode(result.update!).get(7)!.state.user).toMatchObject({ role: 'facilitator', leading: true, summon: null })

    const broken = admitted(admitAwareness(encode([[8, 1, { user: 'facilitator' }]]), { role: 'participant', ownedClientIds: new Set() }, room(), DEFAULT_AWARENESS_LIMITS))
    expect(decode(broken.update!).get(8)!.state).toEqual({ user: { role: 'participant' } })
    const noUser = admitted(admitAwareness(encode([[9, 1, { presence: null }]]), { role: 'participant', ownedClientIds: new Set() }, room(), DEFAULT_AWARENESS_LIMITS))
    expect(decode(noUser.update!).get(9)!.state).toEqual({ presence: null })
  })

  it('drops the echo of other people’s states, and a forged newer one; a frame of forgeries only is refused with 4403', () => {
    const sender = { role: 'participant' as Role, ownedClientIds: new Set([1]) }
    const others = room({ 2: 5, 3: 9 })
    // The stock client echoes what it heard: same clocks as the room's. Nothing to apply, nothing forged.
    const echo = admitted(admitAwareness(encode([[2, 5, person('Bram')], [3, 9, person('Fenna')]]), sender, others, DEFAULT_AWARENESS_LIMITS))
    expect(echo).toEqual({ ok: true, update: null, introduced: [], forged: [] })

    // Its own entry passes; a newer clock for someone else's id is dropped and reported.
    const mixed = admitted(admitAwareness(encode([[1, 4, person('Anna')], [3, 10, person('Fenna', { role: 'viewer' })]]), sender, others, DEFAULT_AWARENESS_LIMITS))
    expect([...decode(mixed.update!).keys()]).toEqual([1])
    expect(mixed.forged).toEqual([3])

    // Overwriting or removing someone else's presence, and nothing of its own: closed.
    for (const forged of [person('Fenna', { role: 'viewer' }), null]) {
      const result = admitAwareness(encode([[3, 10, forged]]), sender, others, DEFAULT_AWARENESS_LIMITS)
      expect(result).toMatchObject({ ok: false, code: CloseCode.forbidden })
      if (!result.ok) expect(Buffer.byteLength(result.reason)).toBeLessThanOrEqual(123)
    }
  })

  it('lets a null state (leaving) through for its own id only; an unknown or stale id claims nothing', () => {
    const sender = { role: 'participant' as Role, ownedClientIds: new Set([1]) }
    const leave = admitted(admitAwareness(encode([[1, 6, null]]), sender, room(), DEFAULT_AWARENESS_LIMITS))
    expect(decode(leave.update!).get(1)).toEqual({ clock: 6, state: null })

    const nobodys = admitted(admitAwareness(encode([[40, 2, null]]), sender, room(), DEFAULT_AWARENESS_LIMITS))
    expect(nobodys).toEqual({ ok: true, update: null, introduced: [], forged: [] })
    // Someone who left at clock 8: an echo of their old state does not make the id this socket's.
    const stale = admitted(admitAwareness(encode([[41, 7, person('Weg')]]), sender, room({}, { 41: 8 }), DEFAULT_AWARENESS_LIMITS))
    expect(stale).toEqual({ ok: true, update: null, introduced: [], forged: [] })
    // A newer clock for a free id is a person joining (a reconnecting tab): it becomes this socket's.
    const back = admitted(admitAwareness(encode([[41, 9, person('Terug')]]), sender, room({}, { 41: 8 }), DEFAULT_AWARENESS_LIMITS))
    expect(back.introduced).toEqual([41])
  })

  it('allows at most maxClientIds ids per socket: 5,000 made-up people are refused with 4429 at the fifth', () => {
    const people: Entry[] = Array.from({ length: 5000 }, (_, i) => [1000 + i, 1, person(`Nep ${i} ${'.'.repeat(200)}`, { role: 'facilitator', leading: true })])
    const update = encode(people)
    expect(update.byteLength).toBeGreaterThan(1_500_000)
    const result = admitAwareness(update, { role: 'participant', ownedClientIds: new Set() }, room(), DEFAULT_AWARENESS_LIMITS)
    expect(result).toMatchObject({ ok: false, code: CloseCode.rateLimited })

    const full = admitAwareness(encode([[5, 1, person('Vijfde')]]), { role: 'participant', ownedClientIds: new Set([1, 2, 3, 4]) }, room(), DEFAULT_AWARENESS_LIMITS)
    expect(full).toMatchObject({ ok: false, code: CloseCode.rateLimited })
    // The four it has still speak.
    expect(admitted(admitAwareness(encode([[4, 2, person('Vierde')]]), { role: 'participant', ownedClientIds: new Set([1, 2, 3, 4]) }, room(), DEFAULT_AWARENESS_LIMITS)).update).not.toBeNull()
  })

  it('bounds the bytes of its own states per frame (4413); other people’s echoed states do not count', () => {
    const limits = { ...DEFAULT_AWARENESS_LIMITS, maxStateBytes: 2048 }
    const big = { user: { name: 'Groot' }, junk: 'x'.repeat(4000) }
    expect(admitAwareness(encode([[1, 2, big]]), { role: 'participant', ownedClientIds: new Set([1]) }, room(), limits)).toMatchObject({
      ok: false,
      code: CloseCode.messageTooLarge,
      reason: 'aanwezigheid te groot (hoogstens 2 kB)',
    })
    const twoHalves = { user: { name: 'Half' }, junk: 'x'.repeat(1200) }
    expect(admitAwareness(encode([[1, 2, twoHalves], [1, 3, twoHalves]]), { role: 'participant', ownedClientIds: new Set([1]) }, room(), limits)).toMatchObject({
      ok: false,
      code: CloseCode.messageTooLarge,
    })
    const echoOfBig = admitted(admitAwareness(encode([[9, 1, big], [1, 2, person('Anna')]]), { role: 'participant', ownedClientIds: new Set([1]) }, room({ 9: 1 }), limits))
    expect([...decode(echoOfBig.update!).keys()]).toEqual([1])
  })

  it('refuses malformed updates and states that are not objects with 4400', () => {
    const sender = { role: 'participant' as Role, ownedClientIds: new Set([1]) }
    const bad: [string, Uint8Array][] = [
      ['broken JSON', encode([[1, 1, { raw: '{x:' }]])],
      ['a number', encode([[1, 1, 42]])],
      ['an array', encode([[1, 1, [1, 2]]])],
      ['a string', encode([[1, 1, 'facilitator']])],
      ['truncated', new Uint8Array([3, 5])],
      ['trailing bytes', new Uint8Array([...encode([[1, 1, {}]]), 9])],
      ['not UTF-8', new Uint8Array([1, 1, 1, 2, 0xc3, 0x28])],
      ['empty', new Uint8Array(0)],
    ]
    for (const [name, update] of bad) expect(admitAwareness(update, sender, room(), DEFAULT_AWARENESS_LIMITS), name).toMatchObject({ ok: false, code: CloseCode.badMessage })
  })

  it('fuzz: random bytes and random states never throw, and what passes is only the sender’s own, stamped', () => {
    let seed = 20261124
    const random = () => {
      // mulberry32: a fixed sequence, so a failure can be replayed
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
    const randomJson = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 3 ? 5 : 8))
      if (kind === 0) return null
      if (kind === 1) return random() < 0.5
      if (kind === 2) return Math.floor(random() * 1e6) - 5e5
      if (kind === 3) return pick(['', 'facilitator', 'viewer', '__proto__', 'ë'.repeat(Math.floor(random() * 50))])
      if (kind === 4) return pick([undefined, 'user', 'presence'])
      if (kind === 5) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(depth + 1))
      const object: Record<string, unknown> = {}
      for (let i = Math.floor(random() * 5); i > 0; i--) object[pick(['user', 'presence', 'role', 'leading', 'summon', 'name', '__proto__', 'x'])] = randomJson(depth + 1)
      return object
    }
    const roles: Role[] = ['facilitator', 'participant', 'viewer']
    const limits = { ...DEFAULT_AWARENESS_LIMITS, maxStateBytes: 1024 }
    for (let run = 0; run < 3000; run++) {
      const sender = { role: pick(roles), ownedClientIds: new Set(Array.from({ length: Math.floor(random() * 3) }, () => Math.floor(random() * 8))) }
      const others: Record<number, number> = {}
      for (let i = Math.floor(random() * 3); i > 0; i--) {
        const id = 8 + Math.floor(random() * 8)
        others[id] = Math.floor(random() * 5)
      }
      let update: Uint8Array
      if (random() < 0.3) {
        update = Uint8Array.from({ length: Math.floor(random() * 80) }, () => Math.floor(random() * 256))
      } else {
        // Mostly presence-like objects (a user object with random fields), else any JSON value.
        const state = () => (random() < 0.7 ? { user: { ...(randomJson(1) as object), role: pick(roles), leading: random() < 0.5, summon: randomJson(2) }, presence: randomJson(1) } : randomJson(0))
        const entries = Array.from({ length: Math.floor(random() * 7) }, (): Entry => [Math.floor(random() * 20), Math.floor(random() * 8), state()])
        update = encode(entries.map(([id, clock, state]) => [id, clock, state === undefined ? null : state]))
        if (random() < 0.2) update = update.slice(0, Math.floor(random() * update.byteLength))
      }
      let result: AwarenessAdmission
      expect(() => (result = admitAwareness(update, sender, room(others), limits)), `run ${run}`).not.toThrow()
      if (!result!.ok) {
        expect([CloseCode.badMessage, CloseCode.forbidden, CloseCode.messageTooLarge, CloseCode.rateLimited]).toContain(result!.code)
        continue
      }
      const { update: out, introduced } = result!
      expect(sender.ownedClientIds.size + introduced.length).toBeLessThanOrEqual(limits.maxClientIds)
      for (const id of introduced) expect(Object.hasOwn(others, id) || sender.ownedClientIds.has(id)).toBe(false)
      if (out === null) continue
      for (const [id, { state }] of decode(out)) {
        expect(sender.ownedClientIds.has(id) || introduced.includes(id), `run ${run}: id ${id}`).toBe(true)
        if (state === null || !('user' in state)) continue
        expect(state.user.role).toBe(sender.role)
        if (sender.role !== 'facilitator') expect(Object.keys(state.user)).not.toContain('leading')
        if (sender.role !== 'facilitator') expect(Object.keys(state.user)).not.toContain('summon')
      }
    }
  })
})

describe('roomAwarenessView', () => {
  it('counts live states nobody here controls (another instance, the relay itself) and other sockets’ ids as someone else’s', () => {
    const doc = new Y.Doc()
    const awareness = new awarenessProtocol.Awareness(doc)
    awareness.setLocalState(null)
    awarenessProtocol.applyAwarenessUpdate(awareness, encode([[50, 3, person('Op een andere server')], [60, 2, person('Hier')]]), 'test')
    const mine = new Set([60])
    const theirs = new Set([70])
    const view = roomAwarenessView(awareness, new Map([['a', mine], ['b', theirs]]), mine)
    expect(view.ownedByOthers(50)).toBe(true)
    expect(view.ownedByOthers(awareness.clientID)).toBe(true)
    expect(view.ownedByOthers(70)).toBe(true)
    expect(view.ownedByOthers(60)).toBe(false)
    expect(view.ownedByOthers(80)).toBe(false)
    expect(view.clockOf(50)).toBe(3)
    expect(view.clockOf(80)).toBeUndefined()
    awareness.destroy()
    doc.destroy()
  })
})

