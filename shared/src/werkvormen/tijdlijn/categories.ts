/** tldraw's default colour names, so cards can use the editor's palette directly. */
export const TLDRAW_COLORS = [
  'black', 'grey', 'light-violet', 'violet', 'blue', 'light-blue',
  'yellow', 'orange', 'green', 'light-green', 'light-red', 'red',
] as const
export type TldrawColor = (typeof TLDRAW_COLORS)[number]

export const EVENT_CATEGORIES = [
  'beslismoment',
  'cruciaal-contact',
  'gezinsgebeurtenis',
  'uitspraak-behoefte',
  'uitspraak-beleving',
] as const
export type EventCategory = (typeof EVENT_CATEGORIES)[number]

export interface CategoryInfo {
  id: EventCategory
  label: string
  description: string
  color: TldrawColor
}

export const EVENT_CATEGORY_INFO: Record<EventCategory, CategoryInfo> = {
  beslismoment: {
    id: 'beslismoment',
    label: 'Beslismoment',
    description: 'Een besluit in de hulpverlening, zoals de start van hulp of een plaatsing.',
    color: 'violet',
  },
  'cruciaal-contact': {
    id: 'cruciaal-contact',
    label: 'Cruciaal contact',
    description: 'Een contact tussen betrokkenen dat ertoe deed, bijvoorbeeld tussen wijkteam en school.',
    color: 'blue',
  },
  gezinsgebeurtenis: {
    id: 'gezinsgebeurtenis',
    label: 'Feitelijke gebeurtenis in het gezin',
    description: 'Iets wat in het gezin gebeurde: een geboorte, een scheiding, een overlijden, een verhuizing.',
    color: 'green',
  },
  'uitspraak-behoefte': {
    id: 'uitspraak-behoefte',
    label: 'Uitspraak: wat speelt er, wat is nodig',
    description: 'Wat een gezinslid zegt over wat er aan de hand is of wat hij of zij nodig heeft.',
    color: 'orange',
  },
  'uitspraak-beleving': {
    id: 'uitspraak-beleving',
    label: 'Uitspraak: beleving',
    description: 'Hoe een gezinslid iets heeft ervaren, in eigen woorden.',
    color: 'light-red',
  },
}

/** What kind of knowledge a card holds; the team sorts on this, it is not a judgement. */
export const EPISTEMIC_TAGS = ['feit', 'mening', 'aanname', 'emotie', 'interpretatie'] as const
export type EpistemicTag = (typeof EPISTEMIC_TAGS)[number]

export const EPISTEMIC_TAG_LABELS: Record<EpistemicTag, string> = {
  feit: 'Feit',
  mening: 'Mening',
  aanname: 'Aanname',
  emotie: 'Emotie',
  interpretatie: 'Interpretatie',
}

export const SOURCE_SIDES = ['professional', 'gezin', 'anders'] as const
export type SourceSide = (typeof SOURCE_SIDES)[number]

export const SOURCE_ORIGINS = ['dossier', 'interview', 'live'] as const
export type SourceOrigin = (typeof SOURCE_ORIGINS)[number]

/** Who a card's information comes from and how it reached the board. */
export interface EventSource {
  personId: string | null
  side: SourceSide
  origin: SourceOrigin
}

export const SOURCE_SIDE_LABELS: Record<SourceSide, string> = {
  professional: 'Professional',
  gezin: 'Gezinslid',
  anders: 'Anders',
}

export const SOURCE_ORIGIN_LABELS: Record<SourceOrigin, string> = {
  dossier: 'Uit het dossier',
  interview: 'Uit een gesprek',
  live: 'Tijdens de bijeenkomst',
}
