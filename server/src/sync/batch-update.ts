/**
 * One stored row for a batch of document updates, taken from the document itself instead of by
 * merging the updates: `Y.encodeStateAsUpdate(doc, vectorBefore)` holds the structs the batch
 * added, with what the batch already overwrote reduced to its length (100 moves of one shape:
 * 338 B, where merging the 100 updates gives 30 KB and took 4-7 ms). Yjs ends that encoding with
 * the delete set of the whole document, which would repeat every old deletion in every row; it
 * is replaced by the deletions of the batch's own transactions.
 *
 * Relies on the V1 update layout (the sync protocol's wire format): the structs section, then the
 * delete set section (client count; per client: id, range count, then clock and length of each range).
 */
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/** What Yjs keeps of a delete set: per client, the deleted clock ranges. */
export type DeleteRanges = Y.Transaction['deleteSet']

function writeDeleteSet(encoder: encoding.Encoder, deleteSet: DeleteRanges): void {
  // Clients in descending order, as Yjs writes them (so the bytes compare equal).
  const clients = [...deleteSet.clients.entries()].sort((a, b) => b[0] - a[0])
  encoding.writeVarUint(encoder, clients.length)
  for (const [client, ranges] of clients) {
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, ranges.length)
    for (const range of ranges) {
      encoding.writeVarUint(encoder, range.clock)
      encoding.writeVarUint(encoder, range.len)
    }
  }
}

function encodeDeleteSet(deleteSet: DeleteRanges): Uint8Array {
  const encoder = encoding.createEncoder()
  writeDeleteSet(encoder, deleteSet)
  return encoding.toUint8Array(encoder)
}

function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  if (tail.byteLength > bytes.byteLength) return false
  const offset = bytes.byteLength - tail.byteLength
  for (let i = 0; i < tail.byteLength; i++) if (bytes[offset + i] !== tail[i]) return false
  return true
}

/**
 * The changes of `doc` since `vectorBefore` (an encoded state vector) as one update whose delete
 * set is `deleted` (the batch's transactions' delete sets). Null when that cannot be taken from
 * the document: while structs wait for missing ones (Yjs then merges those into the encoding), or
 * should the encoding not end in the delete set computed here. The caller then stores the batch's
 * own updates.
 */
export function encodeBatchFromDoc(doc: Y.Doc, vectorBefore: Uint8Array, deleted: readonly DeleteRanges[]): Uint8Array | null {
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) return null
  const changes = Y.encodeStateAsUpdate(doc, vectorBefore)
  const wholeDeleteSet = encodeDeleteSet(Y.decodeUpdate(changes).ds as DeleteRanges)
  if (!endsWith(changes, wholeDeleteSet)) return null
  const structs = changes.subarray(0, changes.byteLength - wholeDeleteSet.byteLength)
  const encoder = encoding.createEncoder()
  encoding.writeUint8Array(encoder, structs)
  writeDeleteSet(encoder, Y.mergeDeleteSets([...deleted]))
  return encoding.toUint8Array(encoder)
}
