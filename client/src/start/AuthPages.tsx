import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { redeemInvite, redeemSetupCode } from '../app/api.ts'
import { ErrorMessage } from '../app/ErrorMessage.tsx'
import { LanguageSwitch, useLocale } from '../i18n/locale.tsx'
import './start.css'

/**
 * The one-time code of a set-up or invite link (`#code=…`). It sits in the fragment so it never
 * reaches an access log; it leaves the address bar and the tab's history at once, like a board token.
 */
function takeCodeFromAddress(path: string): string {
  const code = new URLSearchParams(location.hash.slice(1)).get('code') ?? ''
  if (location.hash) history.replaceState(history.state, '', path)
  return code
}

/** An invite code survives a reload of this tab until it is used (the name is asked first). */
const INVITE_KEY = 'samenbord:uitnodiging'

function inviteCode(): string {
  const fromLink = takeCodeFromAddress('/auth/invite')
  try {
    if (fromLink) sessionStorage.setItem(INVITE_KEY, fromLink)
    return fromLink || (sessionStorage.getItem(INVITE_KEY) ?? '')
  } catch {
    return fromLink
  }
}

/**
 * Read and sent once per page load: the fragment is gone after the first read, and the code is
 * spent by its first use (React may run initialisers and effects twice in development).
 */
let setupCode: string | null = null
let setupAttempt: Promise<void> | null = null

/** `/auth/setup#code=…`: the link the server printed; this browser becomes the local beheerder. */
export function SetupPage() {
  const { t } = useLocale()
  const [code] = useState(() => (setupCode ??= takeCodeFromAddress('/auth/setup')))
  const [error, setError] = useState<string | null>(code ? null : t.account.noCode)

  useEffect(() => {
    if (!code) return
    setupAttempt ??= redeemSetupCode(code)
    let live = true
    setupAttempt.then(
      () => location.replace('/'),
      (e: Error) => live && setError(`${t.account.setupFailed}: ${e.message}`),
    )
    return () => {
      live = false
    }
  }, [code, t])

  return (
    <AuthFrame heading={t.account.setupHeading}>
      {error ? <ErrorMessage>{error}</ErrorMessage> : <p role="status">{t.account.setupBusy}</p>}
      {error && (
        <a className="sb-button" href="/">
          {t.backToStart}
        </a>
      )}
    </AuthFrame>
  )
}

/** `/auth/invite#code=…`: an invited facilitator gives a name and gets a local account. */
export function InvitePage() {
  const { t } = useLocale()
  const text = t.account
  const [code] = useState(inviteCode)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(code ? null : text.noCode)

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await redeemInvite(code, name.trim())
      try {
        sessionStorage.removeItem(INVITE_KEY)
      } catch {
        // nothing kept
      }
      location.replace('/')
    } catch (e) {
      setError(`${text.inviteFailed}: ${(e as Error).message}`)
      setBusy(false)
    }
  }

  return (
    <AuthFrame heading={text.inviteWelcome}>
      {code ? (
        <form className="sb-auth__form" onSubmit={onSubmit}>
          <p>{text.inviteWelcomeIntro}</p>
          <label htmlFor="invite-own-name">{text.yourName}</label>
          <input id="invite-own-name" required maxLength={100} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
          <button type="submit" disabled={busy || !name.trim()}>
            {text.acceptInvite}
          </button>
          <ErrorMessage>{error}</ErrorMessage>
        </form>
      ) : (
        <>
          <ErrorMessage>{error}</ErrorMessage>
          <a className="sb-button" href="/">
            {t.backToStart}
          </a>
        </>
      )}
    </AuthFrame>
  )
}

function AuthFrame({ heading, children }: { heading: string; children: ReactNode }) {
  const { t } = useLocale()
  return (
    <div className="sb-start">
      <header className="sb-start__header">
        <h1>
          <img src="/favicon.svg" alt="" width={36} height={36} /> {t.appName}
        </h1>
        <LanguageSwitch />
      </header>
      <main>
        <section className="sb-card sb-auth" aria-labelledby="auth-heading">
          <h2 id="auth-heading">{heading}</h2>
          {children}
        </section>
      </main>
    </div>
  )
}
