import { findPerson, type Person } from '../personen/person.ts'
import {
  EPISTEMIC_TAGS,
  EPISTEMIC_TAG_LABELS,
  EVENT_CATEGORIES,
  EVENT_CATEGORY_INFO,
  SOURCE_ORIGINS,
  SOURCE_SIDES,
  type EpistemicTag,
  type EventCategory,
  type SourceOrigin,
  type SourceSide,
} from './categories.ts'
import { formatDateSpec, parseDutchDate } from './dates.ts'
import { newEventProps, validateEventProps, type TimelineEventProps } from './events.ts'
import { defaultLaneFor, LANES, type Lane, type LanePresetId } from './lanes.ts'

/**
 * Tijdlijn as CSV, for dossier information coming in and the outcome going out. Columns (Dutch
 * headers, any order; `;` or `,` separated, as spreadsheets in the Netherlands write them):
 * datum, soort, label, tekst, and optionally kant, persoon, herkomst, plek, leeftijd van.
 */
export const CSV_COLUMNS = ['datum', 'leeftijd van', 'soort', 'label', 'kant', 'persoon', 'herkomst', 'plek', 'tekst'] as const
type Column = (typeof CSV_COLUMNS)[number]
const REQUIRED: readonly Column[] = ['datum', 'soort', 'label', 'tekst']
const ALIASES: Record<string, Column> = { categorie: 'soort', tag: 'label', date: 'datum', text: 'tekst', bron: 'persoon', lane: 'plek' }

export const MAX_CSV_ROWS = 500

export type CsvRow = { line: number; ok: true; props: TimelineEventProps } | { line: number; ok: false; message: string }
export type CsvParseResult = { ok: true; rows: CsvRow[] } | { ok: false; message: string }

/** Splits CSV text into records, honouring quotes (with "" escapes and newlines inside quotes). */
function splitCsv(text: string, separator: string): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === separator) {
      record.push(field)
      field = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      record.push(field)
      records.push(record)
      record = []
      field = ''
    } else field += char
  }
  if (field !== '' || record.length) {
    record.push(field)
    records.push(record)
  }
  return records.filter((r) => r.some((cell) => cell.trim() !== ''))
}

const normal = (value: string) => value.trim().toLowerCase()

function pick<V extends string>(value: string, ids: readonly V[], labelOf: (id: V) => string): V | null {
  const wanted = normal(value)
  return ids.find((id) => id === wanted || normal(labelOf(id)) === wanted) ?? null
}

/**
 * Reads a CSV into tijdlijn cards, one result per data row: either valid props or a Dutch message
 * naming the row's problem. Nothing is added here; the caller shows the preview first.
 */
export function parseTimelineCsv(text: string, persons: readonly Person[], preset: LanePresetId = 'professionals-gezin'): CsvParseResult {
  const clean = text.replace(/^\uFEFF/, '')
  const firstLine = clean.split(/\r?\n/, 1)[0] ?? ''
  const separator = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ','
  const [header, ...data] = splitCsv(clean, separator)
  if (!header) return { ok: false, message: 'Het bestand is leeg.' }
  const columns = header.map((name) => {
    const key = normal(name)
    return (CSV_COLUMNS as readonly string[]).includes(key) ? (key as Column) : (ALIASES[key] ?? null)
  })
  const missing = REQUIRED.filter((column) => !columns.includes(column))
  if (missing.length) return { ok: false, message: `Deze kolommen ontbreken: ${missing.join(', ')}. De eerste regel moet de kolomnamen bevatten.` }
  if (data.length > MAX_CSV_ROWS) return { ok: false, message: `Te veel regels: hooguit ${MAX_CSV_ROWS} per keer.` }

  const rows = data.map((cells, index): CsvRow => {
    const line = index + 2
    const cell = (column: Column) => (cells[columns.indexOf(column)] ?? '').trim()
    const fail = (message: string): CsvRow => ({ line, ok: false, message: `Regel ${line}: ${message}` })

    const person = cell('persoon') ? persons.find((p) => normal(p.name) === normal(cell('persoon'))) : undefined
    if (cell('persoon') && !person) return fail(`"${cell('persoon')}" staat niet in de lijst van betrokkenen.`)
    const agePerson = cell('leeftijd van') ? persons.find((p) => normal(p.name) === normal(cell('leeftijd van'))) : person
    if (cell('leeftijd van') && !agePerson) return fail(`"${cell('leeftijd van')}" staat niet in de lijst van betrokkenen.`)
    const date = parseDutchDate(cell('datum'), { personId: agePerson?.id ?? null })
    if (!date.ok) return fail(date.message)
    const category = pick<EventCategory>(cell('soort'), EVENT_CATEGORIES, (c) => EVENT_CATEGORY_INFO[c].label)
    if (!category) return fail(`onbekende soort "${cell('soort')}". Kies uit: ${EVENT_CATEGORIES.map((c) => EVENT_CATEGORY_INFO[c].label).join(', ')}.`)
    const tag = pick<EpistemicTag>(cell('label'), EPISTEMIC_TAGS, (t) => EPISTEMIC_TAG_LABELS[t])
    if (!tag) return fail(`onbekend label "${cell('label')}". Kies uit: ${EPISTEMIC_TAGS.join(', ')}.`)
    const side: SourceSide | null = cell('kant')
      ? pick<SourceSide>(cell('kant'), SOURCE_SIDES, (s) => s)
      : person
        ? person.kind === 'professional'
          ? 'professional'
          : person.kind === 'gezin'
            ? 'gezin'
            : 'anders'
        : 'anders'
    if (!side) return fail(`onbekende kant "${cell('kant')}". Kies uit: ${SOURCE_SIDES.join(', ')}.`)
    const origin: SourceOrigin | null = cell('herkomst') ? pick<SourceOrigin>(cell('herkomst'), SOURCE_ORIGINS, (o) => o) : 'dossier'
    if (!origin) return fail(`onbekende herkomst "${cell('herkomst')}". Kies uit: ${SOURCE_ORIGINS.join(', ')}.`)
    const source = { personId: person?.id ?? null, side, origin }
    const lane: Lane | null = cell('plek') ? pick<Lane>(cell('plek'), LANES, (l) => l) : defaultLaneFor(preset, source, category)
    if (!lane) return fail(`onbekende plek "${cell('plek')}". Kies boven of onder.`)
    const props = newEventProps({ date: date.spec, category, tag, source, text: cell('tekst'), lane })
    const check = validateEventProps(props, persons)
    return check.ok ? { line, ok: true, props } : fail(check.message)
  })
  return { ok: true, rows }
}

function quote(value: string): string {
  return /[;"\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** The cards as CSV (`;`-separated, the columns above), readable back by parseTimelineCsv. */
export function formatTimelineCsv(events: readonly TimelineEventProps[], persons: readonly Person[]): string {
  const nameOf = (id: string | null) => findPerson(persons, id)?.name ?? ''
  const lines = events.map((event) => {
    const ageOf = event.date.kind === 'age' && event.date.personId !== event.source.personId ? nameOf(event.date.personId) : ''
    const cells: Record<Column, string> = {
      datum: formatDateSpec(event.date),
      'leeftijd van': ageOf,
      soort: event.category,
      label: event.tag,
      kant: event.source.side,
      persoon: nameOf(event.source.personId),
      herkomst: event.source.origin,
      plek: event.lane,
      tekst: event.text,
    }
    return CSV_COLUMNS.map((column) => quote(cells[column])).join(';')
  })
  return [CSV_COLUMNS.join(';'), ...lines].join('\n') + '\n'
}
