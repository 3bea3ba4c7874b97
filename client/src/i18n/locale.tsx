import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import { LOCALES, STRINGS, type Locale, type Strings } from './strings.ts'

const STORAGE_KEY = 'samenbord.locale'

function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY)
  return (LOCALES as readonly string[]).includes(stored ?? '') ? (stored as Locale) : 'nl'
}

interface LocaleContextValue {
  locale: Locale
  t: Strings
  setLocale(locale: Locale): void
}

const LocaleContext = createContext<LocaleContextValue | null>(null)

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale)
  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(STORAGE_KEY, next)
    document.documentElement.lang = next
    setLocaleState(next)
  }, [])
  const value = useMemo(() => ({ locale, t: STRINGS[locale], setLocale }), [locale, setLocale])
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>
}

export function useLocale(): LocaleContextValue {
  const value = useContext(LocaleContext)
  if (!value) throw new Error('useLocale outside LocaleProvider')
  return value
}

export function LanguageSwitch() {
  const { locale, setLocale, t } = useLocale()
  return (
    <label className="sb-language">
      <span className="sb-visually-hidden">{t.language}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)} aria-label={t.language}>
        <option value="nl">Nederlands</option>
        <option value="en">English</option>
      </select>
    </label>
  )
}
