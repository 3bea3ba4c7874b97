/**
 * The SQL schema of both stores, as numbered steps. On start a store runs the steps its database
 * has not had yet, in order, each in its own transaction that also records the new version
 * (SQLite: `PRAGMA user_version`; PostgreSQL: a row in `<DATABASE_SCHEMA>.schema_migrations`).
 * A database at a higher version than the last step here refuses to start (schema-migrator.ts).
 *
 * Rules for contributors:
 * - APPEND, NEVER EDIT A RELEASED MIGRATION. Once a step has been in a release, installations have
 *   run it and will never run it again: a change to its text reaches only new installations, and
 *   the two then differ for good. To change the schema, add a step with the next number.
 * - Add the step to BOTH lists, with the same version and description (a unit test checks this),
 *   so a version number means the same tables on SQLite and on PostgreSQL.
 * - A step is SQL only, and must work on a database full of boards: add columns NULL or with a
 *   DEFAULT, fill them in the same step if needed, and never drop data a released version still
 *   reads (several PostgreSQL instances may run old and new code side by side during a rolling
 *   upgrade: the old ones keep using the tables as they knew them).
 * - PostgreSQL steps get the schema name (validated, a plain identifier) to qualify every table.
 * - Test it: tests/integration/sql-migrations.test.ts upgrades a version-1 data folder
 *   (tests/fixtures/sqlite-v1) and a version-1 PostgreSQL schema to the latest version.
 */

export interface SqliteMigration {
  version: number
  description: string
  sql: string
}

