import { T } from '@tldraw/validate'
import { MAX_YEAR, MIN_YEAR, idValidator, refuse } from '../check.ts'
import { type Person, findPerson } from '../personen/person.ts'

/**
 * When something happened, as precisely as people remember it. Age specs ("op haar 12e")
 * stay relative to a person, so correcting that person's birth year moves the card.
 */
export type DateSpec =
  | { kind: 'exact'; year: number; month: number; day: number }
  | { kind: 'month'; year: number; month: number }
  | { kind: 'year'; year: number }
  /** "ongeveer": month is null when only the year is roughly known. */
  | { kind: 'approx'; year: number; month: number | null }
  | { kind: 'age'; personId: string; age: number }

export type DatePrecision = DateSpec['kind']

export const MONTH_NAMES = [
  'januari', 'februari', 'maart', 'april', 'mei', 'juni',
  'juli', 'augustus', 'september', 'oktober', 'november', 'december',
] as const

export const MONTH_SHORT_NAMES = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'] as const

const MONTH_ALIASES: Record<string, number> = {}
MONTH_NAMES.forEach((name, index) => (MONTH_ALIASES[name] = index + 1))
MONTH_SHORT_NAMES.forEach((name, index) => (MONTH_ALIASES[name] = index + 1))
Object.assign(MONTH_ALIASES, { maa: 3, mar: 3, sept: 9, oct: 10, febr: 2, aug: 8, jun: 6, jul: 7 })

// Seasons and rough parts of a year map to a representative month of an approximate date.
const SEASON_MONTHS: Record<string, number> = {
  winter: 1, voorjaar: 4, lente: 4, zomer: 7, najaar: 10, herfst: 10,
  begin: 2, 'begin van': 2, halverwege: 7, midden: 7, medio: 7, eind: 11, einde: 11, 'eind van': 11,
}

export const MAX_AGE = 120

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
}

function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365
}

function dayOfYear(year: number, month: number, day: number): number {
  let days = day
  for (let m = 1; m < month; m++) days += daysInMonth(year, m)
  return days
}

/** Fractional year at the start of the given day: 12 maart 2021 → 2021.19. */
export function fractionalYear(year: number, month: number, day: number): number {
  return year + (dayOfYear(year, month, day) - 1) / daysInYear(year)
}

function yearProblem(year: number): string | null {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    return `Het jaar ${year} valt buiten het bereik van de tijdlijn (${MIN_YEAR}–${MAX_YEAR})`
  }
  return null
}

function monthProblem(month: number): string | null {
  return Number.isInteger(month) && month >= 1 && month <= 12 ? null : `Maand ${month} bestaat niet; kies 1 tot en met 12`
}

/** Why a date spec cannot be a real date, in Dutch; null when it is fine. */
export function dateSpecProblem(spec: DateSpec): string | null {
  switch (spec.kind) {
    case 'exact': {
      const problem = yearProblem(spec.year) ?? monthProblem(spec.month)
      if (problem) return problem
      const days = daysInMonth(spec.year, spec.month)
      if (!Number.isInteger(spec.day) || spec.day < 1 || spec.day > days) {
        return `${spec.day} ${MONTH_NAMES[spec.month - 1]} ${spec.year} bestaat niet: ${MONTH_NAMES[spec.month - 1]} ${spec.year} heeft ${days} dagen`
      }
      return null
    }
    case 'month':
      return yearProblem(spec.year) ?? monthProblem(spec.month)
    case 'year':
      return yearProblem(spec.year)
    case 'approx':
      return yearProblem(spec.year) ?? (spec.month === null ? null : monthProblem(spec.month))
    case 'age':
      if (!Number.isInteger(spec.age) || spec.age < 0 || spec.age > MAX_AGE) {
        return `Een leeftijd moet een heel getal zijn van 0 tot en met ${MAX_AGE}`
      }
      return null
  }
}

export type ParseDateResult = { ok: true; spec: DateSpec } | { ok: false; message: string }

const UNRECOGNISED =
  'Deze datum herken ik niet. Voorbeelden die werken: 12-03-2021, 12 maart 2021, maart 2021, 2021, ca. 2019, zomer 2018 of op haar 12e.'
const NEEDS_PERSON = 'Een leeftijd hoort bij iemand: kies eerst de persoon om wiens leeftijd het gaat.'

