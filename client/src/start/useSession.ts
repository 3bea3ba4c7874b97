import { useCallback, useEffect, useState } from 'react'
import { getClientConfig, getMe, type AuthConfig, type Me } from '../app/api.ts'

export type SessionState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'signed-out'; auth: AuthConfig }
  | { status: 'signed-in'; auth: AuthConfig; me: Me }

/** A server from before sign-in sends no `auth`: it behaves as local mode. */
const LOCAL: AuthConfig = { mode: 'local', providerName: null }

/** Who is signed in on this browser (the session cookie), and how this server signs people in. */
export function useSession(): { session: SessionState; refresh(): void; signedOut(): void } {
  const [session, setSession] = useState<SessionState>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let live = true
    Promise.all([getClientConfig(), getMe()])
      .then(([config, me]) => {
        if (!live) return
        const auth = (config as { auth?: AuthConfig }).auth ?? LOCAL
        setSession(me ? { status: 'signed-in', auth, me } : { status: 'signed-out', auth })
      })
      .catch((e: Error) => live && setSession({ status: 'error', message: e.message }))
    return () => {
      live = false
    }
  }, [attempt])

  const refresh = useCallback(() => setAttempt((n) => n + 1), [])
  // After sign-out (or a 401 from the server) the page shows the signed-out view at once.
  const signedOut = useCallback(
    () => setSession((current) => (current.status === 'signed-in' ? { status: 'signed-out', auth: current.auth } : current)),
    [],
  )
  return { session, refresh, signedOut }
}
