/**
 * The verslag of a session: a structured summary the facilitator takes into the organisation's own
 * file. Built as a small document model (sections of tables, lists and paragraphs) that both the
 * Markdown and the printable HTML renderer read, so the two never say different things.
 */
import { RELATION_KIND_INFO } from '../genogram/notation.ts'
import { PERSON_KINDS, PERSON_KIND_LABELS, type Person } from '../personen/person.ts'
import { clusterTitle } from '../themaclusters/clusters.ts'
import { EPISTEMIC_TAG_LABELS, EVENT_CATEGORY_INFO, SOURCE_ORIGIN_LABELS, SOURCE_SIDE_LABELS } from '../tijdlijn/categories.ts'
import { MONTH_NAMES, anchorOf, formatDateSpec, resolveDate } from '../tijdlijn/dates.ts'
import { laneLabel } from '../tijdlijn/lanes.ts'
import { type BoardContent, type TimelineContent, namesOnBoard } from './content.ts'
import { type Consent, consentLines } from './consent.ts'
import { KEEP_NAMES, makePseudonymiser, type PseudonymMode, type Pseudonymiser } from './pseudonymise.ts'

export type VerslagBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'subheading'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  /** A picture of part of the board (`src`: a data: URL); Markdown names it, HTML shows it. */
  | { kind: 'figure'; caption: string; src: string }

export interface VerslagSection {
  id: string
  heading: string
  blocks: VerslagBlock[]
}

export interface Verslag {
  title: string
  /** Label/value lines under the title: date, facilitator, participants. */
  facts: [string, string][]
  sections: VerslagSection[]
  footer: string
}

/** One row of the perspectiefwissel table; fields not yet revealed are null. */
export interface PerspectiefwisselRow {
  role: string
  holderName: string | null
  posture: string | null
  dilemma: string | null
  feeling: string | null
  notes: string | null
}

/** What the server knows about the session, next to the board's content. */
export interface VerslagSession {
  boardTitle: string
  /** YYYY-MM-DD: the day of the session (or of the export). */
  date: string
  facilitators: string[]
  participants: string[]
  perspectiefwissel: { phase: string; rows: PerspectiefwisselRow[] } | null
  consent: Consent | null
  /** The agenda of werkvormen; `current` the step the session reached. */
  agenda?: { steps: string[]; current: number | null }
  rugzak?: { carrier: string; items: { byName: string; text: string }[]; removed: { byName: string; text: string }[] } | null
}

export interface VerslagOptions {
  /** Replace names by initials or role labels (pseudonymised export); null keeps them. */
  pseudonymise: PseudonymMode | null
}

export function formatDutchDay(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate)
  if (!match) return isoDate
  return `${Number(match[3])} ${MONTH_NAMES[Number(match[2]) - 1]} ${match[1]}`
}

const collator = new Intl.Collator('nl')

/** A person as the verslag names them: the name, or their own short form when pseudonymised. */
type NameOf = (person: Person) => string

function personLabel(persons: readonly Person[], id: string | null, nameOf: NameOf): string {
  const person = persons.find((p) => p.id === id)
  if (!person) return ''
  return person.relation ? `${nameOf(person)}, ${person.relation}` : nameOf(person)
}

function timelineBlocks(timeline: TimelineContent, persons: readonly Person[], nameOf: NameOf): VerslagBlock[] {
  const rows = timeline.events
    .map(({ props }) => {
      const resolved = resolveDate(props.date, persons)
      // Sorted where the card sits on the axis: an approximate date by its middle, not its early edge.
      return { props, start: resolved.ok ? anchorOf(resolved) : Number.POSITIVE_INFINITY, date: resolved.ok ? resolved.label : `${formatDateSpec(props.date)} (niet te plaatsen)` }
    })
    .sort((a, b) => a.start - b.start || Number(a.props.counterOf !== null) - Number(b.props.counterOf !== null) || collator.compare(a.props.text, b.props.text))
    .map(({ props, date }) => {
      const source = [personLabel(persons, props.source.personId, nameOf) || SOURCE_SIDE_LABELS[props.source.side], SOURCE_ORIGIN_LABELS[props.source.origin].toLowerCase(), props.sourceDetail]
        .filter((part) => part)
        .join('; ')
      const marks = [
        props.cruciaal ? `Cruciaal moment (genoemd door ${props.cruciaal.namedBy})` : null,
        props.omslagpunt ? `Omslagpunt (genoemd door ${props.omslagpunt.namedBy})` : null,
        props.contested ? `Betwist door ${props.contested.by}` : null,
        props.counterOf ? 'Tegenuitspraak bij een betwiste kaart' : null,
      ].filter((m): m is string => m !== null)
      return [
        date,
        EVENT_CATEGORY_INFO[props.category].label,
        EPISTEMIC_TAG_LABELS[props.tag],
        laneLabel(timeline.lanePreset, props.lane, timeline.lanesSwapped),
        source,
        props.text,
        marks.join('; '),
      ]
    })
  if (rows.length === 0) return [{ kind: 'paragraph', text: 'Er staan nog geen gebeurtenissen op deze tijdlijn.' }]
  return [{ kind: 'table', columns: ['Datum', 'Soort', 'Informatie', 'Plek', 'Bron', 'Wat', 'Markering'], rows }]
}

