/**
 * Back-up, restore, the verslag's server data and the consent record: what leaves the board for
 * the organisation's own file, and comes back, exactly and only through the facilitator's link.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { consentDocName, roleCardDocName, rolePostureDocName } from '@samenbord/shared'
import { barrier, boardApi, connectClient, SLOW_TEST_MS, createBoard, disposeAll, startServer, waitFor, waitForSynced, type CreatedBoard, type TestServer } from './helpers.ts'

afterEach(disposeAll)

/** GET, or POST with a JSON (or raw text) body, under /api. */
const call = (server: TestServer, path: string, token: string | null, init: { body?: string } = {}) => boardApi(server, path.replace(/^\/boards/, ''), token, init.body)

const person = (id: string, name: string, relation: string) => ({
  id,
  typeName: 'person',
  name,
  relation,
  gender: 'onbekend',
  birthYear: null,
  deceased: false,
  deathYear: null,
  kind: 'gezin',
  organisation: '',
})

/** Everything a session leaves: board records, a revealed role card, a consent record. */
async function fillBoard(server: TestServer, board: CreatedBoard) {
  const main = connectClient(server.wsUrl, board.id, board.tokens.facilitator)
  await waitForSynced(main)
  main.doc.getArray('tl_records').push([
    { key: 'person:moeder', val: person('person:moeder', 'Sanne Mulder', 'moeder') },
    { key: 'person:jongere', val: person('person:jongere', 'Lotte Kuipers', 'jongere') },
  ])
  const started = await call(server, `/boards/${board.id}/perspectiefwissel`, board.tokens.facilitator, {
    body: JSON.stringify({ roles: [{ personId: 'person:jongere', label: 'Lotte (jongere)' }] }),
  })
  expect(started.status).toBe(201)
  const cardId = started.json.roles[0].cardId as string
  const claimed = await call(server, `/boards/${board.id}/perspectiefwissel/claim`, board.tokens.participant, { body: JSON.stringify({ cardId, holderName: 'Joost' }) })
  expect(claimed.status).toBe(201)
  const card = connectClient(server.wsUrl, roleCardDocName(board.id, cardId), claimed.json.cardToken)
  const posture = connectClient(server.wsUrl, rolePostureDocName(board.id, cardId), claimed.json.cardToken)
  const consent = connectClient(server.wsUrl, consentDocName(board.id), board.tokens.facilitator)
  await Promise.all([waitForSynced(card), waitForSynced(posture), waitForSynced(consent)])
  card.doc.getMap('kaart').set('dilemma', 'Als ik zeg wat ik wil, wordt mama verdrietig')
  card.doc.getMap('kaart').set('gevoel', 'klein')
  posture.doc.getMap('kaart').set('houding', 'ineengedoken')
  consent.doc.getMap('toestemming').set('notesAllowed', 'ja')
  consent.doc.getMap('toestemming').set('sharing', 'Alleen het dossier van het wijkteam')
  consent.doc.getMap('toestemming').set('agreedBy', 'Sanne en Lotte')
  await waitFor(() => server.app.rooms.peek(consentDocName(board.id))?.doc.getMap('toestemming').size === 3)
  await waitFor(() => server.app.rooms.peek(roleCardDocName(board.id, cardId))?.doc.getMap('kaart').size === 2)
  await waitFor(() => server.app.rooms.peek(rolePostureDocName(board.id, cardId))?.doc.getMap('kaart').size === 1)
  await waitFor(() => (server.app.rooms.peek(board.id)?.doc.getArray('tl_records').length ?? 0) === 2)
  const agenda = await call(server, `/boards/${board.id}/begeleiding`, board.tokens.facilitator, { body: JSON.stringify({ agenda: { steps: ['Tijdlijn', 'Perspectiefwissel'], current: 1 } }) })
  expect(agenda.status).toBe(200)
  return { cardId }
}

/** A document's content as plain JSON, read the way any client reads it. */
async function contentOf(server: TestServer, docName: string, token: string) {
  const client = connectClient(server.wsUrl, docName, token)
  await waitForSynced(client)
  const json = { records: client.doc.getArray('tl_records').toJSON(), kaart: client.doc.getMap('kaart').toJSON(), toestemming: client.doc.getMap('toestemming').toJSON() }
  client.destroy()
  return json
}

