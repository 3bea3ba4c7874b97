import { useEffect } from 'react'
import { useLocale } from '../i18n/locale.tsx'
import { useTimerText } from './timer.ts'
import { useSessionState } from './sessionState.ts'

/**
 * Shared-screen mode for a hybrid MDO: no tools or panels, only the board, its title and the
 * timer in large type, and below them what the room needs to know from afar: the agenda's
 * current step, stiltemodus, and in a silent round how many are ready (never what they wrote).
 * Escape or the button leaves it.
 */
export function PresentingOverlay({ title, onLeave }: { title: string; onLeave(): void }) {
  const { t } = useLocale()
  const timer = useTimerText()
  const { facilitation, perspectiefwissel } = useSessionState()
  const agenda = facilitation?.agenda
  const step = agenda && agenda.current !== null ? agenda.steps[agenda.current] : undefined
  const claimed = perspectiefwissel?.phase === 'stilte' ? perspectiefwissel.roles.filter((r) => r.claimed) : []
  const ready = claimed.filter((r) => r.ready).length
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onLeave()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onLeave])
  return (
    <div className="sb-presenting" aria-label={t.sharedScreen}>
      <h1 className="sb-presenting__title">{title}</h1>
      {timer && (
        <p className="sb-presenting__timer" role="timer" aria-label={t.timerLabel}>
          {timer}
        </p>
      )}
      <button type="button" className="sb-presenting__leave" onClick={onLeave}>
        {t.leaveSharedScreen}
      </button>
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
