/**
 * Pseudonymised export: names become initials or role labels, organisations "[organisatie]".
 * Used on the verslag text and on the text inside exported images (SVG), so one board can be
 * shared outside the team without the family's names. It replaces what the registry and the
 * participant list know; a name typed only in free text and nowhere in the registry stays.
 *
 * Every person gets a short form of their own. Initials that two people share get a number in
 * the order of their names (Ahmed and Ans: "A1" and "A2"; Daan and Dennis Kuipers: "DK1" and
 * "DK2"), role labels likewise ("broer 1", "broer 2"). The same registry always gives the same
 * short forms; a name that stands for several people ("Sanne" for two Sannes) becomes "S." or
 * "[naam]" rather than one of their short forms.
 */
import { NAME_PARTICLES, PERSON_KINDS, PERSON_KIND_LABELS, type Person, displayLabel, initialsOf } from '../personen/person.ts'

export type PseudonymMode = 'initialen' | 'rol'

export const ORGANISATION_PLACEHOLDER = '[organisatie]'
/** How people at the table may be called without a name (the board's own roles). */
const ROLE_WORDS = ['facilitator', 'co-facilitator', 'cofacilitator', 'deelnemer', 'kijker', 'begeleider', 'viewer', 'participant']

/** A name in a role label ("buurvrouw van oma Ria") or one that stands for several people. */
export const NAME_PLACEHOLDER = '[naam]'

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** How a name is looked up: case and the width of white space do not matter. */
const keyOf = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase()

/** One name found in a text: `text.slice(start, end)` becomes `replacement`. */
export interface NameMatch {
  start: number
  end: number
  replacement: string
}

export interface Pseudonymiser {
  /** Replaces every known name and organisation in a piece of text. */
  text(text: string): string
  /** Where the known names are in a text (for texts split over several nodes of an image). */
  matches(text: string): NameMatch[]
  /** A registry person's own short form ("LK", "A2", "broer 1"), never shared with anyone else. */
  person(person: Person): string
  /** A participant's display name (e.g. "Sanne (moeder)"), for the attendance list. */
  participant(name: string, index: number): string
}

const collator = new Intl.Collator('nl')

/**
 * Each person's short form, unique within the registry: initials or role label, with a number
 * when several people would share one. Numbered in the order of their names (then ids), so the
 * same registry gives the same forms whatever order its records arrive in.
 */
