/**
 * Golden boards: a back-up file and an SQLite data folder made by the version before the
 * werkvormen had migrations (tests/fixtures/golden, see make-golden.ts there). Opened with today's
 * code, every record must migrate and pass the record guard, and the verslag must be the one that
 * version made (demo-verslag.md). A prop change that breaks this needs a migration step in its
 * werkvorm's `schema.ts` (shared/src/werkvormen/<werkvorm>/schema.ts), not a new fixture.
 */
import { cpSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { signToken } from '@samenbord/server/auth/tokens'
import { checkBackupBytes } from '@samenbord/server/http/backup-check'
import { boardSchema, checkRecordEntry, recordSchemaPlan, storedSchemaOf } from '@samenbord/server/sync/record-guard'
import { bindStoreToYDoc } from '../../client/src/sync/yjs-store-binding.ts'
import { createBoardStore } from '../../client/src/werkvormen/index.ts'
import { GOLDEN_SECRET } from '../fixtures/golden/golden-secret.ts'
import { docOfBase64, goldenVerslag, migratedBoardRecords } from '../fixtures/golden/golden-verslag.ts'
import { REPO_ROOT, boardApi, connectClient, disposeAll, makeTempDir, startServer, waitFor, waitForSynced, type TestServer } from './helpers.ts'

afterEach(disposeAll)

const GOLDEN = join(REPO_ROOT, 'tests/fixtures/golden')
const SNAPSHOT = join(GOLDEN, 'demo-verslag.md')
const backupBytes = readFileSync(join(GOLDEN, 'demo-backup.json'))
const fixture = JSON.parse(readFileSync(join(GOLDEN, 'board.json'), 'utf8')) as { boardId: string; cardId: string; title: string }

type Entry = { key: string; val: Record<string, unknown> }
const entriesOf = (doc: Y.Doc) => doc.getArray<Entry>('tl_records').toArray()
const kaarten = (doc: Y.Doc) => entriesOf(doc).filter(({ val }) => val.type === 'tijdlijn-kaart')

/** The restore's limits at the relay's defaults. */
const LIMITS = {
  maxDocuments: 100,
  maxJsonDepth: 8,
  maxJsonValues: 1_000_000,
  maxStructsPerDocument: 1_000_000,
  maxStructsTotal: 2_000_000,
  maxBoardBytes: 128 * 1024 * 1024,
  maxSubDocumentBytes: 256 * 1024,
}

/** Every record of the board passes the guard as the current schema's, with no migration left. */
function expectCurrentBoard(doc: Y.Doc) {
  expect(storedSchemaOf(doc)).toEqual(boardSchema.serialize())
  expect(recordSchemaPlan(storedSchemaOf(doc))).toEqual({ kind: 'current' })
  for (const entry of entriesOf(doc)) expect(checkRecordEntry(entry), entry.key).toEqual({ ok: true })
}

/** The data folder's board on a running relay: its facilitator token and its stored state. */
async function goldenDataFolder(): Promise<{ server: TestServer; token: string; dataDir: string }> {
  const dataDir = makeTempDir()
  cpSync(join(GOLDEN, 'sqlite'), dataDir, { recursive: true })
  const server = await startServer({ dataDir, env: { SECRET: GOLDEN_SECRET } })
  const token = signToken(GOLDEN_SECRET, { board: fixture.boardId, role: 'facilitator', exp: Date.now() + 3_600_000, iat: Date.now() })
  return { server, token, dataDir }
}

async function roomDoc(server: TestServer, docName: string): Promise<Y.Doc> {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, await server.app.rooms.docState(docName))
  return doc
}

