import { createCustomRecordId, type BaseRecord, type Editor, type RecordId } from 'tldraw'
import type { Person } from '@samenbord/shared/werkvormen/personen/person'

/**
 * The board's person registry as a tldraw custom record: it syncs, validates and undoes like any
 * shape, and every werkvorm refers to a person by id, so a rename shows up everywhere at once.
 */
export interface TLPerson extends BaseRecord<'person', RecordId<TLPerson>>, Omit<Person, 'id'> {}

declare module 'tldraw' {
  interface TLGlobalRecordPropsMap {
    person: TLPerson
  }
}

export function newPersonId(): TLPerson['id'] {
  return createCustomRecordId('person') as TLPerson['id']
}

export function toPerson(record: TLPerson): Person {
  const { typeName: _t, meta: _m, ...rest } = record as TLPerson & { meta?: unknown }
  return rest as Person
}

export function getPersons(editor: Editor): TLPerson[] {
  return editor.store.query.records('person').get() as TLPerson[]
}

/** The registry as plain persons, what the shared domain logic takes. */
export function registryPersons(editor: Editor): Person[] {
  return getPersons(editor).map(toPerson)
}

export function putPerson(editor: Editor, person: Omit<Person, 'id'> & { id?: string }): TLPerson['id'] {
  const id = (person.id ?? newPersonId()) as TLPerson['id']
  editor.store.put([{ ...person, id, typeName: 'person' } as TLPerson])
  return id
}
