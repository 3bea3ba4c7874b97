import { useState } from 'react'
import { MAX_AGENDA_STEP_LENGTH, MAX_AGENDA_STEPS, type SessionAgenda } from '@samenbord/shared/api'
import { useLocale } from '../i18n/locale.tsx'
import { useBoardAccess } from './BoardAccess.tsx'
import { changeFacilitation, useSessionState } from './sessionState.ts'
import { ErrorMessage } from '../app/ErrorMessage.tsx'

/**
 * The session's agenda of werkvormen: everyone sees the current step; the facilitator adds,
 * removes and moves on. Kept by the server, so a late joiner or a reload sees the same step.
 */
export function AgendaPanel() {
  const { t } = useLocale()
  const s = t.sessie
  const { boardId, token, role } = useBoardAccess()
  const { facilitation, refresh } = useSessionState()
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<string | null>(null)
  if (!facilitation) return null
  // An older server answers without an agenda: then there is none.
  const { steps, current } = facilitation.agenda ?? { steps: [], current: null }
  const isFacilitator = role === 'facilitator'
  if (!isFacilitator && steps.length === 0) return null

  const save = async (agenda: SessionAgenda) => {
    try {
      await changeFacilitation(boardId, token, { agenda })
      setError(null)
      await refresh()
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const now = current !== null && steps[current] !== undefined ? s.agendaNow(steps[current], current + 1, steps.length) : s.agendaNotStarted

  return (
    <details className="sb-agenda" open={isFacilitator ? undefined : true}>
      <summary>
        {s.agenda}: <span data-testid="agenda-nu">{steps.length === 0 ? s.agendaEmpty : now}</span>
      </summary>
      <ol className="sb-agenda__steps">
        {steps.map((step, i) => (
          <li key={`${i}-${step}`} aria-current={i === current ? 'step' : undefined}>
            {isFacilitator ? (
              <>
                <button type="button" className="sb-link-button" aria-label={s.agendaMakeCurrent(step)} onClick={() => save({ steps, current: i })}>
                  {step}
                </button>
                <button
                  type="button"
                  className="sb-link-button sb-agenda__remove"
                  aria-label={s.agendaRemove(step)}
                  onClick={() => {
                    const rest = steps.filter((_, j) => j !== i)
                    const next = current === null || rest.length === 0 ? null : current > i ? current - 1 : Math.min(current, rest.length - 1)
                    void save({ steps: rest, current: next })
                  }}
                >
                  ×
                </button>
              </>
            ) : (
              step
            )}
          </li>
        ))}
      </ol>
      {isFacilitator && (
        <>
          <div className="sb-agenda__nav">
            <button type="button" className="sb-secondary" disabled={current === null || current === 0} onClick={() => save({ steps, current: (current ?? 1) - 1 })}>
              {s.agendaPrevious}
            </button>
            <button
              type="button"
              disabled={steps.length === 0 || current === steps.length - 1}
              onClick={() => save({ steps, current: current === null ? 0 : current + 1 })}
            >
              {s.agendaNext}
            </button>
          </div>
          <form
            className="sb-agenda__add"
            onSubmit={(e) => {
              e.preventDefault()
              if (draft.trim().length === 0) return
              void save({ steps: [...steps, draft.trim()], current }).then(() => setDraft(''))
            }}
          >
            <label htmlFor="sb-agenda-new">{s.agendaAddLabel}</label>
            <input
              id="sb-agenda-new"
              list="sb-agenda-suggestions"
              value={draft}
              maxLength={MAX_AGENDA_STEP_LENGTH}
              placeholder={s.agendaAddPlaceholder}
              onChange={(e) => setDraft(e.target.value)}
            />
            <datalist id="sb-agenda-suggestions">
              {s.agendaSuggestions.map((suggestion) => (
                <option key={suggestion} value={suggestion} />
              ))}
            </datalist>
            <button type="submit" className="sb-secondary" disabled={draft.trim().length === 0 || steps.length >= MAX_AGENDA_STEPS}>
              {s.agendaAdd}
            </button>
          </form>
        </>
      )}
      <ErrorMessage>{error}</ErrorMessage>
    </details>
  )
}
