/**
 * Samenbord's additions to tldraw's schema, as plain data that the client (ShapeUtils, custom
 * records) and the relay (server-side record validation) both build from. Only
 * `@tldraw/validate` here: Node loads this file with type stripping, without DOM or React.
 *
 * A new werkvorm shape or record is added here once; its validators live in `werkvormen/`.
 */
import { T } from '@tldraw/validate'
import { EVENT_FIELD_LABELS, GAP_FIELD_LABELS, TIMELINE_FIELD_LABELS, timelineEventProps, timelineGapProps, timelineProps } from './werkvormen/tijdlijn/events.ts'
import { type Check, OK, checkWith, fail } from './werkvormen/check.ts'
import { PERSON_FIELD_LABELS, personPropsValidator, type Person } from './werkvormen/personen/person.ts'
import { RELATION_FIELD_LABELS, personSymbolProps, relationProps } from './werkvormen/genogram/relations.ts'
import { clusterFrameProps } from './werkvormen/themaclusters/clusters.ts'
import {
  ACTION_ALTERNATIVE_FIELD_LABELS,
  ACTION_ALTERNATIVE_RECORD_TYPE,
  actionAlternativeRecordValidator,
} from './werkvormen/perspectiefwissel/alternatives.ts'

export const TIJDLIJN_SHAPE_TYPE = 'tijdlijn'
export const TIJDLIJN_KAART_SHAPE_TYPE = 'tijdlijn-kaart'
export const TIJDLIJN_GAT_SHAPE_TYPE = 'tijdlijn-gat'
export const PERSON_RECORD_TYPE = 'person'
export const GENOGRAM_PERSOON_SHAPE_TYPE = 'genogram-persoon'
export const GENOGRAM_RELATIE_SHAPE_TYPE = 'genogram-relatie'
export const GENOGRAM_LEGENDA_SHAPE_TYPE = 'genogram-legenda'
export const GENOGRAM_ANKER_BINDING_TYPE = 'genogram-anker'
export const THEMACLUSTER_SHAPE_TYPE = 'themacluster'
export const VOTE_RECORD_TYPE = 'stem'

/** The legend only needs a size; what it shows is derived from the board. */
export const genogramLegendProps = { w: T.positiveNumber, h: T.positiveNumber }

/** Which end of a relation line a genogram anchor binding holds. */
export const genogramAnchorProps = { terminal: T.literalEnum('start', 'end') }

/**
 * Custom shape schemas, in the form tldraw's `createTLSchema({ shapes })` takes
 * (`{ props, migrations? }`); the ShapeUtils use the same validators as `static props`.
 */
export const werkvormShapeSchemas = {
  [TIJDLIJN_SHAPE_TYPE]: { props: timelineProps },
  [TIJDLIJN_KAART_SHAPE_TYPE]: { props: timelineEventProps },
  [TIJDLIJN_GAT_SHAPE_TYPE]: { props: timelineGapProps },
  [GENOGRAM_PERSOON_SHAPE_TYPE]: { props: personSymbolProps },
  [GENOGRAM_RELATIE_SHAPE_TYPE]: { props: relationProps },
  [GENOGRAM_LEGENDA_SHAPE_TYPE]: { props: genogramLegendProps },
  [THEMACLUSTER_SHAPE_TYPE]: { props: clusterFrameProps },
}

/** Custom binding schemas, for `createTLSchema({ bindings })`. */
export const werkvormBindingSchemas = {
  [GENOGRAM_ANKER_BINDING_TYPE]: { props: genogramAnchorProps },
}

/** Most dots one voter may put on one note (the per-board budget is usually far lower). */
export const MAX_DOTS_PER_NOTE = 50

/**
 * One voter's dots (`stem:<voter>` → { note id: dots }); each voter writes only their own record,
 * so simultaneous votes never overwrite each other.
 */
export const voteRecordValidator = T.object({
  id: T.string,
  typeName: T.literal(VOTE_RECORD_TYPE),
  voterName: T.string,
  dots: T.dict(
    T.string,
    T.number.check((n) => {
      if (!Number.isInteger(n) || n < 0 || n > MAX_DOTS_PER_NOTE) throw new T.ValidationError('Ongeldig aantal stippen')
    })
  ),
})

/** A person as stored on the board: the registry entry plus tldraw's `typeName`. */
export type PersonRecord = Person & { typeName: typeof PERSON_RECORD_TYPE }

