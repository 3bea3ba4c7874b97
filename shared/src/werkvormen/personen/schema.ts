/**
 * The person registry on the board: one `person` custom record per betrokkene. Its type id,
 * whole-record validator, Dutch labels and migrations live here once, for the client's store and
 * the relay's record guard alike.
 *
 * Changing a field: add a step at the end of `personMigrations` (a new id in
 * `personMigrationIds`; `up` gets the whole record), never edit a released step.
 */
import { T } from '@tldraw/validate'
import { createCustomRecordMigrationSequence } from '@tldraw/tlschema'
import type { WerkvormSchema } from '../werkvorm-schema.ts'
import { PERSON_FIELD_LABELS, personPropsValidator, type Person } from './person.ts'

export const PERSON_RECORD_TYPE = 'person'

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

export const personMigrations = createCustomRecordMigrationSequence({ sequence: [] })

export const personenSchema = {
  name: 'personen',
  records: {
    [PERSON_RECORD_TYPE]: { scope: 'document', validator: personRecordValidator, migrations: personMigrations, labels: PERSON_FIELD_LABELS },
  },
} satisfies WerkvormSchema
