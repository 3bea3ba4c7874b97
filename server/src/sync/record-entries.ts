/**
 * Reading `tl_records` entries ({ key, val }, as y-utility's YKeyValue writes them) out of an
 * update before it is applied: the write policies ask which entries an update removes.
 */
import * as Y from 'yjs'
import { RECORDS_ARRAY } from '@samenbord/shared'

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The live `tl_records` entries of `doc` that the update's delete set `ds` removes. Visits only
 * the deleted ranges (binary search per client), never the whole array.
 */
export function* deletedRecordEntries(ds: unknown, doc: Y.Doc): Generator<{ key: string; val: unknown }> {
  const clients = (ds as { clients?: Map<number, { clock: number; len: number }[]> }).clients
  if (clients === undefined || clients.size === 0) return
  const records = doc.getArray<unknown>(RECORDS_ARRAY)
  for (const [client, ranges] of clients) {
    const structs = doc.store.clients.get(client)
    if (structs === undefined) continue
    const known = Y.getState(doc.store, client)
    for (const range of ranges) {
      if (range.clock >= known) continue
      const end = Math.min(range.clock + range.len, known)
      for (let i = Y.findIndexSS(structs, range.clock); i < structs.length && structs[i].id.clock < end; i++) {
        const item = structs[i]
        if (!(item instanceof Y.Item) || item.deleted || item.parent !== records || !(item.content instanceof Y.ContentAny)) continue
        const values = item.content.arr
        for (let j = 0; j < values.length; j++) {
          const clock = item.id.clock + j
          if (clock < range.clock || clock >= end) continue
          const value = values[j]
          if (isPlainObject(value) && typeof value.key === 'string') yield value as { key: string; val: unknown }
        }
      }
    }
  }
}
