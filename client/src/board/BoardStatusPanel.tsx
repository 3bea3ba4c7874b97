import { createContext, useContext, useEffect, useRef, useState } from 'react'
import { Box, useEditor, useValue, type TLPageId, type TLUserId } from 'tldraw'
import { startTimer, stopTimer, useTimerText } from './timer.ts'
import { LockControls } from './LockControls.tsx'
import { prepOpen } from './PrepArea.tsx'
import type { Role } from '@samenbord/shared/roles'
import { LanguageSwitch, useLocale } from '../i18n/locale.tsx'
import type { ConnectionStatus, Participant, Summon } from './useBoardSession.ts'
import { AgendaPanel } from './AgendaPanel.tsx'
import { useSessionState } from './sessionState.ts'
import { CoFacilitatorLink } from './CoFacilitatorLink.tsx'
import { RenewLinks } from './RenewLinks.tsx'
import { AttachToMyBoards } from './AttachToMyBoards.tsx'

export interface BoardStatus {
  title: string
  role: Role
  status: ConnectionStatus
  participants: Participant[]
  onChangeName(): void
  setLeading(leading: boolean): void
  onPresent(): void
  /** The relay refused this screen's last change because the board was locked. */
  changeRefused: boolean
  dismissChangeRefused(): void
  summonEveryone(target: Omit<Summon, 'id'>): void
}

export const BoardStatusContext = createContext<BoardStatus | null>(null)

/** Top-right panel: board title, your role, connection state and who is here. */
export function BoardStatusPanel() {
  const board = useContext(BoardStatusContext)
  const { t } = useLocale()
  const editor = useEditor()
  const self = board?.participants.find((p) => p.isSelf)
  const leader = board?.participants.find((p) => p.leading && !p.isSelf)
  const timer = useTimerText()
  const prepIsOpen = useValue('voorbereiding open', () => prepOpen.get(), [])
  const broughtBy = useSummons(board?.participants ?? [])
  // In the silent round the people list says who is ready too (by their role), never what they wrote.
  const { perspectiefwissel } = useSessionState()
  const readyRoles = new Set(perspectiefwissel?.phase === 'stilte' ? perspectiefwissel.roles.filter((r) => r.ready).map((r) => r.label) : [])
  // Follow the facilitator's view while they lead; panning yourself ends it until they lead again.
  useEffect(() => {
    if (!leader?.userId) return
    editor.startFollowingUser(leader.userId as TLUserId)
    return () => {
      editor.stopFollowingUser()
    }
  }, [editor, leader?.userId])
  if (!board) return null
  return (
    <div className="sb-status-panel" role="region" aria-label={board.title}>
      <div className="sb-status-panel__row">
        <strong className="sb-status-panel__title" title={board.title}>{board.title}</strong>
        <span className={`sb-role sb-role--${board.role}`}>
          {board.role === 'viewer' ? t.readOnlyBadge : t.roleName[board.role]}
        </span>
      </div>
      <div className="sb-status-panel__row">
        <span
          className={`sb-connection sb-connection--${board.status}`}
          role="status"
          aria-live="polite"
          aria-label={`${t.statusLabel}: ${t.status[board.status]}`}
          data-status={board.status}
        >
          <span className="sb-connection__dot" aria-hidden="true" />
          {t.status[board.status]}
        </span>
        <LanguageSwitch />
      </div>
      {board.status !== 'connected' && board.status !== 'connecting' && (
        <p className="sb-status-panel__hint">{t.offlineHint}</p>
      )}
      <div className="sb-people" aria-label={t.people}>
        <span className="sb-people__label">
          {t.people} ({board.participants.length})
        </span>
        <ul>
          {board.participants.map((p) => (
            <li key={p.clientId} data-testid="participant">
              <span className="sb-people__dot" style={{ background: p.color }} aria-hidden="true" />
              {p.name}
              {p.isSelf && ` (${t.you})`}
              {p.role !== 'participant' && <span className="sb-people__role"> · {t.roleName[p.role]}</span>}
              {p.inRole && (
                <span className="sb-people__in-role">
                  {t.begeleiding.inRoleShort(p.inRole)}
                  {readyRoles.has(p.inRole) && ` · ${t.begeleiding.ready}`}
                </span>
              )}
            </li>
          ))}
        </ul>
        <button type="button" className="sb-link-button" onClick={board.onChangeName}>
          {t.changeName}
        </button>
        {board.role === 'facilitator' && (
          <div className="sb-facilitator-row">
            <button type="button" className="sb-secondary sb-follow" aria-pressed={!!self?.leading} onClick={() => board.setLeading(!self?.leading)}>
              {self?.leading ? t.stopLeading : t.followMe}
            </button>
            <button
              type="button"
              className="sb-secondary"
              onClick={() => {
                const view = editor.getViewportPageBounds()
                board.summonEveryone({ pageId: editor.getCurrentPageId(), x: view.x, y: view.y, w: view.w, h: view.h })
              }}
            >
              {t.sessie.bringHere}
            </button>
          </div>
        )}
        {leader && <p className="sb-status-panel__hint">{t.following(leader.name)}</p>}
        {broughtBy && (
          <p className="sb-status-panel__hint" role="status">
            {t.sessie.broughtHere(broughtBy)}
          </p>
        )}
      </div>
      <AgendaPanel />
      {board.role === 'facilitator' && <LockControls />}
      {board.role === 'facilitator' && (
        <button type="button" className="sb-link-button" aria-pressed={prepIsOpen} onClick={() => prepOpen.set(!prepIsOpen)}>
          {t.voorbereiding.open}
        </button>
      )}
      {board.role === 'facilitator' && <CoFacilitatorLink />}
      {board.role === 'facilitator' && <RenewLinks />}
      {board.role === 'facilitator' && <AttachToMyBoards />}
      <div className="sb-status-panel__row sb-timer">
        {timer ? (
          <span role="timer" aria-label={t.timerLabel} className="sb-timer__left">
            <svg className="sb-timer__icon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <circle cx="12" cy="13" r="8" fill="none" stroke="currentColor" strokeWidth="2.2" />
              <path d="M12 9v4l2.5 2M9 2h6" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
            </svg>{' '}
            {timer}
          </span>
        ) : (
          <span className="sb-hint">{t.timerLabel}</span>
        )}
        {board.role === 'facilitator' && (
          <span className="sb-timer__controls">
            {timer ? (
              <button type="button" className="sb-link-button" onClick={() => stopTimer(editor)}>
                {t.timerStop}
              </button>
            ) : (
              [5, 10, 15].map((minutes) => (
                <button key={minutes} type="button" className="sb-link-button" onClick={() => startTimer(editor, minutes)}>
                  {minutes} min
                </button>
              ))
            )}
          </span>
        )}
      </div>
      <div>
        <button type="button" className="sb-link-button" onClick={board.onPresent}>
          {t.sharedScreen}
        </button>
      </div>
    </div>
  )
}