const MONTH_PATTERN = '([a-z]{3,9})\\.?'
const APPROX_PREFIX = /^(?:ca\.?|circa|rond(?:om)?|omstreeks|ongeveer|±|\+\/-|~)\s*/
// "op haar twaalfde": ordinal words up to twintig.
const ORDINAL_WORDS = [
  'nulde', 'eerste', 'tweede', 'derde', 'vierde', 'vijfde', 'zesde', 'zevende', 'achtste', 'negende', 'tiende',
  'elfde', 'twaalfde', 'dertiende', 'veertiende', 'vijftiende', 'zestiende', 'zeventiende', 'achttiende', 'negentiende', 'twintigste',
]
const ORDINAL_PATTERN = new RegExp(`^(?:op|toen)\\s+(?:haar|zijn|hun|diens|z'n|d'r)\\s+(${ORDINAL_WORDS.join('|')})(?:\\s+jaar)?$`)

const AGE_PATTERNS: RegExp[] = [
  /^(?:op|toen)\s+(?:haar|zijn|hun|diens|die|z'n|d'r)?\s*(\d{1,3})\s*(?:e|de|ste)?(?:\s+jaar)?$/,
  /^(?:op\s+)?(\d{1,3})-?jarige\s+leeftijd$/,
  /^(?:op\s+)?(\d{1,3})\s+jaar(?:\s+oud)?$/,
  /^(?:leeftijd\s+)?(\d{1,3})\s*(?:jr\.?)$/,
]

function monthFromWord(word: string): number | null {
  return MONTH_ALIASES[word] ?? null
}

function checked(spec: DateSpec): ParseDateResult {
  const problem = dateSpecProblem(spec)
  return problem ? { ok: false, message: problem } : { ok: true, spec }
}

/**
 * Reads a date the way people type it in Dutch. Age-relative dates ("op haar 12e") need the
 * person they are about: pass `options.personId`.
 */
export function parseDutchDate(text: string, options: { personId?: string | null } = {}): ParseDateResult {
  const input = text.trim().toLowerCase().replace(/\s+/g, ' ')
  if (input === '') return { ok: false, message: 'Vul een datum in, bijvoorbeeld 12-03-2021, maart 2021 of ca. 2019.' }

  let match = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(input)
  if (match) return checked({ kind: 'exact', year: Number(match[3]), month: Number(match[2]), day: Number(match[1]) })

  match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(input)
  if (match) return checked({ kind: 'exact', year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) })

  match = /^(\d{1,2})[-/.](\d{4})$/.exec(input)
  if (match) return checked({ kind: 'month', year: Number(match[2]), month: Number(match[1]) })

  match = new RegExp(`^(\\d{1,2})\\s+${MONTH_PATTERN}\\s+(\\d{4})$`).exec(input)
  if (match) {
    const month = monthFromWord(match[2])
    if (month === null) return { ok: false, message: `"${match[2]}" is geen maand die ik ken.` }
    return checked({ kind: 'exact', year: Number(match[3]), month, day: Number(match[1]) })
  }

  match = new RegExp(`^${MONTH_PATTERN}\\s+(\\d{4})$`).exec(input)
  if (match && monthFromWord(match[1]) !== null) {
    return checked({ kind: 'month', year: Number(match[2]), month: monthFromWord(match[1]) as number })
  }

  match = /^(\d{4})$/.exec(input)
  if (match) return checked({ kind: 'year', year: Number(match[1]) })

  const approx = parseApproximate(input.replace(APPROX_PREFIX, ''), APPROX_PREFIX.test(input))
  if (approx) return approx

  for (const pattern of AGE_PATTERNS) {
    match = pattern.exec(input)
    if (match) {
      if (!options.personId) return { ok: false, message: NEEDS_PERSON }
      return checked({ kind: 'age', personId: options.personId, age: Number(match[1]) })
    }
  }
  match = ORDINAL_PATTERN.exec(input)
  if (match) {
    if (!options.personId) return { ok: false, message: NEEDS_PERSON }
    return checked({ kind: 'age', personId: options.personId, age: ORDINAL_WORDS.indexOf(match[1]) })
  }

  return { ok: false, message: UNRECOGNISED }
}

