import { describe, expect, it } from 'vitest'
import { type TimelineAxis, axisTicks, extendAxis, validateAxis, xForDate } from './axis.ts'
import { type LayoutCard, layoutTimeline } from './layout.ts'

const axis: TimelineAxis = { startYear: 2000, endYear: 2026, pixelsPerYear: 100 }
const options = { cardWidth: 160, cardHeight: 80, gap: 10 }

// Small deterministic PRNG so failures are reproducible.
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function randomCards(seed: number, count: number): LayoutCard[] {
  const next = random(seed)
  return Array.from({ length: count }, (_, index) => {
    const start = 2000 + next() * 25
    return { id: `c${index}`, start, end: start + next() * 2, lane: next() < 0.5 ? 'boven' : 'onder' }
  })
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const next = random(seed)
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j], copy[i]]
  }
  return copy
}

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return a.x < b.x + options.cardWidth && b.x < a.x + options.cardWidth && a.y < b.y + options.cardHeight && b.y < a.y + options.cardHeight
}

describe('axis', () => {
  it('maps dates to x and validates its bounds', () => {
    expect(xForDate(axis, 2021.5)).toBe(2150)
    expect(validateAxis(axis)).toEqual({ ok: true })
    expect(validateAxis({ ...axis, endYear: 2000 }).ok).toBe(false)
    expect(validateAxis({ ...axis, pixelsPerYear: 0 }).ok).toBe(false)
  })

  it('shows year ticks, thins them when zoomed out and adds months when zoomed in', () => {
    const years = axisTicks(axis)
    expect(years.every((tick) => tick.major)).toBe(true)
    expect(years.map((tick) => tick.label)).toContain('2021')
    const zoomedOut = axisTicks({ ...axis, pixelsPerYear: 20 })
    expect(zoomedOut.map((tick) => tick.label)).toEqual(['2000', '2005', '2010', '2015', '2020', '2025'])
    const zoomedIn = axisTicks({ startYear: 2020, endYear: 2021, pixelsPerYear: 1200 })
    expect(zoomedIn.filter((tick) => !tick.major).map((tick) => tick.label)).toEqual(['feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'])
  })

  it('grows by a whole flap', () => {
    expect(extendAxis(axis)).toEqual({ ...axis, endYear: 2038 })
    expect(extendAxis(axis, 'start')).toEqual({ ...axis, startYear: 1988 })
  })
})

describe('layoutTimeline', () => {
  it('centres each card on its date, above or below the line by lane', () => {
    const layout = layoutTimeline(axis, [
      { id: 'a', start: 2010, end: 2011, lane: 'boven' },
      { id: 'b', start: 2010, end: 2011, lane: 'onder' },
    ], options)
    expect(layout.get('a')).toEqual({ x: 1050 - 80, y: -90 })
    expect(layout.get('b')).toEqual({ x: 1050 - 80, y: 10 })
  })

  it('stacks cards on the same date in rows away from the line', () => {
    const layout = layoutTimeline(axis, [
      { id: 'a', start: 2010, end: 2010.01, lane: 'boven' },
      { id: 'b', start: 2010, end: 2010.01, lane: 'boven' },
      { id: 'c', start: 2010, end: 2010.01, lane: 'boven' },
    ], options)
    expect([...layout.values()].map((p) => p.y).sort((a, b) => a - b)).toEqual([-270, -180, -90])
  })

  it('never overlaps cards, for many random inputs', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const layout = [...layoutTimeline(axis, randomCards(seed, 40), options).values()]
      for (let i = 0; i < layout.length; i++) {
        for (let j = i + 1; j < layout.length; j++) expect(overlaps(layout[i], layout[j])).toBe(false)
      }
    }
  })

  it('gives the same result whatever the input order', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const cards = randomCards(seed, 30)
      const expected = layoutTimeline(axis, cards, options)
      const shuffled = layoutTimeline(axis, shuffle(cards, seed + 100), options)
      for (const card of cards) expect(shuffled.get(card.id)).toEqual(expected.get(card.id))
    }
  })

  it('does not move existing cards when one is added', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const cards = randomCards(seed, 25)
      const before = layoutTimeline(axis, cards, options)
      const withPrevious = cards.map((card) => ({ ...card, previous: before.get(card.id) }))
      const added: LayoutCard = { id: 'nieuw', start: 2012, end: 2012.5, lane: 'boven' }
      const after = layoutTimeline(axis, [...withPrevious, added], options)
      for (const card of cards) expect(after.get(card.id)).toEqual(before.get(card.id))
      const placed = after.get('nieuw')
      expect(placed).toBeDefined()
      for (const card of cards) expect(overlaps(placed!, after.get(card.id)!)).toBe(false)
    }
  })

  it('keeps a hand-chosen row when it is free, and lets it go when a card changed lane', () => {
    const previousRow2 = { x: 0, y: -270 }
    const layout = layoutTimeline(axis, [{ id: 'a', start: 2010, end: 2011, lane: 'boven', previous: previousRow2 }], options)
    expect(layout.get('a')!.y).toBe(-270)
    const switched = layoutTimeline(axis, [{ id: 'a', start: 2010, end: 2011, lane: 'onder', previous: previousRow2 }], options)
    expect(switched.get('a')!.y).toBe(10)
  })
})
