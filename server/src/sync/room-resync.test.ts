import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { FastifyBaseLogger } from 'fastify'
import type { DocumentStore } from '../storage/document-store.ts'
import { BusMessageKind, type BusMessageKindValue } from './bus.ts'
import { DocPersistence } from './persistence.ts'
import { Room } from './room.ts'

const quietLog = { error() {}, warn() {}, info() {}, debug() {} } as unknown as FastifyBaseLogger
const store = { appendDocUpdates: async () => {}, replaceDocState: async () => {} } as unknown as DocumentStore

function roomWithBus() {
  const published: { kind: BusMessageKindValue; payload: Uint8Array }[] = []
  let missingCalls = 0
  const room = new Room('bord', new Y.Doc(), new DocPersistence(store, 'bord', quietLog, 0), {
    fanout: { publish: (kind, payload) => published.push({ kind, payload }) },
    onMissing: () => (missingCalls += 1),
  })
  return { room, published, missingCalls: () => missingCalls }
}

/** Two updates of one writer: the second cannot be applied without the first. */
function twoEdits(): [Uint8Array, Uint8Array, Y.Doc] {
  const source = new Y.Doc()
  const updates: Uint8Array[] = []
  source.on('update', (update: Uint8Array) => updates.push(update))
  source.getMap('m').set('eerste', 1)
  source.getMap('m').set('tweede', 2)
  return [updates[0], updates[1], source]
}

describe('Room: what the bus lost is noticed and asked for', () => {
  it('a bus update that builds on one never received makes the room ask, until the gap is filled', async () => {
    const { room, missingCalls } = roomWithBus()
    const [first, second] = twoEdits()
    room.applyFromBus(BusMessageKind.update, second)
    expect(room.waitingForMissingSince).not.toBeNull()
    expect(room.doc.getMap('m').toJSON()).toEqual({})
    await expect.poll(missingCalls).toBeGreaterThanOrEqual(1)
    room.applyFromBus(BusMessageKind.update, first)
    expect(room.waitingForMissingSince).toBeNull()
    expect(room.doc.getMap('m').toJSON()).toEqual({ eerste: 1, tweede: 2 })
    room.destroy()
  })

  it('answers a sync request with what the requester lacks, deletions included, and asks back once', async () => {
    const { room, published } = roomWithBus()
    const [first, second, source] = twoEdits()
    room.applyFromBus(BusMessageKind.update, first)
    room.applyFromBus(BusMessageKind.update, second)
    room.applyFromBus(BusMessageKind.update, (() => {
      const before = Y.encodeStateVector(source)
      source.getMap('m').delete('eerste')
      return Y.encodeStateAsUpdate(source, before)
    })())
    // The requester has every struct but missed the deletion: its state vector equals ours.
    const requester = new Y.Doc()
    Y.applyUpdate(requester, Y.mergeUpdates([first, second]))
    room.applyFromBus(BusMessageKind.syncRequest, Y.encodeStateVector(requester))
    const answer = published.find((message) => message.kind === BusMessageKind.update)
    expect(answer).toBeDefined()
    Y.applyUpdate(requester, answer!.payload)
    expect(requester.getMap('m').toJSON()).toEqual({ tweede: 2 })
    expect(published.filter((message) => message.kind === BusMessageKind.syncRequestBack)).toHaveLength(1)

    // A request sent back is answered, never asked back (no ping-pong between instances).
    published.length = 0
    room.applyFromBus(BusMessageKind.syncRequestBack, Y.encodeStateVector(new Y.Doc()))
    expect(published.map((message) => message.kind)).toEqual([BusMessageKind.update])
    room.destroy()
  })
})
