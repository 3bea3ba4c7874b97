import { T } from '@tldraw/validate'
import { type Check, MAX_YEAR, MIN_YEAR, OK, boundedText, checkWith, fail, idValidator, refuse, shapeSizeValidator, yearValidator } from '../check.ts'
import type { Person } from '../personen/person.ts'
import { MAX_PIXELS_PER_YEAR, MIN_PIXELS_PER_YEAR, validateAxis } from './axis.ts'
import {
  EPISTEMIC_TAGS,
  EVENT_CATEGORIES,
  type EpistemicTag,
  type EventCategory,
  type EventSource,
  SOURCE_ORIGINS,
  SOURCE_SIDES,
  type SourceSide,
} from './categories.ts'
import { type DateSpec, dateSpecValidator, resolveDate } from './dates.ts'
import { LANES, LANE_PRESET_IDS, type Lane, type LanePresetId } from './lanes.ts'

/** Someone named this moment crucial or a turning point; kept with their name and when. */
export interface EventFlag {
  /** Display name of whoever named it (as shown on the board, may be a role or pseudonym). */
  namedBy: string
  /** Milliseconds since the epoch. */
  at: number
}

/**
 * Someone disputes what the card says. The card stays; the objection is kept with it and,
 * usually, as a linked counter-statement card (whose `counterOf` is this card's id).
 */
export interface EventContest {
  by: string
  counterStatement: string
}

export interface TimelineEventProps {
  w: number
  h: number
  date: DateSpec
  category: EventCategory
  tag: EpistemicTag
  source: EventSource
  /** Where exactly it comes from ("gespreksverslag 12-03", "brief van de GI"); empty when not said. Added in tijdlijn-kaart version 1. */
  sourceDetail: string
  text: string
  lane: Lane
  cruciaal: EventFlag | null
  omslagpunt: EventFlag | null
  contested: EventContest | null
  /** Id of the card this one answers, when it is a counter-statement. */
  counterOf: string | null
}

export const MAX_EVENT_TEXT = 2000
export const MAX_NAME_TEXT = 80
export const MAX_SOURCE_DETAIL = 200

export const eventFlagValidator = T.object<EventFlag>({
  namedBy: boundedText('Wie het moment benoemde', 1, MAX_NAME_TEXT),
  at: T.number.check((value) => {
    if (!Number.isFinite(value) || value < 0) refuse('Het tijdstip van de markering is ongeldig')
  }),
})

export const eventContestValidator = T.object<EventContest>({
  by: boundedText('Wie de kaart betwist', 1, MAX_NAME_TEXT),
  counterStatement: boundedText('De tegenuitspraak', 1, MAX_EVENT_TEXT),
})

export const eventSourceValidator = T.object<EventSource>({
  personId: idValidator('De bron').nullable(),
  side: T.literalEnum(...SOURCE_SIDES),
  origin: T.literalEnum(...SOURCE_ORIGINS),
})

/** Prop validators of the event card, for a tldraw ShapeUtil's `static props`. */
export const timelineEventProps = {
  w: shapeSizeValidator,
  h: shapeSizeValidator,
  date: dateSpecValidator,
  category: T.literalEnum(...EVENT_CATEGORIES),
  tag: T.literalEnum(...EPISTEMIC_TAGS),
  source: eventSourceValidator,
  sourceDetail: boundedText('De toelichting bij de bron', 0, MAX_SOURCE_DETAIL),
  text: boundedText('De tekst van de kaart', 0, MAX_EVENT_TEXT),
  lane: T.literalEnum(...LANES),
  cruciaal: eventFlagValidator.nullable(),
  omslagpunt: eventFlagValidator.nullable(),
  contested: eventContestValidator.nullable(),
  counterOf: idValidator('De betwiste kaart').nullable(),
}

export const timelineEventPropsValidator = T.object<TimelineEventProps>(timelineEventProps)

export const EVENT_FIELD_LABELS: Record<keyof TimelineEventProps, string> = {
  w: 'breedte',
  h: 'hoogte',
  date: 'datum',
  category: 'soort gebeurtenis',
  tag: 'soort informatie',
  source: 'bron',
  sourceDetail: 'toelichting bij de bron',
  text: 'tekst',
  lane: 'plek boven of onder de lijn',
  cruciaal: 'cruciaal moment',
  omslagpunt: 'omslagpunt',
  contested: 'betwist',
  counterOf: 'tegenuitspraak bij',
}

