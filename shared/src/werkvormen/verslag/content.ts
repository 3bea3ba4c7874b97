/**
 * What a verslag is made of, read from the board's records: the same plain data whatever made the
 * board (people in a session, the demo, a restored back-up). Ids are kept only to link things up;
 * the verslag itself never shows them.
 */
import type { GenogramRelation } from '../genogram/relations.ts'
import { ACTION_ALTERNATIVE_GROUP_LABELS, readActionAlternatives } from '../perspectiefwissel/alternatives.ts'
import type { Person } from '../personen/person.ts'
import type { DemoCase } from '../sjablonen/demo-case.ts'
import type { TimelineEventProps, TimelineGapProps } from '../tijdlijn/events.ts'
import type { LanePresetId } from '../tijdlijn/lanes.ts'

export interface TimelineContent {
  /** The tijdlijn shape's id, so a picture of it lands in its own section. */
  id: string
  title: string
  lanePreset: LanePresetId
  lanesSwapped: boolean
  events: { id: string; props: TimelineEventProps }[]
  gaps: { id: string; props: TimelineGapProps }[]
}

export interface ClusterContent {
  id: string
  feeling: string
  need: string
  notes: { id: string; text: string }[]
}

/** One handelingsalternatief (perspectiefwissel): what someone could do differently. */
export interface ActionAlternative {
  text: string
  /** Who could do it ("de mentor"); empty when not named. */
  who: string
  byName: string
  /** Group label in the two-group variant, else null. */
  group: string | null
  createdAt: number
}

export interface BoardContent {
  persons: Person[]
  indexPersonIds: string[]
  relations: (GenogramRelation & { label: string })[]
  timelines: TimelineContent[]
  clusters: ClusterContent[]
  /** Dots per note id, summed over voters. */
  voteTotals: Record<string, number>
  alternatives: ActionAlternative[]
  /** Two-group variant: each group's frame with its long-term perspective and first steps. */
  groups: { name: string; perspective: string[]; steps: string[] }[]
}

type AnyRecord = { id: string; typeName: string; [key: string]: unknown }

function isRecord(value: unknown): value is AnyRecord {
  return typeof value === 'object' && value !== null && typeof (value as AnyRecord).id === 'string' && typeof (value as AnyRecord).typeName === 'string'
}

/** Plain text of a tldraw rich text value (TipTap JSON): paragraphs joined by line breaks. */
export function plainTextOf(richText: unknown): string {
  const lines: string[] = []
  const walk = (node: unknown, line: string[]): void => {
    if (typeof node !== 'object' || node === null) return
    const { type, text, content } = node as { type?: string; text?: unknown; content?: unknown }
    if (typeof text === 'string') line.push(text)
    if (type === 'hardBreak') line.push('\n')
    if (Array.isArray(content)) {
      for (const child of content) {
        const isBlock = typeof child === 'object' && child !== null && ['paragraph', 'heading', 'listItem'].includes((child as { type?: string }).type ?? '')
        if (isBlock) {
          const inner: string[] = []
          walk(child, inner)
          lines.push(inner.join(''))
        } else walk(child, line)
      }
    }
  }
  const top: string[] = []
  walk(richText, top)
  if (top.length > 0) lines.unshift(top.join(''))
  return lines.map((l) => l.trim()).filter((l) => l.length > 0).join('\n')
}

/**
 * Reads the werkvormen from the main board document's records (`tl_records` values). Unknown
 * records are ignored, so a board with only drawings gives an empty verslag, not an error.
 */
