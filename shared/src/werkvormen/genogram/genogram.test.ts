import { describe, expect, it } from 'vitest'
import type { Person } from '../personen/person.ts'
import { assignGenerations, layoutGenerations, legendFor, networkRing, spreadToSpacing } from './layout.ts'
import { RELATION_KIND_INFO, RELATION_KINDS_BY_TYPE, RELATION_TYPES, symbolFor } from './notation.ts'
import { type GenogramRelation, validateRelation, validateRelationProps } from './relations.ts'

function person(id: string, gender: Person['gender'], birthYear: number | null, extra: Partial<Person> = {}): Person {
  return { id, name: id, relation: '', gender, birthYear, deceased: false, deathYear: null, kind: 'gezin', organisation: '', ...extra }
}

const opa = person('opa', 'man', 1950, { deceased: true, deathYear: 2016 })
const oma = person('oma', 'vrouw', 1953)
const vader = person('vader', 'man', 1979)
const moeder = person('moeder', 'vrouw', 1982)
const partner = person('partner', 'man', 1980)
const zoon = person('zoon', 'man', 2009)
const dochter = person('dochter', 'vrouw', 2012)
const halfzus = person('halfzus', 'vrouw', 2019)
const mentor = person('mentor', 'vrouw', 1985, { kind: 'professional', organisation: 'School' })
const buurvrouw = person('buurvrouw', 'vrouw', 1950, { kind: 'netwerk' })
const persons = [opa, oma, vader, moeder, partner, zoon, dochter, halfzus, mentor, buurvrouw]

function rel(id: string, relationType: GenogramRelation['relationType'], kind: string, from: string, to: string, twin = false): GenogramRelation {
  return { id, relationType, kind: kind as GenogramRelation['kind'], from, to, twin }
}

const relations: GenogramRelation[] = [
  rel('r-grootouders', 'koppel', 'gehuwd', 'opa', 'oma'),
  rel('r-ouders', 'koppel', 'gescheiden', 'vader', 'moeder'),
  rel('r-nieuw', 'koppel', 'samenwonend', 'moeder', 'partner'),
  rel('r-moeder', 'kind', 'biologisch', 'r-grootouders', 'moeder'),
  rel('r-zoon', 'kind', 'biologisch', 'r-ouders', 'zoon'),
  rel('r-dochter', 'kind', 'biologisch', 'r-ouders', 'dochter'),
  rel('r-halfzus', 'kind', 'biologisch', 'r-nieuw', 'halfzus'),
  rel('r-band', 'emotioneel', 'close', 'dochter', 'oma'),
  rel('r-steun', 'ecomap', 'steun', 'buurvrouw', 'oma'),
]

function refusal(check: { ok: boolean; message?: string }): string {
  expect(check.ok).toBe(false)
  return check.message ?? ''
}

describe('notation', () => {
  it('draws men as squares, women as circles, others as diamonds; index double, deceased crossed', () => {
    expect(symbolFor(opa).shape).toBe('square')
    expect(symbolFor(opa).cross).toBe(true)
    expect(symbolFor(oma).shape).toBe('circle')
    expect(symbolFor(person('x', 'onbekend', null)).shape).toBe('diamond')
    expect(symbolFor(dochter, 'persoon', true).doubleOutline).toBe(true)
    expect(symbolFor(dochter, 'zwangerschap').shape).toBe('triangle')
    expect(symbolFor(dochter, 'miskraam')).toMatchObject({ shape: 'dot', filled: true })
  })

  it('gives every line kind a Dutch label and a style that tells it apart from the others of its type', () => {
    for (const type of RELATION_TYPES) {
      const styles = RELATION_KINDS_BY_TYPE[type].map((kind) => RELATION_KIND_INFO[`${type}:${kind}`])
      for (const info of styles) expect(info.label.length).toBeGreaterThan(0)
      const patterns = styles.map(({ style }) => JSON.stringify({ ...style, color: undefined }))
      expect(new Set(patterns).size).toBe(styles.length)
    }
    expect(RELATION_KIND_INFO['koppel:gescheiden'].style.slashes).toBe(2)
    expect(RELATION_KIND_INFO['ecomap:steun'].style.arrow).toBe('end')
  })
})

