/**
 * Pseudonymised export: names become initials or role labels, organisations "[organisatie]".
 * Used on the verslag text and on the text inside exported images (SVG), so one board can be
 * shared outside the team without the family's names. It replaces what the registry and the
 * participant list know; a name typed only in free text and nowhere in the registry stays.
 */
import { NAME_PARTICLES, type Person, displayLabel, initialsOf } from '../personen/person.ts'

export type PseudonymMode = 'initialen' | 'rol'

export const ORGANISATION_PLACEHOLDER = '[organisatie]'


function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

interface Replacement {
  pattern: string
  replacement: string
}

export interface Pseudonymiser {
  /** Replaces every known name and organisation in a piece of text. */
  text(text: string): string
  /** A participant's display name (e.g. "Sanne (moeder)"), for the attendance list. */
  participant(name: string, index: number): string
}

/**
 * Builds the replacement table: full names first, then first names and surnames on their own
 * (longest first, so "Sanne Mulder" is not turned into "SM Mulder"). A possessive "s" is kept
 * as "'s" so "Lottes verzuim" does not leak the name through its ending.
 */
export function makePseudonymiser(persons: readonly Person[], mode: PseudonymMode, participants: readonly string[] = []): Pseudonymiser {
  const replacements: Replacement[] = []
  const seen = new Set<string>()
  const add = (name: string, replacement: string) => {
    const key = name.trim().toLowerCase()
    if (key.length < 2 || seen.has(key)) return
    seen.add(key)
    replacements.push({ pattern: name.trim(), replacement })
  }
  const labelOf = (person: Person) => (mode === 'rol' ? displayLabel(person, 'rol').toLowerCase() : initialsOf(person.name))
  const named = persons.filter((p) => p.name.trim().length > 0)
  for (const person of named) add(person.name, labelOf(person))
  for (const person of named) {
    const words = person.name.trim().split(/\s+/)
    if (words.length > 1) add(words[0], labelOf(person))
  }
  // A surname on its own ("familie Kuipers") says who the family is just as well.
  for (const person of named) {
    const words = person.name.trim().split(/\s+/)
    const surname = words.slice(1).filter((w) => !NAME_PARTICLES.has(w.toLowerCase())).join(' ')
    if (surname.length > 0) add(surname, mode === 'rol' ? '[achternaam]' : `${surname[0].toUpperCase()}.`)
  }
  for (const person of persons) if (person.organisation.trim()) add(person.organisation, ORGANISATION_PLACEHOLDER)
  // People at the table who are not in the registry ("Fatima (facilitator)"): the name part only.
  const participantLabel = (name: string, index: number) => (mode === 'rol' ? `Deelnemer ${index + 1}` : initialsOf(name) || `Deelnemer ${index + 1}`)
  participants.forEach((displayName, index) => {
    const name = displayName.replace(/\([^)]*\)/g, '').trim()
    if (name.length > 0) add(name, participantLabel(name, index))
  })
  replacements.sort((a, b) => b.pattern.length - a.pattern.length)

  const matcher =
    replacements.length === 0
      ? null
      : new RegExp(`(?<![\\p{L}\\p{N}])(${replacements.map((r) => escapeRegExp(r.pattern)).join('|')})(['’]?s)?(?![\\p{L}\\p{N}])`, 'giu')
  const byPattern = new Map(replacements.map((r) => [r.pattern.toLowerCase(), r.replacement]))

  const text = (input: string) =>
    matcher === null
      ? input
      : input
          .replace(matcher, (_all, name: string, possessive: string | undefined) => {
            const replacement = byPattern.get(name.toLowerCase()) ?? name
            return possessive ? `${replacement}'s` : replacement
          })
          // "Lotte Kuipers (jongere)" in role mode would read "jongere (jongere)".
          .replace(/(?<![\p{L}])([\p{L}][\p{L} ]*) \(\1\)/gu, '$1')

  return {
    text,
    participant(name, index) {
      const replaced = text(name)
      return replaced !== name ? replaced : participantLabel(name, index)
    },
  }
}

/** No pseudonymisation: the text as it is. */
export const KEEP_NAMES: Pseudonymiser = { text: (t) => t, participant: (n) => n }

/**
 * Pseudonymises the text of markup (an exported SVG): text between tags and the `aria-label`
 * and `title` attributes, never other attributes (embedded fonts and images are base64 and a
 * replacement there would break them).
 */
export function pseudonymiseMarkup(markup: string, pseudonymiser: Pseudonymiser): string {
  return markup.replace(/(<(style|script)\b[\s\S]*?<\/\2>)|(<[^>]*>)|([^<]+)/gi, (_all, block: string | undefined, _n, tag: string | undefined, text: string | undefined) => {
    // Style blocks carry the embedded fonts: left exactly as they are.
    if (block !== undefined) return block
    if (text !== undefined) return pseudonymiser.text(text)
    return tag!.replace(/\b(aria-label|title)="([^"]*)"/g, (_a, name: string, value: string) => `${name}="${pseudonymiser.text(value)}"`)
  })
}
