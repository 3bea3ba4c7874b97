/**
 * The consent record of a session: what the people at the table agreed about notes, recordings
 * and sharing the outcome. Kept in the board's own document `<boardId>.toestemming.sessie`,
 * which only the facilitator link may write (the relay enforces it) and everyone may read.
 */
export const CONSENT_DOC_KIND = 'toestemming'
export const CONSENT_DOC_ID = 'sessie'
export const CONSENT_MAP = 'toestemming'

export function consentDocName(boardId: string): string {
  return `${boardId}.${CONSENT_DOC_KIND}.${CONSENT_DOC_ID}`
}

/** Asked and answered, or not (yet) asked. */
export type ConsentAnswer = 'ja' | 'nee' | null

export interface Consent {
  notesAllowed: ConsentAnswer
  recordingAllowed: ConsentAnswer
  /** With whom the verslag may be shared, in the words of the agreement. */
  sharing: string
  /** Who agreed (names or roles as said at the table). */
  agreedBy: string
  /** Display name of whoever recorded it, and when (ms since the epoch). */
  recordedBy: string
  recordedAt: number
}

export const MAX_CONSENT_TEXT = 500

function answer(value: unknown): ConsentAnswer {
  return value === 'ja' || value === 'nee' ? value : null
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_CONSENT_TEXT) : ''
}

/** Reads the consent map's entries; null when nothing was recorded. Tolerates junk: it is shown, not trusted. */
export function readConsent(entries: Record<string, unknown>): Consent | null {
  const consent: Consent = {
    notesAllowed: answer(entries.notesAllowed),
    recordingAllowed: answer(entries.recordingAllowed),
    sharing: text(entries.sharing),
    agreedBy: text(entries.agreedBy),
    recordedBy: text(entries.recordedBy),
    recordedAt: typeof entries.recordedAt === 'number' && Number.isFinite(entries.recordedAt) ? entries.recordedAt : 0,
  }
  const empty = consent.notesAllowed === null && consent.recordingAllowed === null && !consent.sharing && !consent.agreedBy
  return empty ? null : consent
}

const ANSWER_TEXT: Record<'ja' | 'nee', string> = { ja: 'ja', nee: 'nee' }

/** The consent as label/value lines for the verslag's heading. */
export function consentLines(consent: Consent | null): [string, string][] {
  if (consent === null) return [['Toestemming', 'niet vastgelegd']]
  const ask = (value: ConsentAnswer) => (value === null ? 'niet gevraagd' : ANSWER_TEXT[value])
  const recorded = consent.recordedBy ? ` (vastgelegd door ${consent.recordedBy})` : ''
  return [
    ['Notities maken', ask(consent.notesAllowed)],
    ['Opnemen (beeld of geluid)', ask(consent.recordingAllowed)],
    ['Delen van de uitkomst', consent.sharing || 'niets afgesproken'],
    ['Afgesproken met', (consent.agreedBy || 'niet genoteerd') + recorded],
  ]
}
