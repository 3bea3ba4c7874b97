/**
 * Server-side schema check of board writes: a client (modified or not) cannot store a tldraw
 * record that breaks the board schema. The relay calls `checkBoardUpdate` on every document
 * update from a writer, before `Y.applyUpdate`; a refusal closes that socket with
 * CloseCode.invalidRecord (4422) and the Dutch reason, and nothing of the update is applied.
 *
 * What is checked, without applying the update to any document:
 * - every inserted `{ key, val }` entry (what y-utility's YKeyValue writes into `tl_records`):
 *   `val` must be a known, document-scoped record type (no camera, instance, pointer,
 *   instance_page_state, instance_presence or user records), pass that type's validator from
 *   the board schema (tldraw defaults + werkvormen, shared/src/board-schema.ts) and `val.id`
 *   must equal `key`;
 * - anything else inserted directly into `tl_records` is refused;
 * - the `schema` value of the `meta` map must be a tldraw serialized schema this server can
 *   migrate from (not newer than ours).
 * - Records are checked as every client will read them: migrated up from the schema they were
 *   written under (the `meta.schema` this update sets, else the document's, else ours) to ours,
 *   then validated. A board written by an older client version, or restored from an old
 *   back-up, holds records of older props; they pass once migrated. When that schema is ours
 *   (the usual case) no migration runs at all.
 * - nothing else: another root type (`doc.getMap('junk')`, a hidden `Y.Text`), another key of
 *   `meta`, or a nested type is refused, so the board holds only what the schema describes.
 * Deletions pass. An item inserted next to an existing one
 * carries no parent in the update; pass the room's document to resolve it (without it, such
 * items are still checked when they look like `{ key, val }` entries or a serialized schema).
 */
import * as Y from 'yjs'
import type { DecodedUpdate } from './messages.ts'
import { isPlainObject } from './record-entries.ts'
import { createTLSchema, defaultBindingSchemas, defaultShapeSchemas } from '@tldraw/tlschema'
import {
  checkRecordWith,
  DOC_NAME_PATTERN,
  META_MAP,
  META_SCHEMA_KEY,
  RECORDS_ARRAY,
  werkvormBindingSchemas,
  werkvormRecordSchemas,
  werkvormShapeSchemas,
} from '@samenbord/shared'

export type GuardResult = { ok: true } | { ok: false; reason: string }

const shapeTypes = { ...defaultShapeSchemas, ...werkvormShapeSchemas }

/** The board's full tldraw schema, exactly as the client builds it. */
export const boardSchema = createTLSchema({
  shapes: shapeTypes,
  bindings: { ...defaultBindingSchemas, ...werkvormBindingSchemas },
  records: werkvormRecordSchemas,
})

type SerializedSchema = Parameters<typeof boardSchema.getMigrationsSince>[0]

/**
 * How to read records written under some serialized schema: as they are (it is ours, or needs
 * no migration), migrated up from it, or not at all (newer than ours, or not a schema).
 */
export type RecordSchemaPlan = { kind: 'current' } | { kind: 'migrate'; from: SerializedSchema } | { kind: 'unreadable' }

const CURRENT: RecordSchemaPlan = { kind: 'current' }
const UNREADABLE: RecordSchemaPlan = { kind: 'unreadable' }
// By identity: a room's stored meta.schema is one object for as long as nobody rewrites it.
const plans = new WeakMap<object, RecordSchemaPlan>()

/** What records written under `schema` need before they validate; undefined means ours. */
export function recordSchemaPlan(schema: unknown): RecordSchemaPlan {
  if (schema === undefined) return CURRENT
  if (!isPlainObject(schema)) return UNREADABLE
  const known = plans.get(schema)
  if (known !== undefined) return known
  let plan: RecordSchemaPlan = UNREADABLE
  if (schema.schemaVersion === 1 || schema.schemaVersion === 2) {
    try {
      const migrations = boardSchema.getMigrationsSince(schema as unknown as SerializedSchema)
      if (migrations.ok) plan = migrations.value.length === 0 ? CURRENT : { kind: 'migrate', from: schema as unknown as SerializedSchema }
    } catch {
      plan = UNREADABLE
    }
  }
  plans.set(schema, plan)
  return plan
}

