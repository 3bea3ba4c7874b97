import { atom, type Editor, type TLShape } from 'tldraw'
import { matchesEventFilter, type EventFilter } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { TIJDLIJN_KAART_TYPE, type TijdlijnKaartShape } from './tijdlijn-shapes.ts'

/**
 * What this person chose to look at on the timelines. Deliberately local: one participant
 * filtering on facts must not make cards vanish on everyone else's screen.
 */
export const timelineFilter = atom<EventFilter>('tijdlijn filter', {})

/** For tldraw's `getShapeVisibility`: cards outside the filter are hidden, everything else as usual. */
export function timelineCardVisibility(shape: TLShape, _editor: Editor): 'visible' | 'hidden' | 'inherit' {
  if (shape.type !== TIJDLIJN_KAART_TYPE) return 'inherit'
  return matchesEventFilter((shape as TijdlijnKaartShape).props, timelineFilter.get()) ? 'inherit' : 'hidden'
}
