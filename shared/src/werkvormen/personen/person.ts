import { T } from '@tldraw/validate'
import {
  type Check,
  OK,
  boundedText,
  capitalise,
  checkWith,
  fail,
  idValidator,
  refuse,
  yearValidator,
} from '../check.ts'

export const PERSON_KINDS = ['gezin', 'netwerk', 'professional'] as const
export type PersonKind = (typeof PERSON_KINDS)[number]

export const GENDERS = ['man', 'vrouw', 'anders', 'onbekend'] as const
export type Gender = (typeof GENDERS)[number]

/** One entry of the board's person registry, shared by tijdlijn, genogram and perspectiefwissel. */
export interface Person {
  id: string
  /** Name or pseudonym, as the team chooses to write it. */
  name: string
  /** Role towards the index person or the family, e.g. 'moeder', 'mentor'. */
  relation: string
  gender: Gender
  birthYear: number | null
  deceased: boolean
  deathYear: number | null
  kind: PersonKind
  /** Only meaningful for professionals; empty otherwise. */
  organisation: string
}

export const PERSON_KIND_LABELS: Record<PersonKind, string> = {
  gezin: 'Gezin en familie',
  netwerk: 'Netwerk',
  professional: 'Professional',
}

export const GENDER_LABELS: Record<Gender, string> = {
  man: 'Man',
  vrouw: 'Vrouw',
  anders: 'Anders',
  onbekend: 'Onbekend',
}

export const MAX_NAME_LENGTH = 80
export const MAX_RELATION_LENGTH = 80
export const MAX_ORGANISATION_LENGTH = 120

/** Field validators as a plain object, usable as tldraw `static props` or inside T.object. */
export const personProps = {
  id: idValidator('De persoon'),
  name: boundedText('De naam', 1, MAX_NAME_LENGTH),
  relation: boundedText('De relatie', 0, MAX_RELATION_LENGTH),
  gender: T.literalEnum(...GENDERS),
  birthYear: yearValidator('Het geboortejaar').nullable(),
  deceased: T.boolean,
  deathYear: yearValidator('Het overlijdensjaar').nullable(),
  kind: T.literalEnum(...PERSON_KINDS),
  organisation: boundedText('De organisatie', 0, MAX_ORGANISATION_LENGTH),
}

export const personPropsValidator = T.object<Person>(personProps).check((person) => {
  if (person.deathYear !== null && !person.deceased) {
    refuse('Er is een overlijdensjaar ingevuld, maar de persoon staat niet als overleden')
  }
  if (person.deathYear !== null && person.birthYear !== null && person.deathYear < person.birthYear) {
    refuse('Het overlijdensjaar ligt vóór het geboortejaar')
  }
})

export const PERSON_FIELD_LABELS: Record<keyof Person, string> = {
  id: 'id',
  name: 'naam',
  relation: 'relatie',
  gender: 'gender',
  birthYear: 'geboortejaar',
  deceased: 'overleden',
  deathYear: 'overlijdensjaar',
  kind: 'soort persoon',
  organisation: 'organisatie',
}

export function validatePerson(person: unknown): Check {
  return checkWith(personPropsValidator, person, PERSON_FIELD_LABELS)
}

/**
 * Age in whole years reached during `atYear` (birthdays are unknown, so this is the age
 * after the birthday). For someone who died, ages after the death year stop at the age at death.
 * Null when the birth year is unknown or `atYear` lies before the birth.
 */
export function ageOf(person: Pick<Person, 'birthYear' | 'deceased' | 'deathYear'>, atYear: number): number | null {
  if (person.birthYear === null || atYear < person.birthYear) return null
  const lastYear = person.deceased && person.deathYear !== null ? Math.min(atYear, person.deathYear) : atYear
  return Math.floor(lastYear) - person.birthYear
}

// Dutch name particles stay lower case in initials ("Marieke de Vries" → "MdV").
export const NAME_PARTICLES: ReadonlySet<string> = new Set(['de', 'den', 'der', 'van', 'het', "'t", 'te', 'ten', 'ter', 'op', 'in', "'s", 'la', 'le', 'el', 'al', 'da', 'di', 'du', 'von', 'zu', 'bin', 'ben'])

export function initialsOf(name: string): string {
  const words = name.trim().split(/[\s-]+/).filter((word) => word.length > 0)
  return words
    .map((word, index) => {
      const letter = word.replace(/^['’]/, '')[0] ?? ''
      const isParticle = index > 0 && index < words.length - 1 && NAME_PARTICLES.has(word.toLowerCase())
      return isParticle ? letter.toLowerCase() : letter.toUpperCase()
    })
    .join('')
}

/** How a person is shown on the board: full name, initials (pseudonymised view) or role only. */
export type DisplayMode = 'naam' | 'initialen' | 'rol'

export function displayLabel(person: Person, mode: DisplayMode): string {
  switch (mode) {
    case 'naam':
      return person.name
    case 'initialen':
      return initialsOf(person.name)
    case 'rol':
      // The organisation is left out on purpose: role views are meant to be shareable.
      return capitalise(person.relation.trim() || PERSON_KIND_LABELS[person.kind].toLowerCase())
  }
}

/** A new person with empty defaults, for forms. */
export function emptyPerson(id: string, kind: PersonKind = 'gezin'): Person {
  return { id, name: '', relation: '', gender: 'onbekend', birthYear: null, deceased: false, deathYear: null, kind, organisation: '' }
}

export function findPerson(persons: readonly Person[], id: string | null): Person | undefined {
  return id === null ? undefined : persons.find((person) => person.id === id)
}

/** Checks the whole registry: each person valid and ids unique. */
export function validateRegistry(persons: readonly Person[]): Check {
  const seen = new Set<string>()
  for (const person of persons) {
    const check = validatePerson(person)
    if (!check.ok) return fail(`${person.name || person.id}: ${check.message}`)
    if (seen.has(person.id)) return fail(`De id ${person.id} komt twee keer voor in de personenlijst`)
    seen.add(person.id)
  }
  return OK
}
