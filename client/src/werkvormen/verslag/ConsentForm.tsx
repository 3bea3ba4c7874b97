import { CONSENT_MAP, MAX_CONSENT_TEXT, consentDocName, readConsent, type ConsentAnswer } from '@samenbord/shared/werkvormen/verslag/consent'
import { useBoardAccess } from '../../board/BoardAccess.tsx'
import { useLocale } from '../../i18n/locale.tsx'
import { useSharedMap } from '../../sync/useSharedMap.ts'

const ANSWERS: { value: ConsentAnswer; key: 'none' | 'ja' | 'nee' }[] = [
  { value: null, key: 'none' },
  { value: 'ja', key: 'ja' },
  { value: 'nee', key: 'nee' },
]

/**
 * What the people at the table agreed: notes, recordings, sharing. The facilitator records it
 * (the server accepts writes from the facilitator link only); everyone else sees it read-only.
 */
export function ConsentForm({ userName }: { userName: string }) {
  const { boardId, token, role } = useBoardAccess()
  const { t, locale } = useLocale()
  const text = t.consent
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
          {text.answers[option.key]}
        </label>
      ))}
    </fieldset>
  )
  const field = (key: 'sharing' | 'agreedBy', label: string, placeholder: string) => (
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
      <h4 id="consent-heading">{text.heading}</h4>
      {shared.open === false && <p className="sb-error">{text.unavailable}</p>}
      <p className="sb-hint">{role === 'facilitator' ? text.hintFacilitator : text.hintOthers}</p>
      {answer('notesAllowed', text.notes)}
      {answer('recordingAllowed', text.recording)}
      {field('sharing', text.sharing, text.sharingPlaceholder)}
      {field('agreedBy', text.agreedBy, text.agreedByPlaceholder)}
      {consent?.recordedBy && (
        <p className="sb-hint" role="status">
          {text.recorded(consent.recordedBy, consent.recordedAt ? new Date(consent.recordedAt).toLocaleTimeString(locale === 'nl' ? 'nl-NL' : 'en-GB', { hour: '2-digit', minute: '2-digit' }) : '')}
        </p>
      )}
    </section>
  )
}
