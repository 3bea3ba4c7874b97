import { useEffect } from 'react'
import { useEditor } from 'tldraw'
import { useLocale } from '../i18n/locale.tsx'
import { useTimerText } from './timer.ts'
import { useSessionState } from './sessionState.ts'

/**
 * Shared-screen mode for a hybrid MDO: no tools or panels, only the board, its title and the
 * timer in large type, and below them what the room needs to know from afar: the agenda's
 * current step, stiltemodus, and in a silent round how many are ready (never what they wrote).
 * It opens with the whole board in view; Groter/Kleiner (or + and −) zoom the board itself, so
 * its cards read from the back of the room.
 * Escape or the button leaves it.
 */
export function PresentingOverlay({ title, onLeave }: { title: string; onLeave(): void }) {
  const { t } = useLocale()
  const editor = useEditor()
  const timer = useTimerText()
  const { facilitation, perspectiefwissel } = useSessionState()
  const agenda = facilitation?.agenda
  const step = agenda && agenda.current !== null ? agenda.steps[agenda.current] : undefined
  const claimed = perspectiefwissel?.phase === 'stilte' ? perspectiefwissel.roles.filter((r) => r.claimed) : []
  const ready = claimed.filter((r) => r.ready).length
  // The projector starts with the whole board in view, unless this screen follows the facilitator.
  useEffect(() => {
    const bounds = editor.getCurrentPageBounds()
    // Inset for the title bar; at most twice the size, a lone sticky note need not fill the wall.
    if (editor.getInstanceState().followingUserId === null && bounds) editor.zoomToBounds(bounds, { inset: 140, targetZoom: 2, animation: { duration: 200 } })
  }, [editor])
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onLeave()
      else if (e.key === '+' || e.key === '=') editor.zoomIn(editor.getViewportScreenCenter(), { animation: { duration: 200 } })
      else if (e.key === '-') editor.zoomOut(editor.getViewportScreenCenter(), { animation: { duration: 200 } })
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onLeave, editor])
  return (
    <div className="sb-presenting" aria-label={t.sharedScreen}>
      <h1 className="sb-presenting__title">{title}</h1>
      {timer && (
        <p className="sb-presenting__timer" role="timer" aria-label={t.timerLabel}>
          {timer}
        </p>
      )}
      <div className="sb-presenting__controls">
        <button type="button" onClick={() => editor.zoomOut(editor.getViewportScreenCenter(), { animation: { duration: 200 } })} aria-label={t.smallerOnScreen}>
          A−
        </button>
        <button type="button" onClick={() => editor.zoomIn(editor.getViewportScreenCenter(), { animation: { duration: 200 } })} aria-label={t.largerOnScreen}>
          A+
        </button>
        <button type="button" onClick={onLeave}>
          {t.leaveSharedScreen}
        </button>
      </div>
      <div className="sb-presenting__session">
        {step && agenda && (
          <p data-testid="gedeeld-agenda">{t.sessie.agendaNow(step, agenda.current! + 1, agenda.steps.length)}</p>
        )}
        {claimed.length > 0 && (
          <p role="status" data-testid="gedeeld-klaar">
            {t.begeleiding.readyCount(ready, claimed.length)}
          </p>
        )}
        {facilitation?.stiltemodus && <p>{t.sessie.stilteNotice}</p>}
      </div>
    </div>
  )
}
