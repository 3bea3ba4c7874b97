/**
 * Layout of a board's main Yjs document (named by the board id). See docs/document-layout.md.
 *
 * - `Y.Array<{ key: string, val: TLRecord }>` named RECORDS_ARRAY, used through y-utility's
 *   YKeyValue: one entry per document-scoped tldraw record (shapes, bindings, pages, assets,
 *   document). Session state (camera, selection, instance) never enters the document.
 * - `Y.Map` named META_MAP: `schema` holds tldraw's serialized schema the records conform to.
 */
export const RECORDS_ARRAY = 'tl_records'
export const META_MAP = 'meta'
export const META_SCHEMA_KEY = 'schema'

/** Board ids are URL-safe random strings; document names may add a `.kind.id` suffix (later: role cards). */
export const BOARD_ID_PATTERN = /^[A-Za-z0-9_-]{10,40}$/
export const DOC_NAME_PATTERN = /^([A-Za-z0-9_-]{10,40})(?:\.([a-z]+)\.([A-Za-z0-9_-]{1,40}))?$/

/** The board a document belongs to, or null when the name is not a valid document name. */
export function boardIdOfDocName(docName: string): string | null {
  const match = DOC_NAME_PATTERN.exec(docName)
  return match ? match[1] : null
}

export const MAX_TITLE_LENGTH = 120