describe('golden back-up of the example board', () => {
  it('was written under an older schema, and every record passes the guard once migrated', () => {
    const doc = docOfBase64(JSON.parse(backupBytes.toString('utf8')).documents[''])
    // The fixture predates tijdlijn-kaart's first migration: its cards lack `sourceDetail`.
    expect(recordSchemaPlan(storedSchemaOf(doc)).kind).toBe('migrate')
    expect(kaarten(doc)).toHaveLength(14)
    for (const { val } of kaarten(doc)) expect(val.props).not.toHaveProperty('sourceDetail')
    // As stored, judged as today's records, a card is refused; as written, under its own schema, it passes.
    expect(checkRecordEntry(kaarten(doc)[0])).toMatchObject({ ok: false, reason: expect.stringMatching(/^tijdlijn-kaart geweigerd: Toelichting bij de bron/) })
    for (const entry of entriesOf(doc)) expect(checkRecordEntry(entry, recordSchemaPlan(storedSchemaOf(doc))), entry.key).toEqual({ ok: true })
    for (const record of migratedBoardRecords(doc)) expect(checkRecordEntry({ key: record.id as string, val: record }), record.id as string).toEqual({ ok: true })
  })

  it('passes the restore check whole: board, role card and consent', () => {
    const outcome = checkBackupBytes(new Uint8Array(backupBytes), 'hersteldbord1', LIMITS)
    if (!outcome.ok) throw new Error(outcome.message)
    expect(outcome.documents.map((d) => d.suffix).sort()).toEqual(['', `.rolhouding.${fixture.cardId}`, `.rolkaart.${fixture.cardId}`, '.toestemming.sessie'])
    expect(outcome.perspectiefwissel?.roles[0].holderName).toBe('Joost de Graaf')
  })

  it('gives the verslag the version that made it gave', async () => {
    await expect(goldenVerslag(JSON.parse(backupBytes.toString('utf8')))).toMatchFileSnapshot(SNAPSHOT)
  })
})

describe('golden SQLite data folder', () => {
  it('opens on the current relay; an older client writes its cards, then the first current client upgrades the board in place', async () => {
    const { server, token, dataDir } = await goldenDataFolder()
    const before = await roomDoc(server, fixture.boardId)
    expect(recordSchemaPlan(storedSchemaOf(before)).kind).toBe('migrate')
    expect(entriesOf(before).length).toBeGreaterThan(100)

    // The export of the stored board, as it is, already gives the same verslag.
    const exported = await boardApi(server, `/${fixture.boardId}/export`, token)
    expect(exported.status).toBe(200)
    expect(goldenVerslag(exported.json)).toBe(readFileSync(SNAPSHOT, 'utf8'))

    // A browser still on the older version edits a card the way it knows: accepted, the board says so.
    const older = connectClient(server.wsUrl, fixture.boardId, token)
    await waitForSynced(older)
    const card = kaarten(older.doc)[0]
    const edited = { key: card.key, val: { ...card.val, props: { ...(card.val.props as object), text: 'Lotte wordt geboren in Utrecht.' } } }
    older.doc.transact(() => {
      const records = older.doc.getArray<Entry>('tl_records')
      records.delete(records.toArray().findIndex((entry) => entry.key === card.key), 1)
      records.push([edited])
    })
    await waitFor(async () => kaarten(await roomDoc(server, fixture.boardId)).some(({ val }) => (val.props as { text: string }).text === 'Lotte wordt geboren in Utrecht.'))
    expect(older.closes).toEqual([])
    older.destroy()

    // The current client: it migrates what it reads and, as the first writer, writes the result back.
    const current = connectClient(server.wsUrl, fixture.boardId, token)
    await waitForSynced(current)
    const rejected: string[] = []
    let tooNew = false
    const store = createBoardStore()
    const binding = bindStoreToYDoc(store, current.doc, { canWrite: true, onRejectedRecord: (id) => rejected.push(id), onSchemaTooNew: () => (tooNew = true) })
    expect(rejected).toEqual([])
    expect(tooNew).toBe(false)
    expect(store.schema.serialize()).toEqual(boardSchema.serialize())
    await waitFor(async () => recordSchemaPlan(storedSchemaOf(await roomDoc(server, fixture.boardId))).kind === 'current', { message: 'the board was not upgraded' })
    expect(current.closes).toEqual([])
    const upgraded = await roomDoc(server, fixture.boardId)
    expectCurrentBoard(upgraded)
    expect(kaarten(upgraded).map(({ val }) => (val.props as { sourceDetail?: unknown }).sourceDetail)).toEqual(new Array(14).fill(''))
    binding.dispose()
    current.destroy()

    // Stored so: after a restart the board is current, and the verslag is still the same (but for the edit).
    await server.close()
    const again = await startServer({ dataDir, env: { SECRET: GOLDEN_SECRET } })
    expectCurrentBoard(await roomDoc(again, fixture.boardId))
    const afterUpgrade = await boardApi(again, `/${fixture.boardId}/export`, token)
    expect(afterUpgrade.status).toBe(200)
    expect(goldenVerslag(afterUpgrade.json)).toBe(readFileSync(SNAPSHOT, 'utf8').replace('| Lotte wordt geboren. |', '| Lotte wordt geboren in Utrecht. |'))
  })
})