// "2019", "maart 2019", "zomer 2018", "begin 2019"; seasons count as approximate even without "ca.".
function parseApproximate(rest: string, hadPrefix: boolean): ParseDateResult | null {
  let match = /^(\d{4})$/.exec(rest)
  if (match && hadPrefix) return checked({ kind: 'approx', year: Number(match[1]), month: null })

  match = /^([a-z]+(?: van)?)\s+(\d{4})$/.exec(rest)
  if (!match) return null
  const word = match[1].replace(/\.$/, '')
  const season = SEASON_MONTHS[word]
  if (season !== undefined) return checked({ kind: 'approx', year: Number(match[2]), month: season })
  const month = monthFromWord(word)
  if (month !== null && hadPrefix) return checked({ kind: 'approx', year: Number(match[2]), month })
  return null
}

/** The canonical Dutch text for a spec; `parseDutchDate` reads it back to the same spec. */
export function formatDateSpec(spec: DateSpec): string {
  switch (spec.kind) {
    case 'exact':
      return `${spec.day} ${MONTH_NAMES[spec.month - 1]} ${spec.year}`
    case 'month':
      return `${MONTH_NAMES[spec.month - 1]} ${spec.year}`
    case 'year':
      return String(spec.year)
    case 'approx':
      return spec.month === null ? `ca. ${spec.year}` : `ca. ${MONTH_NAMES[spec.month - 1]} ${spec.year}`
    case 'age':
      return `op ${spec.age}-jarige leeftijd`
  }
}

export type ResolvedDate = {
  ok: true
  /** Fractional years: 2021.19 is 12 maart 2021. `end` is exclusive. */
  start: number
  end: number
  /** Dutch display label, e.g. "12 maart 2021", "ca. 2019", "op 12-jarige leeftijd (2014)". */
  label: string
  precision: DatePrecision
}

/** Where a spec sits on the axis. Approximate dates widen half a year on either side. */
export function resolveDate(spec: DateSpec, persons: readonly Person[]): ResolvedDate | { ok: false; message: string } {
  const problem = dateSpecProblem(spec)
  if (problem) return { ok: false, message: problem }
  const label = formatDateSpec(spec)
  switch (spec.kind) {
    case 'exact': {
      const start = fractionalYear(spec.year, spec.month, spec.day)
      return { ok: true, start, end: start + 1 / daysInYear(spec.year), label, precision: spec.kind }
    }
    case 'month': {
      const start = fractionalYear(spec.year, spec.month, 1)
      const end = spec.month === 12 ? spec.year + 1 : fractionalYear(spec.year, spec.month + 1, 1)
      return { ok: true, start, end, label, precision: spec.kind }
    }
    case 'year':
      return { ok: true, start: spec.year, end: spec.year + 1, label, precision: spec.kind }
    case 'approx': {
      if (spec.month === null) return { ok: true, start: spec.year - 0.5, end: spec.year + 1.5, label, precision: spec.kind }
      const middle = (spec.year * 12 + spec.month - 0.5) / 12
      return { ok: true, start: middle - 0.5, end: middle + 0.5, label, precision: spec.kind }
    }
    case 'age': {
      const person = findPerson(persons, spec.personId)
      if (!person) return { ok: false, message: 'De persoon bij deze leeftijd staat niet (meer) in de personenlijst.' }
      if (person.birthYear === null) {
        return { ok: false, message: `Van ${person.name} is geen geboortejaar bekend, dus "${label}" kan niet op de tijdlijn. Vul het geboortejaar in of kies een datum.` }
      }
      // Birthdays are unknown: age 12 covers the year of the 12th birthday.
      const year = person.birthYear + spec.age
      return { ok: true, start: year, end: year + 1, label: `${label} (${year})`, precision: spec.kind }
    }
  }
}

/** Midpoint of a resolved date: where its card is anchored on the axis. */
export function anchorOf(resolved: { start: number; end: number }): number {
  return (resolved.start + resolved.end) / 2
}

const yearField = T.number
const monthField = T.number

/** Validator for a stored DateSpec; impossible dates are refused with a Dutch message. */
export const dateSpecValidator = T.union('kind', {
  exact: T.object({ kind: T.literal('exact'), year: yearField, month: monthField, day: T.number }),
  month: T.object({ kind: T.literal('month'), year: yearField, month: monthField }),
  year: T.object({ kind: T.literal('year'), year: yearField }),
  approx: T.object({ kind: T.literal('approx'), year: yearField, month: monthField.nullable() }),
  age: T.object({ kind: T.literal('age'), personId: idValidator('De persoon bij de leeftijd'), age: T.number }),
}).check((spec) => {
  const problem = dateSpecProblem(spec)
  if (problem) refuse(problem)
})
