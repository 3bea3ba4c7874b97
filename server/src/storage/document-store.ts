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
  /** The signed-in owner fetched fresh links from "Mijn borden". */
  | 'owner-links'
  | 'rename'
  /** A signed-in facilitator attached the board to their own account with a facilitator link. */
  | 'attach'
  /** A co-facilitator who attached the board fetched fresh links from "Mijn borden". */
  | 'member-links'

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
  /** The signed-in account that did it (its subject id, never a token); absent when nobody was signed in. */
  subject?: string
}

/** A board attached to a co-facilitator's account (the owner stays in `boards.owner`). */
export interface MemberBoardRecord extends BoardRecord {
  /** When the account attached it (ms); a renewal of the board's links after this ends the attachment. */
  addedAt: number
}

export type AccountKind = 'oidc' | 'local'

/**
 * A signed-in browser. The cookie holds the session id; the store keeps only its SHA-256, so a
 * copy of the database opens no session.
 */
export interface AuthSessionRecord {
  idHash: string
  /** `oidc:<sub>` or `local:<id>`: owner of the boards made in this session. */
  subject: string
  kind: AccountKind
  name: string
  email: string | null
  /** The local beheerder, who may invite facilitators. */
  beheerder: boolean
  /** Milliseconds since the Unix epoch. */
  createdAt: number
  expiresAt: number
}

/** An OpenID Connect sign-in under way, between the redirect to the provider and its callback. */
export interface LoginAttemptRecord {
  /** SHA-256 of the random value in the browser's `sb_login` cookie. */
  idHash: string
  state: string
  nonce: string
  codeVerifier: string
  /** A same-origin path to go to afterwards. */
  returnTo: string
  expiresAt: number
}

/** An account of the embedded default (no OIDC_ISSUER): the beheerder or an invited facilitator. */
export interface LocalAccountRecord {
  subject: string
  name: string
  beheerder: boolean
  createdAt: number
}

/** A one-time invite link for a local facilitator; the store keeps only the code's SHA-256. */
export interface InviteRecord {
  codeHash: string
  /** The name the beheerder gave (the invitee may choose another). */
  name: string
  /** Subject of the beheerder who made it. */
  createdBy: string
  createdAt: number
  expiresAt: number
}

/** What spending an invite did: the new account, or why not. */
export type InviteRedemption = { status: 'ok'; account: LocalAccountRecord } | { status: 'used' | 'expired' | 'unknown' }

/** Everything a restored back-up becomes, written by `restoreBoard` at once. */
export interface BoardRestore {
  /** `owner`: the subject of the account that restored it. */
  board: { id: string; title: string; createdAt: number; owner?: string | null }
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
  /** `owner`: the subject of the signed-in account that made it (null or absent: nobody's). */
  createBoard(board: { id: string; title: string; createdAt?: number; owner?: string | null }): Promise<BoardRecord>
  getBoard(id: string): Promise<BoardRecord | null>
  /** The subject owning the board; null for an unknown board or one without owner. */
  boardOwner(id: string): Promise<string | null>
  /** The boards of one owner, newest first. */
  listBoardsOfOwner(owner: string): Promise<BoardRecord[]>
  /**
   * Attaches the board to a co-facilitator's account, or refreshes `addedAt` when it already was.
   * False (nothing stored) when there is no such board, also when it is being deleted meanwhile.
   */
  addBoardMember(member: { boardId: string; subject: string; addedAt: number }): Promise<boolean>
  /** The boards attached to `subject` as co-facilitator, newest first (not the ones it owns). */
  listBoardsOfMember(subject: string): Promise<MemberBoardRecord[]>
  /** When `subject` attached the board (ms), or null when it did not. */
  boardMemberSince(boardId: string, subject: string): Promise<number | null>
  /** False when there is no such board. */
  renameBoard(id: string, title: string): Promise<boolean>
  touchBoard(id: string, at?: number): Promise<void>
  countBoards(): Promise<number>
  /** Deletes the board, every update of every one of its documents, its perspectiefwissel, facilitation state, members and audit log. */
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

  // Sign-in (server/src/auth/). Expired rows are treated as absent and removed by deleteExpiredAuth.

  createAuthSession(session: AuthSessionRecord): Promise<void>
  /** The session, or null when unknown or expired at `now`. */
  getAuthSession(idHash: string, now: number): Promise<AuthSessionRecord | null>
  deleteAuthSession(idHash: string): Promise<void>
  /** Ends every session of an account. Returns how many. */
  deleteAuthSessionsOf(subject: string): Promise<number>
  putLoginAttempt(attempt: LoginAttemptRecord): Promise<void>
  /** Removes and returns the attempt (expired or not): a state is good for one callback only. */
  takeLoginAttempt(idHash: string): Promise<LoginAttemptRecord | null>
  /** Creates the beheerder account unless one exists (atomically: two set-up codes never make two). */
  createBeheerder(account: LocalAccountRecord): Promise<boolean>
  getBeheerder(): Promise<LocalAccountRecord | null>
  createInvite(invite: InviteRecord): Promise<void>
  /**
   * Spends an invite and creates the facilitator's account (named `account.name`, or the invite's
   * name when null), at once: 'ok' only for the first use of a known invite before its expiry. A
   * used invite stays 'used' until it expires.
   */
  redeemInvite(codeHash: string, now: number, account: { subject: string; name: string | null; createdAt: number }): Promise<InviteRedemption>
  /** Removes sessions, sign-ins under way and invites that expired before `now`. */
  deleteExpiredAuth(now: number): Promise<void>

  health(): Promise<StorageHealth>
  close(): Promise<void>
}
