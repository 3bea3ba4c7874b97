/**
 * Everything the relay persists, behind one interface so a PostgreSQL implementation can be
 * added later. Methods are async even where SQLite is synchronous, because PostgreSQL is not.
 */

export interface BoardRecord {
  id: string
  title: string
  /** Milliseconds since the Unix epoch. */
  createdAt: number
  /** Milliseconds since the Unix epoch; updated whenever someone connects. */
  lastActiveAt: number
}

export interface StorageHealth {
  ok: boolean
  kind: string
  [detail: string]: unknown
}

export interface DocumentStore {
  createBoard(board: { id: string; title: string; createdAt?: number }): Promise<BoardRecord>
  getBoard(id: string): Promise<BoardRecord | null>
  touchBoard(id: string, at?: number): Promise<void>

  /** Every stored update of a document, oldest first. */
  loadDocUpdates(doc: string): Promise<Uint8Array[]>
  appendDocUpdate(doc: string, update: Uint8Array): Promise<void>
  /** Atomically replaces all stored updates of a document by one (compacted) state update. */
  replaceDocState(doc: string, state: Uint8Array): Promise<void>
  countDocUpdates(doc: string): Promise<number>

  health(): Promise<StorageHealth>
  close(): Promise<void>
}
