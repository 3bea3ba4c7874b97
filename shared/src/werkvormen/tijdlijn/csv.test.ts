import { describe, expect, it } from 'vitest'
import type { Person } from '../personen/person.ts'
import { formatTimelineCsv, parseTimelineCsv } from './csv.ts'

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
})
