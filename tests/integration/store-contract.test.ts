/**
 * One contract, every DocumentStore: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocumentStore } from '@samenbord/server/storage/document-store'
import { SqliteDocumentStore } from '@samenbord/server/storage/sqlite-store'
import {
  connectClient,
  createBoard,
  disposeAll,
  makeTempDir,
  onDispose,
  startServer,
  waitFor,
  waitForSynced,
  boardMap,
} from './helpers.ts'
import { openTestPgStore, skipMessage, TEST_DATABASE_URL } from './pg-helpers.ts'

afterEach(disposeAll)

interface StoreKind {
  name: string
  /** A fresh store, and how to reopen the same data after close. */
  open(): Promise<{ store: DocumentStore; reopen(): Promise<DocumentStore> }>
}

const sqlite: StoreKind = {
  name: 'SQLite',
  async open() {
    const dir = makeTempDir()
    const store = new SqliteDocumentStore(dir)
    onDispose(() => store.close())
    return {
      store,
      async reopen() {
        const again = new SqliteDocumentStore(dir)
        onDispose(() => again.close())
        return again
      },
    }
  },
}

const postgres: StoreKind = {
  name: 'PostgreSQL',
  async open() {
    const store = await openTestPgStore()
    return { store, reopen: () => openTestPgStore(store.schema) }
  },
}

skipMessage('PostgreSQL-tests', TEST_DATABASE_URL === null ? ['TEST_DATABASE_URL'] : [])

function recordUpdates(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  return updates
}

function docFrom(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates))
  return doc
}

