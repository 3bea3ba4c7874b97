import { useEffect } from 'react'
import { useLocale } from '../i18n/locale.tsx'
import { useTimerText } from './timer.ts'

/**
 * Shared-screen mode for a hybrid MDO: no tools or panels, only the board, its title and the
 * timer in large type. Escape or the button leaves it.
 */
export function PresentingOverlay({ title, onLeave }: { title: string; onLeave(): void }) {
  const { t } = useLocale()
  const timer = useTimerText()
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
    </div>
  )
}
