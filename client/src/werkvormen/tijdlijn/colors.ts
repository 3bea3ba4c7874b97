import { EVENT_CATEGORY_INFO, type EventCategory, type TldrawColor } from '@samenbord/shared/werkvormen/tijdlijn/categories'

// Solid colours of tldraw's light palette, so cards match the rest of the board.
const TLDRAW_LIGHT: Record<TldrawColor, string> = {
  black: '#1d1d1d',
  grey: '#9fa8b2',
  'light-violet': '#e085f4',
  violet: '#ae3ec9',
  blue: '#4465e9',
  'light-blue': '#4ba1f1',
  yellow: '#f1ac4b',
  orange: '#e16919',
  green: '#099268',
  'light-green': '#4cb05e',
  'light-red': '#f87777',
  red: '#e03131',
}

export function categoryColor(category: EventCategory): string {
  return TLDRAW_LIGHT[EVENT_CATEGORY_INFO[category].color]
}