export function shortForms(persons: readonly Person[], mode: PseudonymMode, cleanLabel: (label: string) => string = (l) => l): Map<string, string> {
  const baseOf = (person: Person) => (mode === 'rol' ? cleanLabel(displayLabel(person, 'rol').toLowerCase()) : initialsOf(person.name) || 'P')
  const numbered = (base: string, n: number) => (mode === 'rol' ? `${base} ${n}` : `${base}${n}`)
  const ordered = [...persons].sort((a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const sharing = new Map<string, number>()
  for (const person of ordered) sharing.set(baseOf(person).toLowerCase(), (sharing.get(baseOf(person).toLowerCase()) ?? 0) + 1)
  const used = new Set<string>()
  const counters = new Map<string, number>()
  const forms = new Map<string, string>()
  for (const person of ordered) {
    const base = baseOf(person)
    const key = base.toLowerCase()
    let form = base
    // Numbered when the base is shared, or already taken (a relation typed as "broer 1").
    if (sharing.get(key)! > 1 || used.has(key)) {
      let n = counters.get(key) ?? 0
      do form = numbered(base, ++n)
      while (used.has(form.toLowerCase()))
      counters.set(key, n)
    }
    used.add(form.toLowerCase())
    forms.set(person.id, form)
  }
  return forms
}

interface Entry {
  pattern: string
  /** Earlier tiers win: a full name over someone else's first name, a name over a surname. */
  tier: number
  replacements: Set<string>
}

/** The lookup table and the regular expression that finds its names in a text. */
function nameTable(ambiguous: (pattern: string) => string) {
  const entries = new Map<string, Entry>()
  const has = (name: string) => entries.has(keyOf(name))
  const add = (name: string, replacement: string, tier: number) => {
    const key = keyOf(name)
    if (key.length < 2) return
    const entry = entries.get(key)
    if (!entry) entries.set(key, { pattern: name.trim(), tier, replacements: new Set([replacement]) })
    else if (entry.tier === tier) entry.replacements.add(replacement)
  }
  const build = () => {
    const patterns = [...entries.values()].sort((a, b) => b.pattern.length - a.pattern.length)
    const byKey = new Map([...entries].map(([key, entry]) => [key, entry.replacements.size === 1 ? [...entry.replacements][0] : ambiguous(entry.pattern)]))
    // White space inside a name may be a line break in an image ("Jeugd &" / "Gezin").
    const source = patterns.map((entry) => escapeRegExp(entry.pattern).replace(/\s+/g, '\\s+')).join('|')
    const matcher = patterns.length === 0 ? null : new RegExp(`(?<![\\p{L}\\p{N}])(${source})(['’]?s)?(?![\\p{L}\\p{N}])`, 'giu')
    return (text: string): NameMatch[] => {
      if (matcher === null) return []
      const found: NameMatch[] = []
      for (const match of text.matchAll(matcher)) {
        const replacement = byKey.get(keyOf(match[1])) ?? match[1]
        found.push({ start: match.index, end: match.index + match[0].length, replacement: match[2] ? `${replacement}'s` : replacement })
      }
      return found
    }
  }
  return { has, add, build }
}

function applyMatches(text: string, matches: readonly NameMatch[]): string {
  let result = ''
  let at = 0
  for (const match of matches) {
    result += text.slice(at, match.start) + match.replacement
    at = match.end
  }
  return result + text.slice(at)
}

/** "Lotte Kuipers (jongere)" in role mode would read "jongere (jongere)": said once. */
export function tidyPseudonyms(text: string): string {
  return text.replace(/(?<![\p{L}])([\p{L}][\p{L} ]*) \(\1\)/gu, '$1')
}

/**
 * Builds the replacement table: full names first, then first names and surnames on their own
 * (longest first, so "Sanne Mulder" is not turned into "SM Mulder"). A possessive "s" is kept
 * as "'s" so "Lottes verzuim" does not leak the name through its ending.
 */
export function makePseudonymiser(persons: readonly Person[], mode: PseudonymMode, participants: readonly string[] = []): Pseudonymiser {
  const named = persons.filter((p) => p.name.trim().length > 0)
  const wordsOf = (person: Person) => person.name.trim().split(/\s+/)
  const surnameOf = (person: Person) =>
    wordsOf(person)
      .slice(1)
      .filter((w) => !NAME_PARTICLES.has(w.toLowerCase()))
      .join(' ')

  // A role label may itself name someone ("buurvrouw van oma Ria"): that name goes first.
  const inLabels = nameTable(() => NAME_PLACEHOLDER)
  for (const person of named) {
    inLabels.add(person.name, NAME_PLACEHOLDER, 1)
    if (wordsOf(person).length > 1) inLabels.add(wordsOf(person)[0], NAME_PLACEHOLDER, 1)
    if (surnameOf(person)) inLabels.add(surnameOf(person), NAME_PLACEHOLDER, 1)
  }
  const namesInLabels = inLabels.build()
  const forms = shortForms(named, mode, (label) => applyMatches(label, namesInLabels(label)))
  const formOf = (person: Person) => forms.get(person.id) ?? (mode === 'rol' ? NAME_PLACEHOLDER : initialsOf(person.name))

  const table = nameTable((pattern) => (mode === 'rol' ? NAME_PLACEHOLDER : `${pattern.trim()[0]?.toUpperCase() ?? ''}.`))
  for (const person of named) table.add(person.name, formOf(person), 1)
  for (const person of named) if (wordsOf(person).length > 1) table.add(wordsOf(person)[0], formOf(person), 2)
  // A surname on its own ("familie Kuipers") says who the family is just as well.
  for (const person of named) {
    const surname = surnameOf(person)
    if (surname.length > 0) table.add(surname, mode === 'rol' ? '[achternaam]' : `${surname[0].toUpperCase()}.`, 3)
  }
  for (const person of persons) if (person.organisation.trim()) table.add(person.organisation, ORGANISATION_PLACEHOLDER, 4)

  // People at the table who are not in the registry ("Fatima (facilitator)"): the name part only,
  // with a short form no registry person has ("A3" after A1 and A2, "A2" after a lone "A").
  const taken = new Set([...forms.values()].map((form) => form.toLowerCase()))
  const numberedBases = new Set([...forms.values()].map((form) => /^(.*?)\d+$/.exec(form)?.[1]?.toLowerCase()).filter((base) => base !== undefined))
  const participantForms = new Map<string, string>()
  const participantLabel = (name: string, index: number) => {
    if (mode === 'rol') return `Deelnemer ${index + 1}`
    const known = participantForms.get(keyOf(name))
    if (known) return known
    const base = initialsOf(name)
    if (!base) return `Deelnemer ${index + 1}`
    let form = base
    if (taken.has(base.toLowerCase()) || numberedBases.has(base.toLowerCase())) {
      let n = 2
      while (taken.has(`${base}${n}`.toLowerCase())) n++
      form = `${base}${n}`
    }
    taken.add(form.toLowerCase())
    participantForms.set(keyOf(name), form)
    return form
  }
  const namePart = (displayName: string) => displayName.replace(/\([^)]*\)/g, '').trim()
  // A display name that is a role ("Facilitator", "Moeder") is no name: replacing it would
  // replace that word everywhere ("Sanne (moeder)" would read "SM (M)").
  const roleWords = new Set([...ROLE_WORDS, ...persons.map((p) => keyOf(p.relation)), ...PERSON_KINDS.map((k) => keyOf(PERSON_KIND_LABELS[k]))])
  participants.forEach((displayName, index) => {
    const name = namePart(displayName)
    // Someone already in the registry ("Sanne" for Sanne Mulder) keeps their registry form.
    if (keyOf(name).length >= 2 && !table.has(name) && !roleWords.has(keyOf(name))) table.add(name, participantLabel(name, index), 5)
  })
  const matches = table.build()
  const text = (input: string) => tidyPseudonyms(applyMatches(input, matches(input)))

  return {
    text,
    matches,
    person: formOf,
    participant(name, index) {
      const replaced = text(name)
      return replaced !== name ? replaced : participantLabel(namePart(name), index)
    },
  }
}

/** No pseudonymisation: the text as it is. */
export const KEEP_NAMES: Pseudonymiser = { text: (t) => t, matches: () => [], person: (p) => p.name, participant: (n) => n }

/**
 * The parts of a parsed SVG that pseudonymiseTree reads and writes: a browser's DOM node (from
 * DOMParser) has them, so has any small stand-in a test builds.
 */
export interface MarkupNode {
  readonly nodeType: number
  nodeValue: string | null
  readonly childNodes: ArrayLike<MarkupNode>
  readonly localName?: string | null
  readonly attributes?: ArrayLike<{ readonly name: string; value: string }> | null
}

const ELEMENT_NODE = 1
const TEXT_NODE = 3
const CDATA_SECTION_NODE = 4
/** Embedded fonts and pictures live here as base64: a replacement there would break them. */
const UNTOUCHED_ELEMENTS = new Set(['style', 'script'])
/** Attributes whose value is text a person reads (a tooltip, a screen reader's label). */
export const TEXT_ATTRIBUTES: ReadonlySet<string> = new Set(['title', 'aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'alt', 'desc', 'label', 'placeholder'])
/**
 * Pseudonymises a parsed SVG in place: the text of every text node (the parser has already
 * turned "Jeugd &amp; Gezin" and "&#74;eugd" into plain text) and the attributes that hold text,
 * never other attributes nor style blocks. A name split over several nodes ("Jeugd &" and
 * "Gezin" on two lines of a label, "Lotte <b>Kuipers</b>") is found across them: the first node
 * gets the replacement, the others lose their part of the name.
 */
export function pseudonymiseTree(root: MarkupNode, names: Pseudonymiser): void {
  const segments: { node: MarkupNode; start: number }[] = []
  let stream = ''
  const visit = (node: MarkupNode) => {
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
      // Nodes are joined with a line break: side by side in a flex box ("…: Lotte" next to
      // "Wat zien we?") they must not run together into one word that hides the name.
      if (stream !== '') stream += '\n'
      segments.push({ node, start: stream.length })
      stream += node.nodeValue ?? ''
      return
    }
    if (node.nodeType !== ELEMENT_NODE) return
    if (UNTOUCHED_ELEMENTS.has((node.localName ?? '').toLowerCase())) return
    for (const attribute of Array.from(node.attributes ?? [])) {
      if (TEXT_ATTRIBUTES.has(attribute.name.toLowerCase())) attribute.value = names.text(attribute.value)
    }
    for (const child of Array.from(node.childNodes)) visit(child)
  }
  visit(root)

  // Edits per node, found on the whole stream (matches and segments both in text order).
  const edits = new Map<MarkupNode, NameMatch[]>()
  const edit = (node: MarkupNode, change: NameMatch) => edits.set(node, [...(edits.get(node) ?? []), change])
  const endOf = (index: number) => segments[index].start + (segments[index].node.nodeValue ?? '').length
  let from = 0
  for (const match of names.matches(stream)) {
    while (from < segments.length && endOf(from) <= match.start) from++
    for (let i = from; i < segments.length && segments[i].start < match.end; i++) {
      const { node, start } = segments[i]
      edit(node, { start: Math.max(match.start, start) - start, end: Math.min(match.end, endOf(i)) - start, replacement: i === from ? match.replacement : '' })
    }
  }
  for (const [node, changes] of edits) node.nodeValue = tidyPseudonyms(applyMatches(node.nodeValue ?? '', changes))
}