/**
 * Checks event-card props. With `persons`, an age-relative date must also resolve
 * (the person exists and has a birth year).
 */
export function validateEventProps(props: unknown, persons?: readonly Person[]): Check {
  const check = checkWith(timelineEventPropsValidator, props, EVENT_FIELD_LABELS)
  if (!check.ok || !persons) return check
  const event = props as TimelineEventProps
  const resolved = resolveDate(event.date, persons)
  if (!resolved.ok) return fail(resolved.message)
  if (event.source.personId !== null && !persons.some((person) => person.id === event.source.personId)) {
    return fail('De bron van deze kaart staat niet in de personenlijst')
  }
  return OK
}

export const DEFAULT_EVENT_SIZE = { w: 220, h: 140 }

export function newEventProps(fields: Pick<TimelineEventProps, 'date' | 'category' | 'tag' | 'source' | 'text' | 'lane'> & Partial<TimelineEventProps>): TimelineEventProps {
  return {
    ...DEFAULT_EVENT_SIZE,
    sourceDetail: '',
    cruciaal: null,
    omslagpunt: null,
    contested: null,
    counterOf: null,
    ...fields,
  }
}

export type EventFlagKind = 'cruciaal' | 'omslagpunt'

export const EVENT_FLAG_LABELS: Record<EventFlagKind, string> = {
  cruciaal: 'Cruciaal moment',
  omslagpunt: 'Omslagpunt',
}

export function flagEvent<P extends TimelineEventProps>(props: P, flag: EventFlagKind, namedBy: string, at: number): P {
  return { ...props, [flag]: { namedBy, at } }
}

export function unflagEvent<P extends TimelineEventProps>(props: P, flag: EventFlagKind): P {
  return { ...props, [flag]: null }
}

/**
 * Marks a card as disputed and returns the props of the linked counter-statement card
 * (same date, lane and category, text = the counter-statement, `counterOf` = the card's id).
 */
export function contestEvent(
  eventId: string,
  props: TimelineEventProps,
  contest: EventContest & { side: SourceSide; personId: string | null },
): { contested: TimelineEventProps; counter: TimelineEventProps } {
  const contested = { ...props, contested: { by: contest.by, counterStatement: contest.counterStatement } }
  const counter = newEventProps({
    w: props.w,
    h: props.h,
    date: props.date,
    category: props.category,
    tag: 'mening',
    lane: props.lane,
    source: { personId: contest.personId, side: contest.side, origin: 'live' },
    text: contest.counterStatement,
    counterOf: eventId,
  })
  return { contested, counter }
}

/** Disputed cards and counter-statements are never removed; the objection must stay visible. */
export function canDeleteEvent(props: Pick<TimelineEventProps, 'contested' | 'counterOf'>): Check {
  if (props.contested !== null) return fail('Deze kaart is betwist en blijft staan, samen met de tegenuitspraak.')
  if (props.counterOf !== null) return fail('Een tegenuitspraak blijft staan zolang de betwiste kaart er is.')
  return OK
}

export interface EventFilter {
  tags?: readonly EpistemicTag[]
  lanes?: readonly Lane[]
  sourceSides?: readonly SourceSide[]
  /** Cards whose source is one of these persons. */
  personIds?: readonly string[]
}

/** Whether a card passes a filter; a missing or empty list means "no restriction". */
export function matchesEventFilter(event: Pick<TimelineEventProps, 'tag' | 'lane' | 'source'>, filter: EventFilter): boolean {
  const allows = <V>(list: readonly V[] | undefined, value: V) => !list || list.length === 0 || list.includes(value)
  return (
    allows(filter.tags, event.tag) &&
    allows(filter.lanes, event.lane) &&
    allows(filter.sourceSides, event.source.side) &&
    (!filter.personIds || filter.personIds.length === 0 || (event.source.personId !== null && filter.personIds.includes(event.source.personId)))
  )
}

export function filterEvents<E extends Pick<TimelineEventProps, 'tag' | 'lane' | 'source'>>(events: readonly E[], filter: EventFilter): E[] {
  return events.filter((event) => matchesEventFilter(event, filter))
}

