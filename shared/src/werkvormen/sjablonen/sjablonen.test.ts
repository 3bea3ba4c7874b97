import { describe, expect, it } from 'vitest'
import { assignGenerations, layoutGenerations, legendFor } from '../genogram/layout.ts'
import { relationPropsOf, validatePersonSymbolProps, validateRelation, validateRelationProps } from '../genogram/relations.ts'
import { ageOf, validateRegistry } from '../personen/person.ts'
import { validateClusterFrameProps } from '../themaclusters/clusters.ts'
import { voteTotals } from '../themaclusters/votes.ts'
import { EPISTEMIC_TAGS, EVENT_CATEGORIES } from '../tijdlijn/categories.ts'
import { resolveDate } from '../tijdlijn/dates.ts'
import { validateEventProps, validateGapProps, validateTimelineProps } from '../tijdlijn/events.ts'
import { layoutTimeline } from '../tijdlijn/layout.ts'
import { demoCase } from './demo-case.ts'
import { LEEFWERELDPORTRET_SECTIONS, SPELREGELS_TEAM_SLOTS, SPELREGELS_THEMES, spelregelsTemplate } from './templates.ts'

const demo = demoCase()

describe('templates', () => {
  it('has spelregels themes 0–5 with a prompt each and a team list 1–8', () => {
    expect(SPELREGELS_THEMES.map((theme) => theme.number)).toEqual([0, 1, 2, 3, 4, 5])
    for (const theme of SPELREGELS_THEMES) expect(theme.prompt).toMatch(/\?$/)
    expect(SPELREGELS_TEAM_SLOTS.map((slot) => slot.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(spelregelsTemplate().themes).toBe(SPELREGELS_THEMES)
  })

  it('has the portrait sections ending with the recognition check', () => {
    expect(LEEFWERELDPORTRET_SECTIONS.map((section) => section.id)).toEqual(['verhaal', 'citaten', 'typische-dag', 'observaties', 'herkenbaar'])
  })
})

describe('demo case', () => {
  it('has a valid person registry with three generations, network and professionals', () => {
    expect(validateRegistry(demo.persons)).toEqual({ ok: true })
    const index = demo.persons.find((person) => person.id === demo.indexPersonId)!
    expect(ageOf(index, 2026)).toBe(14)
    expect(new Set(assignGenerations(demo.persons, demo.relations).values())).toEqual(new Set([0, 1, 2]))
    const kinds = demo.persons.map((person) => person.kind)
    expect(kinds.filter((kind) => kind === 'netwerk').length).toBeGreaterThanOrEqual(2)
    expect(kinds.filter((kind) => kind === 'professional').length).toBeGreaterThanOrEqual(4)
  })

  it('uses invented names only', () => {
    const sourceNames = /denise|amalia|michel|marjan|merel|silvana|sandra|frederique|sigrid|josé|esther|shirley|alicia/i
    for (const person of demo.persons) expect(person.name).not.toMatch(sourceNames)
  })

  it('has only relations the genogram accepts', () => {
    for (const relation of demo.relations) {
      expect(validateRelation(relation, demo.persons, demo.relations)).toEqual({ ok: true })
      expect(validateRelationProps(relationPropsOf(relation))).toEqual({ ok: true })
    }
    for (const symbol of demo.symbols) expect(validatePersonSymbolProps(symbol.props)).toEqual({ ok: true })
    const types = new Set(demo.relations.map((relation) => relation.relationType))
    expect(types).toEqual(new Set(['koppel', 'kind', 'emotioneel', 'ecomap']))
    expect(legendFor(demo.persons, demo.relations, demo.symbols.map((s) => s.props)).length).toBeGreaterThan(10)
    expect(layoutGenerations(demo.persons, demo.relations, new Map(), { rowHeight: 160, spacing: 110 }).size).toBe(9)
  })

  it('has a timeline whose cards all validate and fall on the axis', () => {
    expect(validateTimelineProps(demo.timeline)).toEqual({ ok: true })
    expect(demo.events.length).toBeGreaterThanOrEqual(12)
    for (const { id, props } of demo.events) {
      expect(validateEventProps(props, demo.persons), id).toEqual({ ok: true })
      const resolved = resolveDate(props.date, demo.persons)
      if (!resolved.ok) throw new Error(resolved.message)
      expect(resolved.start).toBeGreaterThanOrEqual(demo.timeline.startYear)
      expect(resolved.end).toBeLessThanOrEqual(demo.timeline.endYear)
    }
    for (const { props } of demo.gaps) expect(validateGapProps(props, demo.persons)).toEqual({ ok: true })
  })

  it('covers every category and tag, both lanes, one of each flag and a contested card with its counter-statement', () => {
    const props = demo.events.map((event) => event.props)
    expect(new Set(props.map((p) => p.category))).toEqual(new Set(EVENT_CATEGORIES))
    expect(new Set(props.map((p) => p.tag))).toEqual(new Set(EPISTEMIC_TAGS))
    expect(new Set(props.map((p) => p.lane))).toEqual(new Set(['boven', 'onder']))
    expect(props.filter((p) => p.cruciaal !== null)).toHaveLength(1)
    expect(props.filter((p) => p.omslagpunt !== null)).toHaveLength(1)
    const contested = demo.events.filter((event) => event.props.contested !== null)
    expect(contested).toHaveLength(1)
    const counter = demo.events.find((event) => event.props.counterOf === contested[0].id)
    expect(counter?.props.text).toBe(contested[0].props.contested!.counterStatement)
    expect(demo.gaps).toHaveLength(1)
  })

  it('lays out the demo timeline without overlaps', () => {
    const cards = demo.events.map(({ id, props }) => {
      const resolved = resolveDate(props.date, demo.persons)
      if (!resolved.ok) throw new Error(resolved.message)
      return { id, start: resolved.start, end: resolved.end, lane: props.lane }
    })
    const layout = [...layoutTimeline(demo.timeline, cards, { cardWidth: 220, cardHeight: 140, gap: 16 }).values()]
    for (let i = 0; i < layout.length; i++) {
      for (let j = i + 1; j < layout.length; j++) {
        const [a, b] = [layout[i], layout[j]]
        expect(a.x < b.x + 220 && b.x < a.x + 220 && a.y < b.y + 140 && b.y < a.y + 140).toBe(false)
      }
    }
  })

  it('has three valid clusters with notes and consistent votes', () => {
    expect(demo.clusters).toHaveLength(3)
    for (const cluster of demo.clusters) {
      expect(validateClusterFrameProps(cluster.props)).toEqual({ ok: true })
      expect(cluster.notes.length).toBeGreaterThan(0)
    }
    const noteIds = new Set(demo.clusters.flatMap((cluster) => cluster.notes.map((note) => note.id)))
    for (const noteId of Object.keys(voteTotals(demo.votes))) expect(noteIds.has(noteId)).toBe(true)
  })
})
