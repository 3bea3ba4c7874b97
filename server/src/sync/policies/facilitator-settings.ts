/**
 * Shared settings that only the facilitator may change, enforced by the relay (the client only
 * hides the controls from other links):
 *
 * - `voteBudget` and `genogramView` in the meta of the tldraw document record
 *   (`document:document` in `tl_records`): the dots each person may give, and which people the
 *   geno-sociogram shows on every screen. A write by another link that inserts a document record
 *   with other values than the room holds, or removes the record while they are set, is refused.
 * - The example family (client/src/werkvormen/sjablonen/demo-board.ts), recognised by its fixed
 *   record ids. Loading it is the facilitator's, and only on a board without shapes. Once part
 *   of it is on the board it is ordinary content: anyone may edit it, delete it and undo that.
 *
 * Pure: the room's document is read, never changed. Like the lock check it treats every inserted
 * `{ key, val }` value as a `tl_records` entry (the record guard has placed them by then).
 */
import * as Y from 'yjs'
import { CloseCode, DOC_NAME_PATTERN, RECORDS_ARRAY, demoCase, type Role } from '@samenbord/shared'
import type { DecodedUpdate } from '../messages.ts'
import { deletedRecordEntries, isPlainObject } from '../record-entries.ts'

export type SettingsCheck = { ok: true } | { ok: false; reason: string }

export const DOCUMENT_RECORD_ID = 'document:document'

/** Keys of the document record's meta that change what everyone sees, with the refusal for each. */
export const FACILITATOR_SETTINGS: Readonly<Record<string, string>> = {
  voteBudget: 'alleen de begeleider mag het stembudget wijzigen',
  genogramView: 'alleen de begeleider mag de weergave van het geno-sociogram voor iedereen kiezen',
}

export const DEMO_BY_OTHERS_REASON = 'alleen de begeleider mag het voorbeeldgezin laden'
export const DEMO_NOT_EMPTY_REASON = 'het voorbeeldgezin kan alleen op een leeg bord worden geladen'

/** The record ids the example family is loaded with (the client's demo-board.ts maps the case's ids the same way). */
export function demoRecordIds(): Set<string> {
  const demo = demoCase()
  const shapeIds = [
    'demo-tijdlijn',
    'demo-legenda',
    ...demo.events.map((e) => e.id),
    ...demo.gaps.map((g) => g.id),
    ...demo.symbols.map((s) => s.id),
    ...demo.relations.map((r) => r.id),
    ...demo.clusters.flatMap((c) => [c.id, ...c.notes.map((n) => n.id)]),
  ]
  return new Set([
    ...demo.persons.map((p) => `person:${p.id}`),
    ...shapeIds.map((id) => `shape:${id}`),
    ...Object.keys(demo.votes).map((voter) => `stem:demo-${voter}`),
  ])
}

const DEMO_IDS: ReadonlySet<string> = demoRecordIds()

const OK: SettingsCheck = { ok: true }

/** Only a board's main document holds tldraw records; `boardId.kind.id` sub-documents have no such settings. */
export function isBoardDocument(docName: string): boolean {
  const match = DOC_NAME_PATTERN.exec(docName)
  return match !== null && match[2] === undefined
}


function settingsOf(documentRecord: unknown): Record<string, unknown> {
  const meta = isPlainObject(documentRecord) && isPlainObject(documentRecord.meta) ? documentRecord.meta : {}
  const settings: Record<string, unknown> = {}
  for (const key of Object.keys(FACILITATOR_SETTINGS)) settings[key] = meta[key]
  return settings
}

/** The first setting whose value differs, or null. */
function changedSetting(before: Record<string, unknown>, after: Record<string, unknown>): string | null {
  for (const key of Object.keys(FACILITATOR_SETTINGS)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) return key
  }
  return null
}

interface RecordsView {
  /** The current document record (the rightmost live entry of its key), if any. */
  documentRecord: unknown
  /** The current entry of the document record, to recognise its deletion. */
  documentEntry: unknown
  hasShape: boolean
  /** Demo ids the board holds now. */
  demoPresent: Set<string>
}

