import { useState, type FormEvent } from 'react'
import { createInvite, type Invite } from '../app/api.ts'
import { ErrorMessage } from '../app/ErrorMessage.tsx'
import { useLocale } from '../i18n/locale.tsx'

const MAX_NAME_LENGTH = 100

/** Local beheerder: a one-time invite link for a colleague, to copy and send. */
export function InviteFacilitator() {
  const { t, locale } = useLocale()
  const text = t.account
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [invite, setInvite] = useState<(Invite & { name: string }) | null>(null)
  const [copied, setCopied] = useState(false)

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    setCopied(false)
    try {
      const invited = name.trim()
      setInvite({ ...(await createInvite(invited)), name: invited })
      setName('')
    } catch (e) {
      setError(text.failed((e as Error).message))
    } finally {
      setBusy(false)
    }
  }

  async function copy() {
    if (!invite) return
    await navigator.clipboard?.writeText(invite.link).catch(() => undefined)
    setCopied(true)
  }

  const until = (iso: string) =>
    new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(new Date(iso))

  return (
    <section className="sb-card sb-invite" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{text.inviteHeading}</h2>
      <p>{text.inviteIntro}</p>
      <form onSubmit={onSubmit} className="sb-invite__form">
        <label htmlFor="invite-name">{text.inviteName}</label>
        <div className="sb-start__row">
          <input id="invite-name" required maxLength={MAX_NAME_LENGTH} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          <button type="submit" disabled={busy || !name.trim()}>
            {text.inviteButton}
          </button>
        </div>
      </form>
      <ErrorMessage>{error}</ErrorMessage>
      {invite && (
        <div className="sb-invite__result">
          <label htmlFor="invite-link" className="sb-links__role">
            {text.inviteLink(invite.name)}
          </label>
          <div className="sb-links__copy">
            <input id="invite-link" readOnly value={invite.link} onFocus={(e) => e.target.select()} />
            <button type="button" onClick={copy} aria-label={`${t.copy}: ${text.inviteLink(invite.name)}`}>
              {copied ? t.copied : t.copy}
            </button>
          </div>
          <p className="sb-links__who">{text.inviteExpires(until(invite.expiresAt))}</p>
        </div>
      )}
    </section>
  )
}
