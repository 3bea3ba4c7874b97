import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  createShapeId,
  createTLStore,
  defaultBindingUtils,
  defaultShapeUtils,
  type TLGeoShape,
  type TLRecord,
  type TLStore,
} from 'tldraw'
import { bindStoreToYDoc, getRecordsKeyValue } from './yjs-store-binding.ts'
import { RECORDS_ARRAY } from '@samenbord/shared/board-doc'

function makeStore(): TLStore {
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  // What the Editor does on mount: create the document, the first page and session records.
  ;(store as unknown as { ensureStoreIsUsable(): void }).ensureStoreIsUsable()
  return store
}

/** Two docs that exchange updates like two clients behind a relay; `online` toggles the wire. */
function connectDocs(a: Y.Doc, b: Y.Doc) {
  const wire = { online: true }
  const forward = (to: Y.Doc) => (update: Uint8Array, origin: unknown) => {
    if (origin !== 'wire' && wire.online) Y.applyUpdate(to, update, 'wire')
  }
  a.on('update', forward(b))
  b.on('update', forward(a))
  return {
    goOffline() {
      wire.online = false
    },
    reconnect() {
      wire.online = true
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'wire')
      Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'wire')
    },
  }
}

/** tldraw batches listener calls per frame; tests flush explicitly. */
function flush(...stores: TLStore[]) {
  for (const store of stores) store._flushHistory()
}

function rect(id: string, x: number, y: number, text = ''): TLGeoShape {
  return {
    id: createShapeId(id),
    typeName: 'shape',
    type: 'geo',
    x,
    y,
    rotation: 0,
    index: 'a1' as TLGeoShape['index'],
    parentId: 'page:page' as TLGeoShape['parentId'],
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      ...new (defaultShapeUtils.find((u) => u.type === 'geo')!)(null as never).getDefaultProps(),
      w: 100,
      h: 80,
      richText: { type: 'doc', content: [{ type: 'paragraph', content: text ? [{ type: 'text', text }] : [] }] },
    } as TLGeoShape['props'],
  } as TLGeoShape
}

function documentRecords(store: TLStore): TLRecord[] {
  return store
    .allRecords()
    .filter((r) => store.scopedTypes.document.has(r.typeName) && r.typeName !== 'user')
    .sort((x, y) => x.id.localeCompare(y.id))
}

function twoClients() {
  const docA = new Y.Doc()
  const docB = new Y.Doc()
  const wire = connectDocs(docA, docB)
  const storeA = makeStore()
  const storeB = makeStore()
  bindStoreToYDoc(storeA, docA)
  bindStoreToYDoc(storeB, docB)
  return { docA, docB, storeA, storeB, wire }
}

