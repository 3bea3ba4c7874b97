import pg from 'pg'
import * as Y from 'yjs'
import { stateOfUpdates } from '../sync/persistence.ts'
import { migratePostgres, type SchemaMigrationResult } from './schema-migrator.ts'
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

export interface PostgresStoreOptions {
  /** Schema for the tables (created if missing); tests use a throw-away one. Default: public. */
  schema?: string
  /** Pool size; the relay needs few connections. */
  max?: number
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/**
 * PostgreSQL through `pg` (pure JavaScript). Same layout and rules as the SQLite store: an
 * append-only update log per document, compacted into one row now and then. Several relay
 * instances may share one database, so compaction merges the rows it replaces into the new
 * state and deletes exactly those rows: an update another instance appended meanwhile stays.
 */
export class PostgresDocumentStore implements DocumentStore {
  readonly schema: string
  /** The schema version the database had when opened, and the one it has now. */
  readonly schemaMigration: SchemaMigrationResult
  private readonly pool: pg.Pool
  private closed = false

  private constructor(pool: pg.Pool, schema: string, schemaMigration: SchemaMigrationResult) {
    this.pool = pool
    this.schema = schema
    this.schemaMigration = schemaMigration
  }

  /** Connects, creates the schema and brings its tables to the latest version (schema-migrations.ts). */
  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresDocumentStore> {
    const schema = options.schema ?? 'public'
    if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}"`)
    const pool = new pg.Pool({ connectionString, max: options.max ?? 8, connectionTimeoutMillis: 5000 })
    // An idle client that loses its connection must not crash the process.
    pool.on('error', () => {})
    let schemaMigration: SchemaMigrationResult
    try {
      schemaMigration = await migratePostgres(pool, schema)
    } catch (error) {
      await pool.end().catch(() => {})
      throw error
    }
    return new PostgresDocumentStore(pool, schema, schemaMigration)
  }

  private t(name: string): string {
    return `${this.schema}.${name}`
  }

  async createBoard(board: { id: string; title: string; createdAt?: number; owner?: string | null }): Promise<BoardRecord> {
    const createdAt = board.createdAt ?? Date.now()
    await this.pool.query(`INSERT INTO ${this.t('boards')} (id, title, created_at, last_active_at, owner) VALUES ($1, $2, $3, $3, $4)`, [
      board.id,
      board.title,
      createdAt,
      board.owner ?? null,
    ])
    return { id: board.id, title: board.title, createdAt, lastActiveAt: createdAt }
  }

  async getBoard(id: string): Promise<BoardRecord | null> {
    const { rows } = await this.pool.query(`SELECT id, title, created_at, last_active_at FROM ${this.t('boards')} WHERE id = $1`, [id])
    if (rows.length === 0) return null
    const row = rows[0]
    return { id: row.id, title: row.title, createdAt: Number(row.created_at), lastActiveAt: Number(row.last_active_at) }
  }

  async boardOwner(id: string): Promise<string | null> {
    const { rows } = await this.pool.query(`SELECT owner FROM ${this.t('boards')} WHERE id = $1`, [id])
    return rows.length === 0 ? null : ((rows[0].owner as string | null) ?? null)
  }

