/**
 * Handelingsalternatieven (R24): after the reveal of a perspectiefwissel, everyone adds what
 * someone could do differently. Each alternative is one record of its own in the board document
 * (`handelingsalternatief:<id>`), so people adding at the same moment never overwrite each other.
 * The session report (verslag) reads them with `readActionAlternatives`.
 */
import { T } from '@tldraw/validate'
import { boundedText, idValidator, refuse } from '../check.ts'

export const ACTION_ALTERNATIVE_RECORD_TYPE = 'handelingsalternatief'

/** Whose perspective an alternative comes from, in the two-group variant (R25); null otherwise. */
export const ACTION_ALTERNATIVE_GROUPS = ['hulpverlening', 'gezin'] as const
export type ActionAlternativeGroup = (typeof ACTION_ALTERNATIVE_GROUPS)[number]

export const ACTION_ALTERNATIVE_GROUP_LABELS: Record<ActionAlternativeGroup, string> = {
  hulpverlening: 'Hulpverlening',
  gezin: 'Gezin en netwerk',
}

export const MAX_ALTERNATIVE_TEXT_LENGTH = 500
export const MAX_ALTERNATIVE_WHO_LENGTH = 80
export const MAX_ALTERNATIVE_BY_LENGTH = 60

/** One handelingsalternatief as stored on the board. */
export interface ActionAlternativeRecord {
  /** `handelingsalternatief:<random>` */
  id: string
  typeName: typeof ACTION_ALTERNATIVE_RECORD_TYPE
  /** What could be done differently, in the writer's words. */
  text: string
  /** Who could do it, as people say it ("de mentor", "wij als team"); absent or empty: not named. */
  who?: string
  /** The betrokkene it is about, from the person registry (`person:…`); absent or null: none picked. */
  personId?: string | null
  group: ActionAlternativeGroup | null
  /** Display name of whoever added it (the name they gave on the board). */
  byName: string
  /** Milliseconds since the Unix epoch. */
  createdAt: number
}

/** Dutch field names for messages that name a field. */
export const ACTION_ALTERNATIVE_FIELD_LABELS: Record<string, string> = {
  text: 'het alternatief',
  who: 'wie',
  personId: 'betrokkene',
  group: 'groep',
  byName: 'naam',
  createdAt: 'tijdstip',
}

const ID_PREFIX = `${ACTION_ALTERNATIVE_RECORD_TYPE}:`

/** Whole-record validator, used by the client's store and by the relay's record guard alike. */
export const actionAlternativeRecordValidator = T.object({
  id: T.string.check((id) => {
    if (!id.startsWith(ID_PREFIX)) refuse('Een handelingsalternatief heeft een id die begint met "handelingsalternatief:"')
    idValidator('Het handelingsalternatief').validate(id.slice(ID_PREFIX.length))
  }),
  typeName: T.literal(ACTION_ALTERNATIVE_RECORD_TYPE),
  text: boundedText('Het alternatief', 1, MAX_ALTERNATIVE_TEXT_LENGTH),
  who: boundedText('Wie', 0, MAX_ALTERNATIVE_WHO_LENGTH).optional(),
  personId: T.string
    .check((id) => {
      if (!/^person:[A-Za-z0-9:_-]{1,80}$/.test(id)) refuse('De betrokkene moet een persoon uit het register zijn')
    })
    .nullable()
    .optional(),
  group: T.literalEnum(...ACTION_ALTERNATIVE_GROUPS).nullable(),
  byName: boundedText('De naam', 0, MAX_ALTERNATIVE_BY_LENGTH),
  createdAt: T.number.check((at) => {
    if (!Number.isInteger(at) || at < 0) refuse('Het tijdstip moet een geheel aantal milliseconden zijn')
  }),
})

function isRecordLike(value: unknown): value is { typeName?: unknown } {
  return typeof value === 'object' && value !== null
}

/**
 * The board's handelingsalternatieven, oldest first (ties by id, so every reader gets one order).
 * Takes any collection of board records (the `val`s of `tl_records`, or a tldraw store's
 * records); skips what is not a valid alternative instead of throwing.
 */
export function readActionAlternatives(records: Iterable<unknown>): ActionAlternativeRecord[] {
  const found: ActionAlternativeRecord[] = []
  for (const record of records) {
    if (!isRecordLike(record) || record.typeName !== ACTION_ALTERNATIVE_RECORD_TYPE) continue
    try {
      found.push(actionAlternativeRecordValidator.validate(record) as ActionAlternativeRecord)
    } catch {
      // A record written by an older or broken client: leave it out of the list.
    }
  }
  return found.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** Alternatives grouped by who could act: the betrokkene's id, or the free-text `who`, or '' for nobody named. */
export function groupActionAlternativesByWho(alternatives: readonly ActionAlternativeRecord[]): Map<string, ActionAlternativeRecord[]> {
  const groups = new Map<string, ActionAlternativeRecord[]>()
  for (const alternative of alternatives) {
    const key = alternative.personId ?? (alternative.who ?? '').trim().toLowerCase()
    const list = groups.get(key)
    if (list) list.push(alternative)
    else groups.set(key, [alternative])
  }
  return groups
}
