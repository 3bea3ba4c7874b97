import { describe, expect, it } from 'vitest'
import type { Person } from '../personen/person.ts'
import { EVENT_CATEGORIES, EVENT_CATEGORY_INFO, TLDRAW_COLORS } from './categories.ts'
import {
  type TimelineEventProps,
  canDeleteEvent,
  contestEvent,
  filterEvents,
  flagEvent,
  newEventProps,
  validateEventProps,
  validateGapProps,
  validateTimelineProps,
} from './events.ts'
import { defaultLaneFor, laneLabel } from './lanes.ts'

const event: TimelineEventProps = newEventProps({
  date: { kind: 'exact', year: 2021, month: 3, day: 12 },
  category: 'beslismoment',
  tag: 'feit',
  source: { personId: null, side: 'professional', origin: 'dossier' },
  text: 'Start gezinsbegeleiding',
  lane: 'boven',
})

const child: Person = {
  id: 'p-kind', name: 'Noor', relation: 'dochter', gender: 'vrouw', birthYear: null,
  deceased: false, deathYear: null, kind: 'gezin', organisation: '',
}

describe('categories and lanes', () => {
  it('gives every category a distinct tldraw colour and a Dutch label', () => {
    const colours = EVENT_CATEGORIES.map((id) => EVENT_CATEGORY_INFO[id].color)
    expect(new Set(colours).size).toBe(EVENT_CATEGORIES.length)
    for (const colour of colours) expect(TLDRAW_COLORS).toContain(colour)
  })

  it('suggests a lane from the preset, the source and the category', () => {
    expect(defaultLaneFor('professionals-gezin', { side: 'professional' }, 'uitspraak-beleving')).toBe('boven')
    expect(defaultLaneFor('professionals-gezin', { side: 'gezin' }, 'beslismoment')).toBe('onder')
    expect(defaultLaneFor('formeel-beleving', { side: 'gezin' }, 'beslismoment')).toBe('boven')
    expect(defaultLaneFor('formeel-beleving', { side: 'professional' }, 'uitspraak-beleving')).toBe('onder')
    expect(defaultLaneFor('professionals-gezin', { side: 'professional' }, 'beslismoment', true)).toBe('onder')
    expect(laneLabel('formeel-beleving', 'onder')).toBe('Ervaringen van personen')
    expect(laneLabel('professionals-gezin', 'boven', true)).toBe('Gezin')
  })
})

describe('event props', () => {
  it('accepts a well-formed card', () => {
    expect(validateEventProps(event)).toEqual({ ok: true })
  })

  it('refuses an impossible date with the Dutch reason', () => {
    const check = validateEventProps({ ...event, date: { kind: 'exact', year: 2021, month: 2, day: 31 } })
    expect(check).toEqual({ ok: false, message: '31 februari 2021 bestaat niet: februari 2021 heeft 28 dagen' })
  })

  it('refuses too long text and unknown categories, naming the field', () => {
    const long = validateEventProps({ ...event, text: 'x'.repeat(2001) })
    expect(long.ok).toBe(false)
    if (!long.ok) expect(long.message).toMatch(/tekst.*2000/i)
    const category = validateEventProps({ ...event, category: 'levensgebeurtenis' })
    expect(category).toEqual({ ok: false, message: 'Soort gebeurtenis: kies een van de toegestane waarden' })
    const extra = validateEventProps({ ...event, kleur: 'red' })
    expect(extra.ok).toBe(false)
  })

  it('with the registry, refuses an age date it cannot place', () => {
    const check = validateEventProps({ ...event, date: { kind: 'age', personId: 'p-kind', age: 12 } }, [child])
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.message).toMatch(/geboortejaar/)
  })

  it('keeps who flagged a moment', () => {
    const flagged = flagEvent(event, 'omslagpunt', 'Moeder', 1_700_000_000_000)
    expect(flagged.omslagpunt).toEqual({ namedBy: 'Moeder', at: 1_700_000_000_000 })
    expect(validateEventProps(flagged)).toEqual({ ok: true })
    expect(validateEventProps(flagEvent(event, 'cruciaal', '', 1)).ok).toBe(false)
  })

  it('contests a card with a linked counter-statement that cannot be deleted', () => {
    const { contested, counter } = contestEvent('shape:kaart1', event, {
      by: 'Moeder', counterStatement: 'Zo is het niet gegaan.', side: 'gezin', personId: null,
    })
    expect(contested.contested).toEqual({ by: 'Moeder', counterStatement: 'Zo is het niet gegaan.' })
    expect(counter.counterOf).toBe('shape:kaart1')
    expect(counter.date).toEqual(event.date)
    expect(validateEventProps(contested)).toEqual({ ok: true })
    expect(validateEventProps(counter)).toEqual({ ok: true })
    expect(canDeleteEvent(contested).ok).toBe(false)
    expect(canDeleteEvent(counter).ok).toBe(false)
    expect(canDeleteEvent(event).ok).toBe(true)
  })

  it('filters on tag, lane, source side and person', () => {
    const events = [
      event,
      { ...event, tag: 'emotie' as const, lane: 'onder' as const, source: { personId: 'p-kind', side: 'gezin' as const, origin: 'interview' as const } },
    ]
    expect(filterEvents(events, {})).toHaveLength(2)
    expect(filterEvents(events, { tags: ['emotie'] })).toEqual([events[1]])
    expect(filterEvents(events, { lanes: ['boven'] })).toEqual([events[0]])
    expect(filterEvents(events, { sourceSides: ['gezin', 'anders'] })).toEqual([events[1]])
    expect(filterEvents(events, { personIds: ['p-kind'] })).toEqual([events[1]])
  })
})

describe('gap and timeline props', () => {
  const gap = { w: 300, h: 60, from: { kind: 'year', year: 2016 }, to: { kind: 'year', year: 2019 }, note: 'Wat gebeurde er hier?', namedBy: 'Facilitator' }

  it('accepts a gap and refuses one that ends before it starts', () => {
    expect(validateGapProps(gap, [])).toEqual({ ok: true })
    const reversed = validateGapProps({ ...gap, from: { kind: 'year', year: 2020 } }, [])
    expect(reversed.ok).toBe(false)
    if (!reversed.ok) expect(reversed.message).toMatch(/vóór het begin/)
  })

  it('refuses a timeline whose end year is not after its start', () => {
    const timeline = { w: 2000, h: 800, title: 'Tijdlijn', lanePreset: 'professionals-gezin', lanesSwapped: false, startYear: 2010, endYear: 2026, pixelsPerYear: 120 }
    expect(validateTimelineProps(timeline)).toEqual({ ok: true })
    const check = validateTimelineProps({ ...timeline, endYear: 2010 })
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.message).toMatch(/eindjaar/i)
  })
})
