import { T } from '@tldraw/validate'
import { type Check, boundedText, capitalise, checkWith, shapeSizeValidator } from '../check.ts'

/** A belevingsthema: what someone feels, and the need underneath it. */
export interface ThemePreset {
  feeling: string
  /** The need, either a bare noun ("duidelijkheid", read as "behoefte aan …") or a full phrase ("verlangen naar …"). */
  need: string
}

export const THEME_PRESETS: readonly ThemePreset[] = [
  { feeling: 'onzekerheid', need: 'duidelijkheid' },
  { feeling: 'eenzaamheid', need: 'verlangen naar verbondenheid' },
  { feeling: 'machteloosheid', need: 'controle of invloed' },
  // Added for Samenbord, in our own words:
  { feeling: 'angst', need: 'veiligheid' },
  { feeling: 'niet gezien worden', need: 'verlangen naar erkenning' },
  { feeling: 'overbelasting', need: 'rust en ruimte' },
]

export const MAX_FEELING_LENGTH = 60
export const MAX_NEED_LENGTH = 80

// Needs that already say how they are longed for keep their own wording.
const NEED_PHRASE = /^(behoefte aan|verlangen naar|wens om|nood aan)\s+/i
const SEPARATOR = /\s*(?:>|→|->)\s*/

/** "Onzekerheid > behoefte aan duidelijkheid". */
export function clusterTitle(feeling: string, need: string): string {
  const trimmedNeed = need.trim()
  const needPhrase = NEED_PHRASE.test(trimmedNeed) ? trimmedNeed : `behoefte aan ${trimmedNeed}`
  return `${capitalise(feeling.trim())} > ${needPhrase.charAt(0).toLowerCase()}${needPhrase.slice(1)}`
}

/** Reads a title typed on the board back into feeling and need; null when there is no "gevoel > behoefte". */
export function parseClusterTitle(title: string): ThemePreset | null {
  const parts = title.split(SEPARATOR)
  if (parts.length !== 2) return null
  const feeling = parts[0].trim().toLowerCase()
  const need = parts[1].trim().replace(/^behoefte aan\s+/i, '')
  if (feeling === '' || need === '') return null
  return { feeling, need: NEED_PHRASE.test(need) ? need.charAt(0).toLowerCase() + need.slice(1) : need }
}

/** More clusters than this usually means some of them are about the same thing. */
export const CLUSTER_HINT_THRESHOLD = 7

export function clusterHint(clusterCount: number): string | null {
  if (clusterCount <= CLUSTER_HINT_THRESHOLD) return null
  return `Er staan nu ${clusterCount} thema's. Misschien gaan sommige over hetzelfde: kijk samen of je ze kunt samenvoegen, zodat de belangrijkste overblijven.`
}

export interface ClusterFrameProps {
  w: number
  h: number
  feeling: string
  need: string
}

export const clusterFrameProps = {
  w: shapeSizeValidator,
  h: shapeSizeValidator,
  feeling: boundedText('Het gevoel', 1, MAX_FEELING_LENGTH),
  need: boundedText('De behoefte', 1, MAX_NEED_LENGTH),
}

export const clusterFramePropsValidator = T.object<ClusterFrameProps>(clusterFrameProps)

export function validateClusterFrameProps(props: unknown): Check {
  return checkWith(clusterFramePropsValidator, props, { w: 'breedte', h: 'hoogte', feeling: 'gevoel', need: 'behoefte' })
}