describe('back-up and restore', () => {
  it('a restored board equals the original: board, role cards, consent and who played which role', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl, 'MDO familie Mulder')
    const { cardId } = await fillBoard(server, board)

    const exported = await call(server, `/boards/${board.id}/export`, board.tokens.facilitator)
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename="samenbord-backup-\d{4}-\d{2}-\d{2}-/)
    expect(exported.json).toMatchObject({ format: 'samenbord-backup', version: 1, board: { id: board.id, title: 'MDO familie Mulder' } })
    expect(Object.keys(exported.json.documents).sort()).toEqual(['', '.rolhouding.' + cardId, '.rolkaart.' + cardId, '.toestemming.sessie'].sort())
    const text = JSON.stringify(exported.json)
    for (const token of [...Object.values(board.tokens)]) expect(text).not.toContain(token)

    const restored = await call(server, '/boards/restore', null, { body: text })
    expect(restored.status).toBe(201)
    const copy = restored.json as CreatedBoard
    expect(copy.id).not.toBe(board.id)
    expect(copy.title).toBe('MDO familie Mulder')

    for (const suffix of ['', `.rolkaart.${cardId}`, `.rolhouding.${cardId}`, '.toestemming.sessie']) {
      expect(await contentOf(server, `${copy.id}${suffix}`, copy.tokens.facilitator), suffix || 'board').toEqual(await contentOf(server, `${board.id}${suffix}`, board.tokens.facilitator))
    }
    const begeleiding = await call(server, `/boards/${copy.id}/begeleiding`, copy.tokens.viewer)
    expect(begeleiding.json.agenda).toEqual({ steps: ['Tijdlijn', 'Perspectiefwissel'], current: 1 })
    const session = await call(server, `/boards/${copy.id}/perspectiefwissel`, copy.tokens.viewer)
    expect(session.json.roles).toEqual([expect.objectContaining({ cardId, label: 'Lotte (jongere)', claimed: true, holderName: 'Joost' })])

    // Backing up the copy gives the same documents again.
    const again = await call(server, `/boards/${copy.id}/export`, copy.tokens.facilitator)
    for (const [suffix, data] of Object.entries(exported.json.documents as Record<string, string>)) {
      const a = new Y.Doc()
      const b = new Y.Doc()
      Y.applyUpdate(a, Buffer.from(data, 'base64'))
      Y.applyUpdate(b, Buffer.from(again.json.documents[suffix], 'base64'))
      expect(b.toJSON(), suffix).toEqual(a.toJSON())
    }
  })

  // Every file is checked in a process of its own: seconds each on a loaded machine.
  it('refuses a bad or foreign file with a clear message and stores nothing', { timeout: SLOW_TEST_MS }, async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    await fillBoard(server, board)
    const good = (await call(server, `/boards/${board.id}/export`, board.tokens.facilitator)).json
    const boardsBefore = await server.app.store.countBoards()

    const attempts: [string, string, number, RegExp][] = [
      ['not JSON', '{"format": "samenbord-backup", ', 400, /geen leesbare JSON/],
      ['another app', JSON.stringify({ name: 'miro board', items: [] }), 400, /geen back-up van een Samenbord-bord/],
      ['a newer version', JSON.stringify({ ...good, version: 2 }), 422, /nieuwere versie van Samenbord \(bestandsversie 2\)/],
      ['no main document', JSON.stringify({ ...good, documents: { '.toestemming.sessie': good.documents['.toestemming.sessie'] } }), 422, /mist het hoofddocument/],
      ['broken base64', JSON.stringify({ ...good, documents: { ...good.documents, '': 'niet%base64' } }), 422, /geen geldige base64/],
      ['bytes that are no Yjs', JSON.stringify({ ...good, documents: { ...good.documents, '': Buffer.from('hallo wereld, dit is geen yjs').toString('base64') } }), 422, /beschadigd|onvolledig/],
      ['an agenda that is no agenda', JSON.stringify({ ...good, agenda: { steps: 'Tijdlijn', current: 0 } }), 422, /agenda in de back-up is onleesbaar/],
      ['a foreign document name', JSON.stringify({ ...good, documents: { ...good.documents, '/../../etc': 'AAAA' } }), 422, /Onbekende documentnaam/],
    ]
    // A board whose records break the schema (a camera record may never be stored).
    const evil = new Y.Doc()
    evil.getArray('tl_records').push([{ key: 'camera:x', val: { id: 'camera:x', typeName: 'camera', x: 0, y: 0, z: 1, meta: {} } }])
    attempts.push(['a board the relay would refuse', JSON.stringify({ ...good, documents: { ...good.documents, '': Buffer.from(Y.encodeStateAsUpdate(evil)).toString('base64') } }), 422, /bevat iets wat Samenbord niet accepteert/])

    for (const [what, body, status, message] of attempts) {
      const response = await call(server, '/boards/restore', null, { body })
      expect(response.status, what).toBe(status)
      expect(response.json.message, what).toMatch(message)
    }
    expect(await server.app.store.countBoards()).toBe(boardsBefore)
    // The server is unharmed: the good file still restores.
    expect((await call(server, '/boards/restore', null, { body: JSON.stringify(good) })).status).toBe(201)
  })

  it('only the facilitator exports; participants and viewers get 403', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    for (const path of ['export', 'verslag']) {
      for (const role of ['participant', 'viewer'] as const) expect((await call(server, `/boards/${board.id}/${path}`, board.tokens[role])).status, `${path} ${role}`).toBe(403)
      expect((await call(server, `/boards/${board.id}/${path}`, null)).status).toBe(401)
    }
  })
})