function contract(kind: StoreKind) {
  it('creates, reads, touches, counts and lists idle boards', async () => {
    const { store } = await kind.open()
    expect(await store.getBoard('nope-nope-nope')).toBeNull()
    expect(await store.countBoards()).toBe(0)
    const created = await store.createBoard({ id: 'board-aaaaaaaaaa', title: 'Casus Sam', createdAt: 1000 })
    expect(created).toEqual({ id: 'board-aaaaaaaaaa', title: 'Casus Sam', createdAt: 1000, lastActiveAt: 1000 })
    await store.createBoard({ id: 'board-bbbbbbbbbb', title: 'Twee', createdAt: 2000 })
    await store.touchBoard('board-aaaaaaaaaa', 5000)
    expect(await store.getBoard('board-aaaaaaaaaa')).toEqual({ id: 'board-aaaaaaaaaa', title: 'Casus Sam', createdAt: 1000, lastActiveAt: 5000 })
    await expect(store.createBoard({ id: 'board-aaaaaaaaaa', title: 'dubbel' })).rejects.toThrow()
    expect(await store.countBoards()).toBe(2)
    expect(await store.listIdleBoards(3000)).toEqual(['board-bbbbbbbbbb'])
    expect(await store.listIdleBoards(6000)).toEqual(['board-bbbbbbbbbb', 'board-aaaaaaaaaa'])
  })

  it('appends and loads updates per document, in order, as bytes', async () => {
    const { store } = await kind.open()
    const doc = new Y.Doc()
    const updates = recordUpdates(doc)
    doc.getArray<string>('list').push(['a'])
    doc.getArray<string>('list').push(['b'])
    doc.getMap('meta').set('title', 'x')
    for (const update of updates) await store.appendDocUpdate('doc-one-aaaaaa', update)
    await store.appendDocUpdate('doc-two-aaaaaa', new Uint8Array([1, 2, 3]))
    const loaded = await store.loadDocUpdates('doc-one-aaaaaa')
    expect(loaded.every((update) => update instanceof Uint8Array)).toBe(true)
    expect(loaded.map((u) => Buffer.from(u).toString('hex'))).toEqual(updates.map((u) => Buffer.from(u).toString('hex')))
    expect(await store.countDocUpdates('doc-one-aaaaaa')).toBe(3)
    expect(await store.countDocUpdates('doc-two-aaaaaa')).toBe(1)
    expect(await store.loadDocUpdates('unknown-doc-aa')).toEqual([])
    expect(docFrom(loaded).getArray('list').toArray()).toEqual(['a', 'b'])
  })

  it('compaction replaces the rows of one document by one row with equal content', async () => {
    const { store } = await kind.open()
    const doc = new Y.Doc()
    const updates = recordUpdates(doc)
    const list = doc.getArray<number>('list')
    const map = doc.getMap<string>('records')
    for (let i = 0; i < 50; i++) {
      list.push([i])
      map.set(`shape:${i % 7}`, `value ${i}`)
    }
    list.delete(0, 10)
    map.delete('shape:3')
    for (const update of updates) await store.appendDocUpdate('doc-big-aaaaaa', update)
    await store.appendDocUpdate('doc-other-aaaa', updates[0])
    const before = docFrom(await store.loadDocUpdates('doc-big-aaaaaa'))
    await store.replaceDocState('doc-big-aaaaaa', Y.encodeStateAsUpdate(before))
    expect(await store.countDocUpdates('doc-big-aaaaaa')).toBe(1)
    expect(await store.countDocUpdates('doc-other-aaaa')).toBe(1)
    const after = docFrom(await store.loadDocUpdates('doc-big-aaaaaa'))
    expect(after.getArray('list').toArray()).toEqual(Array.from({ length: 40 }, (_, i) => i + 10))
    expect(after.getMap('records').toJSON()).toEqual(map.toJSON())
    expect(Y.encodeStateVector(after)).toEqual(Y.encodeStateVector(doc))
    const later = recordUpdates(after)
    after.getArray<number>('list').push([99])
    await store.appendDocUpdate('doc-big-aaaaaa', later[0])
    expect(docFrom(await store.loadDocUpdates('doc-big-aaaaaa')).getArray('list').toArray().at(-1)).toBe(99)
  })

  it('deletes a board with all its documents and audit log, and nothing of another board', async () => {
    const { store } = await kind.open()
    const id = 'board_cc-cccccc' // '_' and '-' must not act as wildcards
    const other = 'board_cc-cccccd'
    await store.createBoard({ id, title: 'Weg' })
    await store.createBoard({ id: other, title: 'Blijft' })
    for (const doc of [id, `${id}.card.a`, `${id}.card.b`, other, `${other}.card.a`]) await store.appendDocUpdate(doc, new Uint8Array([0, 0]))
    await store.appendAudit({ boardId: id, event: 'join', role: 'participant', name: 'Anouk', at: 1 })
    await store.appendAudit({ boardId: other, event: 'create', role: 'facilitator', name: null, at: 2 })
    expect((await store.listBoardDocs(id)).sort()).toEqual([id, `${id}.card.a`, `${id}.card.b`])
    expect(await store.deleteBoard(id)).toBe(true)
    expect(await store.deleteBoard(id)).toBe(false)
    expect(await store.getBoard(id)).toBeNull()
    expect(await store.listBoardDocs(id)).toEqual([])
    expect(await store.listAudit(id)).toEqual([])
    expect((await store.listBoardDocs(other)).sort()).toEqual([other, `${other}.card.a`])
    expect(await store.listAudit(other)).toEqual([{ boardId: other, event: 'create', role: 'facilitator', name: null, at: 2 }])
  })

  it('keeps an audit log in order and removes old entries', async () => {
    const { store } = await kind.open()
    await store.appendAudit({ boardId: 'board-dddddddddd', event: 'create', role: 'facilitator', name: null, at: 100 })
    await store.appendAudit({ boardId: 'board-dddddddddd', event: 'join', role: 'viewer', name: 'Scherm', at: 200 })
    await store.appendAudit({ boardId: 'board-dddddddddd', event: 'export', role: 'facilitator', name: null, at: 300 })
    expect((await store.listAudit('board-dddddddddd')).map((entry) => entry.event)).toEqual(['create', 'join', 'export'])
    expect(await store.deleteAuditBefore(250)).toBe(2)
    expect(await store.listAudit('board-dddddddddd')).toEqual([{ boardId: 'board-dddddddddd', event: 'export', role: 'facilitator', name: null, at: 300 }])
  })

  it('keeps a perspectiefwissel: replace, claim once, phase compare-and-set, deleted with the board', async () => {
    const { store } = await kind.open()
    const id = 'board-ffffffffff'
    await store.createBoard({ id, title: 'Rollen' })
    expect(await store.getPerspectiefwissel(id)).toBeNull()
    const roles = [
      { cardId: 'kaartA', personId: 'person:moeder', label: 'Moeder' },
      { cardId: 'kaartB', personId: 'person:sam', label: 'Sam' },
    ]
    await store.replacePerspectiefwissel(id, { roles, phase: 'stilte', createdAt: 10 })
    expect(await store.claimRoleCard(id, 'kaartA', { holderName: 'Anouk', claimedAt: 20 })).toBe(true)
    expect(await store.claimRoleCard(id, 'kaartA', { holderName: 'Bram', claimedAt: 21 })).toBe(false)
    expect(await store.getPerspectiefwissel(id)).toEqual({
      boardId: id,
      roles,
      phase: 'stilte',
      claims: { kaartA: { holderName: 'Anouk', claimedAt: 20 } },
      createdAt: 10,
    })
    expect(await store.setPerspectiefwisselPhase(id, 'houdingen', 'antwoorden')).toBe(false)
    expect(await store.setPerspectiefwisselPhase(id, 'stilte', 'houdingen')).toBe(true)
    expect((await store.getPerspectiefwissel(id))?.phase).toBe('houdingen')
    // A new session drops the old claims.
    await store.replacePerspectiefwissel(id, { roles: [roles[1]], phase: 'stilte', createdAt: 30 })
    expect(await store.getPerspectiefwissel(id)).toMatchObject({ roles: [roles[1]], phase: 'stilte', claims: {}, createdAt: 30 })
    await store.claimRoleCard(id, 'kaartB', { holderName: 'Chris', claimedAt: 40 })
    expect(await store.deleteBoard(id)).toBe(true)
    expect(await store.getPerspectiefwissel(id)).toBeNull()
    expect(await store.claimRoleCard(id, 'kaartB', { holderName: 'Dana', claimedAt: 50 })).toBe(true)
  })

  it('keeps facilitation state with compare-and-set on its version, deleted with the board', async () => {
    const { store } = await kind.open()
    const id = 'board-gggggggggg'
    await store.createBoard({ id, title: 'Slot' })
    expect(await store.getFacilitation(id)).toBeNull()
    expect(await store.setFacilitation(id, 0, '{"locked":true}')).toBe(true)
    expect(await store.setFacilitation(id, 0, '{"locked":false}')).toBe(false)
    expect(await store.getFacilitation(id)).toEqual({ state: '{"locked":true}', version: 1 })
    expect(await store.setFacilitation(id, 2, '{"locked":false}')).toBe(false)
    expect(await store.setFacilitation(id, 1, '{"locked":false}')).toBe(true)
    expect(await store.getFacilitation(id)).toEqual({ state: '{"locked":false}', version: 2 })
    expect(await store.deleteBoard(id)).toBe(true)
    expect(await store.getFacilitation(id)).toBeNull()
  })

  it('restores a board with everything at once, or, when a write fails midway, nothing of it', async () => {
    const { store } = await kind.open()
    const card = new Y.Doc()
    card.getMap('kaart').set('dilemma', 'Als ik zeg wat ik wil, wordt mama verdrietig')
    const restore = (id: string, documents: { doc: string; state: Uint8Array }[]) =>
      store.restoreBoard({
        board: { id, title: 'Teruggezet', createdAt: 500 },
        documents,
        perspectiefwissel: { roles: [{ cardId: 'kaartA', personId: 'person:sam', label: 'Sam' }], phase: 'afgerond', createdAt: 500, claims: { kaartA: { holderName: 'Joost', claimedAt: 500 } } },
        facilitation: '{"agenda":{"steps":["Tijdlijn"],"current":0}}',
      })

    const whole = 'board-restore-ok'
    expect(await restore(whole, [{ doc: whole, state: Y.encodeStateAsUpdate(new Y.Doc()) }, { doc: `${whole}.rolkaart.kaartA`, state: Y.encodeStateAsUpdate(card) }])).toEqual({
      id: whole,
      title: 'Teruggezet',
      createdAt: 500,
      lastActiveAt: 500,
    })
    expect(await store.getBoard(whole)).toEqual({ id: whole, title: 'Teruggezet', createdAt: 500, lastActiveAt: 500 })
    expect((await store.listBoardDocs(whole)).sort()).toEqual([whole, `${whole}.rolkaart.kaartA`])
    expect(docFrom(await store.loadDocUpdates(`${whole}.rolkaart.kaartA`)).getMap('kaart').toJSON()).toEqual(card.getMap('kaart').toJSON())
    expect(await store.getPerspectiefwissel(whole)).toMatchObject({ phase: 'afgerond', claims: { kaartA: { holderName: 'Joost', claimedAt: 500 } } })
    expect(await store.getFacilitation(whole)).toEqual({ state: '{"agenda":{"steps":["Tijdlijn"],"current":0}}', version: 1 })

    // The second document cannot be written (no bytes): the board, its session and first document go too.
    const broken = 'board-restore-broken'
    await expect(restore(broken, [{ doc: broken, state: Y.encodeStateAsUpdate(card) }, { doc: `${broken}.rolkaart.kaartA`, state: null as unknown as Uint8Array }])).rejects.toThrow()
    expect(await store.getBoard(broken)).toBeNull()
    expect(await store.listBoardDocs(broken)).toEqual([])
    expect(await store.getPerspectiefwissel(broken)).toBeNull()
    expect(await store.getFacilitation(broken)).toBeNull()
    expect(await store.countBoards()).toBe(1)
    // A board id that exists already: refused whole, the existing board untouched.
    await expect(restore(whole, [{ doc: whole, state: Y.encodeStateAsUpdate(card) }])).rejects.toThrow()
    expect(await store.countDocUpdates(whole)).toBe(1)
  })

  it('keeps board owners: lists one owner\'s boards newest first, renames, audit entries with the account', async () => {
    const { store } = await kind.open()
    await store.createBoard({ id: 'board-own-aaaaa', title: 'Eerste', createdAt: 1000, owner: 'oidc:anna' })
    await store.createBoard({ id: 'board-own-bbbbb', title: 'Tweede', createdAt: 2000, owner: 'oidc:anna' })
    await store.createBoard({ id: 'board-own-ccccc', title: 'Van Bram', createdAt: 3000, owner: 'local:bram' })
    await store.createBoard({ id: 'board-own-ddddd', title: 'Van niemand', createdAt: 4000 })
    await store.restoreBoard({ board: { id: 'board-own-eeeee', title: 'Teruggezet', createdAt: 5000, owner: 'oidc:anna' }, documents: [], perspectiefwissel: null, facilitation: null })
    expect((await store.listBoardsOfOwner('oidc:anna')).map((board) => board.id)).toEqual(['board-own-eeeee', 'board-own-bbbbb', 'board-own-aaaaa'])
    expect(await store.listBoardsOfOwner('oidc:niemand')).toEqual([])
    expect(await store.boardOwner('board-own-ccccc')).toBe('local:bram')
    expect(await store.boardOwner('board-own-ddddd')).toBeNull()
    expect(await store.boardOwner('board-onbekend')).toBeNull()
    expect(await store.renameBoard('board-own-aaaaa', 'Hernoemd')).toBe(true)
    expect(await store.renameBoard('board-onbekend', 'x')).toBe(false)
    expect((await store.getBoard('board-own-aaaaa'))?.title).toBe('Hernoemd')
    await store.appendAudit({ boardId: 'board-own-aaaaa', event: 'create', role: 'facilitator', name: null, at: 1, subject: 'oidc:anna' })
    await store.appendAudit({ boardId: 'board-own-aaaaa', event: 'join', role: 'viewer', name: 'Kim', at: 2 })
    expect(await store.listAudit('board-own-aaaaa')).toEqual([
      { boardId: 'board-own-aaaaa', event: 'create', role: 'facilitator', name: null, at: 1, subject: 'oidc:anna' },
      { boardId: 'board-own-aaaaa', event: 'join', role: 'viewer', name: 'Kim', at: 2 },
    ])
  })

  it('keeps co-facilitators who attached a board: listed newest first, not for the owner, deleted with the board', async () => {
    const { store } = await kind.open()
    await store.createBoard({ id: 'board-mem-aaaaa', title: 'Van Anna', createdAt: 1000, owner: 'oidc:anna' })
    await store.createBoard({ id: 'board-mem-bbbbb', title: 'Ook van Anna', createdAt: 2000, owner: 'oidc:anna' })
    expect(await store.addBoardMember({ boardId: 'board-mem-aaaaa', subject: 'local:bram', addedAt: 10 })).toBe(true)
    expect(await store.addBoardMember({ boardId: 'board-mem-bbbbb', subject: 'local:bram', addedAt: 11 })).toBe(true)
    // Again: the moment moves, still one row.
    expect(await store.addBoardMember({ boardId: 'board-mem-aaaaa', subject: 'local:bram', addedAt: 12 })).toBe(true)
    // An unknown board stores nothing; the owner as member is not listed as an attached board.
    expect(await store.addBoardMember({ boardId: 'board-onbekend', subject: 'local:bram', addedAt: 13 })).toBe(false)
    expect(await store.boardMemberSince('board-onbekend', 'local:bram')).toBeNull()
    await store.addBoardMember({ boardId: 'board-mem-aaaaa', subject: 'oidc:anna', addedAt: 14 })
    expect(await store.listBoardsOfMember('oidc:anna')).toEqual([])
    expect(await store.listBoardsOfMember('local:bram')).toEqual([
      { id: 'board-mem-bbbbb', title: 'Ook van Anna', createdAt: 2000, lastActiveAt: 2000, addedAt: 11 },
      { id: 'board-mem-aaaaa', title: 'Van Anna', createdAt: 1000, lastActiveAt: 1000, addedAt: 12 },
    ])
    expect(await store.boardMemberSince('board-mem-aaaaa', 'local:bram')).toBe(12)
    expect(await store.boardOwner('board-mem-aaaaa')).toBe('oidc:anna')
    expect(await store.deleteBoard('board-mem-aaaaa')).toBe(true)
    expect(await store.boardMemberSince('board-mem-aaaaa', 'local:bram')).toBeNull()
    expect(await store.boardMemberSince('board-mem-aaaaa', 'oidc:anna')).toBeNull()
    expect((await store.listBoardsOfMember('local:bram')).map((board) => board.id)).toEqual(['board-mem-bbbbb'])
  })

  it('keeps sign-in sessions until they expire or end; sign-ins under way are taken once', async () => {
    const { store } = await kind.open()
    const session = { idHash: 'hash-1', subject: 'oidc:anna', kind: 'oidc' as const, name: 'Anna', email: 'anna@gemeente.nl', beheerder: false, createdAt: 100, expiresAt: 200 }
    await store.createAuthSession(session)
    await store.createAuthSession({ ...session, idHash: 'hash-2', expiresAt: 500 })
    await store.createAuthSession({ ...session, idHash: 'hash-3', subject: 'local:b', kind: 'local', email: null, beheerder: true })
    expect(await store.getAuthSession('hash-1', 199)).toEqual(session)
    expect(await store.getAuthSession('hash-1', 200)).toBeNull()
    expect(await store.getAuthSession('hash-3', 150)).toMatchObject({ kind: 'local', email: null, beheerder: true })
    await store.deleteAuthSession('hash-2')
    expect(await store.getAuthSession('hash-2', 150)).toBeNull()
    expect(await store.deleteAuthSessionsOf('local:b')).toBe(1)
    expect(await store.getAuthSession('hash-3', 150)).toBeNull()

    const attempt = { idHash: 'login-1', state: 'state-1', nonce: 'nonce-1', codeVerifier: 'verifier-1', returnTo: '/b/x', expiresAt: 1000 }
    await store.putLoginAttempt(attempt)
    const [first, second] = await Promise.all([store.takeLoginAttempt('login-1'), store.takeLoginAttempt('login-1')])
    expect([first, second].filter((taken) => taken !== null)).toEqual([attempt])

    // Expired ones go; the living stay.
    await store.createAuthSession({ ...session, idHash: 'hash-4', expiresAt: 2000 })
    await store.putLoginAttempt({ ...attempt, idHash: 'login-2', expiresAt: 900 })
    await store.deleteExpiredAuth(1000)
    expect(await store.getAuthSession('hash-1', 0)).toBeNull()
    expect(await store.getAuthSession('hash-4', 1000)).toMatchObject({ idHash: 'hash-4' })
    expect(await store.takeLoginAttempt('login-2')).toBeNull()
  })

  it('keeps one local beheerder, however many try at once, and spends each invite once', async () => {
    const { store } = await kind.open()
    expect(await store.getBeheerder()).toBeNull()
    const tries = await Promise.all(['local:a', 'local:b', 'local:c'].map((subject) => store.createBeheerder({ subject, name: 'Beheerder', beheerder: true, createdAt: 10 })))
    expect(tries.filter(Boolean)).toHaveLength(1)
    const beheerder = await store.getBeheerder()
    expect(beheerder).toEqual({ subject: ['local:a', 'local:b', 'local:c'][tries.indexOf(true)], name: 'Beheerder', beheerder: true, createdAt: 10 })

    await store.createInvite({ codeHash: 'invite-1', name: 'Bram', createdBy: beheerder!.subject, createdAt: 100, expiresAt: 1000 })
    await store.createInvite({ codeHash: 'invite-2', name: 'Cor', createdBy: beheerder!.subject, createdAt: 100, expiresAt: 1000 })
    const redeemed = await Promise.all([
      store.redeemInvite('invite-1', 500, { subject: 'local:bram-1', name: null, createdAt: 500 }),
      store.redeemInvite('invite-1', 500, { subject: 'local:bram-2', name: 'Indringer', createdAt: 500 }),
    ])
    expect(redeemed.map((outcome) => outcome.status).sort()).toEqual(['ok', 'used'])
    const ok = redeemed.find((outcome) => outcome.status === 'ok') as { account: { name: string; beheerder: boolean } }
    expect(ok.account).toMatchObject({ beheerder: false })
    expect(['Bram', 'Indringer']).toContain(ok.account.name)
    expect(await store.redeemInvite('invite-2', 1000, { subject: 'local:cor', name: 'Cor', createdAt: 1000 })).toEqual({ status: 'expired' })
    expect(await store.redeemInvite('invite-onbekend', 1, { subject: 'local:x', name: null, createdAt: 1 })).toEqual({ status: 'unknown' })
    // An invite given with a name, accepted with none, is the beheerder's name for them.
    await store.createInvite({ codeHash: 'invite-3', name: 'Dirk', createdBy: beheerder!.subject, createdAt: 100, expiresAt: 1000 })
    expect(await store.redeemInvite('invite-3', 200, { subject: 'local:dirk', name: null, createdAt: 200 })).toEqual({
      status: 'ok',
      account: { subject: 'local:dirk', name: 'Dirk', beheerder: false, createdAt: 200 },
    })
    // Expired invites are removed (used ones too); the beheerder stays.
    await store.deleteExpiredAuth(1000)
    expect(await store.redeemInvite('invite-1', 1, { subject: 'local:y', name: null, createdAt: 1 })).toEqual({ status: 'unknown' })
    expect(await store.getBeheerder()).toEqual(beheerder)
  })

  it('keeps data across close and reopen; reports health, and unhealthy once closed', async () => {
    const { store, reopen } = await kind.open()
    expect(await store.health()).toMatchObject({ ok: true })
    await store.createBoard({ id: 'board-eeeeeeeeee', title: 'Blijft' })
    await store.appendDocUpdate('board-eeeeeeeeee', new Uint8Array([0, 0]))
    await store.close()
    expect(await store.health()).toMatchObject({ ok: false, error: 'closed' })
    const again = await reopen()
    expect((await again.getBoard('board-eeeeeeeeee'))?.title).toBe('Blijft')
    expect(await again.countDocUpdates('board-eeeeeeeeee')).toBe(1)
  })

  it('runs the relay: sync, compaction on unload, restart keeps the board', async () => {
    const first = await kind.open()
    const server = await startServer({ env: { ROOM_IDLE_MS: '100' }, build: { store: first.store } })
    const board = await createBoard(server.httpUrl)
    const a = connectClient(server.wsUrl, board.id, board.tokens.participant)
    const b = connectClient(server.wsUrl, board.id, board.tokens.participant)
    await Promise.all([waitForSynced(a), waitForSynced(b)])
    for (let i = 0; i < 20; i++) boardMap(a.doc, 'm').set(`k${i}`, i)
    await waitFor(() => boardMap(b.doc, 'm').size === 20)
    a.destroy()
    b.destroy()
    await waitFor(() => server.app.rooms.roomCount === 0, { message: 'room not unloaded' })
    expect(await server.app.store.countDocUpdates(board.id)).toBe(1)
    await server.close()

    const restarted = await startServer({ dataDir: server.dataDir, build: { store: await first.reopen() } })
    const reader = connectClient(restarted.wsUrl, board.id, board.tokens.viewer)
    await waitForSynced(reader)
    expect(boardMap(reader.doc, 'm').size).toBe(20)
  })
}

describe('DocumentStore contract: SQLite', () => contract(sqlite))
;(TEST_DATABASE_URL === null ? describe.skip : describe)('DocumentStore contract: PostgreSQL', () => {
  contract(postgres)

  it('compaction keeps an update another instance appended after this one loaded', async () => {
    const { store } = await postgres.open()
    const doc = new Y.Doc()
    doc.getMap('m').set('mine', 1)
    await store.appendDocUpdate('shared-doc-aaaa', Y.encodeStateAsUpdate(doc))
    // Another instance writes an update this instance's state does not contain.
    const other = new Y.Doc()
    other.getMap('m').set('theirs', 2)
    await store.appendDocUpdate('shared-doc-aaaa', Y.encodeStateAsUpdate(other))
    await store.replaceDocState('shared-doc-aaaa', Y.encodeStateAsUpdate(doc))
    expect(await store.countDocUpdates('shared-doc-aaaa')).toBe(1)
    expect(docFrom(await store.loadDocUpdates('shared-doc-aaaa')).getMap('m').toJSON()).toEqual({ mine: 1, theirs: 2 })
  })
})
