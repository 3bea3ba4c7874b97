import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, CONSENT_MAP, META_MAP, META_SCHEMA_KEY, RECORDS_ARRAY } from '@samenbord/shared'
import { admit, isCurrentDoc, parseDocName, type SessionView } from './doc-kinds.ts'
import { checkDocumentContent } from './known-content.ts'
import type { DecodedUpdate } from './messages.ts'
import { knownContentPolicy, quotaPolicy, runWritePolicies, type WritePolicy } from './write-policy.ts'
import { boardSchema } from './record-guard.ts'

const BOARD = 'bord1234567890'
const session: SessionView = { phase: 'stilte', cardIds: new Set(['kaart1']) }

describe('admission', () => {
  it('opens the board to every link, writable for facilitator and participant', () => {
    expect(admit({ docName: BOARD, role: 'viewer', cardToken: undefined, session: null })).toMatchObject({ ok: true, canWrite: false })
    expect(admit({ docName: BOARD, role: 'participant', cardToken: undefined, session: null })).toMatchObject({ ok: true, canWrite: true, isParticipantOnBoard: true })
    expect(admit({ docName: BOARD, role: 'facilitator', cardToken: undefined, session: null })).toMatchObject({ ok: true, canWrite: true, isParticipantOnBoard: false })
  })

  it('refuses unknown kinds and ids of sub-documents', () => {
    for (const name of [`${BOARD}.rommel.x`, `${BOARD}.voorbereiding.anders`, `${BOARD}.toestemming.x`, 'kort', `${BOARD}.Rolkaart.kaart1`]) {
      const result = admit({ docName: name, role: 'facilitator', cardToken: undefined, session })
      expect(result.ok, name).toBe(false)
    }
    expect(admit({ docName: `${BOARD}.rommel.x`, role: 'facilitator', cardToken: undefined, session })).toMatchObject({ code: CloseCode.notFound })
  })

  it('keeps the preparation to the facilitator and the consent record writable by the facilitator only', () => {
    expect(admit({ docName: `${BOARD}.voorbereiding.notities`, role: 'participant', cardToken: undefined, session: null })).toMatchObject({ ok: false, code: CloseCode.forbidden })
    expect(admit({ docName: `${BOARD}.toestemming.sessie`, role: 'participant', cardToken: undefined, session: null })).toMatchObject({ ok: true, canWrite: false })
    expect(admit({ docName: `${BOARD}.toestemming.sessie`, role: 'facilitator', cardToken: undefined, session: null })).toMatchObject({ ok: true, canWrite: true })
  })

  it('opens a role card to its holder and the facilitator, to others only from its reveal, and only cards of the current session', () => {
    const card = `${BOARD}.rolkaart.kaart1`
    expect(admit({ docName: card, role: 'participant', cardToken: 'kaart1', session })).toMatchObject({ ok: true, canWrite: true })
    expect(admit({ docName: card, role: 'participant', cardToken: undefined, session })).toMatchObject({ ok: false, code: CloseCode.roleCardHidden })
    expect(admit({ docName: card, role: 'participant', cardToken: undefined, session: { ...session, phase: 'antwoorden' } })).toMatchObject({ ok: true, canWrite: false })
    expect(admit({ docName: `${BOARD}.rolhouding.kaart1`, role: 'viewer', cardToken: undefined, session: { ...session, phase: 'houdingen' } })).toMatchObject({ ok: true, canWrite: false })
    expect(admit({ docName: `${BOARD}.rolkaart.oud`, role: 'facilitator', cardToken: undefined, session })).toMatchObject({ ok: false, code: CloseCode.roleCardGone })
    // A card token opens its own card and nothing else.
    expect(admit({ docName: BOARD, role: 'participant', cardToken: 'kaart1', session })).toMatchObject({ ok: false, code: CloseCode.forbidden })
    expect(admit({ docName: `${BOARD}.toestemming.sessie`, role: 'participant', cardToken: 'kaart1', session })).toMatchObject({ ok: false, code: CloseCode.forbidden })
    expect(isCurrentDoc(`${BOARD}.rolkaart.oud`, session)).toBe(false)
    expect(isCurrentDoc(`${BOARD}.rolkaart.kaart1`, session)).toBe(true)
  })
})

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const page = (id: string, name: string) => ({ id, typeName: 'page', name, index: 'a1', meta: {} })

