/**
 * "Deleted means gone" (AVG): once a board is deleted, through the API or by the retention sweep,
 * no byte of what was on it may remain readable in any file under DATA_DIR, and those files are
 * for the server's user alone.
 */
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  CONSENT_MAP,
  consentDocName,
  FACILITATOR_PREP_MAP,
  facilitatorPrepDocName,
  RECORDS_ARRAY,
  ROLE_CARD_MAP,
  roleCardDocName,
  rolePostureDocName,
} from '@samenbord/shared'
import { newEventProps } from '@samenbord/shared/werkvormen/tijdlijn/events'
import {
  boardApi,
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  startServer,
  waitFor,
  waitForSynced,
  type TestServer,
} from './helpers.ts'

afterEach(disposeAll)

/** Every kind of document and stored field of a board, each with a marker of its own. */
function markers(tag: string) {
  const marker = (what: string) => `Zorgmarker-${tag}-${what}-ëé`
  return {
    title: marker('titel'),
    record: marker('tijdlijnkaart'),
    consent: marker('toestemming'),
    preparation: marker('voorbereiding'),
    roleLabel: marker('rol'),
    holder: marker('rolhouder'),
    answer: marker('rolkaart'),
    posture: marker('rolhouding'),
    carrier: marker('drager'),
    helper: marker('helper'),
    advice: marker('rugzakadvies'),
    agenda: marker('agenda'),
  }
}
type Markers = ReturnType<typeof markers>

/** A tijdlijn card as the client writes it into the board document. */
function timelineCard(text: string) {
  return {
    id: 'shape:markerkaart',
    typeName: 'shape',
    type: 'tijdlijn-kaart',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props: newEventProps({
      date: { kind: 'year', year: 2019 },
      category: 'beslismoment',
      tag: 'feit',
      source: { personId: null, side: 'professional', origin: 'dossier' },
      text,
      lane: 'boven',
    }),
  }
}

/** Resolves once the store holds `text` in the document's stored updates (the relay writes in batches). */
async function storedIn(server: TestServer, doc: string, text: string): Promise<void> {
  const needle = Buffer.from(text, 'utf8')
  await waitFor(async () => Buffer.concat(await server.app.store.loadDocUpdates(doc)).includes(needle), { message: `${doc} not stored` })
}

/** Writes every marker into the board the way the client and the API do; resolves when all is stored. */
async function fillBoard(server: TestServer, m: Markers): Promise<{ id: string; facilitator: string; close(): void }> {
  const board = await createBoard(server.httpUrl, m.title)
  const { facilitator, participant } = board.tokens
  const clients: { destroy(): void }[] = []
  const open = async (doc: string, token: string) => {
    const client = connectClient(server.wsUrl, doc, token)
    clients.push(client)
    await waitForSynced(client)
    return client
  }

  const main = await open(board.id, facilitator)
  const card = timelineCard(m.record)
  main.doc.getArray(RECORDS_ARRAY).push([{ key: card.id, val: card }])

  const consent = await open(consentDocName(board.id), facilitator)
  consent.doc.getMap(CONSENT_MAP).set('sharing', m.consent)
  const preparation = await open(facilitatorPrepDocName(board.id), facilitator)
  preparation.doc.getMap(FACILITATOR_PREP_MAP).set('casus', m.preparation)

  const started = await boardApi(server, `/${board.id}/perspectiefwissel`, facilitator, { roles: [{ personId: 'person:moeder', label: m.roleLabel }] })
  expect(started.status).toBe(201)
  const cardId = started.json.roles[0].cardId as string
  const claimed = await boardApi(server, `/${board.id}/perspectiefwissel/claim`, participant, { cardId, holderName: m.holder })
  expect(claimed.status).toBe(201)
  const answers = await open(roleCardDocName(board.id, cardId), claimed.json.cardToken)
  answers.doc.getMap(ROLE_CARD_MAP).set('dilemma', m.answer)
  const posture = await open(rolePostureDocName(board.id, cardId), claimed.json.cardToken)
  posture.doc.getMap(ROLE_CARD_MAP).set('houding', m.posture)

  expect((await boardApi(server, `/${board.id}/rugzak`, facilitator, { carrier: m.carrier, helpers: [m.helper] })).status).toBe(201)
  const helper = await boardApi(server, `/${board.id}/rugzak/aanmelden`, participant, { as: 0 })
  expect(helper.status).toBe(201)
  expect((await boardApi(server, `/${board.id}/rugzak/advies`, helper.json.rugzakToken, { text: m.advice })).status).toBe(200)

  expect((await boardApi(server, `/${board.id}/begeleiding`, facilitator, { agenda: { steps: [m.agenda], current: 0 } })).status).toBe(200)

  await storedIn(server, board.id, m.record)
  await storedIn(server, consentDocName(board.id), m.consent)
  await storedIn(server, facilitatorPrepDocName(board.id), m.preparation)
  await storedIn(server, roleCardDocName(board.id, cardId), m.answer)
  await storedIn(server, rolePostureDocName(board.id, cardId), m.posture)
  return { id: board.id, facilitator, close: () => clients.forEach((client) => client.destroy()) }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path) : [path]
  })
}

