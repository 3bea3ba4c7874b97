import { useState } from 'react'
import { useEditor, useValue, type BaseRecord, type RecordId } from 'tldraw'
import {
  ACTION_ALTERNATIVE_GROUP_LABELS,
  ACTION_ALTERNATIVE_GROUPS,
  ACTION_ALTERNATIVE_RECORD_TYPE,
  type ActionAlternativeGroup,
  MAX_ALTERNATIVE_TEXT_LENGTH,
  MAX_ALTERNATIVE_WHO_LENGTH,
  actionAlternativeRecordValidator,
  readActionAlternatives,
  type ActionAlternativeRecord,
} from '@samenbord/shared/werkvormen/perspectiefwissel/alternatives'
import { checkRecordWith } from '@samenbord/shared/board-schema'
import { useLocale } from '../../i18n/locale.tsx'
import { usePersons } from '../personen/usePersons.ts'
import { LabelledSelect } from '../ui/LabelledSelect.tsx'
import { ErrorMessage } from '../../app/ErrorMessage.tsx'

/** The same record as tldraw's store types it (branded id). */
export interface TLActionAlternativeRecord
  extends BaseRecord<'handelingsalternatief', RecordId<TLActionAlternativeRecord>>,
    Omit<ActionAlternativeRecord, 'id' | 'typeName'> {}

declare module 'tldraw' {
  interface TLGlobalRecordPropsMap {
    handelingsalternatief: TLActionAlternativeRecord
  }
}

function newAlternativeId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return `${ACTION_ALTERNATIVE_RECORD_TYPE}:${btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_')}`
}

/**
 * Handelingsalternatieven after the reveal: a shared list on the board (one record each) of who
 * could do what differently. Everyone adds; you remove only what you added yourself, the
 * facilitator anything.
 */
export function ActionAlternatives({ canEdit, isFacilitator }: { canEdit: boolean; isFacilitator: boolean }) {
  const editor = useEditor()
  const { t } = useLocale()
  const s = t.begeleiding
  const persons = usePersons()
  const alternatives = useValue('handelingsalternatieven', () => readActionAlternatives(editor.store.allRecords()), [editor])
  const myName = useValue('my name', () => editor.user.getName(), [editor])
  const [personId, setPersonId] = useState('')
  const [who, setWho] = useState('')
  const [text, setText] = useState('')
  const [group, setGroup] = useState<ActionAlternativeGroup | ''>('')
  const [error, setError] = useState<string | null>(null)

  function add() {
    const record: ActionAlternativeRecord = {
      id: newAlternativeId(),
      typeName: ACTION_ALTERNATIVE_RECORD_TYPE,
      text: text.trim(),
      who: who.trim(),
      personId: personId || null,
      group: group || null,
      byName: myName.slice(0, 60),
      createdAt: Date.now(),
    }
    const check = checkRecordWith(actionAlternativeRecordValidator, record, ACTION_ALTERNATIVE_RECORD_TYPE)
    if (!check.ok) return setError(check.message)
    editor.store.put([record as unknown as TLActionAlternativeRecord])
    setText('')
    setWho('')
    setPersonId('')
    setError(null)
  }

  const whoOf = (a: ActionAlternativeRecord) => {
    const person = a.personId ? persons.find((p) => p.id === a.personId)?.name : undefined
    const named = [person, a.who].filter(Boolean).join(' · ') || s.nobodyNamed
    return a.group ? `${named} (${ACTION_ALTERNATIVE_GROUP_LABELS[a.group]})` : named
  }

  return (
    <section className="sb-fieldset sb-pw-alternatives" aria-labelledby="pw-alt-heading">
      <h3 id="pw-alt-heading">{s.alternativesHeading}</h3>
      <p className="sb-hint">{s.alternativesIntro}</p>
      {alternatives.length === 0 ? (
        <p className="sb-hint">{s.alternativesEmpty}</p>
      ) : (
        <ul className="sb-pw-alternatives__list" aria-label={s.alternativesHeading}>
          {alternatives.map((a) => (
            <li key={a.id} data-testid="handelingsalternatief">
              <strong>{whoOf(a)}</strong>
              <span>{a.text}</span>
              <span className="sb-hint">{a.byName ? s.alternativeBy(a.byName) : ''}</span>
              {canEdit && (isFacilitator || a.byName === myName) && (
                <button type="button" className="sb-link-button" onClick={() => editor.store.remove([a.id as TLActionAlternativeRecord['id']])} aria-label={`${s.alternativeRemove}: ${a.text}`}>
                  {s.alternativeRemove}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <form
          className="sb-pw-alternatives__form"
          onSubmit={(e) => {
            e.preventDefault()
            add()
          }}
        >
          <LabelledSelect
            id="pw-alt-person"
            label={s.alternativeWhoPerson}
            value={personId}
            values={persons.map((p) => p.id)}
            labelOf={(id) => persons.find((p) => p.id === id)?.name ?? id}
            onChange={setPersonId}
            empty
          />
          <label htmlFor="pw-alt-who">{s.alternativeWho}</label>
          <input id="pw-alt-who" value={who} maxLength={MAX_ALTERNATIVE_WHO_LENGTH} placeholder={s.alternativeWhoPlaceholder} onChange={(e) => setWho(e.target.value)} />
          <LabelledSelect<ActionAlternativeGroup>
            id="pw-alt-group"
            label={s.alternativeGroup}
            value={group}
            values={ACTION_ALTERNATIVE_GROUPS}
            labelOf={(g) => ACTION_ALTERNATIVE_GROUP_LABELS[g]}
            onChange={setGroup}
            empty
          />
          <label htmlFor="pw-alt-text">{s.alternativeText}</label>
          <textarea id="pw-alt-text" rows={3} value={text} maxLength={MAX_ALTERNATIVE_TEXT_LENGTH} onChange={(e) => setText(e.target.value)} />
          <button type="submit" disabled={text.trim().length === 0}>
            {s.alternativeAdd}
          </button>
          <ErrorMessage>{error}</ErrorMessage>
        </form>
      )}
    </section>
  )
}