/** One random change a hostile or honest client could make to a board document. */
function randomChange(random: () => number, doc: Y.Doc): void {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
  const records = doc.getArray<unknown>(RECORDS_ARRAY)
  const name = pick(['junk', 'tl_records', 'meta', 'x'])
  switch (Math.floor(random() * 9)) {
    case 0: {
      const id = `page:p${Math.floor(random() * 5)}`
      records.push([{ key: id, val: page(id, 'Pagina') }])
      return
    }
    case 1:
      records.push([{ key: 'page:fout', val: { ...page('page:fout', 'x'), index: 42 } }])
      return
    case 2:
      doc.getMap(name).set(pick(['schema', 'evil', 'a']), pick([1, 'tekst', { schemaVersion: 2, sequences: {} }, null]))
      return
    case 3:
      doc.getText(name).insert(0, 'verborgen')
      return
    case 4:
      if (records.length > 0) records.delete(Math.floor(random() * records.length), 1)
      return
    case 5:
      records.push([pick([new Y.Map(), new Y.Text('x'), 42, 'los', [1, 2]])])
      return
    case 6:
      doc.getMap(META_MAP).set(META_SCHEMA_KEY, boardSchema.serialize())
      return
    case 7:
      doc.getArray(name).insert(0, [pick([{ key: 'page:x', val: page('page:x', 'x') }, 'los'])])
      return
    default:
      doc.getMap(name).set('genest', new Y.Array())
  }
}

/** Flips a few bytes: what a broken or hostile client might send. */
function mutate(random: () => number, update: Uint8Array): Uint8Array {
  const copy = update.slice()
  const flips = 1 + Math.floor(random() * 3)
  for (let i = 0; i < flips && copy.length > 0; i++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256)
  return copy
}

function decode(update: Uint8Array): DecodedUpdate | null {
  try {
    return Y.decodeUpdate(update) as DecodedUpdate
  } catch {
    return null
  }
}

describe('the write-policy chain under fuzzing', () => {
  it('never throws, and what it lets through keeps the board to known content', () => {
    const seeds = 400
    const policies: WritePolicy[] = [knownContentPolicy, quotaPolicy({ maxBoardBytes: 1 << 20, maxSubDocBytes: 1 << 16 }, false, () => 0)]
    let accepted = 0
    let refused = 0
    for (let seed = 1; seed <= seeds; seed++) {
      const random = prng(seed)
      const server = new Y.Doc()
      for (let step = 0; step < 6; step++) {
        const client = new Y.Doc()
        Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
        const before = Y.encodeStateVector(client)
        try {
          randomChange(random, client)
        } catch {
          continue // e.g. the same name as another type: Yjs refuses it on the client already
        }
        let update = Y.encodeStateAsUpdate(client, before)
        if (random() < 0.2) update = mutate(random, update)
        const decoded = decode(update)
        if (decoded === null) continue // the room answers undecodable updates with 4400 before the chain
        const verdict = runWritePolicies(policies, { docName: BOARD, role: 'participant', update, decoded, doc: server, docBytes: () => 0 })
        if (!verdict.ok) {
          refused++
          expect(verdict.code, `seed ${seed}`).toBe(CloseCode.invalidRecord)
          continue
        }
        try {
          Y.applyUpdate(server, update)
        } catch {
          continue // Yjs itself refuses it: the room closes with 4400, nothing applied
        }
        accepted++
        const content = checkDocumentContent(BOARD, server)
        expect(content, `seed ${seed} step ${step}`).toEqual({ ok: true })
      }
    }
    // Both paths were exercised.
    expect(accepted).toBeGreaterThan(100)
    expect(refused).toBeGreaterThan(100)
  })

  it('accepts a second answer to the same field of a sub-document (placed next to the first in the room)', () => {
    const name = `${BOARD}.toestemming.sessie`
    const server = new Y.Doc()
    const client = new Y.Doc()
    for (const answer of ['ja', 'nee', 'ja']) {
      const before = Y.encodeStateVector(client)
      client.getMap(CONSENT_MAP).set('sharing', answer)
      const update = Y.encodeStateAsUpdate(client, before)
      const verdict = runWritePolicies([knownContentPolicy], { docName: name, role: 'facilitator', update, decoded: decode(update)!, doc: server, docBytes: () => 0 })
      expect(verdict).toEqual({ ok: true })
      Y.applyUpdate(server, update)
    }
    expect(server.getMap(CONSENT_MAP).get('sharing')).toBe('ja')
  })

  it('keeps a sub-document to its map, keys and plain values', () => {
    const name = `${BOARD}.toestemming.sessie`
    const ref = parseDocName(name)
    expect(ref.ok).toBe(true)
    for (let seed = 1; seed <= 200; seed++) {
      const random = prng(seed)
      const server = new Y.Doc()
      const client = new Y.Doc()
      const before = Y.encodeStateVector(client)
      const map = client.getMap(random() < 0.8 ? CONSENT_MAP : 'anders')
      const key = random() < 0.8 ? 'sharing' : 'geheim'
      const value = [() => 'tekst', () => 'x'.repeat(1001), () => new Y.Map(), () => ({ a: 1 }), () => 3, () => null][Math.floor(random() * 6)]()
      map.set(key, value as never)
      const update = Y.encodeStateAsUpdate(client, before)
      const verdict = runWritePolicies([knownContentPolicy], { docName: name, role: 'facilitator', update, decoded: decode(update)!, doc: server, docBytes: () => 0 })
      if (verdict.ok) {
        Y.applyUpdate(server, update)
        expect(checkDocumentContent(name, server), `seed ${seed}`).toEqual({ ok: true })
        expect([...server.share.keys()]).toEqual([CONSENT_MAP])
      }
    }
  })
})
