import { useState } from 'react'
import { useEditor, useValue } from 'tldraw'
import { useLocale } from '../i18n/locale.tsx'
import { useBoardAccess } from './BoardAccess.tsx'
import { changeFacilitation, useSessionState } from './sessionState.ts'
import { LockIcon } from './LockIcon.tsx'
import { ErrorMessage } from '../app/ErrorMessage.tsx'

/** Facilitator: lock the whole board, or the selected frame, for participant links (the server enforces it). */
export function LockControls() {
  const { t } = useLocale()
  const s = t.begeleiding
  const editor = useEditor()
  const { boardId, token } = useBoardAccess()
  const { facilitation, refresh } = useSessionState()
  const [error, setError] = useState<string | null>(null)
  const selectedFrame = useValue(
    'selected frame',
    () => {
      const only = editor.getOnlySelectedShape()
      return only?.type === 'frame' ? only.id : null
    },
    [editor]
  )
  if (!facilitation) return null
  const change = async (body: Parameters<typeof changeFacilitation>[2]) => {
    try {
      await changeFacilitation(boardId, token, body)
      setError(null)
      await refresh()
    } catch (e) {
      setError(`${s.lockFailed}: ${(e as Error).message}`)
    }
  }
  const frameLocked = selectedFrame !== null && facilitation.lockedFrames.includes(selectedFrame)
  return (
    <div className="sb-lock-controls">
      <button type="button" className="sb-secondary" aria-pressed={facilitation.locked} onClick={() => change({ locked: !facilitation.locked })}>
        <LockIcon open={facilitation.locked} /> {facilitation.locked ? s.unlockBoard : s.lockBoard}
      </button>
      {selectedFrame && (
        <button
          type="button"
          className="sb-link-button"
          aria-pressed={frameLocked}
          onClick={() =>
            change({ lockedFrames: frameLocked ? facilitation.lockedFrames.filter((id) => id !== selectedFrame) : [...facilitation.lockedFrames, selectedFrame] })
          }
        >
          {frameLocked ? s.unlockFrame : s.lockFrame}
        </button>
      )}
      {facilitation.lockedFrames.length > 0 && <span className="sb-hint">{s.lockedFramesCount(facilitation.lockedFrames.length)}</span>}
      <button type="button" className="sb-link-button" aria-pressed={facilitation.stiltemodus} onClick={() => change({ stiltemodus: !facilitation.stiltemodus })}>
        {facilitation.stiltemodus ? t.sessie.stilteOff : t.sessie.stilteOn}
      </button>
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  )
}