describe('validateRelation', () => {
  const others = relations
  it('accepts the example family', () => {
    for (const relation of relations) expect(validateRelation(relation, persons, relations)).toEqual({ ok: true })
  })

  it('refuses a relation with oneself or with someone not in the list', () => {
    expect(refusal(validateRelation(rel('n', 'emotioneel', 'conflict', 'zoon', 'zoon'), persons, others))).toMatch(/twee verschillende personen/)
    expect(refusal(validateRelation(rel('n', 'ecomap', 'sterk', 'zoon', 'trainer'), persons, others))).toMatch(/personenlijst/)
  })

  it('refuses a second couple line between the same pair', () => {
    expect(refusal(validateRelation(rel('n', 'koppel', 'gehuwd', 'moeder', 'vader'), persons, others))).toMatch(/al als partners/)
  })

  it('refuses a kind that does not belong to the type', () => {
    expect(refusal(validateRelation(rel('n', 'koppel', 'close', 'zoon', 'dochter'), persons, others))).toMatch(/geen geldige soort partnerrelatie/)
  })

  it('refuses a child link without parents, to oneself, or born before a parent', () => {
    expect(refusal(validateRelation(rel('n', 'kind', 'biologisch', 'r-bestaat-niet', 'zoon'), persons, others))).toMatch(/ouderpaar/)
    expect(refusal(validateRelation(rel('n', 'kind', 'pleeg', 'r-ouders', 'vader'), persons, others))).toMatch(/kind van zichzelf/)
    expect(refusal(validateRelation(rel('n', 'kind', 'adoptie', 'dochter', 'opa'), persons, others))).toMatch(/eerder geboren/)
  })

  it('refuses a parent line that would make someone their own ancestor', () => {
    const noYears = persons.map((p) => ({ ...p, birthYear: null }))
    expect(refusal(validateRelation(rel('n', 'kind', 'adoptie', 'zoon', 'opa'), noYears, others))).toMatch(/eigen voorouder/)
  })

  it('refuses two sets of biological parents but allows a foster link', () => {
    expect(refusal(validateRelation(rel('n', 'kind', 'biologisch', 'oma', 'zoon'), persons, others))).toMatch(/adoptie of pleeg/)
    expect(validateRelation(rel('n', 'kind', 'pleeg', 'oma', 'zoon'), persons, others)).toEqual({ ok: true })
  })

  it('validates relation shape props', () => {
    expect(validateRelationProps({ relationType: 'emotioneel', kind: 'close', from: 'a', to: 'b', twin: false, label: '' })).toEqual({ ok: true })
    const mismatch = validateRelationProps({ relationType: 'emotioneel', kind: 'gehuwd', from: 'a', to: 'b', twin: false, label: '' })
    expect(mismatch).toEqual({ ok: false, message: '"gehuwd" is geen soort onderlinge band' })
    expect(validateRelationProps({ relationType: 'koppel', kind: 'gehuwd', from: 'a', to: 'b', twin: true, label: '' }).ok).toBe(false)
  })
})