/** One pass over the live entries of `tl_records` (only for updates that touch a setting or the demo). */
function viewRecords(doc: Y.Doc): RecordsView {
  const view: RecordsView = { documentRecord: undefined, documentEntry: undefined, hasShape: false, demoPresent: new Set() }
  for (const entry of doc.getArray<unknown>(RECORDS_ARRAY).toArray()) {
    if (!isPlainObject(entry) || typeof entry.key !== 'string') continue
    const key = entry.key
    if (key === DOCUMENT_RECORD_ID) {
      view.documentRecord = entry.val
      view.documentEntry = entry
    } else if (key.startsWith('shape:')) view.hasShape = true
    if (DEMO_IDS.has(key)) view.demoPresent.add(key)
  }
  return view
}

/** The live `tl_records` entries of the document record this update deletes. */
function deletedDocumentEntries(ds: unknown, doc: Y.Doc): unknown[] {
  return [...deletedRecordEntries(ds, doc)].filter((entry) => entry.key === DOCUMENT_RECORD_ID)
}

/**
 * May a writer with `role` apply this update (already decoded) to the board document `doc`?
 * Refuses, with a Dutch reason, a change of a facilitator setting by anyone else, and the
 * creation of the example family's records except by the facilitator on a board without shapes.
 */
export function checkFacilitatorSettings(decoded: DecodedUpdate, doc: Y.Doc, role: Role): SettingsCheck {
  const isFacilitator = role === 'facilitator'
  const documentRecords: unknown[] = []
  const demoKeys = new Set<string>()
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentAny)) continue
    for (const value of struct.content.arr) {
      if (!isPlainObject(value) || typeof value.key !== 'string') continue
      if (value.key === DOCUMENT_RECORD_ID) documentRecords.push(value.val)
      else if (DEMO_IDS.has(value.key)) demoKeys.add(value.key)
    }
  }
  const checkSettings = !isFacilitator
  // Every YKeyValue write deletes the entry it replaces; only a removal of the current document record matters here.
  const deletedDocuments = checkSettings && documentRecords.length === 0 ? deletedDocumentEntries(decoded.ds, doc) : []
  if (demoKeys.size === 0 && (!checkSettings || (documentRecords.length === 0 && deletedDocuments.length === 0))) return OK

  const view = viewRecords(doc)
  if (checkSettings) {
    const before = settingsOf(view.documentRecord)
    // Conservative: every document record this update inserts must keep the settings as they are.
    for (const record of documentRecords) {
      const changed = changedSetting(before, settingsOf(record))
      if (changed !== null) return { ok: false, reason: FACILITATOR_SETTINGS[changed] }
    }
    if (view.documentEntry !== undefined && deletedDocuments.includes(view.documentEntry)) {
      const changed = changedSetting(before, settingsOf(undefined))
      if (changed !== null) return { ok: false, reason: FACILITATOR_SETTINGS[changed] }
    }
  }
  if (demoKeys.size > 0 && view.demoPresent.size === 0) {
    // Nothing of the example is on the board: this update loads it.
    if (!isFacilitator) return { ok: false, reason: DEMO_BY_OTHERS_REASON }
    if (view.hasShape) return { ok: false, reason: DEMO_NOT_EMPTY_REASON }
  }
  return OK
}

/**
 * The check as a step of the relay's write-policy chain (shape of write-policy.ts' WritePolicy):
 * on a board's main document, a refusal closes the writer's socket with 4403.
 */
export const facilitatorSettingsPolicy = {
  name: 'facilitator-settings',
  check({ docName, decoded, doc, role }: { docName: string; decoded: DecodedUpdate; doc: Y.Doc; role: Role }): { ok: true } | { ok: false; code: number; reason: string } {
    if (!isBoardDocument(docName)) return OK
    const result = checkFacilitatorSettings(decoded, doc, role)
    return result.ok ? OK : { ok: false, code: CloseCode.forbidden, reason: result.reason }
  },
}
