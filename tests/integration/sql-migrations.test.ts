/**
 * The SQL schema has a version and an upgrade path: a data folder (SQLite) or schema (PostgreSQL)
 * made before schema versions is upgraded on start with every board intact, a second start changes
 * nothing, and a database from a newer Samenbord refuses to start.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocumentStore } from '@samenbord/server/storage/document-store'
import { PostgresDocumentStore } from '@samenbord/server/storage/postgres-store'
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '@samenbord/server/storage/schema-migrations'
import { migratePostgres, migrateSqlite, SchemaVersionError } from '@samenbord/server/storage/schema-migrator'
import { SQLITE_FILE_NAME, SqliteDocumentStore } from '@samenbord/server/storage/sqlite-store'
import { signToken } from '@samenbord/server/auth/tokens'
import { connectClient, disposeAll, makeTempDir, onDispose, readSecret, REPO_ROOT, startServerProcess, waitForSynced, type BoardEntry } from './helpers.ts'
import { skipMessage, TEST_DATABASE_URL, uniqueSchema } from './pg-helpers.ts'

afterEach(disposeAll)

/** `pg`, the server's own (the tests package does not depend on it): raw SQL to lay out old schemas. */
type Pool = Parameters<typeof migratePostgres>[0]
const pg = createRequire(join(REPO_ROOT, 'server/package.json'))('pg') as { Pool: new (config: { connectionString: string; max: number }) => Pool }

const LATEST = SQLITE_MIGRATIONS.length
const FIXTURE_DIR = join(REPO_ROOT, 'tests/fixtures/sqlite-v1')
const FIXTURE_BOARD = 'fixtureboard-v1'

/** A copy of the version-1 data folder (the committed fixture stays as it is). */
function copyOfFixture(): string {
  const dir = makeTempDir()
  copyFileSync(join(FIXTURE_DIR, SQLITE_FILE_NAME), join(dir, SQLITE_FILE_NAME))
  return dir
}

function pageNames(updates: Uint8Array[]): string[] {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.mergeUpdates(updates))
  return doc
    .getArray<BoardEntry>('tl_records')
    .toArray()
    .map((entry) => entry.val.name as string)
}

/** Everything tests/fixtures/sqlite-v1/make-fixture.ts put in, read through the store's own methods. */
async function expectFixtureBoard(
  store: Pick<DocumentStore, 'getBoard' | 'countDocUpdates' | 'loadDocUpdates' | 'getPerspectiefwissel' | 'getFacilitation' | 'listAudit'>,
): Promise<void> {
  expect(await store.getBoard(FIXTURE_BOARD)).toEqual({
    id: FIXTURE_BOARD,
    title: 'Casus Sam (versie 1)',
    createdAt: 1_700_000_000_000,
    lastActiveAt: 1_700_000_500_000,
  })
  expect(await store.countDocUpdates(FIXTURE_BOARD)).toBe(2)
  expect(pageNames(await store.loadDocUpdates(FIXTURE_BOARD))).toEqual(['Netwerk', 'Tijdlijn', 'Afspraken'])
  expect(await store.getPerspectiefwissel(FIXTURE_BOARD)).toEqual({
    boardId: FIXTURE_BOARD,
    roles: [
      { cardId: 'kaart-1', personId: 'persoon-sam', label: 'Sam' },
      { cardId: 'kaart-2', personId: 'persoon-oma', label: 'Oma' },
    ],
    phase: 'stilte',
    claims: { 'kaart-1': { holderName: 'Juf Anja', claimedAt: 1_700_000_200_000 } },
    createdAt: 1_700_000_100_000,
  })
  expect(await store.getFacilitation(FIXTURE_BOARD)).toEqual({ state: '{"timer":null}', version: 1 })
  expect(await store.listAudit(FIXTURE_BOARD)).toEqual([{ boardId: FIXTURE_BOARD, event: 'create', role: null, name: null, at: 1_700_000_000_000 }])
}

function readSqlite<T>(dir: string, read: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(join(dir, SQLITE_FILE_NAME), { readOnly: true })
  try {
    return read(db)
  } finally {
    db.close()
  }
}

