import { CONSENT_MAP, MAX_CONSENT_TEXT, consentDocName, readConsent, type ConsentAnswer } from '@samenbord/shared/werkvormen/verslag/consent'
import { useBoardAccess } from '../../board/BoardAccess.tsx'
import { useSharedMap } from '../../sync/useSharedMap.ts'

const ANSWERS: { value: ConsentAnswer; label: string }[] = [
  { value: null, label: 'Niet gevraagd' },
  { value: 'ja', label: 'Ja' },
  { value: 'nee', label: 'Nee' },
]

/**
 * What the people at the table agreed: notes, recordings, sharing. The facilitator records it
 * (the server accepts writes from the facilitator link only); everyone else sees it read-only.
 */
export function ConsentForm({ userName }: { userName: string }) {
  const { boardId, token, role } = useBoardAccess()
  const shared = useSharedMap(consentDocName(boardId), CONSENT_MAP, token)
  const consent = readConsent(shared.values)
  const canEdit = role === 'facilitator' && shared.open === true
  const record = (key: string, value: unknown) => {
    shared.set(key, value)
    shared.set('recordedBy', userName)
    shared.set('recordedAt', Date.now())
  }

  const answer = (key: 'notesAllowed' | 'recordingAllowed', legend: string) => (
    <fieldset className="sb-fieldset sb-choice" disabled={!canEdit}>
      <legend>{legend}</legend>
      {ANSWERS.map((option) => (
        <label key={String(option.value)}>
          <input
            type="radio"
            name={`consent-${key}`}
            checked={(consent?.[key] ?? null) === option.value}
            onChange={() => record(key, option.value)}
          />{' '}
          {option.label}
        </label>
      ))}
    </fieldset>
  )
  const text = (key: 'sharing' | 'agreedBy', label: string, placeholder: string) => (
    <>
      <label htmlFor={`consent-${key}`}>{label}</label>
      <textarea
        id={`consent-${key}`}
        rows={2}
        maxLength={MAX_CONSENT_TEXT}
        value={(shared.values[key] as string | undefined) ?? ''}
        placeholder={placeholder}
        readOnly={!canEdit}
        onChange={(e) => record(key, e.target.value)}
      />
    </>
  )

  return (
    <section aria-labelledby="consent-heading" className="sb-form">
      <h4 id="consent-heading">Toestemming</h4>
      {shared.open === false && <p className="sb-error">De afspraken over toestemming zijn niet te laden.</p>}
      <p className="sb-hint">
        {role === 'facilitator'
          ? 'Leg vast wat iedereen aan tafel heeft afgesproken. Het komt bovenaan het verslag.'
          : 'Wat aan tafel is afgesproken, vastgelegd door de facilitator.'}
      </p>
      {answer('notesAllowed', 'Mogen er notities gemaakt worden?')}
      {answer('recordingAllowed', 'Mag er worden opgenomen (beeld of geluid)?')}
      {text('sharing', 'Met wie mag de uitkomst gedeeld worden?', 'Bijvoorbeeld: alleen in het dossier van het wijkteam; ouders krijgen een kopie')}
      {text('agreedBy', 'Wie stemden in?', 'Namen of rollen')}
      {consent?.recordedBy && (
        <p className="sb-hint" role="status">
          Vastgelegd door {consent.recordedBy}
          {consent.recordedAt ? ` om ${new Date(consent.recordedAt).toLocaleTimeString('nl-NL', { hour: '2-digit', minute: '2-digit' })}` : ''}.
        </p>
      )}
    </section>
  )
}
