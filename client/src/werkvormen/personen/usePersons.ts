import { useEditor, useValue } from 'tldraw'
import type { Person } from '@samenbord/shared/werkvormen/personen/person'
import { getPersons, toPerson } from './person-record.ts'

/** The person registry, reactive: re-renders when anyone adds or renames a person. */
export function usePersons(): Person[] {
  const editor = useEditor()
  return useValue('persons', () => getPersons(editor).map(toPerson).sort((a, b) => a.name.localeCompare(b.name)), [editor])
}