const userVersion = (db: DatabaseSync) => Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version)
const schemaText = (db: DatabaseSync) => db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY type, name').all()
const fileHash = (dir: string) => createHash('sha256').update(readFileSync(join(dir, SQLITE_FILE_NAME))).digest('hex')

/** Runs the real server entry point and waits for it to end: what an operator sees on the console. */
function runServerUntilExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  onDispose(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  // 'close', not 'exit': it comes after the output streams are drained.
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })))
}

describe('SQLite schema versions', () => {
  it('upgrades a data folder made before schema versions: version becomes the latest, every board intact', async () => {
    const dir = copyOfFixture()
    expect(readSqlite(dir, userVersion)).toBe(0)

    const store = new SqliteDocumentStore(dir)
    onDispose(() => store.close())
    expect(store.schemaMigration).toEqual({ from: 0, to: LATEST, unversioned: true })
    await expectFixtureBoard(store)
    // Step 2 reached the existing table: the board has an owner column, empty for a board made without sign-in.
    await store.close()
    expect(readSqlite(dir, userVersion)).toBe(LATEST)
    expect(readSqlite(dir, (db) => db.prepare('SELECT owner FROM boards WHERE id = ?').get(FIXTURE_BOARD))).toEqual({ owner: null })

    // The upgraded folder has the same tables, column for column, as a folder created today.
    const fresh = makeTempDir()
    const created = new SqliteDocumentStore(fresh)
    expect(created.schemaMigration).toEqual({ from: 0, to: LATEST, unversioned: false })
    await created.close()
    expect(readSqlite(dir, schemaText)).toEqual(readSqlite(fresh, schemaText))
  })

  it('a second start is a no-op: nothing to run, the file unchanged', async () => {
    const dir = copyOfFixture()
    await new SqliteDocumentStore(dir).close()
    const before = fileHash(dir)

    const again = new SqliteDocumentStore(dir)
    onDispose(() => again.close())
    expect(again.schemaMigration).toEqual({ from: LATEST, to: LATEST, unversioned: false })
    await expectFixtureBoard(again)
    await again.close()
    expect(fileHash(dir)).toBe(before)
  })

  it('the server upgrades on start, says so in its log, and a facilitator then opens the board and sees its pages', async () => {
    // The fixture's board was last active in 2023: keep it out of the retention sweep.
    const server = await startServerProcess({ dataDir: copyOfFixture(), env: { RETENTION_DAYS: '36500' } })
    expect(server.output()).toMatch(new RegExp(`"from":"unversioned","to":${LATEST},"msg":"database schema upgraded"`))
    const token = signToken(readSecret(server.dataDir), { board: FIXTURE_BOARD, role: 'facilitator', exp: Date.now() + 60_000 })
    const client = connectClient(server.wsUrl, FIXTURE_BOARD, token)
    await waitForSynced(client)
    expect(
      client.doc
        .getArray<BoardEntry>('tl_records')
        .toArray()
        .map((entry) => entry.val.name),
    ).toEqual(['Netwerk', 'Tijdlijn', 'Afspraken'])
  })

  it('a database from a newer Samenbord refuses to start, names both versions and stays untouched', async () => {
    const dir = copyOfFixture()
    await new SqliteDocumentStore(dir).close()
    const newer = LATEST + 1
    const db = new DatabaseSync(join(dir, SQLITE_FILE_NAME))
    db.exec(`PRAGMA user_version = ${newer}`)
    db.close()
    const before = fileHash(dir)

    let refusal: unknown = null
    try {
      new SqliteDocumentStore(dir)
    } catch (error) {
      refusal = error
    }
    expect(refusal).toBeInstanceOf(SchemaVersionError)
    expect((refusal as Error).message).toContain(`schemaversie ${newer}`)
    expect((refusal as Error).message).toContain(`tot en met ${LATEST}`)
    expect(fileHash(dir)).toBe(before)

    // What the operator sees: the server stops at once with that message, exit code 1.
    const { code, output } = await runServerUntilExit({ DATA_DIR: dir })
    expect(code).toBe(1)
    expect(output).toMatch(new RegExp(`Samenbord kan niet starten: SQLite-database .*${SQLITE_FILE_NAME} heeft schemaversie ${newer}, maar deze Samenbord kent alleen versies tot en met ${LATEST}`))
    expect(output).not.toContain('luistert op')
    expect(fileHash(dir)).toBe(before)
  })

  it('a step that fails is rolled back whole: the version stays, nothing of the step remains', () => {
    const db = new DatabaseSync(':memory:')
    onDispose(() => db.close())
    const broken = [
      SQLITE_MIGRATIONS[0],
      { version: 2, description: 'half a step', sql: 'CREATE TABLE half_done (x TEXT); SELECT no_such_column FROM boards;' },
    ]
    expect(() => migrateSqlite(db, 'test', broken)).toThrow(/schema migration 2 \(half a step\) failed, the database stays at version 1: .*no_such_column/)
    expect(userVersion(db)).toBe(1)
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half_done'").get()).toBeUndefined()
    // The fixed list then upgrades it from where it stopped.
    expect(migrateSqlite(db, 'test')).toEqual({ from: 1, to: LATEST, unversioned: false })
  })
})