describe('generations and layout', () => {
  it('puts grandparents at 0, partners level, children below; professionals left out', () => {
    const generations = assignGenerations(persons, relations)
    expect(generations.get('opa')).toBe(0)
    expect(generations.get('oma')).toBe(0)
    expect(generations.get('moeder')).toBe(1)
    expect(generations.get('vader')).toBe(1)
    expect(generations.get('partner')).toBe(1)
    expect(generations.get('dochter')).toBe(2)
    expect(generations.get('halfzus')).toBe(2)
    expect(generations.has('mentor')).toBe(false)
    expect(generations.has('buurvrouw')).toBe(false)
  })

  it('guesses the generation of an unconnected relative from the birth year', () => {
    const tante = person('tante', 'vrouw', 1984)
    const onbekend = person('onbekend', 'onbekend', null)
    const generations = assignGenerations([...persons, tante, onbekend], relations)
    expect(generations.get('tante')).toBe(1)
    expect(generations.get('onbekend')).toBe(0)
  })

  it('lays out rows with children under their parents, oldest left, no overlaps', () => {
    const layout = layoutGenerations(persons, relations, new Map(), { rowHeight: 150, spacing: 100 })
    expect(layout.has('mentor')).toBe(false)
    expect(layout.get('opa')!.y).toBe(0)
    expect(layout.get('zoon')!.y).toBe(300)
    expect(layout.get('zoon')!.x).toBeLessThan(layout.get('dochter')!.x)
    const rows = new Map<number, number[]>()
    for (const { x, y } of layout.values()) rows.set(y, [...(rows.get(y) ?? []), x])
    for (const xs of rows.values()) {
      xs.sort((a, b) => a - b)
      for (let i = 1; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeGreaterThanOrEqual(100 - 1e-9)
    }
    // The mother hangs under her parents' couple line.
    const parentsMid = (layout.get('opa')!.x + layout.get('oma')!.x) / 2
    expect(Math.abs(layout.get('moeder')!.x - parentsMid)).toBeLessThanOrEqual(100)
  })

  it('keeps the hand-made order of siblings whose birth years are unknown, and twins together', () => {
    const a = person('a', 'man', null)
    const b = person('b', 'vrouw', null)
    const c = person('c', 'vrouw', null)
    const family = [vader, moeder, a, b, c]
    const links = [
      rel('r-ouders', 'koppel', 'gehuwd', 'vader', 'moeder'),
      rel('ra', 'kind', 'biologisch', 'r-ouders', 'a'),
      rel('rb', 'kind', 'biologisch', 'r-ouders', 'b'),
      rel('rc', 'kind', 'biologisch', 'r-ouders', 'c'),
    ]
    const current = new Map([['a', { x: 500, y: 0 }], ['b', { x: 100, y: 0 }], ['c', { x: 300, y: 0 }]])
    const layout = layoutGenerations(family, links, current, { rowHeight: 150, spacing: 80 })
    const order = ['a', 'b', 'c'].sort((p, q) => layout.get(p)!.x - layout.get(q)!.x)
    expect(order).toEqual(['b', 'c', 'a'])

    const twinA = person('t1', 'man', 2010)
    const twinB = person('t2', 'man', 2010)
    const older = person('o', 'vrouw', 2008)
    const younger = person('y', 'vrouw', 2012)
    const twins = layoutGenerations(
      [vader, moeder, younger, twinA, older, twinB],
      [
        rel('r-ouders', 'koppel', 'gehuwd', 'vader', 'moeder'),
        rel('r1', 'kind', 'biologisch', 'r-ouders', 'y'),
        rel('r2', 'kind', 'biologisch', 'r-ouders', 't1', true),
        rel('r3', 'kind', 'biologisch', 'r-ouders', 'o'),
        rel('r4', 'kind', 'biologisch', 'r-ouders', 't2', true),
      ],
      new Map(),
      { rowHeight: 150, spacing: 80 },
    )
    expect(['y', 't1', 'o', 't2'].sort((p, q) => twins.get(p)!.x - twins.get(q)!.x)).toEqual(['o', 't1', 't2', 'y'])
  })

  it('spreads wished positions apart as little as possible', () => {
    expect(spreadToSpacing([0, 0, 0], 10)).toEqual([-10, 0, 10])
    expect(spreadToSpacing([0, 100], 10)).toEqual([0, 100])
  })

  it('places network and professionals on a ring around the family', () => {
    const ring = networkRing(persons, { x: 0, y: 0 }, 400)
    expect([...ring.keys()]).toEqual(['buurvrouw', 'mentor'])
    expect(ring.get('buurvrouw')!.y).toBeCloseTo(-400)
    for (const { x, y } of ring.values()) expect(Math.hypot(x, y)).toBeCloseTo(400)
  })

  it('lists only the symbols and lines in use', () => {
    const legend = legendFor(persons, relations, [{ personId: 'dochter', isIndex: true, variant: 'persoon' }])
    const keys = legend.map((entry) => entry.key)
    expect(keys).toEqual([
      'symbool:man', 'symbool:vrouw', 'symbool:index', 'symbool:overleden',
      'koppel:gehuwd', 'koppel:samenwonend', 'koppel:gescheiden', 'kind:biologisch', 'emotioneel:close', 'ecomap:steun',
    ])
    expect(legend.find((entry) => entry.key === 'koppel:gescheiden')!.label).toBe('Gescheiden')
  })
})
