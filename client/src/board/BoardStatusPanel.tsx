import { createContext, useContext } from 'react'
import type { Role } from '@samenbord/shared/roles'
import { LanguageSwitch, useLocale } from '../i18n/locale.tsx'
import type { ConnectionStatus, Participant } from './useBoardSession.ts'

export interface BoardStatus {
  title: string
  role: Role
  status: ConnectionStatus
  participants: Participant[]
  onChangeName(): void
}

export const BoardStatusContext = createContext<BoardStatus | null>(null)

/** Top-right panel: board title, your role, connection state and who is here. */
export function BoardStatusPanel() {
  const board = useContext(BoardStatusContext)
  const { t } = useLocale()
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
            </li>
          ))}
        </ul>
        <button type="button" className="sb-link-button" onClick={board.onChangeName}>
          {t.changeName}
        </button>
      </div>
    </div>
  )
}
