/**
 * A board back-up: every Yjs document of the board (main board, role cards, consent, …) plus the
 * server-side perspectiefwissel session, as one JSON file the organisation keeps in its own
 * storage. `GET /api/boards/:id/export` writes it; `POST /api/boards/restore` makes a new board of it.
 */
import { MAX_AGENDA_STEPS, MAX_AGENDA_STEP_LENGTH } from './api.ts'
import { BOARD_ID_PATTERN, DOC_NAME_PATTERN, MAX_TITLE_LENGTH } from './board-doc.ts'

export const BACKUP_FORMAT = 'samenbord-backup'
/** Raise when the file's meaning changes; a server refuses files newer than it knows. */
export const BACKUP_VERSION = 1
export const MAX_BACKUP_DOCUMENTS = 500

export interface BackupRole {
  cardId: string
  personId: string
  label: string
  /** Who played it (display name); the personal card token is never part of a back-up. */
  holderName: string | null
}

export interface BoardBackup {
  format: typeof BACKUP_FORMAT
  version: number
  board: { id: string; title: string; createdAt: string }
  exportedAt: string
  /** Each document's full state (`Y.encodeStateAsUpdate`), base64. Keys: `''` for the main board, else the `.kind.id` suffix. */
  documents: Record<string, string>
  perspectiefwissel: { phase: string; roles: BackupRole[] } | null
  /** The session's agenda (optional: files from before it existed have none). Locks and ready marks are moments, not kept. */
  agenda?: { steps: string[]; current: number | null }
}

export type BackupCheck = { ok: true; backup: BoardBackup } | { ok: false; status: 400 | 422; message: string }

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const SUFFIX = /^\.[a-z]+\.[A-Za-z0-9_-]{1,40}$/

const bad = (message: string): BackupCheck => ({ ok: false, status: 422, message })

/**
 * Checks a parsed back-up file before anything is written: the format, the version, and that every
 * part has the right type. Whether the documents' bytes are valid Yjs is checked by whoever decodes them.
 */
export function checkBackup(value: unknown): BackupCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, status: 400, message: 'Dit is geen back-up van een Samenbord-bord (geen JSON-object).' }
  const file = value as Record<string, unknown>
  if (file.format !== BACKUP_FORMAT) return { ok: false, status: 400, message: 'Dit is geen back-up van een Samenbord-bord (het veld "format" ontbreekt of klopt niet).' }
  if (typeof file.version !== 'number' || !Number.isInteger(file.version) || file.version < 1) return bad('De back-up heeft geen geldig versienummer.')
  if (file.version > BACKUP_VERSION) {
    return bad(`Deze back-up is gemaakt met een nieuwere versie van Samenbord (bestandsversie ${file.version}); deze server leest tot versie ${BACKUP_VERSION}. Werk de server bij en probeer het opnieuw.`)
  }
  const board = file.board as Record<string, unknown> | undefined
  if (typeof board !== 'object' || board === null) return bad('De back-up mist de gegevens van het bord.')
  if (typeof board.title !== 'string' || board.title.trim().length === 0 || board.title.length > MAX_TITLE_LENGTH) return bad('De titel van het bord in de back-up ontbreekt of is te lang.')
  if (typeof board.id !== 'string' || !BOARD_ID_PATTERN.test(board.id)) return bad('Het bord-id in de back-up is ongeldig.')
  const documents = file.documents as Record<string, unknown> | undefined
  if (typeof documents !== 'object' || documents === null || Array.isArray(documents)) return bad('De back-up bevat geen documenten.')
  const names = Object.keys(documents)
  if (!names.includes('')) return bad('De back-up mist het hoofddocument van het bord.')
  if (names.length > MAX_BACKUP_DOCUMENTS) return bad(`De back-up bevat meer dan ${MAX_BACKUP_DOCUMENTS} documenten.`)
  for (const name of names) {
    if (name !== '' && (!SUFFIX.test(name) || !DOC_NAME_PATTERN.test(`${board.id}${name}`))) return bad(`Onbekende documentnaam in de back-up: "${name.slice(0, 60)}".`)
    const data = documents[name]
    if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data)) return bad(`Document "${name || 'bord'}" in de back-up is geen geldige base64-tekst.`)
  }
  const session = file.perspectiefwissel as Record<string, unknown> | null | undefined
  if (session !== null && session !== undefined) {
    if (typeof session !== 'object' || typeof session.phase !== 'string' || !Array.isArray(session.roles)) return bad('De perspectiefwissel in de back-up is onleesbaar.')
    for (const role of session.roles as unknown[]) {
      const r = role as Record<string, unknown>
      if (typeof r !== 'object' || r === null || typeof r.cardId !== 'string' || typeof r.personId !== 'string' || typeof r.label !== 'string' || !(r.holderName === null || typeof r.holderName === 'string')) {
        return bad('Een rol van de perspectiefwissel in de back-up is onleesbaar.')
      }
    }
  }
  const agenda = file.agenda as Record<string, unknown> | undefined
  if (agenda !== undefined) {
    const steps = agenda?.steps
    const current = agenda?.current
    const validSteps = Array.isArray(steps) && steps.length <= MAX_AGENDA_STEPS && steps.every((step) => typeof step === 'string' && step.length <= MAX_AGENDA_STEP_LENGTH)
    const validCurrent = current === null || (typeof current === 'number' && Number.isInteger(current) && current >= 0 && Array.isArray(steps) && current < steps.length)
    if (!validSteps || !validCurrent) return bad('De agenda in de back-up is onleesbaar.')
  }
  return { ok: true, backup: { ...(file as unknown as BoardBackup), perspectiefwissel: (session ?? null) as BoardBackup['perspectiefwissel'] } }
}
