import { useCallback, useEffect, useState } from 'react'
import { signOut, type Me } from '../app/api.ts'
import { LanguageSwitch, useLocale } from '../i18n/locale.tsx'
import { ErrorMessage } from '../app/ErrorMessage.tsx'
import { CreateBoard } from './CreateBoard.tsx'
import { InviteFacilitator } from './InviteFacilitator.tsx'
import { MyBoards } from './MyBoards.tsx'
import { SignIn, readRefusal } from './SignIn.tsx'
import { useSession } from './useSession.ts'
import './start.css'

/**
 * The start page. Signed out: how facilitators sign in (families never need to). Signed in: create
 * or restore a board, hand out its links, and "Mijn borden".
 */
export function StartPage() {
  const { t } = useLocale()
  const { session, refresh, signedOut } = useSession()
  const [refusal] = useState(readRefusal)
  const [notice, setNotice] = useState<string | null>(null)
  const [boardsVersion, setBoardsVersion] = useState(0)

  // The refusal is shown once; a reload or a new sign-in starts from a clean address.
  useEffect(() => {
    if (refusal !== null) history.replaceState(history.state, '', location.pathname)
  }, [refusal])

  const sessionEnded = useCallback(
    (message?: string) => {
      setNotice(message ?? t.account.signedOutNotice)
      signedOut()
    },
    [signedOut, t],
  )
  const boardsSessionEnded = useCallback(() => sessionEnded(), [sessionEnded])

  const signedIn = session.status === 'signed-in'
  return (
    <div className={signedIn ? 'sb-start sb-start--signed-in' : 'sb-start'}>
      <header className="sb-start__header">
        <h1>
          <img src="/favicon.svg" alt="" width={36} height={36} /> {t.appName}
        </h1>
        <div className="sb-start__header-tools">
          {signedIn && <Account me={session.me} onSignedOut={() => (setNotice(null), signedOut())} />}
          <LanguageSwitch />
        </div>
      </header>
      <main>
        <p className="sb-start__tagline">{t.tagline}</p>
        {session.status === 'loading' && (
          <p role="status" className="sb-start__checking">
            {t.account.checking}
          </p>
        )}
        {session.status === 'error' && (
          <div className="sb-card">
            <ErrorMessage>{`${t.account.meFailed}: ${session.message}`}</ErrorMessage>
            <button type="button" className="sb-secondary" onClick={refresh}>
              {t.account.retry}
            </button>
          </div>
        )}
        {session.status === 'signed-out' && <SignIn auth={session.auth} refusal={refusal} notice={notice} />}
        {signedIn && (
          <>
            <CreateBoard onCreated={() => setBoardsVersion((n) => n + 1)} onUnauthenticated={sessionEnded} />
            <MyBoards version={boardsVersion} onUnauthenticated={boardsSessionEnded} />
            {session.me.beheerder && session.auth.mode === 'local' && <InviteFacilitator />}
          </>
        )}
        <p className="sb-start__privacy">{t.privacyNote}</p>
      </main>
    </div>
  )
}

/** Who is signed in, and the way out. */
function Account({ me, onSignedOut }: { me: Me; onSignedOut(): void }) {
  const { t } = useLocale()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const isBeheerderByName = me.beheerder && me.name.trim().toLowerCase() === 'beheerder'

  async function onSignOut() {
    setBusy(true)
    setError(null)
    try {
      await signOut()
      onSignedOut()
    } catch (e) {
      setError(`${t.account.signOutFailed}: ${(e as Error).message}`)
      setBusy(false)
    }
  }

  return (
    <div className="sb-account">
      <span className="sb-account__name">
        {/* The beheerder's account is called "Beheerder": say it once, not as name and badge. */}
        {isBeheerderByName ? t.account.signedInAsBeheerder : t.account.signedInAs(me.name)}
        {me.beheerder && !isBeheerderByName && <span className="sb-account__badge">{t.account.beheerder}</span>}
      </span>
      <button type="button" className="sb-secondary" disabled={busy} onClick={() => void onSignOut()}>
        {t.account.signOut}
      </button>
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  )
}