function personLine(person: Person, isIndex: boolean, nameOf: NameOf): string {
  const years = person.birthYear === null ? '' : person.deceased ? ` (${person.birthYear}–${person.deathYear ?? '?'}, overleden)` : ` (geboren ${person.birthYear})`
  const deceasedNoYear = person.deceased && person.birthYear === null ? ' (overleden)' : ''
  const organisation = person.organisation ? `, ${person.organisation}` : ''
  return `${nameOf(person) || 'Naam onbekend'}${person.relation ? `: ${person.relation}` : ''}${organisation}${years}${deceasedNoYear}${isIndex ? ' (hoofdpersoon)' : ''}`
}

function relationLines(content: BoardContent, shown: NameOf): string[] {
  const nameOf = (id: string) => {
    const person = content.persons.find((p) => p.id === id)
    return person ? shown(person) : null
  }
  const couples = new Map(content.relations.filter((r) => r.relationType === 'koppel').map((r) => [r.id, r]))
  const lines: string[] = []
  for (const relation of content.relations) {
    const info = RELATION_KIND_INFO[`${relation.relationType}:${relation.kind}`]
    const kindLabel = (info?.label ?? relation.kind).toLowerCase()
    const extra = relation.label ? ` (${relation.label})` : ''
    const to = nameOf(relation.to)
    if (to === null) continue
    if (relation.relationType === 'kind') {
      const couple = couples.get(relation.from)
      const parents = couple ? [nameOf(couple.from), nameOf(couple.to)].filter((n): n is string => n !== null).join(' en ') : nameOf(relation.from)
      if (!parents) continue
      lines.push(`${to}: ${kindLabel}${relation.twin ? ' (tweeling)' : ''} van ${parents}${extra}`)
      continue
    }
    const from = nameOf(relation.from)
    if (from === null) continue
    lines.push(`${from} ${info?.directed ? '→' : 'en'} ${to}: ${kindLabel}${extra}`)
  }
  return lines.sort(collator.compare)
}

function openQuestions(content: BoardContent): string[] {
  const questions: string[] = []
  for (const timeline of content.timelines) {
    for (const { props } of timeline.gaps) {
      const by = props.namedBy ? ` (benoemd door ${props.namedBy})` : ''
      questions.push(`Informatie ontbreekt van ${formatDateSpec(props.from)} tot ${formatDateSpec(props.to)}${props.note ? `: ${props.note}` : ''}${by}`)
    }
    for (const { props } of timeline.events) {
      if (props.contested) questions.push(`Betwist: "${props.text}" ${props.contested.by}: "${props.contested.counterStatement}"`)
    }
    for (const { props } of timeline.events) {
      if (props.tag === 'aanname') questions.push(`Aanname om na te gaan: "${props.text}"`)
    }
  }
  return questions
}

/**
 * The one replacement table for a verslag and its pictures: the registry, then the session's
 * people, then whoever the board names, so every part of one export uses the same short forms.
 */
export function verslagPseudonymiser(content: BoardContent, session: Pick<VerslagSession, 'facilitators' | 'participants'>, mode: PseudonymMode): Pseudonymiser {
  return makePseudonymiser(content.persons, mode, [...session.facilitators, ...session.participants, ...namesOnBoard(content)])
}

/** The title of a pseudonymised verslag: the board's title is free text and often names the family. */
export const PSEUDONYMISED_TITLE = 'Verslag (gepseudonimiseerd)'

/**
 * The title an exported file is named after: the board's own, or none at all when names are
 * replaced (a title like "Gezin Yilmaz" names the family even when nobody is registered under
 * that name, and no replacement table can know every spelling of it).
 */
export function exportFileTitle(boardTitle: string, pseudonymise: PseudonymMode | null): string {
  return pseudonymise === null ? boardTitle : ''
}

/**
 * Builds the verslag; with `pseudonymise`, every name and organisation the board knows is
 * replaced, each registry person by their own short form, and the board's title is left out.
 */
