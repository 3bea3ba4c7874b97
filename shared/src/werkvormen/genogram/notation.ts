import type { Gender } from '../personen/person.ts'
import type { TldrawColor } from '../tijdlijn/categories.ts'

/** Person variants drawn with their own symbol (McGoldrick / GenoPro conventions). */
export const PERSON_VARIANTS = ['persoon', 'zwangerschap', 'miskraam'] as const
export type PersonVariant = (typeof PERSON_VARIANTS)[number]

export type SymbolShape = 'square' | 'circle' | 'diamond' | 'triangle' | 'dot'

export interface PersonSymbol {
  shape: SymbolShape
  /** Index person ("aangemelde persoon"): double outline. */
  doubleOutline: boolean
  /** Deceased: a cross from corner to corner. */
  cross: boolean
  /** Miscarriage is a small filled circle. */
  filled: boolean
}

export function symbolFor(
  person: { gender: Gender; deceased: boolean },
  variant: PersonVariant = 'persoon',
  isIndex = false,
): PersonSymbol {
  if (variant === 'zwangerschap') return { shape: 'triangle', doubleOutline: false, cross: false, filled: false }
  if (variant === 'miskraam') return { shape: 'dot', doubleOutline: false, cross: false, filled: true }
  const shape: SymbolShape = person.gender === 'man' ? 'square' : person.gender === 'vrouw' ? 'circle' : 'diamond'
  return { shape, doubleOutline: isIndex, cross: person.deceased, filled: false }
}

/** How a relation line is drawn; pattern carries the meaning, colour is only a second cue. */
export interface LineStyle {
  dash: 'solid' | 'dashed' | 'dotted'
  /** Parallel strokes: 2 = close, 3 = very close / strong. */
  strokes: 1 | 2 | 3
  zigzag: boolean
  /** Bars across the middle: 1 = separated, 2 = divorced or cut off. */
  slashes: 0 | 1 | 2
  arrow: 'none' | 'end' | 'both'
  color: TldrawColor
}

function line(partial: Partial<LineStyle>): LineStyle {
  return { dash: 'solid', strokes: 1, zigzag: false, slashes: 0, arrow: 'none', color: 'black', ...partial }
}

export const RELATION_TYPES = ['koppel', 'kind', 'emotioneel', 'ecomap'] as const
export type RelationType = (typeof RELATION_TYPES)[number]

export const RELATION_TYPE_LABELS: Record<RelationType, string> = {
  koppel: 'Partners',
  kind: 'Ouder en kind',
  emotioneel: 'Onderlinge band',
  ecomap: 'Netwerkband',
}

export const COUPLE_KINDS = ['gehuwd', 'samenwonend', 'uit-elkaar', 'gescheiden'] as const
export const CHILD_KINDS = ['biologisch', 'adoptie', 'pleeg'] as const
export const EMOTIONAL_KINDS = ['close', 'zeer-close', 'afstandelijk', 'conflict', 'vijandig', 'verbroken', 'misbruik'] as const
export const ECOMAP_KINDS = ['sterk', 'zwak', 'stressvol', 'steun'] as const

export type CoupleKind = (typeof COUPLE_KINDS)[number]
export type ChildKind = (typeof CHILD_KINDS)[number]
export type EmotionalKind = (typeof EMOTIONAL_KINDS)[number]
export type EcomapKind = (typeof ECOMAP_KINDS)[number]
export type RelationKind = CoupleKind | ChildKind | EmotionalKind | EcomapKind

export const RELATION_KINDS_BY_TYPE: { readonly [T in RelationType]: readonly RelationKind[] } = {
  koppel: COUPLE_KINDS,
  kind: CHILD_KINDS,
  emotioneel: EMOTIONAL_KINDS,
  ecomap: ECOMAP_KINDS,
}

export interface RelationKindInfo {
  type: RelationType
  kind: RelationKind
  label: string
  style: LineStyle
  /** Directed kinds point from `from` to `to` (e.g. who abuses whom, who supports whom). */
  directed: boolean
}

function info(type: RelationType, kind: RelationKind, label: string, style: Partial<LineStyle>, directed = false): RelationKindInfo {
  return { type, kind, label, style: line(style), directed }
}

// Keyed by `${type}:${kind}` because no kind name is shared between types today, but may be later.
export const RELATION_KIND_INFO: Record<string, RelationKindInfo> = Object.fromEntries(
  [
    info('koppel', 'gehuwd', 'Getrouwd', {}),
    info('koppel', 'samenwonend', 'Samenwonend', { dash: 'dashed' }),
    info('koppel', 'uit-elkaar', 'Uit elkaar', { slashes: 1 }),
    info('koppel', 'gescheiden', 'Gescheiden', { slashes: 2 }),
    info('kind', 'biologisch', 'Biologisch kind', {}),
    info('kind', 'adoptie', 'Geadopteerd kind', { dash: 'dashed' }),
    info('kind', 'pleeg', 'Pleegkind', { dash: 'dotted' }),
    info('emotioneel', 'close', 'Hecht', { strokes: 2, color: 'green' }),
    info('emotioneel', 'zeer-close', 'Versmolten', { strokes: 3, color: 'green' }),
    info('emotioneel', 'afstandelijk', 'Afstandelijk', { dash: 'dotted', color: 'grey' }),
    info('emotioneel', 'conflict', 'Conflict', { zigzag: true, color: 'red' }),
    info('emotioneel', 'vijandig', 'Vijandig', { zigzag: true, strokes: 2, color: 'red' }),
    info('emotioneel', 'verbroken', 'Contact verbroken', { dash: 'dashed', slashes: 2, color: 'grey' }),
    info('emotioneel', 'misbruik', 'Misbruik of mishandeling', { zigzag: true, arrow: 'end', color: 'violet' }, true),
    info('ecomap', 'sterk', 'Sterke band', { strokes: 3, color: 'blue' }),
    info('ecomap', 'zwak', 'Losse band', { dash: 'dashed', color: 'light-blue' }),
    info('ecomap', 'stressvol', 'Band die stress geeft', { zigzag: true, color: 'orange' }),
    info('ecomap', 'steun', 'Steun (van → naar)', { arrow: 'end', color: 'green' }, true),
  ].map((entry) => [`${entry.type}:${entry.kind}`, entry]),
)

export function relationKindInfo(type: RelationType, kind: string): RelationKindInfo | undefined {
  return RELATION_KIND_INFO[`${type}:${kind}`]
}

export function isKindOfType(type: RelationType, kind: string): kind is RelationKind {
  return (RELATION_KINDS_BY_TYPE[type] as readonly string[]).includes(kind)
}

export const SYMBOL_LABELS: Record<'man' | 'vrouw' | 'anders' | 'index' | 'overleden' | 'zwangerschap' | 'miskraam' | 'tweeling', string> = {
  man: 'Man',
  vrouw: 'Vrouw',
  anders: 'Anders of onbekend',
  index: 'Aangemelde persoon',
  overleden: 'Overleden',
  zwangerschap: 'Zwangerschap',
  miskraam: 'Miskraam',
  tweeling: 'Tweeling',
}
