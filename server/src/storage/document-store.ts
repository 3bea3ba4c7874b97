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

export type AuditEvent =
  | 'create'
  | 'join'
  | 'export'
  | 'verslag'
  | 'restore'
  | 'delete'
  | 'perspectiefwissel-start'
  | 'perspectiefwissel-claim'
  | 'perspectiefwissel-phase'
  | 'perspectiefwissel-uit-de-rol'
  | 'facilitation'
  | 'co-facilitator-link'
  | 'links-renewed'

export type PerspectiefwisselPhase = 'stilte' | 'houdingen' | 'antwoorden' | 'afgerond'

/** One role of a perspectiefwissel: the card `cardId` is played as betrokkene `personId`. */
export interface RoleCardRecord {
  cardId: string
  personId: string
  label: string
}

export interface RoleCardClaim {
  holderName: string
  /** Milliseconds since the Unix epoch. */
  claimedAt: number
}

/** A board's perspectiefwissel session (at most one per board). Never card content. */
export interface PerspectiefwisselRecord {
  boardId: string
  roles: RoleCardRecord[]
  phase: PerspectiefwisselPhase
  /** Claims by card id; a card without an entry is free. */
  claims: Record<string, RoleCardClaim>
  /** Milliseconds since the Unix epoch. */
  createdAt: number
}

/**
 * A board's facilitation state (lock, ready marks, stepped-out roles) as JSON, owned by
 * server/src/http/facilitation.ts. `version` counts writes, for compare-and-set: two facilitators
 * (or relay instances) changing it at once never lose each other's change.
 */
export interface FacilitationRecord {
  state: string
  version: number
}

/** One line of a board's audit log: who did what when. Never content, never tokens. */
export interface AuditEntry {
  boardId: string
  event: AuditEvent
  /** The role of the link used; null when not applicable. */
  role: string | null
  /** Display name the person chose (optional, socket query param `name`). */
  name: string | null
  /** Milliseconds since the Unix epoch. */
  at: number
}

/** Everything a restored back-up becomes, written by `restoreBoard` at once. */
export interface BoardRestore {
  board: { id: string; title: string; createdAt: number }
  /** Full document names (`boardId`, `boardId.kind.id`) with each one's state update. */
  documents: { doc: string; state: Uint8Array }[]
  /** The perspectiefwissel session and its claims (card id → claim), or null when none was started. */
  perspectiefwissel: { roles: RoleCardRecord[]; phase: PerspectiefwisselPhase; createdAt: number; claims: Record<string, RoleCardClaim> } | null
  /** The facilitation state JSON (stored as version 1), or null for none. */
  facilitation: string | null
}

/** Documents that belong to a board: the board id itself, and `boardId.kind.id` sub-documents. */
export function isDocOfBoard(doc: string, boardId: string): boolean {
  return doc === boardId || doc.startsWith(`${boardId}.`)
}

export interface DocumentStore {
  createBoard(board: { id: string; title: string; createdAt?: number }): Promise<BoardRecord>
  getBoard(id: string): Promise<BoardRecord | null>
  touchBoard(id: string, at?: number): Promise<void>
  countBoards(): Promise<number>
  /** Deletes the board, every update of every one of its documents, its perspectiefwissel, facilitation state and audit log. */
  deleteBoard(id: string): Promise<boolean>
  /** Deletes every stored update of these documents (e.g. the role cards of an earlier perspectiefwissel). */
  deleteDocs(docs: readonly string[]): Promise<void>
  /** Ids of boards whose last_active_at is before `before`. */
  listIdleBoards(before: number): Promise<string[]>
  /** Names of the board's documents that have stored updates. */
  listBoardDocs(boardId: string): Promise<string[]>

  appendAudit(entry: AuditEntry): Promise<void>
  /** The board's audit log, oldest first. */
  listAudit(boardId: string): Promise<AuditEntry[]>
  /** Removes audit entries older than `before` (retention). Returns how many. */
  deleteAuditBefore(before: number): Promise<number>

  /** The board's perspectiefwissel session, or null when none was started. */
  getPerspectiefwissel(boardId: string): Promise<PerspectiefwisselRecord | null>
  /** Starts a session in `phase`, replacing any earlier one and all its claims. */
  replacePerspectiefwissel(boardId: string, session: { roles: RoleCardRecord[]; phase: PerspectiefwisselPhase; createdAt: number }): Promise<void>
  /** Moves the phase from `from` to `to`; false (nothing changed) when the phase is not `from` (anymore). */
  setPerspectiefwisselPhase(boardId: string, from: PerspectiefwisselPhase, to: PerspectiefwisselPhase): Promise<boolean>
  /** Claims a card atomically; false when it was already claimed (the first claim stays). */
  claimRoleCard(boardId: string, cardId: string, claim: RoleCardClaim): Promise<boolean>

  /** The board's facilitation state, or null when nothing was ever set. */
  getFacilitation(boardId: string): Promise<FacilitationRecord | null>
  /**
   * Stores `state` as version `version + 1` if the stored version is still `version` (0: nothing
   * stored yet). False, with nothing written, when someone else wrote first.
   */
  setFacilitation(boardId: string, version: number, state: string): Promise<boolean>

  /** Every stored update of a document, oldest first. */
  loadDocUpdates(doc: string): Promise<Uint8Array[]>
  appendDocUpdate(doc: string, update: Uint8Array): Promise<void>
  /** Stores a batch of updates as one row; where the merging happens is the store's choice (SQLite: its writer thread). */
  appendDocUpdates(doc: string, updates: Uint8Array[]): Promise<void>
  /** Atomically replaces all stored updates of a document by one (compacted) state update. */
  replaceDocState(doc: string, state: Uint8Array): Promise<void>
  countDocUpdates(doc: string): Promise<number>

  /**
   * Creates a board with its documents, perspectiefwissel, claims and facilitation state in one
   * transaction: when any write fails, nothing of it is stored (no board without its content).
   */
  restoreBoard(restore: BoardRestore): Promise<BoardRecord>

  health(): Promise<StorageHealth>
  close(): Promise<void>
}