/** The markers found in any file under `dir`, as UTF-8 or as UTF-16 (either byte order), with the file. */
function markersOnDisk(dir: string, m: Markers): string[] {
  const files = filesUnder(dir).map((path) => ({ path, bytes: readFileSync(path) }))
  const found: string[] = []
  for (const [what, text] of Object.entries(m)) {
    const le = Buffer.from(text, 'utf16le')
    const forms = { 'utf-8': Buffer.from(text, 'utf8'), 'utf-16le': le, 'utf-16be': Buffer.from(le).swap16() }
    for (const { path, bytes } of files) {
      for (const [encoding, needle] of Object.entries(forms)) if (bytes.includes(needle)) found.push(`${what} (${encoding}) in ${path.slice(dir.length)}`)
    }
  }
  return found
}

function expectPrivateModes(dataDir: string): void {
  expect(statSync(dataDir).mode & 0o777, 'DATA_DIR').toBe(0o700)
  const files = filesUnder(dataDir)
  expect(files.map((path) => path.slice(dataDir.length + 1)).sort()).toEqual(
    expect.arrayContaining(['samenbord.sqlite', 'samenbord.sqlite-shm', 'samenbord.sqlite-wal', 'secret']),
  )
  for (const path of files) expect(statSync(path).mode & 0o777, path).toBe(0o600)
}

describe('deleted means gone (SQLite)', () => {
  it('after DELETE no file under DATA_DIR holds anything of the board, and the files are the server user\'s alone', async () => {
    // A DATA_DIR that does not exist yet: the server creates it.
    const dataDir = join(makeTempDir(), 'nieuw')
    const server = await startServer({ dataDir })
    const kept = markers('blijft')
    const gone = markers('weg')
    const keep = await fillBoard(server, kept)
    const board = await fillBoard(server, gone)
    // The scan does see stored data: before the deletion the markers are on disk.
    expect(markersOnDisk(dataDir, gone)).not.toEqual([])

    const deleted = await fetch(`${server.httpUrl}/api/boards/${board.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${board.facilitator}` } })
    expect(deleted.status).toBe(204)

    expect(markersOnDisk(dataDir, gone)).toEqual([])
    expectPrivateModes(dataDir)

    // The other board is whole, also after a restart.
    keep.close()
    board.close()
    await server.close()
    const restarted = await startServer({ dataDir })
    const reader = connectClient(restarted.wsUrl, keep.id, keep.facilitator)
    await waitForSynced(reader)
    expect(JSON.stringify(reader.doc.getArray(RECORDS_ARRAY).toJSON())).toContain(kept.record)
    expect((await boardApi(restarted, `/${keep.id}/rugzak`, keep.facilitator)).json.items[0].text).toBe(kept.advice)
    expect(markersOnDisk(dataDir, gone)).toEqual([])
  })

  it('after the retention sweep no file holds anything of the expired board', async () => {
    const server = await startServer()
    const gone = markers('verlopen')
    const board = await fillBoard(server, gone)
    board.close()
    await waitFor(() => server.app.rooms.boardConnectionCount(board.id) === 0)
    await server.app.store.touchBoard(board.id, 0)

    expect(await server.app.sweepRetention()).toEqual([board.id])

    expect(markersOnDisk(server.dataDir, gone)).toEqual([])
  })

  it('tightens an existing DATA_DIR and database files that others could read', async () => {
    const dataDir = makeTempDir()
    const first = await startServer({ dataDir })
    await createBoard(first.httpUrl)
    await first.close()
    chmodSync(dataDir, 0o755)
    for (const path of filesUnder(dataDir)) chmodSync(path, 0o644)

    const server = await startServer({ dataDir })
    await createBoard(server.httpUrl)
    expectPrivateModes(dataDir)
  })
})
