import { useState, type FormEvent } from 'react'
import { MAX_TITLE_LENGTH } from '@samenbord/shared/board-doc'
import { ROLES } from '@samenbord/shared/roles'
import type { CreateBoardResponse } from '@samenbord/shared/api'
import { createBoard, restoreBackup } from '../app/api.ts'
import { LanguageSwitch, useLocale } from '../i18n/locale.tsx'
import { LinkRow } from '../app/LinkRow.tsx'
import { ErrorMessage } from '../app/ErrorMessage.tsx'

/** Create a board, then hand out the three capability links. */
export function StartPage() {
  const { t } = useLocale()
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<CreateBoardResponse | null>(null)
  const [restoreError, setRestoreError] = useState<string | null>(null)

  async function onRestore(file: File | undefined) {
    if (!file) return
    setBusy(true)
    setRestoreError(null)
    try {
      setCreated(await restoreBackup(await file.text()))
    } catch (e) {
      setRestoreError(`${t.restoreFailed}: ${(e as Error).message}`)
    } finally {
      setBusy(false)
    }
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      setCreated(await createBoard(title.trim()))
    } catch (e) {
      setError(`${t.createFailed}: ${(e as Error).message}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="sb-start">
      <header className="sb-start__header">
        <h1>
          <img src="/favicon.svg" alt="" width={36} height={36} /> {t.appName}
        </h1>
        <LanguageSwitch />
      </header>
      <main>
        <p className="sb-start__tagline">{t.tagline}</p>
        {!created ? (
          <form className="sb-card" onSubmit={onSubmit} aria-labelledby="create-heading">
            <h2 id="create-heading">{t.createHeading}</h2>
            <label htmlFor="board-title">{t.titleLabel}</label>
            <input
              id="board-title"
              name="title"
              required
              maxLength={MAX_TITLE_LENGTH}
              value={title}
              placeholder={t.titlePlaceholder}
              onChange={(e) => setTitle(e.target.value)}
              autoFocus
            />
            <button type="submit" disabled={busy || !title.trim()}>
              {busy ? t.creating : t.createButton}
            </button>
            <ErrorMessage>{error}</ErrorMessage>
          </form>
        ) : null}
        {!created ? (
          <section className="sb-card sb-start__restore" aria-labelledby="restore-heading">
            <h2 id="restore-heading">{t.restoreHeading}</h2>
            <p>{t.restoreIntro}</p>
            <label htmlFor="restore-file">{t.restoreLabel}</label>
            <input id="restore-file" type="file" accept="application/json,.json" disabled={busy} onChange={(e) => void onRestore(e.target.files?.[0])} />
            {busy && <p role="status">{t.restoring}</p>}
            <ErrorMessage>{restoreError}</ErrorMessage>
          </section>
        ) : (
          <section className="sb-card" aria-labelledby="links-heading">
            <h2 id="links-heading">
              {t.linksHeading}: {created.title}
            </h2>
            <p>{t.linksIntro}</p>
            <ul className="sb-links">
              {ROLES.map((role) => (
                <LinkRow key={role} role={role} link={created.links[role]} />
              ))}
            </ul>
            <a className="sb-button" href={created.links.facilitator}>
              {t.openBoard}
            </a>
          </section>
        )}
        <p className="sb-start__privacy">{t.privacyNote}</p>
      </main>
    </div>
  )
}
