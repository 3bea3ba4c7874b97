import { describe, expect, it } from 'vitest'
import type { Person } from '../personen/person.ts'
import { formatTimelineCsv, neutraliseCsvCell, parseTimelineCsv, restoreCsvCell } from './csv.ts'
import { newEventProps, type TimelineEventProps } from './events.ts'

const persons: Person[] = [
  { id: 'person:mila', name: 'Mila', relation: 'dochter', gender: 'vrouw', birthYear: 2010, deceased: false, deathYear: null, kind: 'gezin', organisation: '' },
  { id: 'person:joost', name: 'Joost de Graaf', relation: 'gezinscoach', gender: 'man', birthYear: 1975, deceased: false, deathYear: null, kind: 'professional', organisation: 'Wijkteam' },
]

const DOSSIER = `datum;soort;label;persoon;tekst
12-03-2021;Beslismoment;feit;Joost de Graaf;Start gezinsbegeleiding
maart 2019;cruciaal-contact;Aanname;;"School belt wijkteam; ""zorgen"" over verzuim"
op haar 12e;Uitspraak: beleving;emotie;Mila;Ik voelde me niet gehoord
31-02-2021;beslismoment;feit;;Bestaat niet
2020;onzin;feit;;Verkeerde soort
2020;beslismoment;feit;Onbekend Iemand;Verkeerde persoon
`

describe('tijdlijn CSV', () => {
  it('reads Dutch dates, labels and people, and explains every bad row by its line number', () => {
    const result = parseTimelineCsv(DOSSIER, persons)
    if (!result.ok) throw new Error(result.message)
    const [start, school, mila, impossible, category, unknownPerson] = result.rows
    expect(start.ok && start.props.source).toEqual({ personId: 'person:joost', side: 'professional', origin: 'dossier' })
    expect(start.ok && start.props.lane).toBe('boven')
    expect(school.ok && school.props.text).toBe('School belt wijkteam; "zorgen" over verzuim')
    expect(mila.ok && mila.props.date).toEqual({ kind: 'age', personId: 'person:mila', age: 12 })
    expect(mila.ok && mila.props.lane).toBe('onder')
    expect(!impossible.ok && impossible.message).toMatch(/^Regel 5: .*februari/)
    expect(!category.ok && category.message).toMatch(/^Regel 6: onbekende soort "onzin"/)
    expect(!unknownPerson.ok && unknownPerson.message).toMatch(/Onbekend Iemand.*betrokkenen/)
  })

  it('refuses a file without the required columns, or with comma separators it still reads', () => {
    const missing = parseTimelineCsv('datum;tekst\n2020;iets\n', persons)
    expect(missing.ok).toBe(false)
    expect(!missing.ok && missing.message).toMatch(/soort, label/)
    const commas = parseTimelineCsv('datum,soort,label,tekst\n2020,gezinsgebeurtenis,feit,Verhuizing\n', persons)
    expect(commas.ok && commas.rows[0].ok).toBe(true)
  })

  it('round-trips: CSV → cards → CSV gives the same text', () => {
    const first = parseTimelineCsv(DOSSIER, persons)
    if (!first.ok) throw new Error(first.message)
    const cards = first.rows.flatMap((row) => (row.ok ? [row.props] : []))
    const exported = formatTimelineCsv(cards, persons)
    const again = parseTimelineCsv(exported, persons)
    if (!again.ok) throw new Error(again.message)
    expect(again.rows.every((row) => row.ok)).toBe(true)
    expect(again.rows.map((row) => row.ok && row.props)).toEqual(cards)
    expect(formatTimelineCsv(cards, persons)).toBe(exported)
  })

  it('starts with a UTF-8 byte order mark, so Excel reads "ë" as ë', () => {
    const exported = formatTimelineCsv([card('Gesprek met oma over België')], persons)
    expect(exported.startsWith('\uFEFFdatum;')).toBe(true)
    expect([...new TextEncoder().encode(exported).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  })

  it('neutralises cells a spreadsheet would read as a formula: a quote in front, the cell quoted (OWASP)', () => {
    const texts = ['=HYPERLINK("http://x","klik")', '+31 6 12345678', '-12 graden', '@mentor', '\tinspringing', '\rterug']
    const lines = formatTimelineCsv(texts.map(card), persons).split('\n')
    expect(lines.slice(1, -1).map((line) => line.slice(line.indexOf(';"') + 1))).toEqual([
      `"'=HYPERLINK(""http://x"",""klik"")"`,
      `"'+31 6 12345678"`,
      `"'-12 graden"`,
      `"'@mentor"`,
      `"'\tinspringing"`,
      `"'\rterug"`,
    ])
    expect(neutraliseCsvCell('-')).toBe("'-")
    // Dutch names often start with a quote ("'t Hooft"): left alone unless a formula character follows.
    expect(neutraliseCsvCell("'t Hooft")).toBe("'t Hooft")
    expect(neutraliseCsvCell('Jan = Piet')).toBe('Jan = Piet')
  })

  it('reads its own export back exactly, for any text (also texts that start with a quote, tab or minus)', () => {
    const tricky = ["'=", "''", "'", "'''=x", '\t\tdubbel', '-12', '-', '+', '@', '=1+1', "'t Hooft", ' spatie ', '', '"', '""', ';', 'a\r\nb', '\r', 'ë€😀', "'-12"]
    const random = mulberry32(20261114)
    const alphabet = ['=', '+', '-', '@', '\t', '\r', '\n', "'", '"', ';', ',', ' ', 'a', 'Z', '1', 'ë', '😀']
    const randomTexts = Array.from({ length: 400 }, () => Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''))
    for (const text of [...tricky, ...randomTexts]) {
      expect(restoreCsvCell(neutraliseCsvCell(text)), JSON.stringify(text)).toBe(text)
    }
    const cards = [...tricky, ...randomTexts].map(card)
    const again = parseTimelineCsv(formatTimelineCsv(cards, persons), persons)
    if (!again.ok) throw new Error(again.message)
    expect(again.rows.map((row) => (row.ok ? row.props.text : row.message))).toEqual(cards.map((c) => c.text))
  })

  it('finds a person whose name starts with a formula character after the round trip', () => {
    const dash: Person = { ...persons[0], id: 'person:streep', name: '-Anouk' }
    const exported = formatTimelineCsv([{ ...card('iets'), source: { personId: dash.id, side: 'gezin', origin: 'dossier' } }], [dash])
    expect(exported).toContain(`;"'-Anouk";`)
    const again = parseTimelineCsv(exported, [dash])
    expect(again.ok && again.rows[0].ok && again.rows[0].props.source.personId).toBe(dash.id)
  })
})

function card(text: string): TimelineEventProps {
  return newEventProps({ date: { kind: 'year', year: 2020 }, category: 'gezinsgebeurtenis', tag: 'feit', source: { personId: null, side: 'anders', origin: 'dossier' }, text, lane: 'onder' })
}

/** A small seeded random generator: the same strings on every run, so a failure can be replayed. */
function mulberry32(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
