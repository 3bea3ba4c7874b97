import type { TldrawColor } from '@samenbord/shared/werkvormen/tijdlijn/categories'

// tldraw's light palette, so werkvorm shapes match the rest of the board. Grey is darker than
// tldraw's own, so thin grey relation lines stay readable on a projector.
const PALETTE: Record<TldrawColor, string> = {
  black: '#1d1d1d',
  grey: '#6b7280',
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

export function paletteColor(name: TldrawColor): string {
  return PALETTE[name]
}