  async listBoardsOfOwner(owner: string): Promise<BoardRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT id, title, created_at, last_active_at FROM ${this.t('boards')} WHERE owner = $1 ORDER BY created_at DESC, id`,
      [owner],
    )
    return rows.map((row) => ({ id: row.id, title: row.title, createdAt: Number(row.created_at), lastActiveAt: Number(row.last_active_at) }))
  }

  async addBoardMember(member: { boardId: string; subject: string; addedAt: number }): Promise<boolean> {
    return this.transaction(async (client) => {
      // FOR SHARE waits for a deletion of the board in progress (and then finds nothing), and
      // holds a deletion back until this row is in, so deleteBoard removes it too.
      const board = await client.query(`SELECT id FROM ${this.t('boards')} WHERE id = $1 FOR SHARE`, [member.boardId])
      if (board.rowCount === 0) return false
      await client.query(
        `INSERT INTO ${this.t('board_members')} (board_id, subject, added_at) VALUES ($1, $2, $3)
         ON CONFLICT (board_id, subject) DO UPDATE SET added_at = excluded.added_at`,
        [member.boardId, member.subject, member.addedAt],
      )
      return true
    })
  }

  async listBoardsOfMember(subject: string): Promise<MemberBoardRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT b.id, b.title, b.created_at, b.last_active_at, m.added_at FROM ${this.t('board_members')} m JOIN ${this.t('boards')} b ON b.id = m.board_id
       WHERE m.subject = $1 AND (b.owner IS NULL OR b.owner <> m.subject) ORDER BY b.created_at DESC, b.id`,
      [subject],
    )
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      createdAt: Number(row.created_at),
      lastActiveAt: Number(row.last_active_at),
      addedAt: Number(row.added_at),
    }))
  }

  async boardMemberSince(boardId: string, subject: string): Promise<number | null> {
    const { rows } = await this.pool.query(`SELECT added_at FROM ${this.t('board_members')} WHERE board_id = $1 AND subject = $2`, [boardId, subject])
    return rows.length === 0 ? null : Number(rows[0].added_at)
  }

  async renameBoard(id: string, title: string): Promise<boolean> {
    const result = await this.pool.query(`UPDATE ${this.t('boards')} SET title = $1 WHERE id = $2`, [title, id])
    return (result.rowCount ?? 0) > 0
  }

  async touchBoard(id: string, at: number = Date.now()): Promise<void> {
    await this.pool.query(`UPDATE ${this.t('boards')} SET last_active_at = $1 WHERE id = $2`, [at, id])
  }

  async countBoards(): Promise<number> {
    const { rows } = await this.pool.query(`SELECT COUNT(*) AS n FROM ${this.t('boards')}`)
    return Number(rows[0].n)
  }

  async deleteBoard(id: string): Promise<boolean> {
    return this.transaction(async (client) => {
      const result = await client.query(`DELETE FROM ${this.t('boards')} WHERE id = $1`, [id])
      await client.query(`DELETE FROM ${this.t('doc_updates')} WHERE doc = $1 OR (doc >= $2 AND doc < $3)`, [id, `${id}.`, `${id}/`])
      await client.query(`DELETE FROM ${this.t('audit_log')} WHERE board_id = $1`, [id])
      await client.query(`DELETE FROM ${this.t('perspectiefwissel')} WHERE board_id = $1`, [id])
      await client.query(`DELETE FROM ${this.t('role_card_claims')} WHERE board_id = $1`, [id])
      await client.query(`DELETE FROM ${this.t('facilitation')} WHERE board_id = $1`, [id])
      await client.query(`DELETE FROM ${this.t('board_members')} WHERE board_id = $1`, [id])
      return (result.rowCount ?? 0) > 0
    })
  }

  async deleteDocs(docs: readonly string[]): Promise<void> {
    if (docs.length === 0) return
    await this.pool.query(`DELETE FROM ${this.t('doc_updates')} WHERE doc = ANY($1::text[])`, [[...docs]])
  }

  async listIdleBoards(before: number): Promise<string[]> {
    const { rows } = await this.pool.query(`SELECT id FROM ${this.t('boards')} WHERE last_active_at < $1 ORDER BY last_active_at`, [before])
    return rows.map((row) => row.id as string)
  }

  async listBoardDocs(boardId: string): Promise<string[]> {
    const { rows } = await this.pool.query(
      `SELECT DISTINCT doc FROM ${this.t('doc_updates')} WHERE doc = $1 OR (doc >= $2 AND doc < $3)`,
      [boardId, `${boardId}.`, `${boardId}/`],
    )
    return rows.map((row) => row.doc as string)
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.t('audit_log')} (board_id, event, role, name, at, subject) VALUES ($1, $2, $3, $4, $5, $6)`, [
      entry.boardId,
      entry.event,
      entry.role,
      entry.name,
      entry.at,
      entry.subject ?? null,
    ])
  }

  async listAudit(boardId: string): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query(
      `SELECT board_id, event, role, name, at, subject FROM ${this.t('audit_log')} WHERE board_id = $1 ORDER BY seq`,
      [boardId],
    )
    return rows.map((row) => ({
      boardId: row.board_id as string,
      event: row.event as AuditEvent,
      role: row.role as string | null,
      name: row.name as string | null,
      at: Number(row.at),
      ...(row.subject !== null ? { subject: row.subject as string } : {}),
    }))
  }

  async deleteAuditBefore(before: number): Promise<number> {
    const result = await this.pool.query(`DELETE FROM ${this.t('audit_log')} WHERE at < $1`, [before])
    return result.rowCount ?? 0
  }

  async getPerspectiefwissel(boardId: string): Promise<PerspectiefwisselRecord | null> {
    const { rows } = await this.pool.query(`SELECT roles, phase, created_at FROM ${this.t('perspectiefwissel')} WHERE board_id = $1`, [boardId])
    if (rows.length === 0) return null
    const claimRows = await this.pool.query(
      `SELECT card_id, holder_name, claimed_at FROM ${this.t('role_card_claims')} WHERE board_id = $1`,
      [boardId],
    )
    const claims: Record<string, RoleCardClaim> = {}
    for (const claim of claimRows.rows) {
      claims[claim.card_id as string] = { holderName: claim.holder_name as string, claimedAt: Number(claim.claimed_at) }
    }
    return {
      boardId,
      roles: JSON.parse(rows[0].roles as string) as RoleCardRecord[],
      phase: rows[0].phase as PerspectiefwisselPhase,
      claims,
      createdAt: Number(rows[0].created_at),
    }
  }

  async replacePerspectiefwissel(
    boardId: string,
    session: { roles: RoleCardRecord[]; phase: PerspectiefwisselPhase; createdAt: number },
  ): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(`DELETE FROM ${this.t('role_card_claims')} WHERE board_id = $1`, [boardId])
      await client.query(
        `INSERT INTO ${this.t('perspectiefwissel')} (board_id, roles, phase, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (board_id) DO UPDATE SET roles = EXCLUDED.roles, phase = EXCLUDED.phase, created_at = EXCLUDED.created_at`,
        [boardId, JSON.stringify(session.roles), session.phase, session.createdAt],
      )
    })
  }

  async setPerspectiefwisselPhase(boardId: string, from: PerspectiefwisselPhase, to: PerspectiefwisselPhase): Promise<boolean> {
    const result = await this.pool.query(`UPDATE ${this.t('perspectiefwissel')} SET phase = $1 WHERE board_id = $2 AND phase = $3`, [
      to,
      boardId,
      from,
    ])
    return (result.rowCount ?? 0) > 0
  }

  async claimRoleCard(boardId: string, cardId: string, claim: RoleCardClaim): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO ${this.t('role_card_claims')} (board_id, card_id, holder_name, claimed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [boardId, cardId, claim.holderName, claim.claimedAt],
    )
    return (result.rowCount ?? 0) > 0
  }

  async getFacilitation(boardId: string): Promise<FacilitationRecord | null> {
    const { rows } = await this.pool.query(`SELECT state, version FROM ${this.t('facilitation')} WHERE board_id = $1`, [boardId])
    return rows.length === 0 ? null : { state: rows[0].state as string, version: Number(rows[0].version) }
  }

  async setFacilitation(boardId: string, version: number, state: string): Promise<boolean> {
    const result =
      version === 0
        ? await this.pool.query(`INSERT INTO ${this.t('facilitation')} (board_id, state, version) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING`, [boardId, state])
        : await this.pool.query(`UPDATE ${this.t('facilitation')} SET state = $1, version = version + 1 WHERE board_id = $2 AND version = $3`, [
            state,
            boardId,
            version,
          ])
    return (result.rowCount ?? 0) > 0
  }

  async loadDocUpdates(doc: string): Promise<Uint8Array[]> {
    const { rows } = await this.pool.query(`SELECT "update" FROM ${this.t('doc_updates')} WHERE doc = $1 ORDER BY seq`, [doc])
    return rows.map((row) => toBytes(row.update as Buffer))
  }

  async appendDocUpdate(doc: string, update: Uint8Array): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.t('doc_updates')} (doc, "update") VALUES ($1, $2)`, [doc, Buffer.from(update)])
  }

  async appendDocUpdates(doc: string, updates: Uint8Array[]): Promise<void> {
    await this.appendDocUpdate(doc, updates.length === 1 ? updates[0] : Y.mergeUpdates(updates))
  }

  async replaceDocState(doc: string, state: Uint8Array): Promise<void> {
    await this.transaction(async (client) => {
      const { rows } = await client.query(`SELECT seq, "update" FROM ${this.t('doc_updates')} WHERE doc = $1 ORDER BY seq FOR UPDATE`, [doc])
      // Rows another instance wrote that this one's state may lack: fold them in, lose nothing.
      const merged = rows.length === 0 ? state : stateOfUpdates([state, ...rows.map((row) => toBytes(row.update as Buffer))])
      if (rows.length > 0) {
        await client.query(`DELETE FROM ${this.t('doc_updates')} WHERE seq = ANY($1::bigint[])`, [rows.map((row) => row.seq as string)])
      }
      await client.query(`INSERT INTO ${this.t('doc_updates')} (doc, "update") VALUES ($1, $2)`, [doc, Buffer.from(merged)])
    })
  }

  async countDocUpdates(doc: string): Promise<number> {
    const { rows } = await this.pool.query(`SELECT COUNT(*) AS n FROM ${this.t('doc_updates')} WHERE doc = $1`, [doc])
    return Number(rows[0].n)
  }

  async restoreBoard(restore: BoardRestore): Promise<BoardRecord> {
    const { board, perspectiefwissel: session } = restore
    await this.transaction(async (client) => {
      await client.query(`INSERT INTO ${this.t('boards')} (id, title, created_at, last_active_at, owner) VALUES ($1, $2, $3, $3, $4)`, [
        board.id,
        board.title,
        board.createdAt,
        board.owner ?? null,
      ])
      if (session !== null) {
        await client.query(`INSERT INTO ${this.t('perspectiefwissel')} (board_id, roles, phase, created_at) VALUES ($1, $2, $3, $4)`, [
          board.id,
          JSON.stringify(session.roles),
          session.phase,
          session.createdAt,
        ])
        for (const [cardId, claim] of Object.entries(session.claims)) {
          await client.query(`INSERT INTO ${this.t('role_card_claims')} (board_id, card_id, holder_name, claimed_at) VALUES ($1, $2, $3, $4)`, [
            board.id,
            cardId,
            claim.holderName,
            claim.claimedAt,
          ])
        }
      }
      if (restore.facilitation !== null) {
        await client.query(`INSERT INTO ${this.t('facilitation')} (board_id, state, version) VALUES ($1, $2, 1)`, [board.id, restore.facilitation])
      }
      for (const { doc, state } of restore.documents) {
        await client.query(`INSERT INTO ${this.t('doc_updates')} (doc, "update") VALUES ($1, $2)`, [doc, Buffer.from(state.buffer, state.byteOffset, state.byteLength)])
      }
    })
    return { id: board.id, title: board.title, createdAt: board.createdAt, lastActiveAt: board.createdAt }
  }

  async createAuthSession(session: AuthSessionRecord): Promise<void> {
    const { idHash, subject, kind, name, email, beheerder, createdAt, expiresAt } = session
    await this.pool.query(
      `INSERT INTO ${this.t('auth_sessions')} (id_hash, subject, kind, name, email, beheerder, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [idHash, subject, kind, name, email, beheerder, createdAt, expiresAt],
    )
  }

  async getAuthSession(idHash: string, now: number): Promise<AuthSessionRecord | null> {
    const { rows } = await this.pool.query(
      `SELECT id_hash, subject, kind, name, email, beheerder, created_at, expires_at FROM ${this.t('auth_sessions')} WHERE id_hash = $1 AND expires_at > $2`,
      [idHash, now],
    )
    if (rows.length === 0) return null
    const row = rows[0]
    return {
      idHash: row.id_hash as string,
      subject: row.subject as string,
      kind: row.kind as AccountKind,
      name: row.name as string,
      email: (row.email as string | null) ?? null,
      beheerder: row.beheerder === true,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    }
  }

  async deleteAuthSession(idHash: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.t('auth_sessions')} WHERE id_hash = $1`, [idHash])
  }

  async deleteAuthSessionsOf(subject: string): Promise<number> {
    const result = await this.pool.query(`DELETE FROM ${this.t('auth_sessions')} WHERE subject = $1`, [subject])
    return result.rowCount ?? 0
  }

  async putLoginAttempt(attempt: LoginAttemptRecord): Promise<void> {
    const { idHash, state, nonce, codeVerifier, returnTo, expiresAt } = attempt
    await this.pool.query(
      `INSERT INTO ${this.t('login_attempts')} (id_hash, state, nonce, code_verifier, return_to, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [idHash, state, nonce, codeVerifier, returnTo, expiresAt],
    )
  }

  async takeLoginAttempt(idHash: string): Promise<LoginAttemptRecord | null> {
    // One statement: of two instances taking the same attempt at once, one gets it.
    const { rows } = await this.pool.query(
      `DELETE FROM ${this.t('login_attempts')} WHERE id_hash = $1 RETURNING id_hash, state, nonce, code_verifier, return_to, expires_at`,
      [idHash],
    )
    if (rows.length === 0) return null
    const row = rows[0]
    return { idHash: row.id_hash, state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to, expiresAt: Number(row.expires_at) }
  }

  async createBeheerder(account: LocalAccountRecord): Promise<boolean> {
    // The unique index on beheerder makes a second beheerder a conflict, and so nothing.
    const result = await this.pool.query(
      `INSERT INTO ${this.t('local_accounts')} (subject, name, beheerder, created_at) VALUES ($1, $2, TRUE, $3) ON CONFLICT DO NOTHING`,
      [account.subject, account.name, account.createdAt],
    )
    return (result.rowCount ?? 0) > 0
  }

  async getBeheerder(): Promise<LocalAccountRecord | null> {
    const { rows } = await this.pool.query(`SELECT subject, name, created_at FROM ${this.t('local_accounts')} WHERE beheerder`)
    return rows.length === 0 ? null : { subject: rows[0].subject, name: rows[0].name, beheerder: true, createdAt: Number(rows[0].created_at) }
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.t('invites')} (code_hash, name, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
      invite.codeHash,
      invite.name,
      invite.createdBy,
      invite.createdAt,
      invite.expiresAt,
    ])
  }

  async redeemInvite(codeHash: string, now: number, account: { subject: string; name: string | null; createdAt: number }): Promise<InviteRedemption> {
    return this.transaction(async (client): Promise<InviteRedemption> => {
      // The row lock makes a second redemption wait, then see it used.
      const { rows } = await client.query(`SELECT name, expires_at, used_at FROM ${this.t('invites')} WHERE code_hash = $1 FOR UPDATE`, [codeHash])
      if (rows.length === 0) return { status: 'unknown' }
      const invite = rows[0]
      if (invite.used_at !== null) return { status: 'used' }
      if (Number(invite.expires_at) <= now) return { status: 'expired' }
      await client.query(`UPDATE ${this.t('invites')} SET used_at = $1 WHERE code_hash = $2`, [now, codeHash])
      const name = account.name ?? (invite.name as string)
      await client.query(`INSERT INTO ${this.t('local_accounts')} (subject, name, beheerder, created_at) VALUES ($1, $2, FALSE, $3)`, [
        account.subject,
        name,
        account.createdAt,
      ])
      return { status: 'ok', account: { subject: account.subject, name, beheerder: false, createdAt: account.createdAt } }
    })
  }

  async deleteExpiredAuth(now: number): Promise<void> {
    await this.transaction(async (client) => {
      for (const table of ['auth_sessions', 'login_attempts', 'invites']) await client.query(`DELETE FROM ${this.t(table)} WHERE expires_at <= $1`, [now])
    })
  }

  async health(): Promise<StorageHealth> {
    if (this.closed) return { ok: false, kind: 'postgres', error: 'closed' }
    try {
      const { rows } = await this.pool.query('SELECT current_setting($1) AS version', ['server_version'])
      return { ok: true, kind: 'postgres', serverVersion: rows[0].version as string, schema: this.schema }
    } catch (error) {
      return { ok: false, kind: 'postgres', error: (error as Error).message }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.pool.end()
  }

  /** Drops the schema with everything in it (tests only). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`)
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }
}