skipMessage('PostgreSQL-schemaversies', TEST_DATABASE_URL === null ? ['TEST_DATABASE_URL'] : [])

/** A schema laid out the way the store made it before schema versions, holding the fixture's board. */
async function unversionedPostgresSchema(pool: Pool): Promise<string> {
  const schema = uniqueSchema()
  onDispose(() => pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))
  const tables = readFileSync(join(REPO_ROOT, 'tests/fixtures/postgres-v1/tables.sql'), 'utf8').replaceAll('v1_schema', schema)
  await pool.query(tables)
  // The same rows as the SQLite fixture, copied table by table (from a copy: even a reader leaves -wal and -shm files beside it).
  const source = new DatabaseSync(join(copyOfFixture(), SQLITE_FILE_NAME), { readOnly: true })
  try {
    const copy = async (table: string, columns: string[]) => {
      const quoted = columns.map((column) => `"${column}"`).join(', ')
      for (const row of source.prepare(`SELECT ${quoted} FROM ${table} ORDER BY rowid`).all() as Record<string, unknown>[]) {
        const values = columns.map((column) => (row[column] instanceof Uint8Array ? Buffer.from(row[column] as Uint8Array) : row[column]))
        await pool.query(`INSERT INTO ${schema}.${table} (${quoted}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, values)
      }
    }
    await copy('boards', ['id', 'title', 'created_at', 'last_active_at'])
    await copy('doc_updates', ['doc', 'update'])
    await copy('audit_log', ['board_id', 'event', 'role', 'name', 'at'])
    await copy('perspectiefwissel', ['board_id', 'roles', 'phase', 'created_at'])
    await copy('role_card_claims', ['board_id', 'card_id', 'holder_name', 'claimed_at'])
    await copy('facilitation', ['board_id', 'state', 'version'])
  } finally {
    source.close()
  }
  return schema
}

async function openPg(schema: string): Promise<PostgresDocumentStore> {
  const store = await PostgresDocumentStore.open(TEST_DATABASE_URL!, { schema, max: 2 })
  onDispose(() => store.close())
  return store
}

;(TEST_DATABASE_URL === null ? describe.skip : describe)('PostgreSQL schema versions', () => {
  function adminPool(): Pool {
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL!, max: 2 })
    // Registered first, so it runs after the schema drops registered later (disposal runs in reverse).
    onDispose(() => pool.end())
    return pool
  }

  const appliedVersions = async (pool: Pool, schema: string) =>
    (await pool.query(`SELECT version, applied_at FROM ${schema}.schema_migrations ORDER BY version`)).rows as { version: number; applied_at: Date }[]

  it('upgrades a schema made before schema versions, once, with every board intact; a second start is a no-op', async () => {
    const pool = adminPool()
    const schema = await unversionedPostgresSchema(pool)

    const store = await openPg(schema)
    expect(store.schemaMigration).toEqual({ from: 0, to: LATEST, unversioned: true })
    await expectFixtureBoard(store)
    const applied = await appliedVersions(pool, schema)
    expect(applied.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((step) => step.version))
    expect((await pool.query(`SELECT owner FROM ${schema}.boards WHERE id = $1`, [FIXTURE_BOARD])).rows).toEqual([{ owner: null }])
    await store.close()

    const again = await openPg(schema)
    expect(again.schemaMigration).toEqual({ from: LATEST, to: LATEST, unversioned: false })
    await expectFixtureBoard(again)
    expect(await appliedVersions(pool, schema)).toEqual(applied)
  })

  it('instances starting at once take turns: each step runs exactly once, all of them open', async () => {
    const pool = adminPool()
    const schema = await unversionedPostgresSchema(pool)
    const stores = await Promise.all([openPg(schema), openPg(schema), openPg(schema), openPg(schema)])
    expect(stores.filter((store) => store.schemaMigration.from === 0)).toHaveLength(1)
    expect(stores.every((store) => store.schemaMigration.to === LATEST)).toBe(true)
    expect((await appliedVersions(pool, schema)).map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((step) => step.version))
    for (const store of stores) await expectFixtureBoard(store)
  })

  it('a new schema is created at the latest version, with the same columns as an upgraded one', async () => {
    const pool = adminPool()
    const upgraded = await unversionedPostgresSchema(pool)
    await openPg(upgraded)
    const fresh = uniqueSchema()
    onDispose(() => pool.query(`DROP SCHEMA IF EXISTS ${fresh} CASCADE`))
    const store = await openPg(fresh)
    expect(store.schemaMigration).toEqual({ from: 0, to: LATEST, unversioned: false })
    const layout = async (schema: string) =>
      (
        await pool.query(
          `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, column_name`,
          [schema],
        )
      ).rows
    const indexes = async (schema: string) =>
      (await pool.query('SELECT indexname, replace(indexdef, $1, $2) AS def FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname', [schema, 'S'])).rows
    expect(await layout(fresh)).toEqual(await layout(upgraded))
    expect(await indexes(fresh)).toEqual(await indexes(upgraded))
  })

  it('a schema from a newer Samenbord refuses to start, names both versions and stays untouched', async () => {
    const pool = adminPool()
    const schema = await unversionedPostgresSchema(pool)
    await (await openPg(schema)).close()
    const newer = LATEST + 1
    await pool.query(`INSERT INTO ${schema}.schema_migrations (version) VALUES ($1)`, [newer])
    const before = await appliedVersions(pool, schema)

    const refusal = await PostgresDocumentStore.open(TEST_DATABASE_URL!, { schema, max: 1 }).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(SchemaVersionError)
    expect((refusal as Error).message).toContain(`PostgreSQL-schema "${schema}" heeft schemaversie ${newer}, maar deze Samenbord kent alleen versies tot en met ${LATEST}`)
    expect(await appliedVersions(pool, schema)).toEqual(before)

    const { code, output } = await runServerUntilExit({ DATA_DIR: makeTempDir(), DATABASE_URL: TEST_DATABASE_URL!, DATABASE_SCHEMA: schema })
    expect(code).toBe(1)
    expect(output).toContain(`Samenbord kan niet starten: PostgreSQL-schema "${schema}" heeft schemaversie ${newer}`)
    expect(output).not.toContain('niet bereikbaar')
  })

  it("refuses a schema_migrations table of another program instead of writing into it", async () => {
    const pool = adminPool()
    const schema = uniqueSchema()
    onDispose(() => pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))
    await pool.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.schema_migrations (version BIGINT PRIMARY KEY, dirty BOOLEAN NOT NULL)`)
    await expect(PostgresDocumentStore.open(TEST_DATABASE_URL!, { schema, max: 1 })).rejects.toThrow(/schema_migrations bestaat al maar is niet van Samenbord/)
  })
})

describe('the migration lists', () => {
  it('SQLite and PostgreSQL have the same steps, numbered 1, 2, 3, …', () => {
    expect(SQLITE_MIGRATIONS.map((step) => step.version)).toEqual(SQLITE_MIGRATIONS.map((_, index) => index + 1))
    expect(POSTGRES_MIGRATIONS.map(({ version, description }) => ({ version, description }))).toEqual(
      SQLITE_MIGRATIONS.map(({ version, description }) => ({ version, description })),
    )
  })
})