/**
 * Whole-record validator of the `person` custom record: `typeName` must be 'person', every other
 * field is checked by the shared person validator (which refuses unknown fields).
 */
export const personRecordValidator = {
  validate(value: unknown): PersonRecord {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new T.ValidationError('Expected object')
    }
    const { typeName, ...person } = value as Record<string, unknown>
    if (typeName !== PERSON_RECORD_TYPE) throw new T.ValidationError('Geen persoon', ['typeName'])
    personPropsValidator.validate(person)
    return value as PersonRecord
  },
}

/** Custom records, in the form `createTLSchema({ records })` takes (`{ scope, validator }`). */
export const werkvormRecordValidators = {
  [PERSON_RECORD_TYPE]: { scope: 'document' as const, validator: personRecordValidator },
  [VOTE_RECORD_TYPE]: { scope: 'document' as const, validator: voteRecordValidator },
  [ACTION_ALTERNATIVE_RECORD_TYPE]: { scope: 'document' as const, validator: actionAlternativeRecordValidator },
}

/**
 * Dutch names of fields, per shape type or record typeName, for messages that name a field.
 * `default` covers the base record and tldraw's common shape props.
 */
export const boardFieldLabels: Record<string, Record<string, string>> = {
  [TIJDLIJN_SHAPE_TYPE]: TIMELINE_FIELD_LABELS,
  [TIJDLIJN_KAART_SHAPE_TYPE]: EVENT_FIELD_LABELS,
  [TIJDLIJN_GAT_SHAPE_TYPE]: GAP_FIELD_LABELS,
  [PERSON_RECORD_TYPE]: PERSON_FIELD_LABELS,
  [GENOGRAM_RELATIE_SHAPE_TYPE]: RELATION_FIELD_LABELS,
  [GENOGRAM_PERSOON_SHAPE_TYPE]: { personId: 'persoon', isIndex: 'aangemelde persoon', variant: 'symbool' },
  [THEMACLUSTER_SHAPE_TYPE]: { feeling: 'gevoel', need: 'behoefte' },
  [VOTE_RECORD_TYPE]: { dots: 'stippen', voterName: 'naam' },
  [ACTION_ALTERNATIVE_RECORD_TYPE]: ACTION_ALTERNATIVE_FIELD_LABELS,
  default: {
    w: 'breedte',
    h: 'hoogte',
    x: 'x',
    y: 'y',
    rotation: 'draaiing',
    opacity: 'doorzichtigheid',
    color: 'kleur',
    fill: 'vulling',
    dash: 'lijnstijl',
    size: 'grootte',
    font: 'lettertype',
    richText: 'tekst',
    text: 'tekst',
    name: 'naam',
    parentId: 'ouder',
    index: 'volgorde',
    isLocked: 'vergrendeld',
    meta: 'meta',
    type: 'soort vorm',
  },
}

/** Drops tldraw's union markers like `(type = geo)` and everything up to `props`, so the field comes first. */
function fieldPath(path: readonly (string | number)[], typeName: unknown): (string | number)[] {
  const plain = path.filter((segment) => !(typeof segment === 'string' && segment.startsWith('(')))
  // T.model(typeName, …) puts the record's type name in front of the field.
  if (plain.length > 0 && plain[0] === typeName) plain.shift()
  const props = plain.indexOf('props')
  return props >= 0 ? plain.slice(props + 1) : plain
}

function isValidationError(error: unknown): error is { rawMessage: string; path: (string | number)[] } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { rawMessage?: unknown }).rawMessage === 'string' &&
    Array.isArray((error as { path?: unknown }).path)
  )
}

/**
 * Validates a whole record (shape, page, person, …) and explains a failure in Dutch, naming the
 * field with the labels of `kind` (a shape type or a record typeName). Uses the same wording as
 * the werkvorm forms (`checkWith`).
 */
export function checkRecordWith(validator: { validate(value: unknown): unknown }, record: unknown, kind: string): Check {
  try {
    validator.validate(record)
    return OK
  } catch (error) {
    if (!isValidationError(error)) return fail('Ongeldige waarde')
    const labels = { ...boardFieldLabels.default, ...(boardFieldLabels[kind] ?? {}) }
    const rethrow = {
      validate(): never {
        throw new T.ValidationError(error.rawMessage, fieldPath(error.path, (record as { typeName?: unknown } | null)?.typeName))
      },
    }
    return checkWith(rethrow, record, labels)
  }
}
