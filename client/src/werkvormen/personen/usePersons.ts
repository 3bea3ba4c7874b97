import { useEditor, useValue } from 'tldraw'
import type { Person } from '@samenbord/shared/werkvormen/personen/person'
import { registryPersons } from './person-record.ts'

/** The person registry, reactive: re-renders when anyone adds or renames a person. */
export function usePersons(): Person[] {
  const editor = useEditor()
  return useValue('persons', () => registryPersons(editor).sort((a, b) => a.name.localeCompare(b.name)), [editor])
}
