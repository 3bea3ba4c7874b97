import type { Editor, TLShape, TLShapeId, TLShapePartial } from 'tldraw'
import { axisWidth, xForDate, type TimelineAxis } from '@samenbord/shared/werkvormen/tijdlijn/axis'
import { resolveDate } from '@samenbord/shared/werkvormen/tijdlijn/dates'
import { DEFAULT_EVENT_SIZE } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { layoutTimeline, type LayoutCard } from '@samenbord/shared/werkvormen/tijdlijn/layout'
import { registryPersons } from '../personen/person-record.ts'
import { TIJDLIJN_GAT_TYPE, type TijdlijnGatShape } from './TijdlijnGatShapeUtil.tsx'
import { AXIS_BAND, axisLineY, TIJDLIJN_KAART_TYPE, TIJDLIJN_TYPE, type TijdlijnKaartShape, type TijdlijnShape } from './tijdlijn-shapes.ts'

const GAP = 16
const MARGIN = 120

function isTijdlijn(shape: TLShape | undefined): shape is TijdlijnShape {
  return shape?.type === TIJDLIJN_TYPE
}
function isKaart(shape: TLShape | undefined): shape is TijdlijnKaartShape {
  return shape?.type === TIJDLIJN_KAART_TYPE
}
function isGat(shape: TLShape | undefined): shape is TijdlijnGatShape {
  return shape?.type === TIJDLIJN_GAT_TYPE
}

/**
 * Puts every card of a timeline at its date and in its lane, without overlaps. Every client runs
 * the same deterministic layout on its own edits, so concurrent edits settle on one picture.
 * A card dragged across the line changes lane; a card dragged to another row keeps that row.
 */
export function relayoutTimeline(editor: Editor, timelineId: TLShapeId): void {
  const timeline = editor.getShape(timelineId)
  if (!isTijdlijn(timeline)) return
  const persons = registryPersons(editor)
  const children = editor.getSortedChildIdsForParent(timeline.id).map((id) => editor.getShape(id))
  const cards = children.filter(isKaart)
  const gaps = children.filter(isGat)
  const lineY = axisLineY(timeline)

  // Cards dragged across the axis line move to the other lane.
  const laneFixes: (TLShapePartial<TijdlijnKaartShape> & { props: { lane: 'boven' | 'onder' } })[] = cards
    .filter((card) => {
      const centre = card.y + card.props.h / 2
      return Math.abs(centre - lineY) > AXIS_BAND && (centre < lineY ? 'boven' : 'onder') !== card.props.lane
    })
    .map((card) => ({ id: card.id, type: TIJDLIJN_KAART_TYPE, props: { lane: card.props.lane === 'boven' ? ('onder' as const) : ('boven' as const) } }))

  const ranges = cards.map((card) => {
    const resolved = resolveDate(card.props.date, persons)
    return resolved.ok ? resolved : null
  })
  // The axis grows to show every dated card (the team extends the paper, in whole years).
  // A card is centred on its date, so half a card's width must fit inside the axis too.
  let axis: TimelineAxis = timeline.props
  const halfCard = DEFAULT_EVENT_SIZE.w / 2 / axis.pixelsPerYear
  for (const range of ranges) {
    if (!range) continue
    const mid = (range.start + range.end) / 2
    if (mid - halfCard < axis.startYear) axis = { ...axis, startYear: Math.floor(mid - halfCard) }
    if (mid + halfCard > axis.endYear) axis = { ...axis, endYear: Math.ceil(mid + halfCard) }
  }

  const lanes = new Map(laneFixes.map((fix) => [fix.id, fix.props.lane]))
  const layoutCards: LayoutCard[] = cards.map((card, i) => {
    const range = ranges[i] ?? { start: axis.startYear, end: axis.startYear }
    return { id: card.id, start: range.start, end: range.end, lane: lanes.get(card.id) ?? card.props.lane, previous: { x: card.x, y: card.y - lineY } }
  })
  const positions = layoutTimeline(axis, layoutCards, { cardWidth: DEFAULT_EVENT_SIZE.w, cardHeight: DEFAULT_EVENT_SIZE.h, gap: GAP })

  // Room for the outermost row on both sides, so the lanes always frame their cards.
  let reach = DEFAULT_EVENT_SIZE.h + GAP
  for (const { y } of positions.values()) reach = Math.max(reach, y < 0 ? -y : y + DEFAULT_EVENT_SIZE.h)
  const h = Math.max(timeline.props.h, 2 * (reach + MARGIN))
  const newLineY = h / 2

  const moves: TLShapePartial<TijdlijnKaartShape>[] = cards
    .map((card) => ({ card, at: positions.get(card.id)! }))
    .filter(({ card, at }) => Math.abs(card.x - at.x) > 0.5 || Math.abs(card.y - (at.y + newLineY)) > 0.5)
    .map(({ card, at }) => ({ id: card.id, type: TIJDLIJN_KAART_TYPE, x: at.x, y: at.y + newLineY }))

  // A gap spans its period across both lanes.
  const gapUpdates: TLShapePartial<TijdlijnGatShape>[] = []
  for (const gap of gaps) {
    const from = resolveDate(gap.props.from, persons)
    const to = resolveDate(gap.props.to, persons)
    if (!from.ok || !to.ok) continue
    const x = xForDate(axis, from.start)
    const w = Math.max(20, xForDate(axis, to.end) - x)
    if (Math.abs(gap.x - x) > 0.5 || gap.y !== 0 || Math.abs(gap.props.w - w) > 0.5 || gap.props.h !== h) {
      gapUpdates.push({ id: gap.id, type: TIJDLIJN_GAT_TYPE, x, y: 0, props: { w, h } })
    }
  }

  const axisChanged = axis.startYear !== timeline.props.startYear || axis.endYear !== timeline.props.endYear
  const w = axisWidth(axis)
  const timelineUpdate: TLShapePartial<TijdlijnShape>[] =
    axisChanged || h !== timeline.props.h || w !== timeline.props.w
      ? [{ id: timeline.id, type: TIJDLIJN_TYPE, props: { startYear: axis.startYear, endYear: axis.endYear, w, h } }]
      : []
  if (!moves.length && !laneFixes.length && !timelineUpdate.length && !gapUpdates.length) return
  editor.run(() => editor.updateShapes<TLShape>([...timelineUpdate, ...laneFixes, ...moves, ...gapUpdates]), { history: 'ignore' })
}