export interface PostgresMigration {
  version: number
  description: string
  /** `schema` is DATABASE_SCHEMA, already checked to be a plain lower-case identifier. */
  sql(schema: string): string
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'boards, document log, audit log, perspectiefwissel, facilitation',
    // Exactly the tables the store created before the schema had a version. IF NOT EXISTS on
    // purpose, in this step only: a data folder of those releases (user_version 0) runs it too,
    // which leaves its tables as they are and adds the ones an earlier release did not have yet.
    sql: `
  CREATE TABLE IF NOT EXISTS boards (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_active_at INTEGER NOT NULL
  );
  -- "update" is an SQL keyword, hence the quotes.
  CREATE TABLE IF NOT EXISTS doc_updates (
    doc TEXT NOT NULL,
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    "update" BLOB NOT NULL
  );
  CREATE INDEX IF NOT EXISTS doc_updates_by_doc ON doc_updates (doc, seq);
  CREATE INDEX IF NOT EXISTS boards_by_activity ON boards (last_active_at);
  CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    board_id TEXT NOT NULL,
    event TEXT NOT NULL,
    role TEXT,
    name TEXT,
    at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_by_board ON audit_log (board_id, seq);
  CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (at);
  CREATE TABLE IF NOT EXISTS perspectiefwissel (
    board_id TEXT PRIMARY KEY,
    roles TEXT NOT NULL,
    phase TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS role_card_claims (
    board_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (board_id, card_id)
  );
  CREATE TABLE IF NOT EXISTS facilitation (
    board_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    version INTEGER NOT NULL
  );
`,
  },
  {
    version: 2,
    description: 'boards.owner: the account that owns a board (issue 12), NULL for boards made without sign-in',
    // The index serves "Mijn borden": one owner's boards, newest first.
    sql: `
  ALTER TABLE boards ADD COLUMN owner TEXT;
  CREATE INDEX boards_by_owner ON boards (owner, created_at);
`,
  },  {
    version: 3,
    description: 'sign-in (issue 12): sessions, OpenID sign-ins under way, local accounts with one beheerder, invites; audit_log.subject',
    // Session ids, invite codes and sign-in cookies are kept as SHA-256 only: a copy of the
    // database opens nothing. The partial unique index allows one beheerder, however many set-up
    // codes (instances) race for it.
    sql: `
  CREATE TABLE auth_sessions (
    id_hash TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    beheerder INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX auth_sessions_by_subject ON auth_sessions (subject);
  CREATE INDEX auth_sessions_by_expiry ON auth_sessions (expires_at);
  CREATE TABLE login_attempts (
    id_hash TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX login_attempts_by_expiry ON login_attempts (expires_at);
  CREATE TABLE local_accounts (
    subject TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    beheerder INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX local_accounts_one_beheerder ON local_accounts (beheerder) WHERE beheerder = 1;
  CREATE TABLE invites (
    code_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  CREATE INDEX invites_by_expiry ON invites (expires_at);
  ALTER TABLE audit_log ADD COLUMN subject TEXT;
`,
  },
  {
    version: 4,
    description: 'board_members (issue 12): co-facilitators who attached a board to their own account',
    // The owner stays in boards.owner; a member row only lists the board in the member's "Mijn
    // borden". Rows are deleted with the board. The index serves one account's list.
    sql: `
  CREATE TABLE board_members (
    board_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (board_id, subject)
  );
  CREATE INDEX board_members_by_subject ON board_members (subject, board_id);
`,
  },
]

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'boards, document log, audit log, perspectiefwissel, facilitation',
    // As in SQLite's step 1: the tables of the unversioned releases, IF NOT EXISTS on purpose.
    sql: (schema) => `
    CREATE TABLE IF NOT EXISTS ${schema}.boards (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      last_active_at BIGINT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS boards_by_activity ON ${schema}.boards (last_active_at);
    CREATE TABLE IF NOT EXISTS ${schema}.doc_updates (
      seq BIGSERIAL PRIMARY KEY,
      doc TEXT NOT NULL,
      "update" BYTEA NOT NULL
    );
    CREATE INDEX IF NOT EXISTS doc_updates_by_doc ON ${schema}.doc_updates (doc, seq);
    CREATE TABLE IF NOT EXISTS ${schema}.audit_log (
      seq BIGSERIAL PRIMARY KEY,
      board_id TEXT NOT NULL,
      event TEXT NOT NULL,
      role TEXT,
      name TEXT,
      at BIGINT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_by_board ON ${schema}.audit_log (board_id, seq);
    CREATE INDEX IF NOT EXISTS audit_by_time ON ${schema}.audit_log (at);
    CREATE TABLE IF NOT EXISTS ${schema}.perspectiefwissel (
      board_id TEXT PRIMARY KEY,
      roles TEXT NOT NULL,
      phase TEXT NOT NULL,
      created_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${schema}.role_card_claims (
      board_id TEXT NOT NULL,
      card_id TEXT NOT NULL,
      holder_name TEXT NOT NULL,
      claimed_at BIGINT NOT NULL,
      PRIMARY KEY (board_id, card_id)
    );
    CREATE TABLE IF NOT EXISTS ${schema}.facilitation (
      board_id TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      version BIGINT NOT NULL
    );
  `,
  },
  {
    version: 2,
    description: 'boards.owner: the account that owns a board (issue 12), NULL for boards made without sign-in',
    sql: (schema) => `
    ALTER TABLE ${schema}.boards ADD COLUMN owner TEXT;
    CREATE INDEX boards_by_owner ON ${schema}.boards (owner, created_at);
  `,
  },  {
    version: 3,
    description: 'sign-in (issue 12): sessions, OpenID sign-ins under way, local accounts with one beheerder, invites; audit_log.subject',
    sql: (schema) => `
    CREATE TABLE ${schema}.auth_sessions (
      id_hash TEXT PRIMARY KEY,
      subject TEXT NOT NULL,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      email TEXT,
      beheerder BOOLEAN NOT NULL DEFAULT FALSE,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL
    );
    CREATE INDEX auth_sessions_by_subject ON ${schema}.auth_sessions (subject);
    CREATE INDEX auth_sessions_by_expiry ON ${schema}.auth_sessions (expires_at);
    CREATE TABLE ${schema}.login_attempts (
      id_hash TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      nonce TEXT NOT NULL,
      code_verifier TEXT NOT NULL,
      return_to TEXT NOT NULL,
      expires_at BIGINT NOT NULL
    );
    CREATE INDEX login_attempts_by_expiry ON ${schema}.login_attempts (expires_at);
    CREATE TABLE ${schema}.local_accounts (
      subject TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      beheerder BOOLEAN NOT NULL DEFAULT FALSE,
      created_at BIGINT NOT NULL
    );
    CREATE UNIQUE INDEX local_accounts_one_beheerder ON ${schema}.local_accounts (beheerder) WHERE beheerder;
    CREATE TABLE ${schema}.invites (
      code_hash TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      used_at BIGINT
    );
    CREATE INDEX invites_by_expiry ON ${schema}.invites (expires_at);
    ALTER TABLE ${schema}.audit_log ADD COLUMN subject TEXT;
  `,
  },
  {
    version: 4,
    description: 'board_members (issue 12): co-facilitators who attached a board to their own account',
    sql: (schema) => `
    CREATE TABLE ${schema}.board_members (
      board_id TEXT NOT NULL,
      subject TEXT NOT NULL,
      added_at BIGINT NOT NULL,
      PRIMARY KEY (board_id, subject)
    );
    CREATE INDEX board_members_by_subject ON ${schema}.board_members (subject, board_id);
  `,
  },
]
