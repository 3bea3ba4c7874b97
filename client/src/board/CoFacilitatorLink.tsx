import { useState } from 'react'
import type { CoFacilitatorLinkResponse } from '@samenbord/shared/api'
import { tokenRequest } from '../app/api.ts'
import { useLocale } from '../i18n/locale.tsx'
import { useBoardAccess } from './BoardAccess.tsx'
import { ErrorMessage } from '../app/ErrorMessage.tsx'

/** Facilitator: a facilitator link of its own for a co-facilitator (R34), to copy and hand over. */
export function CoFacilitatorLink() {
  const { t } = useLocale()
  const { boardId, token } = useBoardAccess()
  const [link, setLink] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function invite() {
    try {
      const body = await tokenRequest<CoFacilitatorLinkResponse>(`/api/boards/${encodeURIComponent(boardId)}/links/co-facilitator`, token, undefined, 'POST')
      setLink(body.link)
      setError(null)
    } catch (e) {
      setError((e as Error).message)
    }
  }

  if (!link) {
    return (
      <>
        <button type="button" className="sb-link-button" onClick={invite}>
          {t.coFacilitator.invite}
        </button>
        <ErrorMessage>{error}</ErrorMessage>
      </>
    )
  }
  return (
    <div className="sb-cofacilitator">
      <label htmlFor="sb-cofacilitator-link">{t.coFacilitator.linkLabel}</label>
      <div className="sb-links__copy">
        <input id="sb-cofacilitator-link" readOnly value={link} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard?.writeText(link).catch(() => {})
            setCopied(true)
          }}
        >
          {copied ? t.copied : t.copy}
        </button>
      </div>
      <p className="sb-hint">{t.coFacilitator.hint}</p>
    </div>
  )
}