/** The room document's `meta.schema`, read without creating anything in the document. */
export function storedSchemaOf(doc: Y.Doc): unknown {
  const meta = doc.share.get(META_MAP)
  const item = meta?._map.get(META_SCHEMA_KEY)
  if (item === undefined || item.deleted) return undefined
  const content = item.content.getContent()
  return content[content.length - 1]
}

/** Close reasons are limited to 123 bytes of UTF-8. */
export const MAX_REASON_BYTES = 123

/** Record types that are document-scoped for tldraw but stay in the browser on Samenbord. */
const LOCAL_ONLY_TYPES = new Set(['user'])

const OK: GuardResult = { ok: true }
const MISSING_REASON = 'Update bouwt voort op onbekende wijzigingen'
const encoder = new TextEncoder()

/** Cuts `text` to at most `maxBytes` of UTF-8 on a character boundary, marking the cut with '…'. */
export function truncateUtf8(text: string, maxBytes: number = MAX_REASON_BYTES): string {
  if (encoder.encode(text).byteLength <= maxBytes) return text
  const budget = maxBytes - 3 // '…' is three bytes
  let used = 0
  let out = ''
  for (const char of text) {
    const size = encoder.encode(char).byteLength
    if (used + size > budget) break
    used += size
    out += char
  }
  return out + '…'
}

function refuse(reason: string): GuardResult {
  return { ok: false, reason: truncateUtf8(reason) }
}

/** Only a board's main document holds tldraw records; `boardId.kind.id` sub-documents are not checked here. */
export function shouldCheckDoc(docName: string): boolean {
  const match = DOC_NAME_PATTERN.exec(docName)
  return match !== null && match[2] === undefined
}

function looksLikeEntry(value: unknown): boolean {
  return isPlainObject(value) && 'key' in value && 'val' in value
}

function looksLikeSchema(value: unknown): boolean {
  return isPlainObject(value) && 'schemaVersion' in value
}

/**
 * Checks one `{ key, val }` entry of `tl_records`, whose record was written under the schema of
 * `plan` (ours unless told otherwise): migrated up to ours first when that schema is older.
 */
export function checkRecordEntry(entry: unknown, plan: RecordSchemaPlan = CURRENT): GuardResult {
  if (!isPlainObject(entry) || typeof entry.key !== 'string' || !isPlainObject(entry.val)) {
    return refuse('Ongeldige inhoud in tl_records')
  }
  const record = entry.val
  const typeName = record.typeName
  if (typeof typeName !== 'string') return refuse('Record zonder typeName')
  const recordType = (boardSchema.types as Record<string, (typeof boardSchema.types)[keyof typeof boardSchema.types] | undefined>)[typeName]
  if (!Object.hasOwn(boardSchema.types, typeName) || recordType === undefined) {
    return refuse(`Onbekend soort record: ${typeName}`)
  }
  if (recordType.scope !== 'document' || LOCAL_ONLY_TYPES.has(typeName)) {
    return refuse(`${typeName} hoort niet in het bord`)
  }
  if (record.id !== entry.key) return refuse(`Record-id komt niet overeen met de sleutel (${typeName})`)
  if (typeName === 'shape' && !Object.hasOwn(shapeTypes, String(record.type))) {
    return refuse(`Onbekende soort vorm: ${String(record.type)}`)
  }
  const kind = typeName === 'shape' && typeof record.type === 'string' ? record.type : typeName
  let current: unknown = record
  if (plan.kind === 'unreadable') return refuse('Schema in meta is nieuwer dan de server of onbekend')
  if (plan.kind === 'migrate') {
    let migrated: ReturnType<typeof boardSchema.migratePersistedRecord>
    try {
      migrated = boardSchema.migratePersistedRecord(record as never, plan.from, 'up')
    } catch {
      migrated = { type: 'error' } as never
    }
    if (migrated.type !== 'success') return refuse(`${kind} geweigerd: kan niet naar het huidige schema worden bijgewerkt`)
    current = migrated.value
  }
  const check = checkRecordWith(recordType, current, kind)
  if (!check.ok) return refuse(`${kind} geweigerd: ${check.message}`)
  return OK
}

