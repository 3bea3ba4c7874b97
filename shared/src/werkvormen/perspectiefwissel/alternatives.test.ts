import { describe, expect, it } from 'vitest'
import { checkRecordWith } from '../../board-schema.ts'
import { actionAlternativeRecordValidator, groupActionAlternativesByWho, readActionAlternatives, type ActionAlternativeRecord } from './alternatives.ts'

function alternative(overrides: Partial<ActionAlternativeRecord> = {}): ActionAlternativeRecord {
  return {
    id: 'handelingsalternatief:a1',
    typeName: 'handelingsalternatief',
    text: 'Eerst met Sam zelf praten, dan pas met school',
    who: 'De mentor',
    personId: 'person:mentor',
    group: null,
    byName: 'Anouk',
    createdAt: 1_700_000_000_000,
    ...overrides,
  }
}

describe('handelingsalternatieven', () => {
  it('reads only valid alternatives from any board records, oldest first', () => {
    const records = [
      { id: 'shape:x', typeName: 'shape' },
      alternative({ id: 'handelingsalternatief:later', createdAt: 30 }),
      alternative({ id: 'handelingsalternatief:kapot', text: '' }),
      alternative({ id: 'handelingsalternatief:b', createdAt: 10 }),
      alternative({ id: 'handelingsalternatief:a', createdAt: 10, group: 'gezin', personId: null, who: '' }),
      null,
      { typeName: 'handelingsalternatief', text: 'zonder id' },
    ]
    expect(readActionAlternatives(records).map((a) => a.id)).toEqual([
      'handelingsalternatief:a',
      'handelingsalternatief:b',
      'handelingsalternatief:later',
    ])
  })

  it('explains a refused alternative in Dutch, naming the field', () => {
    const tooLong = checkRecordWith(actionAlternativeRecordValidator, alternative({ text: 'x'.repeat(501) }), 'handelingsalternatief')
    expect(tooLong).toEqual({ ok: false, message: expect.stringMatching(/alternatief mag hoogstens 500 tekens/) })
    const badGroup = checkRecordWith(actionAlternativeRecordValidator, { ...alternative(), group: 'school' }, 'handelingsalternatief')
    expect(badGroup).toEqual({ ok: false, message: 'Groep: kies een van de toegestane waarden' })
    const extra = checkRecordWith(actionAlternativeRecordValidator, { ...alternative(), secret: 1 }, 'handelingsalternatief')
    expect(extra.ok).toBe(false)
    const badPerson = checkRecordWith(actionAlternativeRecordValidator, alternative({ personId: 'shape:1' }), 'handelingsalternatief')
    expect(badPerson).toEqual({ ok: false, message: expect.stringMatching(/persoon uit het register/) })
    expect(checkRecordWith(actionAlternativeRecordValidator, alternative(), 'handelingsalternatief')).toEqual({ ok: true })
    // `who` and `personId` may be left out.
    const { who: _who, personId: _personId, ...minimal } = alternative()
    expect(checkRecordWith(actionAlternativeRecordValidator, minimal, 'handelingsalternatief')).toEqual({ ok: true })
  })

  it('groups by the betrokkene, or by the name people typed', () => {
    const groups = groupActionAlternativesByWho([
      alternative({ id: 'handelingsalternatief:1' }),
      alternative({ id: 'handelingsalternatief:2', personId: null, who: 'Wij als team ' }),
      alternative({ id: 'handelingsalternatief:3', personId: null, who: 'wij als team' }),
    ])
    expect([...groups].map(([key, list]) => [key, list.length])).toEqual([
      ['person:mentor', 1],
      ['wij als team', 2],
    ])
  })
})
