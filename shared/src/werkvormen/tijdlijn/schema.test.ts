import { describe, expect, it } from 'vitest'
import { demoCase } from '../sjablonen/demo-case.ts'
import { contentOfDemoCase } from '../verslag/content.ts'
import { buildVerslag } from '../verslag/verslag.ts'
import { validateEventProps } from './events.ts'
import { TIJDLIJN_KAART_TYPE, tijdlijnKaartMigrations, tijdlijnSchema } from './schema.ts'

describe('tijdlijn-kaart version 1: sourceDetail', () => {
  const demo = demoCase()
  const card = demo.events[0].props

  it('is a text of at most 200 characters that every new card starts empty', () => {
    expect(card.sourceDetail).toBe('')
    expect(validateEventProps({ ...card, sourceDetail: 'gespreksverslag 12-03' })).toEqual({ ok: true })
    expect(validateEventProps({ ...card, sourceDetail: 'x'.repeat(201) })).toMatchObject({ ok: false, message: expect.stringMatching(/toelichting bij de bron/i) })
    const { sourceDetail: _dropped, ...older } = card
    expect(validateEventProps(older)).toEqual({ ok: false, message: 'Toelichting bij de bron: verwacht tekst' })
    expect(tijdlijnSchema.shapes[TIJDLIJN_KAART_TYPE].labels.sourceDetail).toBe('toelichting bij de bron')
  })

  it('its step adds the default going up and removes the prop going down', () => {
    const [step] = tijdlijnKaartMigrations.sequence
    if (!('up' in step) || typeof step.down !== 'function') throw new Error('expected a reversible step')
    const { sourceDetail: _dropped, ...older } = card
    const up = structuredClone(older) as Record<string, unknown>
    step.up(up)
    expect(up).toEqual({ ...older, sourceDetail: '' })
    const down = { ...card, sourceDetail: 'brief van de GI' }
    step.down(down)
    expect(down).toEqual(older)
  })

  it('shows in the verslag with the source, and leaves a card without one as it was', () => {
    const content = contentOfDemoCase(demo)
    const session = { boardTitle: 'Bord', date: '2026-10-14', facilitators: [], participants: [], perspectiefwissel: null, consent: null }
    const bron = (c: typeof content) => {
      const table = buildVerslag(c, session).sections.find((s) => s.id === 'tijdlijn-1')!.blocks[0]
      if (table.kind !== 'table') throw new Error('expected the tijdlijn table')
      return table.rows.find((row) => row[5] === card.text)![4]
    }
    expect(bron(content)).toBe('Sanne Mulder, moeder; uit het dossier')
    const [timeline] = content.timelines
    const withDetail = { ...content, timelines: [{ ...timeline, events: timeline.events.map((e, i) => (i === 0 ? { ...e, props: { ...e.props, sourceDetail: 'geboorteakte' } } : e)) }] }
    expect(bron(withDetail)).toBe('Sanne Mulder, moeder; uit het dossier; geboorteakte')
  })
})