export function collectBoardContent(values: Iterable<unknown>): BoardContent {
  const records = [...values].filter(isRecord)
  const shapes = records.filter((r) => r.typeName === 'shape')
  // Each shape's children, found once instead of scanning every shape per container.
  const childrenOf = new Map<unknown, AnyRecord[]>()
  for (const shape of shapes) {
    const siblings = childrenOf.get(shape.parentId)
    if (siblings) siblings.push(shape)
    else childrenOf.set(shape.parentId, [shape])
  }
  const children = (parent: AnyRecord, type: string) => (childrenOf.get(parent.id) ?? []).filter((s) => s.type === type)
  const props = <P>(r: AnyRecord) => r.props as P

  const persons = records
    .filter((r) => r.typeName === 'person')
    .map((r) => {
      const { typeName: _t, meta: _m, ...person } = r
      return person as unknown as Person
    })
  const indexPersonIds = shapes
    .filter((s) => s.type === 'genogram-persoon' && props<{ isIndex: boolean }>(s).isIndex)
    .map((s) => props<{ personId: string }>(s).personId)
  const relations = shapes
    .filter((s) => s.type === 'genogram-relatie')
    .map((s) => ({ id: s.id, ...props<Omit<GenogramRelation, 'id'> & { label: string }>(s) }))

  const timelines = shapes
    .filter((s) => s.type === 'tijdlijn')
    .map((timeline) => {
      const p = props<{ title: string; lanePreset: LanePresetId; lanesSwapped: boolean }>(timeline)
      return {
        id: timeline.id,
        title: p.title,
        lanePreset: p.lanePreset,
        lanesSwapped: p.lanesSwapped,
        events: children(timeline, 'tijdlijn-kaart').map((s) => ({ id: s.id, props: props<TimelineEventProps>(s) })),
        gaps: children(timeline, 'tijdlijn-gat').map((s) => ({ id: s.id, props: props<TimelineGapProps>(s) })),
      }
    })

  const clusters = shapes
    .filter((s) => s.type === 'themacluster')
    .map((cluster) => ({
      id: cluster.id,
      feeling: props<{ feeling: string }>(cluster).feeling,
      need: props<{ need: string }>(cluster).need,
      notes: children(cluster, 'note')
        .sort((a, b) => ((a.index as string) < (b.index as string) ? -1 : (a.index as string) > (b.index as string) ? 1 : 0))
        .map((note) => ({ id: note.id, text: plainTextOf(props<{ richText: unknown }>(note).richText) })),
    }))

  const voteTotals: Record<string, number> = {}
  for (const vote of records.filter((r) => r.typeName === 'stem')) {
    for (const [noteId, dots] of Object.entries((vote.dots ?? {}) as Record<string, number>)) voteTotals[noteId] = (voteTotals[noteId] ?? 0) + dots
  }

  const alternatives = readActionAlternatives(records).map((a) => ({
    text: a.text,
    who: a.who ?? '',
    byName: a.byName,
    group: a.group === null ? null : ACTION_ALTERNATIVE_GROUP_LABELS[a.group],
    createdAt: a.createdAt,
  }))

  // The two-group frames carry the group's name; a note starting "1." is a step, any other note the perspective.
  const groupNames = new Set(Object.values(ACTION_ALTERNATIVE_GROUP_LABELS) as string[])
  const groups = shapes
    .filter((s) => s.type === 'frame' && groupNames.has(props<{ name: string }>(s).name))
    // Left to right, as they stand side by side on the board.
    .sort((a, b) => (a.x as number) - (b.x as number))
    .map((frame) => {
      const notes = children(frame, 'note')
        .sort((a, b) => (a.y as number) - (b.y as number) || (a.x as number) - (b.x as number))
        .map((note) => plainTextOf(props<{ richText: unknown }>(note).richText))
      const step = /^\s*\d+[.)]\s*/
      return {
        name: props<{ name: string }>(frame).name,
        perspective: notes.filter((text) => text && !step.test(text)),
        steps: notes.filter((text) => step.test(text)).map((text) => text.replace(step, '').trim()).filter((text) => text.length > 0),
      }
    })

  return { persons, indexPersonIds, relations, timelines, clusters, voteTotals, alternatives, groups }
}

/** The demo case as board content, without a browser: what the demo board holds once loaded. */
export function contentOfDemoCase(demo: DemoCase): BoardContent {
  const voteTotals: Record<string, number> = {}
  for (const dots of Object.values(demo.votes)) for (const [noteId, n] of Object.entries(dots)) voteTotals[noteId] = (voteTotals[noteId] ?? 0) + n
  return {
    persons: demo.persons,
    indexPersonIds: [demo.indexPersonId],
    relations: demo.relations.map((relation) => ({ ...relation, label: '' })),
    timelines: [{ id: 'demo-tijdlijn', title: demo.timeline.title, lanePreset: demo.timeline.lanePreset, lanesSwapped: demo.timeline.lanesSwapped, events: demo.events, gaps: demo.gaps }],
    clusters: demo.clusters.map((c) => ({ id: c.id, feeling: c.props.feeling, need: c.props.need, notes: c.notes })),
    voteTotals,
    alternatives: [],
    groups: [],
  }
}

/**
 * The people the board itself names outside the registry: who marked a moment, disputed a card,
 * named a gap or brought in an alternative ("Fatima (facilitator)"). A pseudonymised export
 * replaces them too, also when the session's participant list no longer has them.
 */
export function namesOnBoard(content: BoardContent): string[] {
  const names = new Set<string>()
  for (const timeline of content.timelines) {
    for (const { props } of timeline.events) {
      for (const name of [props.cruciaal?.namedBy, props.omslagpunt?.namedBy, props.contested?.by]) if (name) names.add(name)
    }
    for (const { props } of timeline.gaps) if (props.namedBy) names.add(props.namedBy)
  }
  for (const alternative of content.alternatives) if (alternative.byName) names.add(alternative.byName)
  return [...names].sort()
}
