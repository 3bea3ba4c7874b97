import { useState } from 'react'
import type { Role } from '@samenbord/shared/roles'
import { useLocale } from '../i18n/locale.tsx'

/** One capability link to hand out: who it is for, the link, and a copy button. */
export function LinkRow({ role, link, idPrefix = 'link' }: { role: Role; link: string; idPrefix?: string }) {
  const { t } = useLocale()
  const [copied, setCopied] = useState(false)
  const inputId = `${idPrefix}-${role}`
  async function copy() {
    await navigator.clipboard?.writeText(link).catch(() => undefined)
    setCopied(true)
    setTimeout(() => setCopied(false), 2000)
  }
  return (
    <li className="sb-links__row" data-role={role}>
      <div>
        <label htmlFor={inputId} className="sb-links__role">
          {t.roleName[role]}
        </label>
        <p className="sb-links__who">{t.roleWho[role]}</p>
      </div>
      <div className="sb-links__copy">
        <input id={inputId} readOnly value={link} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={copy} aria-label={`${t.copy}: ${t.linkFor(t.roleName[role])}`}>
          {copied ? t.copied : t.copy}
        </button>
      </div>
    </li>
  )
}