/** Checks the value of `meta.schema`: a serialized tldraw schema we can migrate from. */
export function checkSerializedSchema(value: unknown): GuardResult {
  if (!isPlainObject(value) || (value.schemaVersion !== 1 && value.schemaVersion !== 2)) {
    return refuse('Ongeldig schema in meta')
  }
  try {
    const result = boardSchema.getMigrationsSince(value as unknown as Parameters<typeof boardSchema.getMigrationsSince>[0])
    if (!result.ok) return refuse('Schema in meta is nieuwer dan de server of onbekend')
  } catch {
    return refuse('Ongeldig schema in meta')
  }
  return OK
}

/** Where an inserted item lives: a root type (and map key), inside a nested type, or not known. */
export type Place =
  | { kind: 'root'; name: string; sub: string | null }
  | { kind: 'nested' }
  | { kind: 'unknown' }
  /** Next to an item neither the update nor the room document has: Yjs would keep it pending. */
  | { kind: 'missing' }

const NESTED: Place = { kind: 'nested' }
const UNKNOWN: Place = { kind: 'unknown' }
const MISSING: Place = { kind: 'missing' }

/** Finds the struct of the update holding `id` (structs per client are in clock order). */
function findInUpdate(byClient: Map<number, Y.Item[]>, id: Y.ID): Y.Item | undefined {
  const items = byClient.get(id.client)
  if (items === undefined) return undefined
  let low = 0
  let high = items.length - 1
  while (low <= high) {
    const mid = (low + high) >> 1
    const item = items[mid]
    if (id.clock < item.id.clock) high = mid - 1
    else if (id.clock >= item.id.clock + item.length) low = mid + 1
    else return item
  }
  return undefined
}

function placeInDoc(doc: Y.Doc, id: Y.ID): Place {
  if (Y.getState(doc.store, id.client) <= id.clock) return MISSING
  const struct = Y.getItem(doc.store, id)
  if (!(struct instanceof Y.Item)) return UNKNOWN // garbage-collected: Yjs drops the new item too
  const parent = struct.parent as Y.AbstractType<unknown> | null
  if (parent === null || typeof parent !== 'object' || !('_item' in parent)) return UNKNOWN
  if (parent._item !== null) return NESTED
  if (parent === doc.share.get(RECORDS_ARRAY)) return { kind: 'root', name: RECORDS_ARRAY, sub: struct.parentSub }
  // Any other root type by its name (a sub-document's map; on the board, junk stored before these rules).
  for (const [name, type] of doc.share) if (type === parent) return { kind: 'root', name, sub: struct.parentSub }
  return UNKNOWN
}

/** Walks every inserted item of an update with where it lands; the first refusal stops the walk. */
export function walkInsertedItems(decoded: DecodedUpdate, doc: Y.Doc | undefined, visit: (item: Y.Item, place: Place) => GuardResult): GuardResult {
  const items: Y.Item[] = []
  const byClient = new Map<number, Y.Item[]>()
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    items.push(struct)
    let list = byClient.get(struct.id.client)
    if (list === undefined) byClient.set(struct.id.client, (list = []))
    list.push(struct)
  }
  if (items.length === 0) return OK

  const places = new Map<Y.Item, Place>()
  const placeOf = (start: Y.Item): Place => {
    // Follow origins iteratively (an appended run of entries is a long chain) and remember every step.
    const chain: Y.Item[] = []
    let item: Y.Item | undefined = start
    let place: Place | undefined
    while (item !== undefined) {
      const known = places.get(item)
      if (known !== undefined) {
        place = known
        break
      }
      chain.push(item)
      if (typeof item.parent === 'string') {
        place = { kind: 'root', name: item.parent, sub: item.parentSub }
        break
      }
      if (item.parent !== null) {
        place = NESTED // a child of a nested type (its parent is an item id)
        break
      }
      const ref: Y.ID | null = item.origin ?? item.rightOrigin
      if (ref === null) {
        place = UNKNOWN
        break
      }
      const next = findInUpdate(byClient, ref)
      if (next === undefined || chain.includes(next)) {
        place = doc !== undefined ? placeInDoc(doc, ref) : UNKNOWN
        break
      }
      item = next
    }
    const result = place ?? UNKNOWN
    for (const step of chain) places.set(step, result)
    return result
  }

  for (const item of items) {
    // Deletions carry no content to check.
    if (item.content instanceof Y.ContentDeleted) continue
    const result = visit(item, placeOf(item))
    if (!result.ok) return result
  }
  return OK
}

