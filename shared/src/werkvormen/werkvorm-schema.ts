/**
 * The shape of a werkvorm's `schema.ts`: what the board stores for it (shape, binding and custom
 * record types), each with its validators, Dutch field labels and migration sequence. The client
 * builds its ShapeUtils and store from these and the relay its record guard, so both ends always
 * validate and migrate alike. `board-schema.ts` lists every werkvorm.
 */
import type { TLPropsMigrations } from '@tldraw/tlschema'
import type { T } from '@tldraw/validate'

/** A shape or binding type: props validators, labels for messages, and how older props are upgraded. */
export interface WerkvormPropsType {
  props: Record<string, T.Validatable<any>>
  /** `createShapePropsMigrationSequence` / `createBindingPropsMigrationSequence`; steps are never edited once released. */
  migrations: TLPropsMigrations
  /** Dutch name per prop, for refusals that name a field. */
  labels: Record<string, string>
}

/** A custom record type (`createTLSchema({ records })`), document-scoped: it syncs with the board. */
export interface WerkvormRecordType {
  scope: 'document'
  validator: T.Validatable<any>
  /** `createCustomRecordMigrationSequence`; steps are never edited once released. */
  migrations: TLPropsMigrations
  labels: Record<string, string>
}

export interface WerkvormSchema {
  /** The werkvorm's folder name. */
  name: string
  shapes?: Record<string, WerkvormPropsType>
  bindings?: Record<string, WerkvormPropsType>
  records?: Record<string, WerkvormRecordType>
}
