import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, META_MAP, META_SCHEMA_KEY, RECORDS_ARRAY } from '@samenbord/shared'
import { newEventProps } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { boardSchema, checkBoardUpdate, checkRecordEntry, MAX_REASON_BYTES, recordSchemaPlan, shouldCheckDoc, storedSchemaOf, truncateUtf8 } from './record-guard.ts'

type Rec = { id: string; typeName: string; [field: string]: unknown }

// What y-utility's YKeyValue does on `set`: push `{ key, val }` and delete the older entry.
function setRecord(doc: Y.Doc, record: Rec): void {
  const array = doc.getArray<{ key: string; val: unknown }>(RECORDS_ARRAY)
  doc.transact(() => {
    const old = array.toArray().findIndex((entry) => entry.key === record.id)
    if (old >= 0) array.delete(old, 1)
    array.push([{ key: record.id, val: record }])
  })
}

function deleteRecord(doc: Y.Doc, id: string): void {
  const array = doc.getArray<{ key: string; val: unknown }>(RECORDS_ARRAY)
  const index = array.toArray().findIndex((entry) => entry.key === id)
  array.delete(index, 1)
}

/** The update one change produces, like a client sends it. */
function updateOf(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const updates: Uint8Array[] = []
  const listener = (update: Uint8Array) => updates.push(update)
  doc.on('update', listener)
  change(doc)
  doc.off('update', listener)
  return Y.mergeUpdates(updates)
}

/** A fresh client document and the update of writing `records` into it. */
function freshUpdate(...records: Rec[]): Uint8Array {
  const doc = new Y.Doc()
  return updateOf(doc, (d) => d.transact(() => records.forEach((record) => setRecord(d, record))))
}

const page: Rec = { id: 'page:page', typeName: 'page', name: 'Pagina 1', index: 'a1', meta: {} }
const documentRecord: Rec = { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} }

function shape(id: string, type: string, props: Record<string, unknown>): Rec {
  return {
    id,
    typeName: 'shape',
    type,
    x: 10,
    y: 20,
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props,
  }
}

const geo = shape('shape:geo1', 'geo', {
  geo: 'rectangle',
  dash: 'draw',
  url: '',
  w: 100,
  h: 80,
  growY: 0,
  scale: 1,
  flipX: false,
  flipY: false,
  labelColor: 'black',
  color: 'black',
  fill: 'none',
  size: 'm',
  font: 'draw',
  align: 'middle',
  verticalAlign: 'middle',
  richText: { type: 'doc', content: [{ type: 'paragraph' }] },
})

const tijdlijn = shape('shape:tijdlijn1', 'tijdlijn', {
  w: 1200,
  h: 900,
  title: 'Tijdlijn',
  lanePreset: 'professionals-gezin',
  lanesSwapped: false,
  startYear: 2020,
  endYear: 2026,
  pixelsPerYear: 200,
})

const kaart = shape(
  'shape:kaart1',
  'tijdlijn-kaart',
  {
    ...newEventProps({
      date: { kind: 'year', year: 2021 },
      category: 'gezinsgebeurtenis',
      tag: 'feit',
      source: { personId: null, side: 'gezin', origin: 'live' },
      text: 'Verhuizing naar Utrecht',
      lane: 'onder',
    }),
  },
)
kaart.parentId = 'shape:tijdlijn1'

const person: Rec = {
  id: 'person:moeder',
  typeName: 'person',
  name: 'Marieke de Vries',
  relation: 'moeder',
  gender: 'vrouw',
  birthYear: 1985,
  deceased: false,
  deathYear: null,
  kind: 'gezin',
  organisation: '',
}

function withProps(record: Rec, props: Record<string, unknown>): Rec {
  return { ...record, props: { ...(record.props as object), ...props } }
}

function refusal(update: Uint8Array, doc?: Y.Doc): string {
  const result = checkBoardUpdate(update, doc)
  if (result.ok) throw new Error('expected a refusal')
  expect(new TextEncoder().encode(result.reason).byteLength).toBeLessThanOrEqual(MAX_REASON_BYTES)
  return result.reason
}

