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

/**
 * Splits CSV text into records, honouring quotes (with "" escapes and newlines inside quotes).
 * A quoted cell is kept exactly as written between its quotes (spaces, tabs and line breaks
 * included), so the import reads its own export back unchanged; an unquoted cell is trimmed.
 */
function splitCsv(text: string, separator: string): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let inQuotes = false
  let quotedField = false
  const endField = () => {
    record.push(quotedField ? field : field.trim())
    field = ''
    quotedField = false
  }
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (inQuotes) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') inQuotes = false
      else field += char
    } else if (char === '"') {
      // Spaces before the opening quote are layout ("a; "b""), not part of the cell.
      if (!quotedField && field.trim() === '') field = ''
      inQuotes = true
      quotedField = true
    } else if (char === separator) endField()
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      endField()
      records.push(record)
      record = []
    } else if (quotedField && (char === ' ' || char === '\t')) {
      // Spaces after the closing quote: layout too.
    } else field += char
  }
  if (field !== '' || quotedField || record.length) {
    endField()
    records.push(record)
  }
  return records.filter((r) => r.some((cell) => cell.trim() !== ''))
}

/**
 * CSV injection (OWASP): a spreadsheet runs a cell that starts with one of these as a formula
 * ("=HYPERLINK(…)" in a moment's text), or strips a leading tab or carriage return and looks
 * again. Such a cell gets a single quote in front, so Excel and LibreOffice show it as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/
/**
 * What the export's prefix looks like: a quote followed by a formula character or by another
 * quote. A text that itself starts like that ("'=", "''") gets the prefix too, so the import can
 * always take exactly one quote off; "'t Hooft" starts with neither and is written as it is.
 */
const NEUTRALISED_START = /^'[=+\-@\t\r']/

/** A cell as the export writes it: a quote in front when a spreadsheet would read a formula. */
export function neutraliseCsvCell(value: string): string {
  return FORMULA_START.test(value) || NEUTRALISED_START.test(value) ? `'${value}` : value
}

/** Undoes neutraliseCsvCell exactly: restoreCsvCell(neutraliseCsvCell(s)) === s for every s. */
export function restoreCsvCell(value: string): string {
  return NEUTRALISED_START.test(value) ? value.slice(1) : value
}

/** The UTF-8 byte order mark: without it Excel reads the file as Windows-1252 ("Ã«" for "ë"). */
export const CSV_BOM = '\uFEFF'

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
  const clean = text.startsWith(CSV_BOM) ? text.slice(CSV_BOM.length) : text
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
    // The text exactly as written (a quoted cell keeps its spaces); every other cell trimmed.
    const exactCell = (column: Column) => restoreCsvCell(cells[columns.indexOf(column)] ?? '')
    const cell = (column: Column) => exactCell(column).trim()
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
    const props = newEventProps({ date: date.spec, category, tag, source, text: exactCell('tekst'), lane })
    const check = validateEventProps(props, persons)
    return check.ok ? { line, ok: true, props } : fail(check.message)
  })
  return { ok: true, rows }
}

/**
 * One cell of the export: neutralised when it could start a formula, and quoted when it is
 * neutralised, holds a separator (";" or the "," an English Excel splits on), a quote or a line
 * break, or starts or ends with white space the import would otherwise trim.
 */
function csvCell(value: string): string {
  const cell = neutraliseCsvCell(value)
  return cell !== value || /[;,"\n\r\t]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}

/**
 * The cards as CSV (`;`-separated, the columns above, with a byte order mark and formula cells
 * neutralised), read back unchanged by parseTimelineCsv.
 */
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
    return CSV_COLUMNS.map((column) => csvCell(cells[column])).join(';')
  })
  return CSV_BOM + [CSV_COLUMNS.join(';'), ...lines].join('\n') + '\n'
}
