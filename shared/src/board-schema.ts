/**
 * Samenbord's additions to tldraw's schema: the plain list of werkvormen, each with its own
 * `werkvormen/<werkvorm>/schema.ts` (type ids, validators, Dutch labels, migration sequences).
 * The client (ShapeUtils, custom records) and the relay (record guard) both build from it. Only
 * `@tldraw/validate` and `@tldraw/tlschema` here: Node loads this file with type stripping,
 * without DOM or React.
 *
 * A new werkvorm is a new folder with a `schema.ts`, added to `werkvormSchemas` below.
 */
import { T } from '@tldraw/validate'
import { type Check, OK, checkWith, fail } from './werkvormen/check.ts'
import type { WerkvormPropsType, WerkvormRecordType, WerkvormSchema } from './werkvormen/werkvorm-schema.ts'
import { tijdlijnSchema } from './werkvormen/tijdlijn/schema.ts'
import { genogramSchema } from './werkvormen/genogram/schema.ts'
import { personenSchema } from './werkvormen/personen/schema.ts'
import { themaclustersSchema } from './werkvormen/themaclusters/schema.ts'
import { perspectiefwisselSchema } from './werkvormen/perspectiefwissel/schema.ts'

/** Every werkvorm on the board. */
export const werkvormSchemas: readonly WerkvormSchema[] = [tijdlijnSchema, genogramSchema, personenSchema, themaclustersSchema, perspectiefwisselSchema]

function collect<V, R>(pick: (schema: WerkvormSchema) => Record<string, V> | undefined, map: (value: V) => R): Record<string, R> {
  const out: Record<string, R> = {}
  for (const schema of werkvormSchemas) {
    for (const [type, value] of Object.entries(pick(schema) ?? {})) {
      if (Object.hasOwn(out, type)) throw new Error(`werkvorm type ${type} is defined twice`)
      out[type] = map(value)
    }
  }
  return out
}

const propsSchema = ({ props, migrations }: WerkvormPropsType) => ({ props, migrations })

/** Custom shape schemas, in the form tldraw's `createTLSchema({ shapes })` takes (`{ props, migrations }`). */
export const werkvormShapeSchemas = collect((s) => s.shapes, propsSchema)

/** Custom binding schemas, for `createTLSchema({ bindings })`. */
export const werkvormBindingSchemas = collect((s) => s.bindings, propsSchema)

/** Custom records, in the form `createTLSchema({ records })` takes (`{ scope, validator, migrations }`). */
export const werkvormRecordSchemas = collect((s) => s.records, ({ scope, validator, migrations }: WerkvormRecordType) => ({ scope, validator, migrations }))

/**
 * Dutch names of fields, per shape type or record typeName, for messages that name a field.
 * `default` covers the base record and tldraw's common shape props.
 */
export const boardFieldLabels: Record<string, Record<string, string>> = {
  ...collect((s) => s.shapes, (type: WerkvormPropsType) => type.labels),
  ...collect((s) => s.bindings, (type: WerkvormPropsType) => type.labels),
  ...collect((s) => s.records, (type: WerkvormRecordType) => type.labels),
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
