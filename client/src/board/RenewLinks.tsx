import { useState } from 'react'
import type { RenewedLinksResponse } from '@samenbord/shared/api'
import { ROLES, type Role } from '@samenbord/shared/roles'
import { tokenRequest } from '../app/api.ts'
import { LinkRow } from '../app/LinkRow.tsx'
import { useLocale } from '../i18n/locale.tsx'
import { useBoardAccess } from './BoardAccess.tsx'
import { ErrorMessage } from '../app/ErrorMessage.tsx'

/** The renewed links survive the reload onto the new facilitator link in this tab only. */
const renewedKey = (boardId: string) => `samenbord:nieuwe-links:${boardId}`

function storedLinks(boardId: string): Record<Role, string> | null {
  try {
    const links = JSON.parse(sessionStorage.getItem(renewedKey(boardId)) ?? 'null') as Record<Role, string> | null
    return links !== null && ROLES.every((role) => typeof links[role] === 'string') ? links : null
  } catch {
    return null
  }
}

/**
 * Facilitator: new links for everyone when a link reached the wrong person. The server closes
 * every socket of an old board link (this tab's too), so the tab reloads onto its new facilitator
 * link and then shows the new links to hand out.
 */
export function RenewLinks() {
  const { t } = useLocale()
  const { boardId, token } = useBoardAccess()
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [renewed, setRenewed] = useState(() => storedLinks(boardId))

  async function renew() {
    setBusy(true)
    try {
      const body = await tokenRequest<RenewedLinksResponse>(`/api/boards/${encodeURIComponent(boardId)}/links/renew`, token, undefined, 'POST')
      sessionStorage.setItem(renewedKey(boardId), JSON.stringify(body.links))
      // Same page, new token: the board reads its token from the fragment when it loads.
      const next = new URL(window.location.href)
      next.hash = new URL(body.links.facilitator).hash
      window.location.replace(next)
      window.location.reload()
    } catch (e) {
      setError((e as Error).message)
      setBusy(false)
    }
  }

  if (renewed) {
    return (
      <section className="sb-renewed-links" aria-labelledby="sb-renewed-links-heading">
        <h3 id="sb-renewed-links-heading">{t.renewLinks.newLinks}</h3>
        <p className="sb-hint">{t.renewLinks.newLinksHint}</p>
        <ul className="sb-links">
          {ROLES.map((role) => (
            <LinkRow key={role} role={role} link={renewed[role]} idPrefix="nieuwe-link" />
          ))}
        </ul>
        <button
          type="button"
          className="sb-secondary"
          onClick={() => {
            sessionStorage.removeItem(renewedKey(boardId))
            setRenewed(null)
          }}
        >
          {t.renewLinks.done}
        </button>
      </section>
    )
  }
  if (!confirming) {
    return (
      <button type="button" className="sb-link-button" onClick={() => setConfirming(true)}>
        {t.renewLinks.open}
      </button>
    )
  }
  return (
    <div className="sb-renew-links" role="group" aria-labelledby="sb-renew-links-warning">
      <p id="sb-renew-links-warning">{t.renewLinks.warning}</p>
      <div className="sb-status-panel__row">
        <button type="button" className="sb-danger" disabled={busy} onClick={renew}>
          {t.renewLinks.confirm}
        </button>
        {/* Keyboard focus lands on the safe choice: Enter does not renew by accident. */}
        <button type="button" className="sb-secondary" disabled={busy} onClick={() => setConfirming(false)} autoFocus>
          {t.renewLinks.cancel}
        </button>
      </div>
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  )
}