describe('checkBoardUpdate', () => {
  it('accepts valid records of every kind the board stores', () => {
    for (const record of [page, documentRecord, geo, tijdlijn, kaart, person]) {
      expect(checkBoardUpdate(freshUpdate(record)), record.id).toEqual({ ok: true })
    }
    expect(checkBoardUpdate(freshUpdate(documentRecord, page, geo, tijdlijn, kaart, person))).toEqual({ ok: true })
  })

  it('accepts a handelingsalternatief record and refuses a broken one naming the field', () => {
    const alternative: Rec = {
      id: 'handelingsalternatief:a1',
      typeName: 'handelingsalternatief',
      text: 'De mentor belt eerst Sam zelf',
      who: 'De mentor',
      personId: null,
      group: 'hulpverlening',
      byName: 'Anouk',
      createdAt: 1_700_000_000_000,
    }
    expect(checkBoardUpdate(freshUpdate(alternative))).toEqual({ ok: true })
    expect(refusal(freshUpdate({ ...alternative, text: '  ' }))).toBe('handelingsalternatief geweigerd: Het alternatief mag niet leeg zijn')
    expect(refusal(freshUpdate({ ...alternative, group: 'school' }))).toBe('handelingsalternatief geweigerd: Groep: kies een van de toegestane waarden')
    expect(refusal(freshUpdate({ ...alternative, id: 'handelingsalternatief:a1', stiekem: true }))).toMatch(/Stiekem: dit veld is onbekend/)
  })

  it('accepts a seeded board with its schema in meta', () => {
    const doc = new Y.Doc()
    const update = updateOf(doc, (d) =>
      d.transact(() => {
        for (const record of [documentRecord, page, geo]) setRecord(d, record)
        d.getMap(META_MAP).set(META_SCHEMA_KEY, boardSchema.serialize())
      }),
    )
    expect(checkBoardUpdate(update)).toEqual({ ok: true })
  })

  it('refuses invalid werkvorm records with a Dutch reason naming the field', () => {
    expect(refusal(freshUpdate(withProps(kaart, { category: 'onzin' })))).toBe(
      'tijdlijn-kaart geweigerd: Soort gebeurtenis: kies een van de toegestane waarden',
    )
    expect(refusal(freshUpdate({ ...person, birthYear: 'abc' }))).toBe('person geweigerd: Geboortejaar: verwacht een getal')
    expect(refusal(freshUpdate({ ...person, birthYear: 1700 }))).toMatch(/geboortejaar moet tussen 1850 en 2100/i)
    expect(refusal(freshUpdate(withProps(tijdlijn, { pixelsPerYear: 1e9 })))).toMatch(/^tijdlijn geweigerd: De schaal/)
    expect(refusal(freshUpdate(withProps(kaart, { source: { personId: null, side: 'x', origin: 'live' } })))).toMatch(/Bron/)
    expect(refusal(freshUpdate(withProps(kaart, { extra: 1 })))).toMatch(/Extra: dit veld is onbekend/)
  })

  it('refuses invalid default tldraw records', () => {
    expect(refusal(freshUpdate(withProps(geo, { w: -5 })))).toMatch(/^geo geweigerd: Breedte/)
    expect(refusal(freshUpdate(withProps(geo, { color: 'paars' })))).toMatch(/^geo geweigerd: Kleur/)
    expect(refusal(freshUpdate(shape('shape:x', 'raket', {})))).toBe('Onbekende soort vorm: raket')
    expect(refusal(freshUpdate({ ...geo, type: undefined }))).toBe('Onbekende soort vorm: undefined')
    expect(refusal(freshUpdate({ ...geo, x: 'links' }))).toBe('geo geweigerd: X: verwacht een getal')
    expect(refusal(freshUpdate({ ...page, name: 42 }))).toMatch(/^page geweigerd: Naam: verwacht tekst/)
  })

  it('refuses unknown, session-scoped and local-only records, and ids that differ from the key', () => {
    expect(refusal(freshUpdate({ id: 'virus:1', typeName: 'virus' }))).toBe('Onbekend soort record: virus')
    expect(refusal(freshUpdate({ id: 'x:1', typeName: 'constructor' }))).toBe('Onbekend soort record: constructor')
    expect(refusal(freshUpdate({ id: 'camera:1', typeName: 'camera', x: 0, y: 0, z: 1, meta: {} }))).toBe('camera hoort niet in het bord')
    for (const typeName of ['instance', 'pointer', 'instance_page_state', 'instance_presence', 'user']) {
      expect(refusal(freshUpdate({ id: `${typeName}:1`, typeName }))).toBe(`${typeName} hoort niet in het bord`)
    }
    const doc = new Y.Doc()
    const update = updateOf(doc, (d) => d.getArray(RECORDS_ARRAY).push([{ key: 'shape:other', val: geo }]))
    expect(refusal(update)).toBe('Record-id komt niet overeen met de sleutel (shape)')
  })

  it('refuses anything but { key, val } entries in tl_records', () => {
    const doc = new Y.Doc()
    expect(refusal(updateOf(doc, (d) => d.getArray(RECORDS_ARRAY).push(['rommel'])))).toBe('Ongeldige inhoud in tl_records')
    expect(refusal(updateOf(new Y.Doc(), (d) => d.getArray(RECORDS_ARRAY).push([new Y.Map()])))).toBe('Ongeldige inhoud in tl_records')
    expect(refusal(updateOf(new Y.Doc(), (d) => d.getArray(RECORDS_ARRAY).push([{ key: 'page:page' }])))).toBe(
      'Ongeldige inhoud in tl_records',
    )
  })

  it('checks later single-record writes, placed through the room document', () => {
    const client = new Y.Doc()
    const server = new Y.Doc()
    const seed = updateOf(client, (d) => d.transact(() => [documentRecord, page, geo, person].forEach((r) => setRecord(d, r))))
    expect(checkBoardUpdate(seed, server)).toEqual({ ok: true })
    Y.applyUpdate(server, seed)

    const move = updateOf(client, (d) => setRecord(d, { ...geo, x: 500 }))
    expect(checkBoardUpdate(move, server)).toEqual({ ok: true })
    Y.applyUpdate(server, move)

    // A broken edit: found by its { key, val } shape even without the document …
    const fork = new Y.Doc()
    Y.applyUpdate(fork, Y.encodeStateAsUpdate(server))
    const bad = updateOf(fork, (d) => setRecord(d, withProps(geo, { w: -5 })))
    expect(refusal(bad)).toMatch(/^geo geweigerd: Breedte/)
    expect(refusal(bad, server)).toMatch(/^geo geweigerd: Breedte/)
    // … and other content appended to tl_records is placed through the room document.
    const synced = new Y.Doc()
    Y.applyUpdate(synced, Y.encodeStateAsUpdate(server))
    const junk = updateOf(synced, (d) => d.getArray(RECORDS_ARRAY).push([42]))
    expect(refusal(junk, server)).toBe('Ongeldige inhoud in tl_records')
    // Content next to something the room lacks (Yjs would keep it pending) must at least be an entry.
    const pendingJunk = updateOf(fork, (d) => d.getArray(RECORDS_ARRAY).push([42]))
    expect(refusal(pendingJunk, server)).toBe('Update bouwt voort op onbekende wijzigingen')
    const pendingEntry = updateOf(fork, (d) => setRecord(d, { ...page, name: 'Pagina 2' }))
    expect(checkBoardUpdate(pendingEntry, server)).toEqual({ ok: true })
  })

  it('passes delete-only updates; refuses every other Yjs type, meta key and nested type', () => {
    const client = new Y.Doc()
    Y.applyUpdate(client, freshUpdate(page, geo))
    expect(checkBoardUpdate(updateOf(client, (d) => deleteRecord(d, 'shape:geo1')))).toEqual({ ok: true })
    expect(checkBoardUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toEqual({ ok: true })

    expect(refusal(updateOf(new Y.Doc(), (d) => d.getMap('other').set('a', { anything: true })))).toBe('Onbekend onderdeel in het bord: other')
    expect(refusal(updateOf(new Y.Doc(), (d) => d.getText('notes').insert(0, 'hallo')))).toBe('Onbekend onderdeel in het bord: notes')
    expect(refusal(updateOf(new Y.Doc(), (d) => d.getMap(META_MAP).set('evil', 1)))).toBe('Onbekend veld in meta: evil')
    expect(refusal(updateOf(new Y.Doc(), (d) => d.getArray(RECORDS_ARRAY).push([new Y.Array()])))).toBe('Ongeldige inhoud in tl_records')
    // Next to an existing item of a made-up type (stored before this rule): placed through the room's document.
    const legacy = new Y.Doc()
    legacy.getMap('oud').set('a', 1)
    const fork = new Y.Doc()
    Y.applyUpdate(fork, Y.encodeStateAsUpdate(legacy))
    expect(refusal(updateOf(fork, (d) => d.getMap('oud').set('a', 2)), legacy)).toMatch(/^Onbekend onderdeel in het bord/)
  })

  it('checks the schema in meta', () => {
    const newer = { ...boardSchema.serialize() }
    newer.sequences = { ...newer.sequences, 'com.tldraw.shape.geo': 999 }
    expect(refusal(updateOf(new Y.Doc(), (d) => d.getMap(META_MAP).set(META_SCHEMA_KEY, newer)))).toBe(
      'Schema in meta is nieuwer dan de server of onbekend',
    )
    expect(refusal(updateOf(new Y.Doc(), (d) => d.getMap(META_MAP).set(META_SCHEMA_KEY, 'v1')))).toBe('Ongeldig schema in meta')
  })

  it('refuses bytes that are not a Yjs update', () => {
    expect(refusal(new Uint8Array([1, 2, 3, 255, 255, 255]))).toBe('Ongeldige Yjs-update')
    expect(refusal(new Uint8Array([255]))).toBe('Ongeldige Yjs-update')
  })
})

/** The schema of the version before tijdlijn-kaart's first migration (sourceDetail). */
function schemaBeforeSourceDetail() {
  const schema = boardSchema.serialize()
  return { ...schema, sequences: { ...schema.sequences, 'com.tldraw.shape.tijdlijn-kaart': 0 } }
}

/** A tijdlijn-kaart as that version wrote it. */
function oldKaart(props: Record<string, unknown> = {}): Rec {
  const { sourceDetail: _dropped, ...rest } = kaart.props as Record<string, unknown>
  return { ...kaart, props: { ...rest, ...props } }
}

/** A room whose board was written by the older version: its records and its schema. */
function olderRoom(): Y.Doc {
  const room = new Y.Doc()
  Y.applyUpdate(
    room,
    updateOf(new Y.Doc(), (d) =>
      d.transact(() => {
        for (const record of [documentRecord, page, tijdlijn, oldKaart()]) setRecord(d, record)
        d.getMap(META_MAP).set(META_SCHEMA_KEY, schemaBeforeSourceDetail())
      }),
    ),
  )
  return room
}

describe('records of an older schema', () => {
  it('accepts a record as the board says it was written, migrated first; refuses it as a current one', () => {
    const room = olderRoom()
    expect(recordSchemaPlan(storedSchemaOf(room)).kind).toBe('migrate')
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
    // An older browser edits its card: fine on this board.
    const edit = updateOf(client, (d) => setRecord(d, oldKaart({ text: 'Verhuizing naar Amersfoort' })))
    expect(checkBoardUpdate(edit, room)).toEqual({ ok: true })
    // Migrated, it must still be valid: the older props are not a way around the validators.
    expect(refusal(updateOf(client, (d) => setRecord(d, oldKaart({ category: 'onzin' }))), room)).toBe('tijdlijn-kaart geweigerd: Soort gebeurtenis: kies een van de toegestane waarden')
    // Without that schema, the same record is judged as a current one and lacks the new prop.
    expect(refusal(edit)).toBe('tijdlijn-kaart geweigerd: Toelichting bij de bron: verwacht tekst')
    expect(checkRecordEntry({ key: kaart.id, val: oldKaart() })).toMatchObject({ ok: false })
    expect(checkRecordEntry({ key: kaart.id, val: oldKaart() }, recordSchemaPlan(schemaBeforeSourceDetail()))).toEqual({ ok: true })
  })

  it('a whole board with its older schema (a restore) passes; so does the first writer upgrading it, records and schema in one update', () => {
    const room = olderRoom()
    expect(checkBoardUpdate(Y.encodeStateAsUpdate(room))).toEqual({ ok: true })
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
    const upgrade = updateOf(client, (d) =>
      d.transact(() => {
        setRecord(d, kaart)
        d.getMap(META_MAP).set(META_SCHEMA_KEY, boardSchema.serialize())
      }),
    )
    expect(checkBoardUpdate(upgrade, room)).toEqual({ ok: true })
    Y.applyUpdate(room, upgrade)
    expect(recordSchemaPlan(storedSchemaOf(room))).toEqual({ kind: 'current' })
    // Now the board is current: a late write from the older version is refused (that browser must reload).
    expect(refusal(updateOf(client, (d) => setRecord(d, oldKaart({ text: 'te laat' }))), room)).toBe('tijdlijn-kaart geweigerd: Toelichting bij de bron: verwacht tekst')
  })

  it('an upgrade that writes a current schema over records of the old shape is judged by the new schema', () => {
    const room = olderRoom()
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
    const careless = updateOf(client, (d) =>
      d.transact(() => {
        setRecord(d, oldKaart({ text: 'nog oud' }))
        d.getMap(META_MAP).set(META_SCHEMA_KEY, boardSchema.serialize())
      }),
    )
    expect(refusal(careless, room)).toBe('tijdlijn-kaart geweigerd: Toelichting bij de bron: verwacht tekst')
  })

  it('migrates nothing when the board is current, and only records of older boards otherwise', () => {
    const spy = vi.spyOn(boardSchema, 'migratePersistedRecord')
    try {
      const current = new Y.Doc()
      Y.applyUpdate(current, updateOf(new Y.Doc(), (d) => d.transact(() => {
        for (const record of [documentRecord, page, tijdlijn, kaart]) setRecord(d, record)
        d.getMap(META_MAP).set(META_SCHEMA_KEY, boardSchema.serialize())
      })))
      const client = new Y.Doc()
      Y.applyUpdate(client, Y.encodeStateAsUpdate(current))
      for (let i = 0; i < 20; i++) expect(checkBoardUpdate(updateOf(client, (d) => setRecord(d, { ...geo, x: i })), current)).toEqual({ ok: true })
      expect(spy).not.toHaveBeenCalled()
      const older = olderRoom()
      const olderClient = new Y.Doc()
      Y.applyUpdate(olderClient, Y.encodeStateAsUpdate(older))
      expect(checkBoardUpdate(updateOf(olderClient, (d) => setRecord(d, oldKaart({ text: 'x' }))), older)).toEqual({ ok: true })
      expect(spy).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
  })

  it('tijdlijn-kaart migrates up with the default and back down without it', () => {
    const up = boardSchema.migratePersistedRecord(oldKaart() as never, schemaBeforeSourceDetail() as never, 'up')
    expect(up).toMatchObject({ type: 'success', value: { props: { sourceDetail: '' } } })
    const kept = boardSchema.migratePersistedRecord(oldKaart({ sourceDetail: 'verslag 12-03' }) as never, schemaBeforeSourceDetail() as never, 'up')
    expect(kept).toMatchObject({ type: 'success', value: { props: { sourceDetail: 'verslag 12-03' } } })
    const down = boardSchema.migratePersistedRecord({ ...kaart, props: { ...(kaart.props as object), sourceDetail: 'x' } } as never, schemaBeforeSourceDetail() as never, 'down')
    expect(down.type).toBe('success')
    expect((down as { value: { props: object } }).value.props).toEqual(oldKaart().props)
  })
})

describe('helpers', () => {
  it('checks only board main documents', () => {
    expect(shouldCheckDoc('AbCdEfGhIjKl')).toBe(true)
    expect(shouldCheckDoc('AbCdEfGhIjKl.rol.abc')).toBe(false)
    expect(shouldCheckDoc('kort')).toBe(false)
  })

  it('truncates reasons to the close-frame limit on a character boundary', () => {
    const long = 'ë'.repeat(200)
    const cut = truncateUtf8(long)
    expect(new TextEncoder().encode(cut).byteLength).toBeLessThanOrEqual(MAX_REASON_BYTES)
    expect(cut.endsWith('…')).toBe(true)
    expect(cut).not.toContain('\uFFFD')
    expect(truncateUtf8('kort')).toBe('kort')
  })

  it('has a close code for refused records', () => {
    expect(CloseCode.invalidRecord).toBe(4422)
  })
})
