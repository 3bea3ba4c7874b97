import { useState, type FormEvent } from 'react'
import { useLocale } from '../i18n/locale.tsx'

const MAX_NAME_LENGTH = 40

/** Asked once per device; the name is shown next to your cursor and in the people list. */
export function NamePrompt({ initial, onSubmit }: { initial: string; onSubmit(name: string): void }) {
  const { t } = useLocale()
  const [name, setName] = useState(initial)
  function submit(event: FormEvent) {
    event.preventDefault()
    const trimmed = name.trim()
    if (trimmed) onSubmit(trimmed.slice(0, MAX_NAME_LENGTH))
  }
  return (
    <div className="sb-overlay">
      <form className="sb-card sb-dialog" role="dialog" aria-modal="true" aria-labelledby="name-heading" onSubmit={submit}>
        <h2 id="name-heading">{t.nameHeading}</h2>
        <p>{t.nameExplain}</p>
        <label htmlFor="display-name">{t.nameLabel}</label>
        <input
          id="display-name"
          name="displayName"
          autoFocus
          required
          maxLength={MAX_NAME_LENGTH}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" disabled={!name.trim()}>
          {t.join}
        </button>
      </form>
    </div>
  )
}
