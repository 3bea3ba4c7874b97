import { EVENT_CATEGORY_INFO, type EventCategory } from '@samenbord/shared/werkvormen/tijdlijn/categories'
import { paletteColor } from '../ui/colors.ts'

export function categoryColor(category: EventCategory): string {
  return paletteColor(EVENT_CATEGORY_INFO[category].color)
}
