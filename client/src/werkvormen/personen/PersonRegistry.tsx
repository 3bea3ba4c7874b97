import { useState, type FormEvent } from 'react'
import { useEditor } from 'tldraw'
import {
  GENDERS,
  GENDER_LABELS,
  PERSON_KINDS,
  PERSON_KIND_LABELS,
  validatePerson,
  type Gender,
  type Person,
  type PersonKind,
} from '@samenbord/shared/werkvormen/personen/person'
import { newPersonId, putPerson } from './person-record.ts'
import { usePersons } from './usePersons.ts'
import { LabelledSelect } from '../ui/LabelledSelect.tsx'
import { ErrorMessage } from '../../app/ErrorMessage.tsx'

const EMPTY: Omit<Person, 'id'> = {
  name: '',
  relation: '',
  gender: 'onbekend',
  birthYear: null,
  deceased: false,
  deathYear: null,
  kind: 'gezin',
  organisation: '',
}

/** The people of this case, once per board: every werkvorm picks from this list. */
export function PersonRegistry({ readOnly }: { readOnly: boolean }) {
  const persons = usePersons()
  const [editing, setEditing] = useState<Person | null>(null)
  const [adding, setAdding] = useState(false)
  return (
    <section className="sb-registry" aria-labelledby="registry-heading">
      <h3 id="registry-heading">Betrokkenen ({persons.length})</h3>
      <ul>
        {persons.map((p) => (
          <li key={p.id}>
            <button type="button" className="sb-link-button" disabled={readOnly} onClick={() => setEditing(p)}>
              {p.name}
            </button>
            <span className="sb-registry__meta">
              {[p.relation, p.kind === 'professional' ? p.organisation : null, p.birthYear ? `°${p.birthYear}` : null, p.deceased ? '†' : null]
                .filter(Boolean)
                .join(' · ')}
            </span>
          </li>
        ))}
      </ul>
      {!readOnly && !adding && !editing && (
        <button type="button" className="sb-secondary" onClick={() => setAdding(true)}>
          + Persoon toevoegen
        </button>
      )}
      {(adding || editing) && (
        <PersonForm
          person={editing}
          onDone={() => {
            setAdding(false)
            setEditing(null)
          }}
        />
      )}
    </section>
  )
}

function PersonForm({ person, onDone }: { person: Person | null; onDone(): void }) {
  const editor = useEditor()
  const [draft, setDraft] = useState<Omit<Person, 'id'>>(person ?? EMPTY)
  const [error, setError] = useState<string | null>(null)
  const set = <K extends keyof typeof draft>(key: K, value: (typeof draft)[K]) => setDraft((d) => ({ ...d, [key]: value }))
  function submit(event: FormEvent) {
    event.preventDefault()
    const candidate: Person = { ...draft, name: draft.name.trim(), id: person?.id ?? newPersonId() }
    const check = validatePerson(candidate)
    if (!check.ok) return setError(check.message)
    putPerson(editor, candidate)
    onDone()
  }
  const year = (value: string) => (value.trim() === '' ? null : Number(value))
  return (
    <form className="sb-form" onSubmit={submit} aria-label={person ? 'Persoon bewerken' : 'Persoon toevoegen'}>
      <label htmlFor="person-name">Naam of pseudoniem</label>
      <input id="person-name" value={draft.name} onChange={(e) => set('name', e.target.value)} required autoFocus />
      <label htmlFor="person-relation">Rol of relatie</label>
      <input id="person-relation" value={draft.relation} placeholder="moeder, mentor, opa …" onChange={(e) => set('relation', e.target.value)} />
      <div className="sb-form__row">
        <div>
          <LabelledSelect
            id="person-kind"
            label="Soort"
            value={draft.kind}
            values={PERSON_KINDS}
            labelOf={(k) => PERSON_KIND_LABELS[k]}
            onChange={(v) => set('kind', v as PersonKind)}
          />
        </div>
        <div>
          <LabelledSelect
            id="person-gender"
            label="Gender"
            value={draft.gender}
            values={GENDERS}
            labelOf={(g) => GENDER_LABELS[g]}
            onChange={(v) => set('gender', v as Gender)}
          />
        </div>
      </div>
      <div className="sb-form__row">
        <div>
          <label htmlFor="person-birth">Geboortejaar</label>
          <input id="person-birth" inputMode="numeric" value={draft.birthYear ?? ''} onChange={(e) => set('birthYear', year(e.target.value))} />
        </div>
        <div>
          <label htmlFor="person-death">Overlijdensjaar</label>
          <input
            id="person-death"
            inputMode="numeric"
            value={draft.deathYear ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, deathYear: year(e.target.value), deceased: d.deceased || e.target.value.trim() !== '' }))}
          />
        </div>
      </div>
      <label className="sb-check">
        <input type="checkbox" checked={draft.deceased} onChange={(e) => set('deceased', e.target.checked)} /> Overleden
      </label>
      {draft.kind === 'professional' && (
        <>
          <label htmlFor="person-org">Organisatie</label>
          <input id="person-org" value={draft.organisation} onChange={(e) => set('organisation', e.target.value)} />
        </>
      )}
      <ErrorMessage>{error}</ErrorMessage>
      <div className="sb-form__row">
        <button type="submit">{person ? 'Opslaan' : 'Toevoegen'}</button>
        <button type="button" className="sb-secondary" onClick={onDone}>
          Annuleren
        </button>
      </div>
    </form>
  )
}