/**
 * Checks a Yjs update (v1, as y-websocket sends it) for a board's main document before it is
 * applied. `doc` (the room's document) lets items inserted next to existing ones be placed, and
 * gives the schema stored records conform to. The board holds `tl_records` entries and
 * `meta.schema`, nothing else: any other root type, map key or nested type is refused.
 *
 * Records are checked after the walk, against the schema they will be read under: the
 * `meta.schema` this same update sets (a first writer that migrates the board writes its records
 * and its schema in one transaction; a restored board carries both), else the document's.
 */
export function checkBoardUpdate(update: Uint8Array, doc?: Y.Doc, alreadyDecoded?: DecodedUpdate): GuardResult {
  let decoded: DecodedUpdate
  try {
    decoded = alreadyDecoded ?? (Y.decodeUpdate(update) as DecodedUpdate)
  } catch {
    return refuse('Ongeldige Yjs-update')
  }
  const entries: unknown[] = []
  let updateSchema: unknown
  const walked = walkInsertedItems(decoded, doc, (item, place) => {
    const content = item.content
    if (place.kind === 'nested') return refuse('Geneste gegevens horen niet in het bord')
    if (place.kind === 'root' && place.name !== RECORDS_ARRAY && place.name !== META_MAP) return refuse(`Onbekend onderdeel in het bord: ${place.name.slice(0, 40)}`)
    if (place.kind === 'root' && place.name === META_MAP && place.sub !== META_SCHEMA_KEY) return refuse(`Onbekend veld in meta: ${String(place.sub).slice(0, 40)}`)
    const inRecords = place.kind === 'root' && place.name === RECORDS_ARRAY
    const isSchema = place.kind === 'root' && place.name === META_MAP
    if (!(content instanceof Y.ContentAny)) {
      if (inRecords) return refuse('Ongeldige inhoud in tl_records')
      if (isSchema) return refuse('Ongeldig schema in meta')
      return refuse(place.kind === 'missing' ? MISSING_REASON : 'Onbekende inhoud in het bord')
    }
    // Also entries this update deletes again: the raw update is stored and relayed as it is.
    for (const value of content.arr) {
      let result: GuardResult = OK
      if (inRecords || (!isSchema && looksLikeEntry(value))) entries.push(value)
      else if (isSchema || looksLikeSchema(value)) {
        result = checkSerializedSchema(value)
        // Structs come per client in clock order: the last one a writer set is the one that stays.
        if (result.ok && isSchema) updateSchema = value
      }
      // Pending or unplaceable content would be integrated later without a check: only entries may wait.
      else result = refuse(place.kind === 'missing' ? MISSING_REASON : 'Onbekende inhoud in het bord')
      if (!result.ok) return result
    }
    return OK
  })
  if (!walked.ok || entries.length === 0) return walked
  let plan = recordSchemaPlan(updateSchema ?? (doc !== undefined ? storedSchemaOf(doc) : undefined))
  // A stored schema from before these rules that no client can read either: judge by ours, as before.
  if (plan.kind === 'unreadable' && updateSchema === undefined) plan = CURRENT
  for (const entry of entries) {
    const result = checkRecordEntry(entry, plan)
    if (!result.ok) return result
  }
  return OK
}
