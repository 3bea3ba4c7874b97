import type { EventCategory, EventSource } from './categories.ts'

export const LANES = ['boven', 'onder'] as const
export type Lane = (typeof LANES)[number]

export const LANE_PRESET_IDS = ['professionals-gezin', 'formeel-beleving'] as const
export type LanePresetId = (typeof LANE_PRESET_IDS)[number]

export interface LanePreset {
  id: LanePresetId
  /** Name of the preset in a picker. */
  label: string
  /** Legend text for the lane above and below the line. */
  boven: string
  onder: string
}

export const LANE_PRESETS: Record<LanePresetId, LanePreset> = {
  'professionals-gezin': {
    id: 'professionals-gezin',
    label: 'Professionals en gezin',
    boven: 'Professionals',
    onder: 'Gezin',
  },
  'formeel-beleving': {
    id: 'formeel-beleving',
    label: 'Formele acties en ervaringen',
    boven: 'Formele acties',
    onder: 'Ervaringen van personen',
  },
}

const FORMAL_CATEGORIES: ReadonlySet<EventCategory> = new Set(['beslismoment', 'cruciaal-contact'])

/**
 * Where a new card goes before anyone moves it. The source texts leave the choice open, so
 * this is only a starting point: the card's `lane` prop is what counts.
 */
export function defaultLaneFor(
  preset: LanePresetId,
  source: Pick<EventSource, 'side'>,
  category: EventCategory,
  swapped = false,
): Lane {
  const lane = presetLane(preset, source, category)
  return swapped ? otherLane(lane) : lane
}

function presetLane(preset: LanePresetId, source: Pick<EventSource, 'side'>, category: EventCategory): Lane {
  if (preset === 'professionals-gezin') {
    if (source.side === 'professional') return 'boven'
    if (source.side === 'gezin') return 'onder'
  }
  return FORMAL_CATEGORIES.has(category) ? 'boven' : 'onder'
}

export function otherLane(lane: Lane): Lane {
  return lane === 'boven' ? 'onder' : 'boven'
}

/** Legend text for a lane, honouring a swapped assignment. */
export function laneLabel(preset: LanePresetId, lane: Lane, swapped = false): string {
  const effective: Lane = swapped ? otherLane(lane) : lane
  return LANE_PRESETS[preset][effective]
}
