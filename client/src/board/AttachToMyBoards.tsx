import { useEffect, useState } from 'react'
import { attachBoard, listMyBoards } from '../app/api.ts'
import { ErrorMessage } from '../app/ErrorMessage.tsx'
import { useLocale } from '../i18n/locale.tsx'
import { useBoardAccess } from './BoardAccess.tsx'

/**
 * Facilitator link, signed in on this browser, board not yet in "Mijn borden" (a co-facilitator
 * link handed over, or the owner's link on another account): offer to keep it there. Nothing
 * shows for a facilitator who is not signed in, or whose list already has the board.
 */
export function AttachToMyBoards() {
  const { t } = useLocale()
  const { boardId, token } = useBoardAccess()
  const [state, setState] = useState<'hidden' | 'offer' | 'busy' | 'done'>('hidden')
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    listMyBoards()
      .then((boards) => live && !boards.some((board) => board.id === boardId) && setState('offer'))
      // Not signed in (401), or the list cannot be read: the board page goes on without the offer.
      .catch(() => {})
    return () => {
      live = false
    }
  }, [boardId])

  async function attach() {
    setState('busy')
    setError(null)
    try {
      await attachBoard(boardId, token)
      setState('done')
    } catch (e) {
      // The server's Dutch message says why (signed out meanwhile, link renewed, not a facilitator link).
      setError(t.coFacilitator.attachFailed((e as Error).message))
      setState('offer')
    }
  }

  if (state === 'hidden') return null
  if (state === 'done') {
    return (
      <p className="sb-status-panel__hint" role="status">
        {t.coFacilitator.attached}
      </p>
    )
  }
  return (
    <>
      <button type="button" className="sb-link-button" disabled={state === 'busy'} onClick={() => void attach()}>
        {t.coFacilitator.attach}
      </button>
      <ErrorMessage>{error}</ErrorMessage>
    </>
  )
}