/**
 * "Breng iedereen hier": when a facilitator (not this screen) asks anew, this view jumps to hers
 * once; unlike following, panning afterwards is free. Requests already there when the board
 * opened are not acted on. Returns who brought us here last, for a short note.
 */
function useSummons(participants: Participant[]): string | null {
  const editor = useEditor()
  const seen = useRef<Set<string> | null>(null)
  const [broughtBy, setBroughtBy] = useState<string | null>(null)
  const summons = participants.filter((p) => !p.isSelf && p.summon !== null)
  const key = summons.map((p) => p.summon!.id).join(',')
  useEffect(() => {
    if (seen.current === null) {
      seen.current = new Set(summons.map((p) => p.summon!.id))
      return
    }
    for (const p of summons) {
      const summon = p.summon!
      if (seen.current.has(summon.id)) continue
      seen.current.add(summon.id)
      editor.stopFollowingUser()
      if (editor.getPage(summon.pageId as TLPageId)) editor.setCurrentPage(summon.pageId as TLPageId)
      // No inset: the same part of the board as the facilitator sees, fitted to this screen.
      editor.zoomToBounds(new Box(summon.x, summon.y, summon.w, summon.h), { inset: 0, animation: { duration: 400 } })
      setBroughtBy(p.name)
    }
  }, [key])
  useEffect(() => {
    if (!broughtBy) return
    const timer = setTimeout(() => setBroughtBy(null), 6000)
    return () => clearTimeout(timer)
  }, [broughtBy])
  return broughtBy
}