/** The "feiten ↔ beleving" toggle: facts, or what people felt and thought. */
export const FACT_TAGS: readonly EpistemicTag[] = ['feit']
export const EXPERIENCE_TAGS: readonly EpistemicTag[] = ['mening', 'aanname', 'emotie', 'interpretatie']

/** "Informatie ontbreekt": a stretch of time the team knows little about. */
export interface TimelineGapProps {
  w: number
  h: number
  from: DateSpec
  to: DateSpec
  note: string
  namedBy: string
}

export const MAX_GAP_NOTE = 500

export const timelineGapProps = {
  w: shapeSizeValidator,
  h: shapeSizeValidator,
  from: dateSpecValidator,
  to: dateSpecValidator,
  note: boundedText('De toelichting', 0, MAX_GAP_NOTE),
  namedBy: boundedText('Wie het gat benoemde', 0, MAX_NAME_TEXT),
}

export const timelineGapPropsValidator = T.object<TimelineGapProps>(timelineGapProps)

export const GAP_FIELD_LABELS: Record<keyof TimelineGapProps, string> = {
  w: 'breedte',
  h: 'hoogte',
  from: 'vanaf',
  to: 'tot',
  note: 'toelichting',
  namedBy: 'benoemd door',
}

/** Checks gap props; with `persons`, both ends must resolve and `to` may not lie before `from`. */
export function validateGapProps(props: unknown, persons?: readonly Person[]): Check {
  const check = checkWith(timelineGapPropsValidator, props, GAP_FIELD_LABELS)
  if (!check.ok || !persons) return check
  const gap = props as TimelineGapProps
  const from = resolveDate(gap.from, persons)
  if (!from.ok) return fail(`Vanaf: ${from.message}`)
  const to = resolveDate(gap.to, persons)
  if (!to.ok) return fail(`Tot: ${to.message}`)
  if (to.end <= from.start) return fail('Het einde van de ontbrekende periode ligt vóór het begin')
  return OK
}

/** The timeline frame itself: which lane preset, and the axis. */
export interface TimelineProps {
  w: number
  h: number
  title: string
  lanePreset: LanePresetId
  /** True when the preset's top and bottom legends are swapped. */
  lanesSwapped: boolean
  startYear: number
  endYear: number
  pixelsPerYear: number
}

export const MAX_TIMELINE_TITLE = 120

export const timelineProps = {
  w: shapeSizeValidator,
  h: shapeSizeValidator,
  title: boundedText('De titel', 0, MAX_TIMELINE_TITLE),
  lanePreset: T.literalEnum(...LANE_PRESET_IDS),
  lanesSwapped: T.boolean,
  // Field-level bounds also hold where only these validators run (tldraw's store);
  // the start/end ordering is checked by timelinePropsValidator.
  startYear: yearValidator('Het beginjaar'),
  endYear: T.number.check((value) => {
    if (!Number.isInteger(value) || value < MIN_YEAR || value > MAX_YEAR + 1) refuse('Het eindjaar valt buiten het bereik van de tijdlijn')
  }),
  pixelsPerYear: T.number.check((value) => {
    if (!Number.isFinite(value) || value < MIN_PIXELS_PER_YEAR || value > MAX_PIXELS_PER_YEAR) {
      refuse(`De schaal moet tussen ${MIN_PIXELS_PER_YEAR} en ${MAX_PIXELS_PER_YEAR} punten per jaar liggen`)
    }
  }),
}

export const timelinePropsValidator = T.object<TimelineProps>(timelineProps).check((props) => {
  const check = validateAxis(props)
  if (!check.ok) refuse(check.message)
})

export const TIMELINE_FIELD_LABELS: Record<keyof TimelineProps, string> = {
  w: 'breedte',
  h: 'hoogte',
  title: 'titel',
  lanePreset: 'indeling boven en onder de lijn',
  lanesSwapped: 'omgedraaide indeling',
  startYear: 'beginjaar',
  endYear: 'eindjaar',
  pixelsPerYear: 'schaal',
}

export function validateTimelineProps(props: unknown): Check {
  return checkWith(timelinePropsValidator, props, TIMELINE_FIELD_LABELS)
}

