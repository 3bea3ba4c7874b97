/**
 * Only known content: what each kind of document may hold (server/src/sync/doc-kinds.ts), checked
 * on every write before it is applied and on every restored document. The board itself is checked
 * by the record guard (tldraw records and the schema, nothing else); a sub-document holds one
 * `Y.Map` with its kind's keys and plain values (text within a length, numbers, booleans, null).
 */
import * as Y from 'yjs'
import type { DecodedUpdate } from './messages.ts'
import { parseDocName, type MapContent } from './doc-kinds.ts'
import { checkBoardUpdate, truncateUtf8, walkInsertedItems, type GuardResult } from './record-guard.ts'

const OK: GuardResult = { ok: true }
const refuse = (reason: string): GuardResult => ({ ok: false, reason: truncateUtf8(reason) })

function checkPlainValue(value: unknown, content: MapContent): GuardResult {
  if (value === null || typeof value === 'boolean') return OK
  if (typeof value === 'number') return Number.isFinite(value) ? OK : refuse('Ongeldig getal in het document')
  if (typeof value === 'string') return value.length <= content.maxChars ? OK : refuse(`Tekst te lang (hoogstens ${content.maxChars} tekens)`)
  return refuse('Alleen tekst, getallen en ja/nee horen in dit document')
}

/** Checks an update of a one-map sub-document (role card, preparation, consent). */
export function checkMapDocUpdate(content: MapContent, decoded: DecodedUpdate, doc?: Y.Doc): GuardResult {
  return walkInsertedItems(decoded, doc, (item, place) => {
    if (place.kind !== 'root' || place.name !== content.map) return refuse('Onbekend onderdeel in het document')
    if (place.sub === null || !content.keys.includes(place.sub)) return refuse(`Onbekend veld: ${String(place.sub).slice(0, 40)}`)
    if (!(item.content instanceof Y.ContentAny)) return refuse('Alleen tekst, getallen en ja/nee horen in dit document')
    for (const value of item.content.arr) {
      const result = checkPlainValue(value, content)
      if (!result.ok) return result
    }
    return OK
  })
}

/** Checks a decoded update for the document `docName`; unknown kinds of document hold nothing. */
export function checkDocUpdate(docName: string, update: Uint8Array, decoded: DecodedUpdate, doc?: Y.Doc): GuardResult {
  const ref = parseDocName(docName)
  if (!ref.ok) return refuse(ref.reason)
  if (ref.sub === null) return checkBoardUpdate(update, doc, decoded)
  return checkMapDocUpdate(ref.sub.content, decoded, doc)
}

/** Checks a whole document (e.g. one restored from a back-up) by the same rules as a live write. */
export function checkDocumentContent(docName: string, doc: Y.Doc): GuardResult {
  const state = Y.encodeStateAsUpdate(doc)
  return checkDocUpdate(docName, state, Y.decodeUpdate(state) as DecodedUpdate)
}
