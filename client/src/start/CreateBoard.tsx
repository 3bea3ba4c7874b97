import { useState, type FormEvent } from 'react'
import { MAX_TITLE_LENGTH } from '@samenbord/shared/board-doc'
import { ROLES } from '@samenbord/shared/roles'
import type { CreateBoardResponse } from '@samenbord/shared/api'
import { ApiError, createBoard, restoreBackup } from '../app/api.ts'
import { useLocale } from '../i18n/locale.tsx'
import { LinkRow } from '../app/LinkRow.tsx'
import { ErrorMessage } from '../app/ErrorMessage.tsx'

/**
 * Create a board or restore one from a back-up, then hand out the three capability links.
 * `onUnauthenticated` gets the server's message when the session is gone (401).
 */
export function CreateBoard({ onCreated, onUnauthenticated }: { onCreated(): void; onUnauthenticated(message: string): void }) {
  const { t } = useLocale()
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState<'create' | 'restore' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<CreateBoardResponse | null>(null)
  const [restoreError, setRestoreError] = useState<string | null>(null)

  async function attempt(kind: 'create' | 'restore', work: () => Promise<CreateBoardResponse>, fail: (message: string) => void) {
    setBusy(kind)
    setError(null)
    setRestoreError(null)
    try {
      setCreated(await work())
      setTitle('')
      onCreated()
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onUnauthenticated(e.message)
      else fail((e as Error).message)
    } finally {
      setBusy(null)
    }
  }

  function onRestore(file: File | undefined) {
    if (!file) return
    void attempt(
      'restore',
      async () => restoreBackup(await file.text()),
      (message) => setRestoreError(`${t.restoreFailed}: ${message}`),
    )
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault()
    void attempt(
      'create',
      () => createBoard(title.trim()),
      (message) => setError(`${t.createFailed}: ${message}`),
    )
  }

  if (created) {
    return (
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
        <div className="sb-start__row">
          <a className="sb-button" href={created.links.facilitator}>
            {t.openBoard}
          </a>
          <button type="button" className="sb-secondary" onClick={() => setCreated(null)}>
            {t.account.anotherBoard}
          </button>
        </div>
      </section>
    )
  }

  return (
    <div className="sb-start__forms">
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
        <button type="submit" disabled={busy !== null || !title.trim()}>
          {busy === 'create' ? t.creating : t.createButton}
        </button>
        <ErrorMessage>{error}</ErrorMessage>
      </form>
      <section className="sb-card sb-start__restore" aria-labelledby="restore-heading">
        <h2 id="restore-heading">{t.restoreHeading}</h2>
        <p>{t.restoreIntro}</p>
        <label htmlFor="restore-file">{t.restoreLabel}</label>
        <input id="restore-file" type="file" accept="application/json,.json" disabled={busy !== null} onChange={(e) => onRestore(e.target.files?.[0])} />
        {busy === 'restore' && <p role="status">{t.restoring}</p>}
        <ErrorMessage>{restoreError}</ErrorMessage>
      </section>
    </div>
  )
}
