import type { TLShape } from 'tldraw'
import type { TimelineEventProps, TimelineProps } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { TIJDLIJN_KAART_TYPE, TIJDLIJN_TYPE } from '@samenbord/shared/werkvormen/tijdlijn/schema'

// The type ids are the board schema's own (shared/src/werkvormen/tijdlijn/schema.ts).
export { TIJDLIJN_KAART_TYPE, TIJDLIJN_TYPE }

declare module 'tldraw' {
  interface TLGlobalShapePropsMap {
    [TIJDLIJN_TYPE]: TimelineProps
    [TIJDLIJN_KAART_TYPE]: TimelineEventProps
  }
}

export type TijdlijnShape = TLShape<typeof TIJDLIJN_TYPE>
export type TijdlijnKaartShape = TLShape<typeof TIJDLIJN_KAART_TYPE>

/** Height of the band around the axis line; cards stack above and below it. */
export const AXIS_BAND = 60
/** Where the axis line sits inside the timeline shape. */
export function axisLineY(shape: TijdlijnShape): number {
  return shape.props.h / 2
}

/** Where a new card starts, before layout: just inside its own lane, so it is never read as dragged across. */
export function initialCardY(shape: TijdlijnShape, lane: 'boven' | 'onder', cardHeight: number): number {
  return lane === 'boven' ? axisLineY(shape) - cardHeight - 16 : axisLineY(shape) + 16
}