/** Re-lays out a timeline whenever this client changes it or one of its cards. */
export function registerTimelineLayout(editor: Editor): () => void {
  const pending = new Set<TLShapeId>()
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = () => {
    timer = null
    // Never pull a card from under someone's pointer: wait until the drag ends.
    if (editor.isIn('select.translating') || editor.isIn('select.resizing')) {
      timer = setTimeout(flush, 120)
      return
    }
    const ids = [...pending]
    pending.clear()
    for (const id of ids) relayoutTimeline(editor, id)
  }
  const schedule = (shape: TLShape | undefined) => {
    const timelineId = isTijdlijn(shape) ? shape.id : isKaart(shape) || isGat(shape) ? (shape.parentId as TLShapeId) : null
    if (!timelineId) return
    pending.add(timelineId)
    timer ??= setTimeout(flush, 0)
  }
  const scheduleAll = () => {
    for (const shape of editor.getCurrentPageShapes()) if (isTijdlijn(shape)) schedule(shape)
  }
  const disposers = [
    editor.sideEffects.registerAfterCreateHandler('shape', (shape, source) => {
      if (source === 'user') schedule(shape)
    }),
    editor.sideEffects.registerAfterChangeHandler('shape', (prev, next, source) => {
      if (source !== 'user') return
      schedule(next)
      // A card dragged out of a timeline frees its place in the old one.
      if (prev.parentId !== next.parentId) schedule(editor.getShape(prev.parentId as TLShapeId))
    }),
    // Age-based dates depend on birth years.
    editor.sideEffects.registerAfterChangeHandler('person', (_prev, _next, source) => {
      if (source === 'user') scheduleAll()
    }),
  ]
  return () => {
    if (timer) clearTimeout(timer)
    disposers.forEach((dispose) => dispose())
  }
}
