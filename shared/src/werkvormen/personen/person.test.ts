import { describe, expect, it } from 'vitest'
import { type Person, ageOf, displayLabel, initialsOf, validatePerson, validateRegistry } from './person.ts'

const mother: Person = {
  id: 'p-moeder',
  name: 'Marieke de Vries',
  relation: 'moeder',
  gender: 'vrouw',
  birthYear: 1984,
  deceased: false,
  deathYear: null,
  kind: 'gezin',
  organisation: '',
}

describe('person registry', () => {
  it('accepts a complete person', () => {
    expect(validatePerson(mother)).toEqual({ ok: true })
  })

  it('refuses an empty name, naming the field', () => {
    const check = validatePerson({ ...mother, name: '  ' })
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.message).toMatch(/naam/i)
  })

  it('refuses a name longer than 80 characters', () => {
    const check = validatePerson({ ...mother, name: 'x'.repeat(81) })
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.message).toMatch(/naam.*80/i)
  })

  it('refuses birth years outside 1850..2100 and death before birth', () => {
    const early = validatePerson({ ...mother, birthYear: 1700 })
    expect(early.ok).toBe(false)
    if (!early.ok) expect(early.message).toMatch(/geboortejaar/i)
    const deathFirst = validatePerson({ ...mother, deceased: true, deathYear: 1980 })
    expect(deathFirst.ok).toBe(false)
    if (!deathFirst.ok) expect(deathFirst.message).toMatch(/overlijdensjaar/i)
  })

  it('refuses an unknown person kind in Dutch', () => {
    const check = validatePerson({ ...mother, kind: 'buurman' })
    expect(check).toEqual({ ok: false, message: 'Soort persoon: kies een van de toegestane waarden' })
  })

  it('refuses duplicate ids in a registry', () => {
    const check = validateRegistry([mother, { ...mother, name: 'Ander' }])
    expect(check.ok).toBe(false)
  })

  it('computes ages, stopping at the age at death', () => {
    expect(ageOf(mother, 2026)).toBe(42)
    expect(ageOf(mother, 1980)).toBeNull()
    expect(ageOf({ birthYear: 1940, deceased: true, deathYear: 2015 }, 2026)).toBe(75)
    expect(ageOf({ birthYear: null, deceased: false, deathYear: null }, 2026)).toBeNull()
  })

  it('builds Dutch initials with lower-case particles', () => {
    expect(initialsOf('Marieke de Vries')).toBe('MdV')
    expect(initialsOf('Jan van der Berg')).toBe('JvdB')
    expect(initialsOf('anne-sophie bakker')).toBe('ASB')
    expect(initialsOf('Noor')).toBe('N')
  })

  it('shows name, initials or role', () => {
    expect(displayLabel(mother, 'naam')).toBe('Marieke de Vries')
    expect(displayLabel(mother, 'initialen')).toBe('MdV')
    expect(displayLabel(mother, 'rol')).toBe('Moeder')
    expect(displayLabel({ ...mother, relation: '', kind: 'professional' }, 'rol')).toBe('Professional')
  })
})
