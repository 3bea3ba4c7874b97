import { atom, UserRecordType, createUserId, computed, type TLCurrentUser, type TLUserPreferences } from 'tldraw'
import type { TLUserStore } from 'tldraw'
import type { Locale } from '../i18n/strings.ts'

const NAME_KEY = 'samenbord.name'
const COLOR_KEY = 'samenbord.color'
const TAB_ID_KEY = 'samenbord.tabId'

/** Distinct, high-contrast cursor colours that stay readable on a projector. */
const COLORS = ['#d1495b', '#00798c', '#edae49', '#30638e', '#6a4c93', '#2a9d8f', '#e76f51', '#8a5a44']

export function rememberedName(): string {
  return localStorage.getItem(NAME_KEY) ?? ''
}

export function rememberName(name: string) {
  localStorage.setItem(NAME_KEY, name)
}

function deviceColor(): string {
  let color = localStorage.getItem(COLOR_KEY)
  if (!color) {
    color = COLORS[Math.floor(Math.random() * COLORS.length)]
    localStorage.setItem(COLOR_KEY, color)
  }
  return color
}

/**
 * One id per browser tab: tldraw hides presences that share the local user's id, and a
 * facilitator often has the board open twice (own laptop and the shared screen).
 */
function tabUserId(): string {
  let id = sessionStorage.getItem(TAB_ID_KEY)
  if (!id) {
    id = crypto.randomUUID()
    sessionStorage.setItem(TAB_ID_KEY, id)
  }
  return id
}

export interface BoardIdentity {
  /** What tldraw's Tldraw component takes as `user`. */
  currentUser: TLCurrentUser
  /** What the store takes as `users`. */
  userStore: TLUserStore
  setName(name: string): void
  setLocale(locale: Locale): void
}

export function createBoardIdentity(name: string, locale: Locale, onLocaleChange: (locale: Locale) => void): BoardIdentity {
  const $prefs = atom<TLUserPreferences>('samenbord user preferences', {
    id: tabUserId(),
    name,
    color: deviceColor(),
    locale,
    colorScheme: 'light',
  })
  const currentUser: TLCurrentUser = {
    userPreferences: $prefs,
    setUserPreferences(next) {
      if (next.name && next.name !== $prefs.get().name) rememberName(next.name)
      if (next.locale && next.locale !== $prefs.get().locale && (next.locale === 'nl' || next.locale === 'en')) {
        onLocaleChange(next.locale)
      }
      $prefs.set(next)
    },
  }
  const $user = computed('samenbord current user', () => {
    const prefs = $prefs.get()
    return UserRecordType.create({ id: createUserId(prefs.id), name: prefs.name ?? '', color: prefs.color ?? COLORS[0] })
  })
  return {
    currentUser,
    userStore: { currentUser: $user },
    setName(next) {
      rememberName(next)
      $prefs.update((p) => ({ ...p, name: next }))
    },
    setLocale(next) {
      $prefs.update((p) => ({ ...p, locale: next }))
    },
  }
}