export function buildVerslag(content: BoardContent, session: VerslagSession, options: VerslagOptions = { pseudonymise: null }): Verslag {
  const sections: VerslagSection[] = []
  const names = options.pseudonymise === null ? KEEP_NAMES : verslagPseudonymiser(content, session, options.pseudonymise)
  // Two people with the same name are still two people: the lists name each by their own form.
  const nameOf: NameOf = (person) => names.person(person)

  const agenda = session.agenda
  if (agenda && agenda.steps.length > 0) {
    sections.push({
      id: 'agenda',
      heading: 'Agenda',
      blocks: [
        {
          kind: 'list',
          items: agenda.steps.map((step, i) => (agenda.current === null ? step : i < agenda.current ? `${step} (gedaan)` : i === agenda.current ? `${step} (huidige stap)` : `${step} (nog niet aan toe)`)),
        },
      ],
    })
  }

  for (const [index, timeline] of content.timelines.entries()) {
    sections.push({ id: `tijdlijn-${index + 1}`, heading: `Tijdlijn: ${timeline.title}`, blocks: timelineBlocks(timeline, content.persons, nameOf) })
  }

  if (content.persons.length > 0 || content.relations.length > 0) {
    const blocks: VerslagBlock[] = []
    for (const kind of PERSON_KINDS) {
      const persons = content.persons.filter((p) => p.kind === kind).sort((a, b) => collator.compare(a.name, b.name))
      if (persons.length === 0) continue
      blocks.push({ kind: 'subheading', text: PERSON_KIND_LABELS[kind] }, { kind: 'list', items: persons.map((p) => personLine(p, content.indexPersonIds.includes(p.id), nameOf)) })
    }
    const relations = relationLines(content, nameOf)
    if (relations.length > 0) blocks.push({ kind: 'subheading', text: 'Relaties' }, { kind: 'list', items: relations })
    sections.push({ id: 'personen', heading: 'Betrokkenen en relaties', blocks })
  }

  if (content.clusters.length > 0) {
    const blocks: VerslagBlock[] = []
    const totalOf = (noteId: string) => content.voteTotals[noteId] ?? 0
    const dotsOf = (cluster: (typeof content.clusters)[number]) => cluster.notes.reduce((sum, note) => sum + totalOf(note.id), 0)
    // The themes the group weighed heaviest first; the board's own order is not stored.
    const clusters = [...content.clusters].sort((a, b) => dotsOf(b) - dotsOf(a) || collator.compare(clusterTitle(a.feeling, a.need), clusterTitle(b.feeling, b.need)))
    for (const cluster of clusters) {
      const dots = dotsOf(cluster)
      blocks.push({ kind: 'subheading', text: `${clusterTitle(cluster.feeling, cluster.need)}${dots > 0 ? ` (${dots} ${dots === 1 ? 'stip' : 'stippen'})` : ''}` })
      const notes = [...cluster.notes].sort((a, b) => totalOf(b.id) - totalOf(a.id))
      const items = notes.filter((n) => n.text).map((note) => (totalOf(note.id) > 0 ? `${note.text} (${totalOf(note.id)} ${totalOf(note.id) === 1 ? 'stip' : 'stippen'})` : note.text))
      blocks.push(items.length > 0 ? { kind: 'list', items } : { kind: 'paragraph', text: 'Nog geen briefjes.' })
    }
    sections.push({ id: 'themaclusters', heading: "Themaclusters (belevingsthema's)", blocks })
  }

  const pw = session.perspectiefwissel
  if (pw !== null && pw.rows.length > 0) {
    const hidden = 'nog niet onthuld'
    sections.push({
      id: 'perspectiefwissel',
      heading: 'Perspectiefwissel',
      blocks: [
        {
          kind: 'table',
          columns: ['Rol', 'Gespeeld door', 'Houding', 'Grootste dilemma of angst', 'Hoe voelt de rol zich', 'Notities'],
          rows: pw.rows.map((row) => [row.role, row.holderName ?? 'niet gekozen', row.posture ?? hidden, row.dilemma ?? hidden, row.feeling ?? hidden, row.notes ?? '']),
        },
      ],
    })
  }

  if (content.groups.length > 0) {
    const blocks: VerslagBlock[] = []
    for (const group of content.groups) {
      blocks.push({ kind: 'subheading', text: group.name })
      blocks.push({ kind: 'paragraph', text: group.perspective.length > 0 ? `Langetermijnperspectief: ${group.perspective.join(' ')}` : 'Geen langetermijnperspectief ingevuld.' })
      if (group.steps.length > 0) blocks.push({ kind: 'list', items: group.steps.map((step, i) => `Stap ${i + 1}: ${step}`) })
    }
    sections.push({ id: 'twee-groepen', heading: 'Twee groepen: perspectief en eerste stappen', blocks })
  }

  const rugzak = session.rugzak
  if (rugzak) {
    const blocks: VerslagBlock[] = [{ kind: 'paragraph', text: `Gedragen door: ${rugzak.carrier}` }]
    blocks.push(rugzak.items.length > 0 ? { kind: 'list', items: rugzak.items.map((item) => `${item.text} (${item.byName})`) } : { kind: 'paragraph', text: 'De rugzak is leeg.' })
    if (rugzak.removed.length > 0) blocks.push({ kind: 'subheading', text: 'Eruit gehaald' }, { kind: 'list', items: rugzak.removed.map((item) => `${item.text} (eruit gehaald door ${item.byName})`) })
    sections.push({ id: 'rugzak', heading: 'Rugzak: adviezen', blocks })
  }

  if (content.alternatives.length > 0) {
    const groups = [...new Set(content.alternatives.map((a) => a.group ?? ''))].sort(collator.compare)
    const blocks: VerslagBlock[] = []
    for (const group of groups) {
      if (group) blocks.push({ kind: 'subheading', text: group })
      const items = content.alternatives
        .filter((a) => (a.group ?? '') === group)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((a) => `${a.who ? `${a.who}: ` : ''}${a.text}${a.byName ? ` (ingebracht door ${a.byName})` : ''}`)
      blocks.push({ kind: 'list', items })
    }
    sections.push({ id: 'handelingsalternatieven', heading: 'Handelingsalternatieven', blocks })
  }

  const questions = openQuestions(content)
  sections.push({
    id: 'open-vragen',
    heading: 'Open vragen',
    blocks: questions.length > 0 ? [{ kind: 'list', items: questions }] : [{ kind: 'paragraph', text: 'Er zijn geen open vragen op het bord gezet.' }],
  })

  const facts: [string, string][] = [
    ['Datum', formatDutchDay(session.date)],
    ['Facilitator', session.facilitators.length > 0 ? session.facilitators.map((n, i) => names.participant(n, i)).join(', ') : 'onbekend'],
    ['Deelnemers', session.participants.length > 0 ? session.participants.map((n, i) => names.participant(n, i + session.facilitators.length)).join(', ') : 'geen namen bekend'],
    ...consentLines(session.consent),
  ]
  const footer =
    'Samengevat uit het gezamenlijke bord in Samenbord. Het bord is een werkruimte: bewaar dit verslag in het eigen dossier van de organisatie.' +
    (options.pseudonymise === null ? '' : ` Namen zijn vervangen door ${options.pseudonymise === 'rol' ? 'rollen' : 'initialen'} (met een volgnummer waar mensen ${options.pseudonymise === 'rol' ? 'dezelfde rol' : 'dezelfde initialen'} hebben), organisaties door [organisatie].`)

  const title = options.pseudonymise === null ? `Verslag: ${session.boardTitle}` : PSEUDONYMISED_TITLE
  const verslag: Verslag = { title, facts, sections, footer }
  return options.pseudonymise === null ? verslag : pseudonymiseVerslag(verslag, names)
}

