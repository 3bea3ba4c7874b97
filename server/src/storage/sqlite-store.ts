import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { configureConnection, DocWriter, truncateWal } from './sqlite-doc-writer.ts'
import { migrateSqlite, type SchemaMigrationResult } from './schema-migrator.ts'
import type {
  AccountKind,
  AuditEntry,
  AuditEvent,
  AuthSessionRecord,
  BoardRecord,
  BoardRestore,
  DocumentStore,
  FacilitationRecord,
  InviteRecord,
  InviteRedemption,
  LocalAccountRecord,
  LoginAttemptRecord,
  MemberBoardRecord,
  PerspectiefwisselPhase,
  PerspectiefwisselRecord,
  RoleCardClaim,
  RoleCardRecord,
  StorageHealth,
} from './document-store.ts'

export const SQLITE_FILE_NAME = 'samenbord.sqlite'

/** Owner read/write only: the database holds health and family data about children. */
const PRIVATE_FILE_MODE = 0o600

/**
 * Creates the database file 0600 if it is new (SQLite gives its -wal and -shm files the mode of the
 * database file) and tightens the three files of an existing database that others could read.
 */
function restrictDatabaseFiles(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE))
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, PRIVATE_FILE_MODE)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot make ${file} private (mode 0600): ${(error as Error).message}`)
    }
  }
}

interface BoardRow {
  id: string
  title: string
  created_at: number
  last_active_at: number
}

/**
 * SQLite through the built-in `node:sqlite` (no native addon). Yjs updates are kept as an
 * append-only log per document and compacted into one row now and then.
 */
export class SqliteDocumentStore implements DocumentStore {
  readonly path: string
  private readonly db: DatabaseSync
  private readonly statements: {
    insertBoard: StatementSync
    selectBoard: StatementSync
    touchBoard: StatementSync
    selectUpdates: StatementSync
    insertUpdate: StatementSync
    deleteUpdates: StatementSync
    countUpdates: StatementSync
    countBoards: StatementSync
    deleteBoard: StatementSync
    deleteBoardDocs: StatementSync
    deleteBoardAudit: StatementSync
    idleBoards: StatementSync
    boardDocs: StatementSync
    insertAudit: StatementSync
    selectAudit: StatementSync
    deleteAuditBefore: StatementSync
    selectSession: StatementSync
    selectClaims: StatementSync
    upsertSession: StatementSync
    deleteSession: StatementSync
    deleteClaims: StatementSync
    updatePhase: StatementSync
    insertClaim: StatementSync
    selectFacilitation: StatementSync
    insertFacilitation: StatementSync
    updateFacilitation: StatementSync
    deleteFacilitation: StatementSync
    boardOwner: StatementSync
    boardsOfOwner: StatementSync
    renameBoard: StatementSync
    upsertMember: StatementSync
    boardsOfMember: StatementSync
    memberSince: StatementSync
    deleteBoardMembers: StatementSync
    insertAuthSession: StatementSync
    selectAuthSession: StatementSync
    deleteAuthSession: StatementSync
    deleteAuthSessionsOf: StatementSync
    insertLoginAttempt: StatementSync
    takeLoginAttempt: StatementSync
    insertBeheerder: StatementSync
    selectBeheerder: StatementSync
    insertInvite: StatementSync
    selectInvite: StatementSync
    spendInvite: StatementSync
    insertLocalAccount: StatementSync
    deleteExpiredSessions: StatementSync
    deleteExpiredAttempts: StatementSync
    deleteExpiredInvites: StatementSync
  }
  /** The schema version this database had when opened, and the one it has now. */
  readonly schemaMigration: SchemaMigrationResult
  private closed = false
  /** Document writes (append, compaction) in a thread of their own; null for ':memory:'. */
  private readonly writer: DocWriter | null

  /**
   * `location` is a directory (the file is `samenbord.sqlite` inside it) or `':memory:'`.
   * `writerThread: false` keeps document writes on this thread (a memory database always does).
   */
  constructor(location: string, options: { writerThread?: boolean } = {}) {
    this.path = location === ':memory:' ? location : join(location, SQLITE_FILE_NAME)
    if (this.path !== ':memory:') restrictDatabaseFiles(this.path)
    this.db = new DatabaseSync(this.path)
    // WAL: readers never block the writer; synchronous=NORMAL is still safe against a process
    // crash (kill -9), only an OS crash can lose the last commits.
    configureConnection(this.db)
    try {
      // Tables by numbered steps (schema-migrations.ts), before the writer thread opens its connection.
      this.schemaMigration = migrateSqlite(this.db, `SQLite-database ${this.path}`)
    } catch (error) {
      this.db.close()
      throw error
    }
    const threaded = location !== ':memory:' && options.writerThread !== false
    // Checkpoints (and their fsyncs) are left to the writer thread, off the event loop.
    if (threaded) this.db.exec('PRAGMA wal_autocheckpoint = 0')
    this.writer = threaded ? new DocWriter(this.path) : null
    this.statements = {
      insertBoard: this.db.prepare(
        'INSERT INTO boards (id, title, created_at, last_active_at, owner) VALUES (?, ?, ?, ?, ?)',
      ),
      selectBoard: this.db.prepare('SELECT id, title, created_at, last_active_at FROM boards WHERE id = ?'),
      touchBoard: this.db.prepare('UPDATE boards SET last_active_at = ? WHERE id = ?'),
      selectUpdates: this.db.prepare('SELECT "update" FROM doc_updates WHERE doc = ? ORDER BY seq'),
      insertUpdate: this.db.prepare('INSERT INTO doc_updates (doc, "update") VALUES (?, ?)'),
      deleteUpdates: this.db.prepare('DELETE FROM doc_updates WHERE doc = ?'),
      countUpdates: this.db.prepare('SELECT COUNT(*) AS n FROM doc_updates WHERE doc = ?'),
      countBoards: this.db.prepare('SELECT COUNT(*) AS n FROM boards'),
      deleteBoard: this.db.prepare('DELETE FROM boards WHERE id = ?'),
      // The board's own doc, and 'id.' ≤ doc < 'id/' ('/' follows '.'): its sub-documents, by index.
      deleteBoardDocs: this.db.prepare('DELETE FROM doc_updates WHERE doc = ? OR (doc >= ? AND doc < ?)'),
      deleteBoardAudit: this.db.prepare('DELETE FROM audit_log WHERE board_id = ?'),
      idleBoards: this.db.prepare('SELECT id FROM boards WHERE last_active_at < ? ORDER BY last_active_at'),
      boardDocs: this.db.prepare('SELECT DISTINCT doc FROM doc_updates WHERE doc = ? OR (doc >= ? AND doc < ?)'),
      insertAudit: this.db.prepare('INSERT INTO audit_log (board_id, event, role, name, at, subject) VALUES (?, ?, ?, ?, ?, ?)'),
      selectAudit: this.db.prepare('SELECT board_id, event, role, name, at, subject FROM audit_log WHERE board_id = ? ORDER BY seq'),
      deleteAuditBefore: this.db.prepare('DELETE FROM audit_log WHERE at < ?'),
      selectSession: this.db.prepare('SELECT roles, phase, created_at FROM perspectiefwissel WHERE board_id = ?'),
      selectClaims: this.db.prepare('SELECT card_id, holder_name, claimed_at FROM role_card_claims WHERE board_id = ?'),
      upsertSession: this.db.prepare(
        `INSERT INTO perspectiefwissel (board_id, roles, phase, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (board_id) DO UPDATE SET roles = excluded.roles, phase = excluded.phase, created_at = excluded.created_at`,
      ),
      deleteSession: this.db.prepare('DELETE FROM perspectiefwissel WHERE board_id = ?'),
      deleteClaims: this.db.prepare('DELETE FROM role_card_claims WHERE board_id = ?'),
      updatePhase: this.db.prepare('UPDATE perspectiefwissel SET phase = ? WHERE board_id = ? AND phase = ?'),
      insertClaim: this.db.prepare(
        'INSERT INTO role_card_claims (board_id, card_id, holder_name, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      selectFacilitation: this.db.prepare('SELECT state, version FROM facilitation WHERE board_id = ?'),
      insertFacilitation: this.db.prepare('INSERT INTO facilitation (board_id, state, version) VALUES (?, ?, 1) ON CONFLICT DO NOTHING'),
      updateFacilitation: this.db.prepare('UPDATE facilitation SET state = ?, version = version + 1 WHERE board_id = ? AND version = ?'),
      deleteFacilitation: this.db.prepare('DELETE FROM facilitation WHERE board_id = ?'),
      boardOwner: this.db.prepare('SELECT owner FROM boards WHERE id = ?'),
      boardsOfOwner: this.db.prepare('SELECT id, title, created_at, last_active_at FROM boards WHERE owner = ? ORDER BY created_at DESC, id'),
      renameBoard: this.db.prepare('UPDATE boards SET title = ? WHERE id = ?'),
      // Only for a board that exists: a member row of a deleted board would outlive it.
      upsertMember: this.db.prepare(
        `INSERT INTO board_members (board_id, subject, added_at) SELECT id, ?, ? FROM boards WHERE id = ?
         ON CONFLICT (board_id, subject) DO UPDATE SET added_at = excluded.added_at`,
      ),
      boardsOfMember: this.db.prepare(
        `SELECT b.id, b.title, b.created_at, b.last_active_at, m.added_at FROM board_members m JOIN boards b ON b.id = m.board_id
         WHERE m.subject = ? AND (b.owner IS NULL OR b.owner <> m.subject) ORDER BY b.created_at DESC, b.id`,
      ),
      memberSince: this.db.prepare('SELECT added_at FROM board_members WHERE board_id = ? AND subject = ?'),
      deleteBoardMembers: this.db.prepare('DELETE FROM board_members WHERE board_id = ?'),
      insertAuthSession: this.db.prepare(
        'INSERT INTO auth_sessions (id_hash, subject, kind, name, email, beheerder, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      selectAuthSession: this.db.prepare(
        'SELECT id_hash, subject, kind, name, email, beheerder, created_at, expires_at FROM auth_sessions WHERE id_hash = ? AND expires_at > ?',
      ),
      deleteAuthSession: this.db.prepare('DELETE FROM auth_sessions WHERE id_hash = ?'),
      deleteAuthSessionsOf: this.db.prepare('DELETE FROM auth_sessions WHERE subject = ?'),
      insertLoginAttempt: this.db.prepare(
        'INSERT INTO login_attempts (id_hash, state, nonce, code_verifier, return_to, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      takeLoginAttempt: this.db.prepare(
        'DELETE FROM login_attempts WHERE id_hash = ? RETURNING id_hash, state, nonce, code_verifier, return_to, expires_at',
      ),
      // The unique index on beheerder = 1 makes a second beheerder a conflict, and so nothing.
      insertBeheerder: this.db.prepare('INSERT INTO local_accounts (subject, name, beheerder, created_at) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING'),
      selectBeheerder: this.db.prepare('SELECT subject, name, created_at FROM local_accounts WHERE beheerder = 1'),
      insertInvite: this.db.prepare('INSERT INTO invites (code_hash, name, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      selectInvite: this.db.prepare('SELECT name, expires_at, used_at FROM invites WHERE code_hash = ?'),
      spendInvite: this.db.prepare('UPDATE invites SET used_at = ? WHERE code_hash = ? AND used_at IS NULL'),
      insertLocalAccount: this.db.prepare('INSERT INTO local_accounts (subject, name, beheerder, created_at) VALUES (?, ?, 0, ?)'),
      deleteExpiredSessions: this.db.prepare('DELETE FROM auth_sessions WHERE expires_at <= ?'),
      deleteExpiredAttempts: this.db.prepare('DELETE FROM login_attempts WHERE expires_at <= ?'),
      deleteExpiredInvites: this.db.prepare('DELETE FROM invites WHERE expires_at <= ?'),
    }
  }

  async createBoard(board: { id: string; title: string; createdAt?: number; owner?: string | null }): Promise<BoardRecord> {
    const createdAt = board.createdAt ?? Date.now()
    this.statements.insertBoard.run(board.id, board.title, createdAt, createdAt, board.owner ?? null)
    return { id: board.id, title: board.title, createdAt, lastActiveAt: createdAt }
  }

  async getBoard(id: string): Promise<BoardRecord | null> {
    const row = this.statements.selectBoard.get(id) as BoardRow | undefined
    if (!row) return null
    return { id: row.id, title: row.title, createdAt: Number(row.created_at), lastActiveAt: Number(row.last_active_at) }
  }

  async boardOwner(id: string): Promise<string | null> {
    const row = this.statements.boardOwner.get(id) as { owner: string | null } | undefined
    return row?.owner ?? null
  }

  async listBoardsOfOwner(owner: string): Promise<BoardRecord[]> {
    return (this.statements.boardsOfOwner.all(owner) as unknown as BoardRow[]).map((row) => ({
      id: row.id,
      title: row.title,
      createdAt: Number(row.created_at),
      lastActiveAt: Number(row.last_active_at),
    }))
  }

  async addBoardMember(member: { boardId: string; subject: string; addedAt: number }): Promise<boolean> {
    return Number(this.statements.upsertMember.run(member.subject, member.addedAt, member.boardId).changes) > 0
  }

  async listBoardsOfMember(subject: string): Promise<MemberBoardRecord[]> {
    return (this.statements.boardsOfMember.all(subject) as unknown as (BoardRow & { added_at: number })[]).map((row) => ({
      id: row.id,
      title: row.title,
      createdAt: Number(row.created_at),
      lastActiveAt: Number(row.last_active_at),
      addedAt: Number(row.added_at),
    }))
  }

  async boardMemberSince(boardId: string, subject: string): Promise<number | null> {
    const row = this.statements.memberSince.get(boardId, subject) as { added_at: number } | undefined
    return row === undefined ? null : Number(row.added_at)
  }

  async renameBoard(id: string, title: string): Promise<boolean> {
    return Number(this.statements.renameBoard.run(title, id).changes) > 0
  }

  async touchBoard(id: string, at: number = Date.now()): Promise<void> {
    this.statements.touchBoard.run(at, id)
  }

  async countBoards(): Promise<number> {
    const row = this.statements.countBoards.get() as { n: number | bigint }
    return Number(row.n)
  }

  async deleteBoard(id: string): Promise<boolean> {
    // Writes of the board's documents still on their way would otherwise land after the delete.
    await this.writer?.settled()
    let deleted = false
    this.transaction(() => {
      deleted = Number(this.statements.deleteBoard.run(id).changes) > 0
      this.statements.deleteBoardDocs.run(id, `${id}.`, `${id}/`)
      this.statements.deleteBoardAudit.run(id)
      this.statements.deleteSession.run(id)
      this.statements.deleteClaims.run(id)
      this.statements.deleteFacilitation.run(id)
      this.statements.deleteBoardMembers.run(id)
    })
    await this.truncateWal()
    return deleted
  }

  async deleteDocs(docs: readonly string[]): Promise<void> {
    if (docs.length === 0) return
    // Batches of these documents still on their way would otherwise land after the delete.
    await this.writer?.settled()
    this.transaction(() => {
      for (const doc of docs) this.statements.deleteUpdates.run(doc)
    })
    await this.truncateWal()
  }

  async listIdleBoards(before: number): Promise<string[]> {
    return (this.statements.idleBoards.all(before) as { id: string }[]).map((row) => row.id)
  }

  async listBoardDocs(boardId: string): Promise<string[]> {
    await this.writer?.settled()
    const rows = this.statements.boardDocs.all(boardId, `${boardId}.`, `${boardId}/`) as { doc: string }[]
    return rows.map((row) => row.doc)
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.statements.insertAudit.run(entry.boardId, entry.event, entry.role, entry.name, entry.at, entry.subject ?? null)
  }

  async listAudit(boardId: string): Promise<AuditEntry[]> {
    const rows = this.statements.selectAudit.all(boardId) as {
      board_id: string
      event: AuditEvent
      role: string | null
      name: string | null
      at: number
      subject: string | null
    }[]
    return rows.map((row) => ({
      boardId: row.board_id,
      event: row.event,
      role: row.role,
      name: row.name,
      at: Number(row.at),
      ...(row.subject !== null ? { subject: row.subject } : {}),
    }))
  }

  async deleteAuditBefore(before: number): Promise<number> {
    const removed = Number(this.statements.deleteAuditBefore.run(before).changes)
    // Audit entries carry display names.
    if (removed > 0) await this.truncateWal()
    return removed
  }

  async getPerspectiefwissel(boardId: string): Promise<PerspectiefwisselRecord | null> {
    const row = this.statements.selectSession.get(boardId) as { roles: string; phase: string; created_at: number } | undefined
    if (!row) return null
    const claims: Record<string, RoleCardClaim> = {}
    for (const claim of this.statements.selectClaims.all(boardId) as { card_id: string; holder_name: string; claimed_at: number }[]) {
      claims[claim.card_id] = { holderName: claim.holder_name, claimedAt: Number(claim.claimed_at) }
    }
    return {
      boardId,
      roles: JSON.parse(row.roles) as RoleCardRecord[],
      phase: row.phase as PerspectiefwisselPhase,
      claims,
      createdAt: Number(row.created_at),
    }
  }

  async replacePerspectiefwissel(
    boardId: string,
    session: { roles: RoleCardRecord[]; phase: PerspectiefwisselPhase; createdAt: number },
  ): Promise<void> {
    this.transaction(() => {
      this.statements.deleteClaims.run(boardId)
      this.statements.upsertSession.run(boardId, JSON.stringify(session.roles), session.phase, session.createdAt)
    })
  }

  async setPerspectiefwisselPhase(boardId: string, from: PerspectiefwisselPhase, to: PerspectiefwisselPhase): Promise<boolean> {
    return Number(this.statements.updatePhase.run(to, boardId, from).changes) > 0
  }

  async claimRoleCard(boardId: string, cardId: string, claim: RoleCardClaim): Promise<boolean> {
    return Number(this.statements.insertClaim.run(boardId, cardId, claim.holderName, claim.claimedAt).changes) > 0
  }

  async getFacilitation(boardId: string): Promise<FacilitationRecord | null> {
    const row = this.statements.selectFacilitation.get(boardId) as { state: string; version: number | bigint } | undefined
    return row ? { state: row.state, version: Number(row.version) } : null
  }

  async setFacilitation(boardId: string, version: number, state: string): Promise<boolean> {
    const result = version === 0 ? this.statements.insertFacilitation.run(boardId, state) : this.statements.updateFacilitation.run(state, boardId, version)
    return Number(result.changes) > 0
  }

  async loadDocUpdates(doc: string): Promise<Uint8Array[]> {
    // Read what was written: the writer thread commits on its own connection.
    await this.writer?.settled()
    const rows = this.statements.selectUpdates.all(doc) as { update: Uint8Array }[]
    return rows.map((row) => row.update)
  }

  async appendDocUpdate(doc: string, update: Uint8Array): Promise<void> {
    if (this.writer) return this.writer.write({ kind: 'append', doc, update })
    this.statements.insertUpdate.run(doc, update)
  }

  /** Stores `updates` as one row (merged in the writer thread when there is one). */
  async appendDocUpdates(doc: string, updates: Uint8Array[]): Promise<void> {
    if (this.writer) return this.writer.write({ kind: 'append-merged', doc, updates })
    this.statements.insertUpdate.run(doc, updates.length === 1 ? updates[0] : Y.mergeUpdates(updates))
  }

  async replaceDocState(doc: string, state: Uint8Array): Promise<void> {
    if (this.writer) return this.writer.write({ kind: 'replace', doc, state })
    this.transaction(() => {
      this.statements.deleteUpdates.run(doc)
      this.statements.insertUpdate.run(doc, state)
    })
  }

  async countDocUpdates(doc: string): Promise<number> {
    await this.writer?.settled()
    const row = this.statements.countUpdates.get(doc) as { n: number | bigint }
    return Number(row.n)
  }

  async restoreBoard(restore: BoardRestore): Promise<BoardRecord> {
    const { board, perspectiefwissel: session } = restore
    // On this connection, not the writer thread's: one transaction for the board and its documents.
    // The thread's writes on their way go first, so BEGIN IMMEDIATE seldom waits for its lock.
    await this.writer?.settled()
    this.transaction(() => {
      this.statements.insertBoard.run(board.id, board.title, board.createdAt, board.createdAt, board.owner ?? null)
      if (session !== null) {
        this.statements.upsertSession.run(board.id, JSON.stringify(session.roles), session.phase, session.createdAt)
        for (const [cardId, claim] of Object.entries(session.claims)) this.statements.insertClaim.run(board.id, cardId, claim.holderName, claim.claimedAt)
      }
      if (restore.facilitation !== null) this.statements.insertFacilitation.run(board.id, restore.facilitation)
      for (const { doc, state } of restore.documents) this.statements.insertUpdate.run(doc, state)
    })
    return { id: board.id, title: board.title, createdAt: board.createdAt, lastActiveAt: board.createdAt }
  }

  async createAuthSession(session: AuthSessionRecord): Promise<void> {
    const { idHash, subject, kind, name, email, beheerder, createdAt, expiresAt } = session
    this.statements.insertAuthSession.run(idHash, subject, kind, name, email, beheerder ? 1 : 0, createdAt, expiresAt)
  }

  async getAuthSession(idHash: string, now: number): Promise<AuthSessionRecord | null> {
    const row = this.statements.selectAuthSession.get(idHash, now) as
      | { id_hash: string; subject: string; kind: AccountKind; name: string; email: string | null; beheerder: number; created_at: number; expires_at: number }
      | undefined
    if (!row) return null
    return {
      idHash: row.id_hash,
      subject: row.subject,
      kind: row.kind,
      name: row.name,
      email: row.email,
      beheerder: Number(row.beheerder) === 1,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    }
  }

  async deleteAuthSession(idHash: string): Promise<void> {
    this.statements.deleteAuthSession.run(idHash)
  }

  async deleteAuthSessionsOf(subject: string): Promise<number> {
    return Number(this.statements.deleteAuthSessionsOf.run(subject).changes)
  }

  async putLoginAttempt(attempt: LoginAttemptRecord): Promise<void> {
    const { idHash, state, nonce, codeVerifier, returnTo, expiresAt } = attempt
    this.statements.insertLoginAttempt.run(idHash, state, nonce, codeVerifier, returnTo, expiresAt)
  }

  async takeLoginAttempt(idHash: string): Promise<LoginAttemptRecord | null> {
    const row = this.statements.takeLoginAttempt.get(idHash) as
      | { id_hash: string; state: string; nonce: string; code_verifier: string; return_to: string; expires_at: number }
      | undefined
    if (!row) return null
    return { idHash: row.id_hash, state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to, expiresAt: Number(row.expires_at) }
  }

  async createBeheerder(account: LocalAccountRecord): Promise<boolean> {
    return Number(this.statements.insertBeheerder.run(account.subject, account.name, account.createdAt).changes) > 0
  }

  async getBeheerder(): Promise<LocalAccountRecord | null> {
    const row = this.statements.selectBeheerder.get() as { subject: string; name: string; created_at: number } | undefined
    return row ? { subject: row.subject, name: row.name, beheerder: true, createdAt: Number(row.created_at) } : null
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    this.statements.insertInvite.run(invite.codeHash, invite.name, invite.createdBy, invite.createdAt, invite.expiresAt)
  }

  async redeemInvite(codeHash: string, now: number, account: { subject: string; name: string | null; createdAt: number }): Promise<InviteRedemption> {
    let outcome: InviteRedemption = { status: 'unknown' }
    this.transaction(() => {
      const invite = this.statements.selectInvite.get(codeHash) as { name: string; expires_at: number; used_at: number | null } | undefined
      if (!invite) return
      if (invite.used_at !== null) outcome = { status: 'used' }
      else if (Number(invite.expires_at) <= now) outcome = { status: 'expired' }
      else if (Number(this.statements.spendInvite.run(now, codeHash).changes) === 0) outcome = { status: 'used' }
      else {
        const name = account.name ?? invite.name
        this.statements.insertLocalAccount.run(account.subject, name, account.createdAt)
        outcome = { status: 'ok', account: { subject: account.subject, name, beheerder: false, createdAt: account.createdAt } }
      }
    })
    return outcome
  }

  async deleteExpiredAuth(now: number): Promise<void> {
    let removed = 0
    this.transaction(() => {
      removed += Number(this.statements.deleteExpiredSessions.run(now).changes)
      removed += Number(this.statements.deleteExpiredAttempts.run(now).changes)
      removed += Number(this.statements.deleteExpiredInvites.run(now).changes)
    })
    // Sessions carry names and e-mail addresses: gone from the WAL too.
    if (removed > 0) await this.truncateWal()
  }

  async health(): Promise<StorageHealth> {
    if (this.closed) return { ok: false, kind: 'sqlite', error: 'closed' }
    if (this.writer?.error) return { ok: false, kind: 'sqlite', error: `writer thread: ${this.writer.error.message}` }
    try {
      this.db.prepare('SELECT 1').get()
      const journal = this.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }
      return { ok: true, kind: 'sqlite', journalMode: journal.journal_mode, writer: this.writer ? 'thread' : 'main' }
    } catch (error) {
      return { ok: false, kind: 'sqlite', error: (error as Error).message }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    try {
      await this.writer?.close()
    } finally {
      this.db.close()
    }
  }

  /**
   * Makes a deletion final on disk: the WAL, which still holds the pages as they were before,
   * is checkpointed into the database file (where secure_delete zeroed the deleted content) and
   * truncated to 0 bytes. In the writer thread when there is one, its fsyncs off the event loop.
   */
  private async truncateWal(): Promise<void> {
    if (this.writer) return this.writer.checkpoint()
    if (this.path !== ':memory:') truncateWal(this.db)
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      work()
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }
}