describe('tldraw store ⇄ Y.Doc binding', () => {
  it('shows a shape drawn by one person to the other', () => {
    const { storeA, storeB } = twoClients()
    storeA.put([rect('r1', 10, 20, 'Beslismoment')])
    flush(storeA)
    const seen = storeB.get(createShapeId('r1')) as TLGeoShape | undefined
    expect(seen?.x).toBe(10)
    expect(JSON.stringify(seen?.props.richText)).toContain('Beslismoment')
  })

  it('keeps camera, selection and instance state out of the shared document', () => {
    const { docA, storeA } = twoClients()
    const types = new Set(Array.from(getRecordsKeyValue(docA).map.values(), (e) => e.val.typeName))
    expect(types.has('page')).toBe(true)
    expect(types.has('document')).toBe(true)
    for (const local of ['camera', 'instance', 'instance_page_state', 'pointer']) {
      expect(types.has(local as TLRecord['typeName'])).toBe(false)
    }
    expect(storeA.allRecords().some((r) => r.typeName === 'camera')).toBe(true)
  })

  it('converges after concurrent offline edits and a delete racing an update', () => {
    const { storeA, storeB, wire } = twoClients()
    storeA.put([rect('shared', 0, 0), rect('other', 500, 0)])
    flush(storeA)
    expect(storeB.has(createShapeId('shared'))).toBe(true)

    wire.goOffline()
    storeA.put([rect('onlyA', 100, 100)])
    storeA.remove([createShapeId('shared')])
    storeB.put([rect('onlyB', 200, 200)])
    storeB.update(createShapeId('shared'), (r) => ({ ...r, x: 999 }))
    storeB.update(createShapeId('other'), (r) => ({ ...r, y: 42 }))
    flush(storeA, storeB)
    wire.reconnect()

    expect(documentRecords(storeA)).toEqual(documentRecords(storeB))
    expect(storeA.has(createShapeId('onlyA'))).toBe(true)
    expect(storeA.has(createShapeId('onlyB'))).toBe(true)
    expect((storeA.get(createShapeId('other')) as TLGeoShape).y).toBe(42)
  })

  it('does not grow the document when a shape is dragged back and forth', () => {
    const { docA, storeA } = twoClients()
    storeA.put([rect('drag', 0, 0)])
    flush(storeA)
    const entriesBefore = docA.getArray(RECORDS_ARRAY).length
    const sizeBefore = Y.encodeStateAsUpdate(docA).byteLength
    for (let i = 0; i < 300; i++) {
      storeA.update(createShapeId('drag'), (r) => ({ ...r, x: i % 2 ? 400 : 0 }))
      flush(storeA)
    }
    expect(docA.getArray(RECORDS_ARRAY).length).toBe(entriesBefore)
    // Deleted entries leave only small tombstones behind, never 300 full records.
    expect(Y.encodeStateAsUpdate(docA).byteLength).toBeLessThan(sizeBefore + 300 * 40)
  })

  it('applies remote changes as remote, so undo history only holds your own edits', () => {
    const { storeA, storeB } = twoClients()
    const userChangesOnB: string[] = []
    storeB.listen(({ changes }) => userChangesOnB.push(...Object.keys(changes.added)), {
      source: 'user',
      scope: 'document',
    })
    storeA.put([rect('fromA', 0, 0)])
    flush(storeA, storeB)
    expect(storeB.has(createShapeId('fromA'))).toBe(true)
    expect(userChangesOnB).toEqual([])
  })

  it('gives a late joiner the whole board and replaces its own empty default page', () => {
    const { docA, storeA } = twoClients()
    storeA.put([rect('early', 1, 2)])
    flush(storeA)
    const docC = new Y.Doc()
    Y.applyUpdate(docC, Y.encodeStateAsUpdate(docA))
    const storeC = makeStore()
    bindStoreToYDoc(storeC, docC)
    expect(documentRecords(storeC)).toEqual(documentRecords(storeA))
  })

  it('skips a record that fails validation but applies the rest of the batch', () => {
    const { docA, storeA, storeB } = twoClients()
    const rejected: string[] = []
    const docC = new Y.Doc()
    Y.applyUpdate(docC, Y.encodeStateAsUpdate(docA))
    const storeC = makeStore()
    bindStoreToYDoc(storeC, docC, { onRejectedRecord: (id) => rejected.push(id) })
    connectDocs(docA, docC)
    // A foreign client writes straight into the document, bypassing tldraw's validation.
    const kv = getRecordsKeyValue(docA)
    docA.transact(() => {
      kv.set(createShapeId('bad'), { ...rect('bad', 0, 0), props: { w: 'wide' } } as unknown as TLRecord)
      kv.set(createShapeId('good'), rect('good', 5, 5))
    })
    expect(rejected).toEqual([createShapeId('bad')])
    expect(storeC.has(createShapeId('good'))).toBe(true)
    expect(storeB.has(createShapeId('good'))).toBe(true)
  })

  it('does not seed or migrate the shared document for a viewer', () => {
    const doc = new Y.Doc()
    const store = makeStore()
    bindStoreToYDoc(store, doc, { canWrite: false })
    expect(getRecordsKeyValue(doc).map.size).toBe(0)
  })

  it('stops syncing after dispose', () => {
    const docA = new Y.Doc()
    const storeA = makeStore()
    const binding = bindStoreToYDoc(storeA, docA)
    binding.dispose()
    storeA.put([rect('after', 0, 0)])
    flush(storeA)
    expect(getRecordsKeyValue(docA).has(createShapeId('after'))).toBe(false)
  })
})
