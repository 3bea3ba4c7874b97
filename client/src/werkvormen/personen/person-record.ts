import { createCustomRecordId, type BaseRecord, type Editor, type RecordId } from 'tldraw'
import type { Person } from '@samenbord/shared/werkvormen/personen/person'
import { PERSON_RECORD_TYPE } from '@samenbord/shared/werkvormen/personen/schema'

/**
 * The board's person registry as a tldraw custom record: it syncs, validates and undoes like any
 * shape, and every werkvorm refers to a person by id, so a rename shows up everywhere at once.
 */
export interface TLPerson extends BaseRecord<typeof PERSON_RECORD_TYPE, RecordId<TLPerson>>, Omit<Person, 'id'> {}

declare module 'tldraw' {
  interface TLGlobalRecordPropsMap {
    [PERSON_RECORD_TYPE]: TLPerson
  }
}

export function newPersonId(): TLPerson['id'] {
  return createCustomRecordId(PERSON_RECORD_TYPE) as TLPerson['id']
}

export function toPerson(record: TLPerson): Person {
  const { typeName: _t, meta: _m, ...rest } = record as TLPerson & { meta?: unknown }
  return rest as Person
}

export function getPersons(editor: Editor): TLPerson[] {
  return editor.store.query.records(PERSON_RECORD_TYPE).get() as TLPerson[]
}

/** The registry as plain persons, what the shared domain logic takes. */
export function registryPersons(editor: Editor): Person[] {
  return getPersons(editor).map(toPerson)
}

export function putPerson(editor: Editor, person: Omit<Person, 'id'> & { id?: string }): TLPerson['id'] {
  const id = (person.id ?? newPersonId()) as TLPerson['id']
  editor.store.put([{ ...person, id, typeName: PERSON_RECORD_TYPE } as TLPerson])
  return id
}
