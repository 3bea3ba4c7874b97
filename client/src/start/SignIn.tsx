import type { AuthConfig } from '../app/api.ts'
import { useLocale } from '../i18n/locale.tsx'

/** `?aanmelden=geweigerd&reden=<code>` from the sign-in callback: the code, or null. */
export function readRefusal(): string | null {
  const query = new URLSearchParams(location.search)
  return query.get('aanmelden') === 'geweigerd' ? (query.get('reden') ?? '') : null
}

/**
 * Signed out: who needs an account (facilitators, with their organisation's sign-in or a local
 * invite) and who never does (families and partners join by link). `refusal` is the callback's
 * refusal code, `notice` a message such as "sign in again" after the session ended.
 */
export function SignIn({ auth, refusal, notice }: { auth: AuthConfig; refusal: string | null; notice: string | null }) {
  const { t } = useLocale()
  const text = t.account
  return (
    <section className="sb-card sb-sign-in" aria-labelledby="sign-in-heading">
      {refusal !== null && (
        <div className="sb-sign-in__refusal" role="alert">
          <h2>{text.refusedHeading}</h2>
          <p>{text.refused[refusal] ?? text.refusedUnknown}</p>
        </div>
      )}
      {notice && (
        <p className="sb-sign-in__notice" role="alert">
          {notice}
        </p>
      )}
      <h2 id="sign-in-heading">{text.signInHeading}</h2>
      {auth.mode === 'oidc' ? (
        <>
          <p>{text.signInIntro(auth.providerName)}</p>
          {/* A plain link: the server sends the browser on to the organisation's sign-in page. */}
          <a className="sb-button sb-sign-in__button" href="/auth/login?returnTo=/">
            {text.signInButton}
          </a>
        </>
      ) : (
        <p>{text.signInLocal}</p>
      )}
      <p className="sb-sign-in__families">{text.noAccountNeeded}</p>
    </section>
  )
}