describe('consent record and verslag data', () => {
  it('only the facilitator writes the consent; the verslag shows it, the participants and only the revealed cards', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    // Display names travel as the socket's `name` parameter, as the app sends them.
    const named = (token: string, name: string) => {
      const client = connectClient(server.wsUrl, board.id, token)
      client.provider.disconnect()
      client.provider.params.name = name
      client.provider.connect()
      return client
    }
    const facilitatorSocket = named(board.tokens.facilitator, 'Fatima')
    const participantSocket = named(board.tokens.participant, 'Sanne (moeder)')
    await Promise.all([waitForSynced(facilitatorSocket), waitForSynced(participantSocket)])
    const { cardId } = await fillBoard(server, board)

    // A participant link may read the consent record but its writes are dropped.
    const participantConsent = connectClient(server.wsUrl, consentDocName(board.id), board.tokens.participant)
    await waitForSynced(participantConsent)
    expect(participantConsent.doc.getMap('toestemming').get('notesAllowed')).toBe('ja')
    participantConsent.doc.getMap('toestemming').set('notesAllowed', 'nee')
    // Everything the participant sent before its presence marker is handled by then.
    await barrier(participantConsent, [], server)
    expect(server.app.rooms.peek(consentDocName(board.id))?.doc.getMap('toestemming').get('notesAllowed')).toBe('ja')

    const before = await call(server, `/boards/${board.id}/verslag`, board.tokens.facilitator)
    expect(before.status).toBe(200)
    expect(before.json).toMatchObject({
      facilitators: ['Fatima'],
      participants: expect.arrayContaining(['Sanne (moeder)', 'Joost']),
      consent: { notesAllowed: 'ja', recordingAllowed: null, sharing: 'Alleen het dossier van het wijkteam', agreedBy: 'Sanne en Lotte' },
      perspectiefwissel: { phase: 'stilte', rows: [{ role: 'Lotte (jongere)', holderName: 'Joost', postureId: null, dilemma: null, feeling: null, notes: null }] },
    })
    expect(before.json.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(before.json.agenda).toEqual({ steps: ['Tijdlijn', 'Perspectiefwissel'], current: 1 })
    expect(before.json.rugzak).toBeNull()
    expect(JSON.stringify(before.json)).not.toContain('mama verdrietig')

    for (const phase of ['houdingen', 'antwoorden']) {
      expect((await call(server, `/boards/${board.id}/perspectiefwissel/phase`, board.tokens.facilitator, { body: JSON.stringify({ phase }) })).status).toBeLessThan(300)
    }
    const after = await call(server, `/boards/${board.id}/verslag`, board.tokens.facilitator)
    expect(after.json.perspectiefwissel.rows).toEqual([
      { role: 'Lotte (jongere)', holderName: 'Joost', postureId: 'ineengedoken', dilemma: 'Als ik zeg wat ik wil, wordt mama verdrietig', feeling: 'klein', notes: '' },
    ])
    expect(cardId).toBeTruthy()

    // A rugzak round: the verslag lists the advice in the backpack and what was taken out, by whom.
    const rugzak = `/boards/${board.id}/rugzak`
    expect((await call(server, rugzak, board.tokens.facilitator, { body: JSON.stringify({ carrier: 'Moeder', helpers: ['Anouk', 'Bram'] }) })).status).toBe(201)
    const helper = async (as: number) => (await call(server, `${rugzak}/aanmelden`, board.tokens.participant, { body: JSON.stringify({ as }) })).json.rugzakToken as string
    const [anouk, bram] = [await helper(0), await helper(1)]
    await call(server, `${rugzak}/advies`, anouk, { body: JSON.stringify({ text: 'Vraag hulp bij je zus' }) })
    const full = await call(server, `${rugzak}/advies`, bram, { body: JSON.stringify({ text: 'Stop met werken' }) })
    const taken = full.json.items.find((item: { text: string }) => item.text === 'Stop met werken')
    expect((await call(server, `${rugzak}/eruit`, board.tokens.facilitator, { body: JSON.stringify({ itemId: taken.id }) })).status).toBe(200)
    const withRugzak = await call(server, `/boards/${board.id}/verslag`, board.tokens.facilitator)
    expect(withRugzak.json.rugzak).toEqual({ carrier: 'Moeder', items: [{ byName: 'Anouk', text: 'Vraag hulp bij je zus' }], removed: [{ byName: expect.any(String), text: 'Stop met werken' }] })
    const audit = await call(server, `/boards/${board.id}/audit`, board.tokens.facilitator)
    expect(audit.json.entries.filter((e: { event: string }) => e.event === 'verslag')).toHaveLength(3)
  })
})
