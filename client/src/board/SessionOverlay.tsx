import { useContext, useEffect, useRef, useState } from 'react'
import { useEditor, useValue, type TLShapeId } from 'tldraw'
import { useLocale } from '../i18n/locale.tsx'
import { PerspectiefwisselPanel } from '../werkvormen/perspectiefwissel/PerspectiefwisselPanel.tsx'
import { myRoleIn } from '../werkvormen/perspectiefwissel/useMyRole.ts'
import { useBoardAccess } from './BoardAccess.tsx'
import { BoardStatusContext } from './BoardStatusPanel.tsx'
import { stepOutOfRole, useSessionState } from './sessionState.ts'
import { LockIcon } from './LockIcon.tsx'
import { PrepArea } from './PrepArea.tsx'
import { ErrorMessage } from '../app/ErrorMessage.tsx'

/**
 * What the session puts in front of the board on every screen: the lock notice, the role badge
 * with "stap uit de rol", and for read-only screens (viewers, a locked board) the perspectiefwissel,
 * which the werkvormen panel does not show there.
 */
export function SessionOverlay() {
  return (
    <>
      <div className="sb-session-overlay">
        <StilteNotice />
        <LockNotice />
        <RoleBadge />
      </div>
      <ReadOnlyPerspectiefwissel />
      <PrepArea />
      <LockedFrameBadges />
    </>
  )
}

function LockNotice() {
  const { t } = useLocale()
  const s = t.begeleiding
  const { role } = useBoardAccess()
  const { facilitation } = useSessionState()
  const board = useContext(BoardStatusContext)
  const refused = board?.changeRefused ?? false
  if (!facilitation && !refused) return null
  const locked = !!facilitation?.locked
  const frames = facilitation?.lockedFrames.length ?? 0
  let message: string | null = null
  if (role === 'participant' && locked) message = s.boardLockedNotice
  else if (role === 'participant' && frames > 0) message = s.framesLockedNotice
  else if (role === 'facilitator' && locked) message = s.lockedFacilitatorNotice
  if (!message && !refused) return null
  return (
    <div className={`sb-lock-notice${locked ? ' sb-lock-notice--locked' : ''}`} role="status" aria-live="polite" data-testid="slot-melding">
      {message && (
        <p>
          <LockIcon /> {message}
        </p>
      )}
      {refused && (
        <p className="sb-lock-notice__refused">
          {s.changeRefused}{' '}
          <button type="button" className="sb-link-button" onClick={board?.dismissChangeRefused}>
            {s.close}
          </button>
        </p>
      )}
    </div>
  )
}

function RoleBadge() {
  const { t } = useLocale()
  const s = t.begeleiding
  const editor = useEditor()
  const { boardId } = useBoardAccess()
  const { perspectiefwissel, refresh } = useSessionState()
  const mine = myRoleIn(boardId, perspectiefwissel)
  const [moment, setMoment] = useState<{ label: string } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const myName = useValue('my name', () => editor.user.getName(), [editor])
  const okButton = useRef<HTMLButtonElement>(null)
  useEffect(() => okButton.current?.focus(), [moment])

  if (moment) {
    return (
      <div
        className="sb-overlay sb-step-out"
        role="dialog"
        aria-modal="true"
        aria-labelledby="sb-step-out-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape') setMoment(null)
        }}
      >
        <div className="sb-card sb-dialog">
          <h2 id="sb-step-out-title">{s.steppedOutTitle}</h2>
          <p className="sb-notice">{s.steppedOutText(moment.label, myName)}</p>
          <button ref={okButton} type="button" onClick={() => setMoment(null)}>
            {s.steppedOutOk}
          </button>
        </div>
      </div>
    )
  }
  if (!mine || mine.steppedOut) return null
  const canStepOut = mine.phase !== 'stilte'
  return (
    <div className={`sb-role-badge${mine.phase === 'afgerond' ? ' sb-role-badge--ended' : ''}`} role="region" aria-label={s.inRoleBadge(mine.label)} data-testid="rolbadge">
      <p className="sb-role-badge__label">{s.inRoleBadge(mine.label)}</p>
      {canStepOut && (
        <>
          <p className="sb-hint">{mine.phase === 'afgerond' ? s.sessionEndedHint : s.stepOutHint}</p>
          <button
            type="button"
            onClick={async () => {
              try {
                await stepOutOfRole(boardId, mine.cardToken, mine.cardId)
                setError(null)
                setMoment({ label: mine.label })
                await refresh()
              } catch (e) {
                setError((e as Error).message)
              }
            }}
          >
            {s.stepOut}
          </button>
        </>
      )}
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  )
}

/** Viewers and participants on a locked board still follow (and, holding a card, fill in) the perspectiefwissel. */
function ReadOnlyPerspectiefwissel() {
  const editor = useEditor()
  const { role } = useBoardAccess()
  const { perspectiefwissel } = useSessionState()
  const readOnly = useValue('readonly', () => editor.getIsReadonly(), [editor])
  const [open, setOpen] = useState(true)
  if (!readOnly || role === 'facilitator' || !perspectiefwissel) return null
  return (
    <aside className="sb-werkvormen sb-werkvormen--readonly" aria-label="Perspectiefwissel" onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
      <details open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>Perspectiefwissel</summary>
        {open && <PerspectiefwisselPanel />}
      </details>
    </aside>
  )
}

/** Everyone sees that the room is silent, so a missing cursor is not mistaken for a lost connection. */
function StilteNotice() {
  const { t } = useLocale()
  const { facilitation } = useSessionState()
  if (!facilitation?.stiltemodus) return null
  return (
    <p className="sb-stilte-notice" role="status" data-testid="stilte-melding">
      {t.sessie.stilteNotice}
    </p>
  )
}

/** A small "op slot" tag on the top right of every locked frame, on every screen, following the camera. */
function LockedFrameBadges() {
  const { t } = useLocale()
  const editor = useEditor()
  const { facilitation } = useSessionState()
  const frames = facilitation?.lockedFrames ?? []
  const key = frames.join(',')
  const places = useValue(
    'locked frame badges',
    () =>
      frames.flatMap((id) => {
        const bounds = editor.getShapePageBounds(id as TLShapeId)
        if (!bounds || editor.getShape(id as TLShapeId)?.parentId !== editor.getCurrentPageId()) return []
        const at = editor.pageToViewport({ x: bounds.maxX, y: bounds.minY })
        return [{ id, x: at.x, y: at.y }]
      }),
    [editor, key]
  )
  return (
    <>
      {places.map((place) => (
        <span key={place.id} className="sb-frame-lock" style={{ left: place.x, top: place.y }} data-testid="frame-op-slot">
          <LockIcon /> {t.begeleiding.frameLocked}
        </span>
      ))}
    </>
  )
}
