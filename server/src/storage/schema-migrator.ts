/**
 * Brings a database to the latest step of schema-migrations.ts on start (the steps themselves,
 * and the rules for adding one, are there).
 */
import { createHash } from 'node:crypto'
import type { DatabaseSync } from 'node:sqlite'
import type pg from 'pg'
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, type PostgresMigration, type SqliteMigration } from './schema-migrations.ts'

/** What a store found and did on start. */
export interface SchemaMigrationResult {
  /** The version the database had: 0 for a new database and for one made before schema versions. */
  from: number
  /** The version it has now: the last step this code knows. */
  to: number
  /** The database had Samenbord's tables but no version (made before schema versions): taken as version 1. */
  unversioned: boolean
}

/** The database was written by a newer Samenbord: this code does not know its tables. Nothing was changed. */
export class SchemaVersionError extends Error {
  readonly found: number
  readonly known: number

  constructor(where: string, found: number, known: number) {
    super(
      `${where} heeft schemaversie ${found}, maar deze Samenbord kent alleen versies tot en met ${known}. ` +
        'De database is gemaakt of bijgewerkt door een nieuwere Samenbord; start die versie (of een nieuwere), ' +
        'of zet een back-up terug. Er is niets aan de database veranderd.',
    )
    this.name = 'SchemaVersionError'
    this.found = found
    this.known = known
  }
}

/** Versions must be 1, 2, 3, … with no gap: checked once, so a mistake in the list stops every start. */
function checkedLatest(migrations: readonly { version: number }[]): number {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`schema migration ${index + 1} is numbered ${migration.version}: versions must run 1, 2, 3, … without gaps`)
  })
  return migrations.length
}

function stepFailed(version: number, description: string, error: unknown): Error {
  return new Error(`schema migration ${version} (${description}) failed, the database stays at version ${version - 1}: ${(error as Error).message}`)
}

function sqliteVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number | bigint }).user_version)
}

/**
 * Runs the steps `db` lacks, each in a transaction of its own that also sets `user_version`
 * (which SQLite keeps in the file header, inside the transaction). BEGIN IMMEDIATE takes the write
 * lock before the version is read, so a second process opening the same file waits and then finds
 * the work done.
 */
export function migrateSqlite(db: DatabaseSync, where: string, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): SchemaMigrationResult {
  const latest = checkedLatest(migrations)
  let result: SchemaMigrationResult | null = null
  for (;;) {
    db.exec('BEGIN IMMEDIATE')
    let version: number
    try {
      version = sqliteVersion(db)
      if (result === null) {
        const hasTables = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'boards'").get() !== undefined
        result = { from: version, to: latest, unversioned: version === 0 && hasTables }
      }
      if (version > latest) throw new SchemaVersionError(where, version, latest)
      if (version === latest) {
        db.exec('COMMIT')
        return result
      }
    } catch (error) {
      db.exec('ROLLBACK')
      throw error
    }
    const step = migrations[version]
    try {
      db.exec(step.sql)
      // A PRAGMA takes no parameters; the version is an integer from the list above.
      db.exec(`PRAGMA user_version = ${step.version}`)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw stepFailed(step.version, step.description, error)
    }
  }
}

/** One advisory lock per schema: instances of one installation wait for each other, others (tests) do not. */
function lockKey(schema: string): string {
  return createHash('sha256').update(`samenbord schema migrations ${schema}`).digest().readBigInt64BE(0).toString()
}

/**
 * Runs the steps the schema lacks, each in a transaction of its own that records it in
 * `schema_migrations` and holds `pg_advisory_xact_lock` from its start: instances starting at once
 * take turns, and each reads the version only once it holds the lock. PostgreSQL's DDL is
 * transactional, so a step that fails leaves nothing half done.
 */
export async function migratePostgres(pool: pg.Pool, schema: string, migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS): Promise<SchemaMigrationResult> {
  const latest = checkedLatest(migrations)
  const table = `${schema}.schema_migrations`
  let result: SchemaMigrationResult | null = null
  for (;;) {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(schema)])
      let unversioned = false
      if (result === null) {
        const { rows } = await client.query('SELECT to_regclass($1) IS NOT NULL AS boards, to_regclass($2) IS NOT NULL AS versioned', [
          `${schema}.boards`,
          table,
        ])
        unversioned = rows[0].boards === true && rows[0].versioned === false
      }
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
      await client.query(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`)
      const columns = await client.query(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'schema_migrations' AND column_name = 'applied_at'",
        [schema],
      )
      if (columns.rowCount === 0) {
        throw new Error(`${table} bestaat al maar is niet van Samenbord (geen kolom applied_at); geef Samenbord een eigen schema met DATABASE_SCHEMA`)
      }
      const { rows } = await client.query(`SELECT COALESCE(MAX(version), 0)::int AS version FROM ${table}`)
      const version = rows[0].version as number
      result ??= { from: version, to: latest, unversioned }
      if (version > latest) throw new SchemaVersionError(`PostgreSQL-schema "${schema}"`, version, latest)
      if (version === latest) {
        await client.query('COMMIT')
        return result
      }
      const step = migrations[version]
      try {
        await client.query(step.sql(schema))
        await client.query(`INSERT INTO ${table} (version) VALUES ($1)`, [step.version])
      } catch (error) {
        throw stepFailed(step.version, step.description, error)
      }
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }
}
