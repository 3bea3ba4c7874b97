import { useEffect, useState } from 'react'
import { useEditor, useValue, type Editor } from 'tldraw'

/**
 * The session timer lives in the board document's meta (`timerEndsAt`, ms since the epoch), so
 * everyone sees the same countdown. Device clocks may differ by a few seconds; fine for a 15-minute round.
 */
export function startTimer(editor: Editor, minutes: number) {
  editor.updateDocumentSettings({ meta: { ...editor.getDocumentSettings().meta, timerEndsAt: Date.now() + minutes * 60_000 } })
}

export function stopTimer(editor: Editor) {
  editor.updateDocumentSettings({ meta: { ...editor.getDocumentSettings().meta, timerEndsAt: null } })
}

/** "mm:ss" left, "0:00" once elapsed, or null when no timer runs. */
export function useTimerText(): string | null {
  const editor = useEditor()
  const endsAt = useValue('timer', () => (editor.getDocumentSettings().meta as { timerEndsAt?: unknown }).timerEndsAt, [editor])
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (typeof endsAt !== 'number') return
    const tick = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(tick)
  }, [endsAt])
  if (typeof endsAt !== 'number') return null
  const left = Math.max(0, Math.ceil((endsAt - now) / 1000))
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`
}