/** Puts a picture at the top of a section (the tijdlijn's picture above its table). */
export function withFigure(verslag: Verslag, sectionId: string, figure: { caption: string; src: string }): Verslag {
  return {
    ...verslag,
    sections: verslag.sections.map((section) => (section.id === sectionId ? { ...section, blocks: [{ kind: 'figure', ...figure }, ...section.blocks] } : section)),
  }
}

/** Runs every text of the verslag (not the fixed facts' labels) through the pseudonymiser. */
function pseudonymiseVerslag(verslag: Verslag, names: Pseudonymiser): Verslag {
  const t = names.text
  return {
    title: t(verslag.title),
    // Participant names were replaced one by one above; the rest of a fact may still name someone.
    facts: verslag.facts.map(([label, value]) => [label, t(value)]),
    footer: verslag.footer,
    sections: verslag.sections.map((section) => ({
      ...section,
      heading: t(section.heading),
      blocks: section.blocks.map((block): VerslagBlock => {
        switch (block.kind) {
          case 'paragraph':
          case 'subheading':
            return { ...block, text: t(block.text) }
          case 'list':
            return { ...block, items: block.items.map(t) }
          case 'table':
            return { ...block, rows: block.rows.map((row) => row.map(t)) }
          case 'figure':
            // The picture itself is pseudonymised when it is made (pseudonymiseTree on its SVG).
            return { ...block, caption: t(block.caption) }
        }
      }),
    })),
  }
}
