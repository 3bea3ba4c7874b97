import { atom, useValue } from 'tldraw'
import { FACILITATOR_PREP_KEYS, FACILITATOR_PREP_MAP, facilitatorPrepDocName } from '@samenbord/shared/protocol'
import { useSharedMap } from '../sync/useSharedMap.ts'
import { useLocale } from '../i18n/locale.tsx'
import { useBoardAccess } from './BoardAccess.tsx'
import { ErrorMessage } from '../app/ErrorMessage.tsx'

type PrepKey = (typeof FACILITATOR_PREP_KEYS)[number]

/** Whether the facilitator has the preparation open (toggled from the status panel). */
export const prepOpen = atom('voorbereiding open', false)

/**
 * The facilitator's private preparation: case, who brings it in, missing perspectives, own
 * feelings, suspected patterns and a parking lot. Its own document, which the relay opens to
 * facilitator links only; mounted only while open, so no socket when it is closed.
 */
export function PrepArea() {
  const { role } = useBoardAccess()
  const open = useValue('voorbereiding open', () => prepOpen.get(), [])
  if (role !== 'facilitator' || !open) return null
  return <PrepForm />
}

function PrepForm() {
  const { t } = useLocale()
  const s = t.voorbereiding
  const { boardId, token } = useBoardAccess()
  const prep = useSharedMap(facilitatorPrepDocName(boardId), FACILITATOR_PREP_MAP, token)
  const values = prep.values as Partial<Record<PrepKey, string>>
  const state = prep.open === undefined ? 'connecting' : prep.open ? 'open' : 'refused'

  return (
    <aside className="sb-prep" aria-labelledby="sb-prep-title" onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
      <div className="sb-prep__head">
        <h2 id="sb-prep-title">{s.title}</h2>
        <button type="button" className="sb-link-button" onClick={() => prepOpen.set(false)}>
          {s.close}
        </button>
      </div>
      <p className="sb-hint">{s.privacy}</p>
      <ErrorMessage>{state === 'refused' && s.refused}</ErrorMessage>
      {FACILITATOR_PREP_KEYS.map((key) => (
        <div key={key} className="sb-prep__field">
          <label htmlFor={`sb-prep-${key}`}>{s.fields[key]}</label>
          <textarea
            id={`sb-prep-${key}`}
            rows={key === 'parkeerplaats' ? 4 : 2}
            value={values[key] ?? ''}
            disabled={state !== 'open'}
            onChange={(e) => prep.set(key, e.target.value.slice(0, 4000))}
          />
        </div>
      ))}
    </aside>
  )
}
