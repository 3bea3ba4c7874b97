import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { RECORDS_ARRAY } from '@samenbord/shared'
import { checkLockedWrite, lockStateOf, UNLOCKED } from './board-locks.ts'
import type { DecodedUpdate } from './messages.ts'

type Rec = { id: string; parentId: string; x?: number }

function entries(doc: Y.Doc) {
  return doc.getArray<{ key: string; val: Rec }>(RECORDS_ARRAY)
}

function put(doc: Y.Doc, record: Rec) {
  const records = entries(doc)
  doc.transact(() => {
    const index = records.toArray().findIndex((entry) => entry.key === record.id)
    if (index >= 0) records.delete(index, 1)
    records.push([{ key: record.id, val: record }])
  })
}

/** What a client holding `base` would send for `change`, decoded as the relay decodes it. */
function updateOn(base: Y.Doc, change: (doc: Y.Doc) => void): DecodedUpdate {
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(client)
  change(client)
  return Y.decodeUpdate(Y.encodeStateAsUpdate(client, before)) as DecodedUpdate
}

function board(): Y.Doc {
  const doc = new Y.Doc()
  put(doc, { id: 'shape:frame', parentId: 'page:p' })
  put(doc, { id: 'shape:group', parentId: 'shape:frame' })
  put(doc, { id: 'shape:deep', parentId: 'shape:group' })
  put(doc, { id: 'shape:free', parentId: 'page:p' })
  return doc
}

const frameLock = { locked: false, lockedFrames: ['shape:frame'] }

describe('checkLockedWrite', () => {
  it('lets everything through when nothing is locked, and an empty update even when the board is', () => {
    const doc = board()
    expect(checkLockedWrite(updateOn(doc, (d) => put(d, { id: 'shape:deep', parentId: 'shape:group', x: 5 })), doc, UNLOCKED)).toEqual({ ok: true })
    expect(checkLockedWrite(updateOn(doc, () => {}), doc, { locked: true, lockedFrames: [] })).toEqual({ ok: true })
    expect(checkLockedWrite(updateOn(doc, (d) => put(d, { id: 'shape:free', parentId: 'page:p', x: 1 })), doc, { locked: true, lockedFrames: [] })).toEqual({
      ok: false,
      reason: 'bord staat op slot',
    })
  })

  it('guards a frame and everything nested in it, through groups, but not the rest', () => {
    const doc = board()
    const refused = { ok: false, reason: 'dit frame staat op slot' }
    expect(checkLockedWrite(updateOn(doc, (d) => put(d, { id: 'shape:deep', parentId: 'shape:group', x: 9 })), doc, frameLock)).toEqual(refused)
    expect(checkLockedWrite(updateOn(doc, (d) => put(d, { id: 'shape:deep', parentId: 'page:p' })), doc, frameLock)).toEqual(refused)
    expect(checkLockedWrite(updateOn(doc, (d) => put(d, { id: 'shape:free', parentId: 'shape:group' })), doc, frameLock)).toEqual(refused)
    expect(checkLockedWrite(updateOn(doc, (d) => entries(d).delete(0, 1)), doc, frameLock)).toEqual(refused)
    expect(checkLockedWrite(updateOn(doc, (d) => put(d, { id: 'shape:free', parentId: 'page:p', x: 3 })), doc, frameLock)).toEqual({ ok: true })
    expect(checkLockedWrite(updateOn(doc, (d) => put(d, { id: 'shape:new', parentId: 'page:p' })), doc, frameLock)).toEqual({ ok: true })
  })

  it('follows the board: once the facilitator moves a shape out of the frame, it is free again', () => {
    const doc = board()
    const change = () => updateOn(doc, (d) => put(d, { id: 'shape:deep', parentId: 'page:p', x: 20 }))
    expect(checkLockedWrite(change(), doc, frameLock).ok).toBe(false)
    put(doc, { id: 'shape:deep', parentId: 'page:p' }) // the facilitator's move, applied to the room
    expect(checkLockedWrite(change(), doc, frameLock)).toEqual({ ok: true })
  })

  it('reads the stored state leniently: anything unreadable is unlocked', () => {
    expect(lockStateOf(null)).toEqual(UNLOCKED)
    expect(lockStateOf('{kapot')).toEqual(UNLOCKED)
    expect(lockStateOf('{"locked":"ja","lockedFrames":[1,"shape:a"]}')).toEqual({ locked: false, lockedFrames: ['shape:a'] })
  })
})
