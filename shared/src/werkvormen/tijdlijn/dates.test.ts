import { describe, expect, it } from 'vitest'
import type { Person } from '../personen/person.ts'
import { type DateSpec, formatDateSpec, parseDutchDate, resolveDate } from './dates.ts'

const noor: Person = {
  id: 'p-noor', name: 'Noor', relation: 'dochter', gender: 'vrouw', birthYear: 2002,
  deceased: false, deathYear: null, kind: 'gezin', organisation: '',
}

function spec(text: string, personId?: string): DateSpec {
  const result = parseDutchDate(text, { personId })
  if (!result.ok) throw new Error(`${text}: ${result.message}`)
  return result.spec
}

describe('parseDutchDate', () => {
  it.each([
    ['12-03-2021', { kind: 'exact', year: 2021, month: 3, day: 12 }],
    ['12/3/2021', { kind: 'exact', year: 2021, month: 3, day: 12 }],
    ['2021-03-12', { kind: 'exact', year: 2021, month: 3, day: 12 }],
    ['12 maart 2021', { kind: 'exact', year: 2021, month: 3, day: 12 }],
    ['12 Mrt. 2021', { kind: 'exact', year: 2021, month: 3, day: 12 }],
    ['maart 2021', { kind: 'month', year: 2021, month: 3 }],
    ['mrt 2021', { kind: 'month', year: 2021, month: 3 }],
    ['2021', { kind: 'year', year: 2021 }],
    ['ca. 2019', { kind: 'approx', year: 2019, month: null }],
    ['rond 2019', { kind: 'approx', year: 2019, month: null }],
    ['± 2019', { kind: 'approx', year: 2019, month: null }],
    ['ongeveer maart 2019', { kind: 'approx', year: 2019, month: 3 }],
    ['zomer 2018', { kind: 'approx', year: 2018, month: 7 }],
    ['eind 2020', { kind: 'approx', year: 2020, month: 11 }],
  ])('reads %s', (text, expected) => {
    expect(parseDutchDate(text)).toEqual({ ok: true, spec: expected })
  })

  it.each(['op haar 12e', 'op zijn 12e', '12 jaar', 'op 12-jarige leeftijd', 'op haar twaalfde', 'Op  zijn 12de'])('reads the age in %s for the chosen person', (text) => {
    expect(parseDutchDate(text, { personId: 'p-noor' })).toEqual({ ok: true, spec: { kind: 'age', personId: 'p-noor', age: 12 } })
  })

  it('asks for a person when an age is typed without one', () => {
    const result = parseDutchDate('op haar 12e')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(/persoon/)
  })

  it('explains impossible dates', () => {
    const result = parseDutchDate('31-02-2021')
    expect(result).toEqual({ ok: false, message: '31 februari 2021 bestaat niet: februari 2021 heeft 28 dagen' })
    expect(parseDutchDate('29-02-2024').ok).toBe(true)
    expect(parseDutchDate('12-13-2021').ok).toBe(false)
  })

  it('refuses text it does not understand with examples', () => {
    const result = parseDutchDate('gisteren')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(/12-03-2021/)
    expect(parseDutchDate('').ok).toBe(false)
    expect(parseDutchDate('1700').ok).toBe(false)
  })

  it('round-trips every spec kind through its canonical text', () => {
    const specs: DateSpec[] = [
      { kind: 'exact', year: 2021, month: 3, day: 12 },
      { kind: 'month', year: 2019, month: 12 },
      { kind: 'year', year: 2001 },
      { kind: 'approx', year: 2019, month: null },
      { kind: 'approx', year: 2018, month: 7 },
      { kind: 'age', personId: 'p-noor', age: 12 },
    ]
    for (const original of specs) {
      const personId = original.kind === 'age' ? original.personId : undefined
      expect(parseDutchDate(formatDateSpec(original), { personId })).toEqual({ ok: true, spec: original })
    }
  })
})

describe('resolveDate', () => {
  it('places a typed day at the right fraction of its year', () => {
    const resolved = resolveDate(spec('12 maart 2021'), [])
    expect(resolved.ok).toBe(true)
    if (!resolved.ok) return
    expect(resolved.start).toBeCloseTo(2021.19, 2)
    expect(resolved.end - resolved.start).toBeCloseTo(1 / 365, 5)
    expect(resolved.label).toBe('12 maart 2021')
    expect(resolved.precision).toBe('exact')
  })

  it('spans a whole month, a whole year, and ±half a year for approximate dates', () => {
    const month = resolveDate(spec('mrt 2021'), [])
    const year = resolveDate(spec('2021'), [])
    const approx = resolveDate(spec('ca. 2019'), [])
    const approxMonth = resolveDate(spec('zomer 2018'), [])
    if (!month.ok || !year.ok || !approx.ok || !approxMonth.ok) throw new Error('should resolve')
    expect(month.start).toBeCloseTo(2021 + 59 / 365, 5)
    expect(month.end).toBeCloseTo(2021 + 90 / 365, 5)
    expect(month.label).toBe('maart 2021')
    expect([year.start, year.end]).toEqual([2021, 2022])
    expect([approx.start, approx.end]).toEqual([2018.5, 2020.5])
    expect(approx.label).toBe('ca. 2019')
    expect(approxMonth.end - approxMonth.start).toBeCloseTo(1, 5)
    expect((approxMonth.start + approxMonth.end) / 2).toBeCloseTo(2018 + 6.5 / 12, 5)
  })

  it('resolves an age through the person’s birth year', () => {
    const resolved = resolveDate(spec('op haar 12e', 'p-noor'), [noor])
    expect(resolved).toEqual({ ok: true, start: 2014, end: 2015, label: 'op 12-jarige leeftijd (2014)', precision: 'age' })
  })

  it('explains why an age cannot be placed', () => {
    const unknownBirth = resolveDate(spec('12 jaar', 'p-noor'), [{ ...noor, birthYear: null }])
    expect(unknownBirth.ok).toBe(false)
    if (!unknownBirth.ok) expect(unknownBirth.message).toMatch(/geboortejaar/)
    const missing = resolveDate(spec('12 jaar', 'p-weg'), [noor])
    expect(missing.ok).toBe(false)
    if (!missing.ok) expect(missing.message).toMatch(/personenlijst/)
  })
})
