/**
 * A board back-up: every Yjs document of the board (main board, role cards, consent, …) plus the
 * server-side perspectiefwissel session, as one JSON file the organisation keeps in its own
 * storage. `GET /api/boards/:id/export` writes it; `POST /api/boards/restore` makes a new board of it.
 */
import {
  MAX_AGENDA_STEPS,
  MAX_AGENDA_STEP_LENGTH,
  MAX_HOLDER_NAME_LENGTH,
  MAX_PERSPECTIEFWISSEL_ROLES,
  MAX_ROLE_LABEL_LENGTH,
  MAX_ROLE_PERSON_ID_LENGTH,
  PERSPECTIEFWISSEL_PHASES,
  ROLE_CARD_ID_PATTERN,
  type PerspectiefwisselPhase,
} from './api.ts'
import { BOARD_ID_PATTERN, MAX_TITLE_LENGTH } from './board-doc.ts'
import { FACILITATOR_PREP_DOC_KIND, ROLE_CARD_DOC_KIND, ROLE_POSTURE_DOC_KIND } from './protocol.ts'
import { CONSENT_DOC_ID, CONSENT_DOC_KIND } from './werkvormen/verslag/consent.ts'

export const BACKUP_FORMAT = 'samenbord-backup'
/**
 * Raise when the file's meaning changes, and add the upgrader from the previous version to
 * BACKUP_UPGRADERS; a server refuses files newer than it knows. (The boards inside carry their
 * own tldraw schema in `meta.schema`: a werkvorm's prop change migrates there, not here.)
 */
export const BACKUP_VERSION = 1
/** The first version Samenbord wrote; every version since is read, through the upgraders. */
export const FIRST_BACKUP_VERSION = 1

/**
 * Reads a back-up file of version `from` as version `from + 1`. It gets the parsed file before
 * any check (so anything may be in it, or missing), only reshapes what it knows and leaves the
 * rest as it is; `checkBackup` checks the result like any current file.
 */
export interface BackupUpgrader {
  from: number
  upgrade(file: Record<string, unknown>): Record<string, unknown>
}

/**
 * The upgrade path: one upgrader from each earlier version to the next, oldest first. Released
 * upgraders are never edited (files of that version are out there); a unit test checks that
 * the chain from FIRST_BACKUP_VERSION to BACKUP_VERSION has no gap.
 */
export const BACKUP_UPGRADERS: readonly BackupUpgrader[] = []
/** Documents a back-up may hold unless told otherwise: the relay's default MAX_DOCS_PER_BOARD. */
export const MAX_BACKUP_DOCUMENTS = 100

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

/** A back-up that passed `checkBackup`: texts cleaned as the live API cleans them, only documents worth restoring. */
export interface CheckedBackup extends BoardBackup {
  perspectiefwissel: { phase: PerspectiefwisselPhase; roles: BackupRole[] } | null
}

export type BackupCheck =
  | {
      ok: true
      backup: CheckedBackup
      /** Role-card documents of cards that are not in the file's session (left by an earlier perspectiefwissel): not restored. */
      leftOut: string[]
    }
  | { ok: false; status: 400 | 422; message: string }

export interface BackupCheckOptions {
  /** Documents one board may have (the relay's MAX_DOCS_PER_BOARD); a file with more is refused. */
  maxDocuments?: number
  /** The upgrade path and the versions it spans (BACKUP_UPGRADERS etc. unless a test brings its own). */
  upgraders?: readonly BackupUpgrader[]
  firstVersion?: number
  version?: number
}

export type BackupUpgrade = { ok: true; file: Record<string, unknown> } | { ok: false; message: string }

/**
 * Runs the upgraders from the file's version (an integer from `firstVersion` on, not newer than
 * `version`: checked by the caller) up to `version`, one step at a time. Refuses with a Dutch
 * message when a step is missing or fails; never throws.
 */
export function upgradeBackup(file: Record<string, unknown>, upgraders: readonly BackupUpgrader[] = BACKUP_UPGRADERS, version: number = BACKUP_VERSION): BackupUpgrade {
  let current = file
  for (let from = file.version as number; from < version; from++) {
    const step = upgraders.find((upgrader) => upgrader.from === from)
    if (step === undefined) return { ok: false, message: `Back-ups met bestandsversie ${from} kan deze server niet meer lezen.` }
    let next: unknown
    try {
      next = step.upgrade(current)
    } catch {
      next = null
    }
    if (!isRecord(next)) return { ok: false, message: `De back-up kon niet van bestandsversie ${from} naar ${from + 1} worden bijgewerkt.` }
    current = { ...next, version: from + 1 }
  }
  return { ok: true, file: current }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const SUFFIX = /^\.([a-z]+)\.([A-Za-z0-9_-]{1,40})$/
/** Sub-documents of one per board, by kind: the id they always have. */
const SINGLE_DOCUMENTS: Record<string, string> = { [FACILITATOR_PREP_DOC_KIND]: 'notities', [CONSENT_DOC_KIND]: CONSENT_DOC_ID }
const ROLE_DOCUMENT_KINDS = new Set([ROLE_CARD_DOC_KIND, ROLE_POSTURE_DOC_KIND])

const bad = (message: string): BackupCheck => ({ ok: false, status: 422, message })

/** The live API's cleaning of a typed text (perspectiefwissel, agenda): no control characters, no surrounding blanks. */
export function cleanBackupText(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f]/g, '').trim()
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Checks a parsed back-up file before anything is written: the format, the version, that every
 * part has the right type, and the limits the live API and relay keep (documents per board, the
 * perspectiefwissel's roles, the agenda), cleaning texts as they do. Whether the documents' bytes
 * are valid Yjs, and what is in them, is checked by whoever decodes them.
 */
export function checkBackup(value: unknown, options: BackupCheckOptions = {}): BackupCheck {
  const maxDocuments = options.maxDocuments ?? MAX_BACKUP_DOCUMENTS
  const currentVersion = options.version ?? BACKUP_VERSION
  if (!isRecord(value)) return { ok: false, status: 400, message: 'Dit is geen back-up van een Samenbord-bord (geen JSON-object).' }
  if (value.format !== BACKUP_FORMAT) return { ok: false, status: 400, message: 'Dit is geen back-up van een Samenbord-bord (het veld "format" ontbreekt of klopt niet).' }
  if (typeof value.version !== 'number' || !Number.isInteger(value.version) || value.version < (options.firstVersion ?? FIRST_BACKUP_VERSION)) return bad('De back-up heeft geen geldig versienummer.')
  if (value.version > currentVersion) {
    return bad(`Deze back-up is gemaakt met een nieuwere versie van Samenbord (bestandsversie ${value.version}); deze server leest tot versie ${currentVersion}. Werk de server bij en probeer het opnieuw.`)
  }
  // An older file is first read as a current one; everything below checks only current files.
  const upgraded = upgradeBackup(value, options.upgraders ?? BACKUP_UPGRADERS, currentVersion)
  if (!upgraded.ok) return bad(upgraded.message)
  const file = upgraded.file
  const board = file.board
  if (!isRecord(board)) return bad('De back-up mist de gegevens van het bord.')
  if (typeof board.title !== 'string' || board.title.trim().length === 0 || board.title.trim().length > MAX_TITLE_LENGTH) return bad('De titel van het bord in de back-up ontbreekt of is te lang.')
  if (typeof board.id !== 'string' || !BOARD_ID_PATTERN.test(board.id)) return bad('Het bord-id in de back-up is ongeldig.')

  const documents = file.documents
  if (!isRecord(documents)) return bad('De back-up bevat geen documenten.')
  const names = Object.keys(documents)
  if (!names.includes('')) return bad('De back-up mist het hoofddocument van het bord.')
  // Counted before anything else about them: a board never has more live, stale role cards included.
  if (names.length > maxDocuments) return bad(`De back-up bevat ${names.length} documenten; een bord heeft er hoogstens ${maxDocuments}.`)
  for (const name of names) {
    const data = documents[name]
    if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data)) return bad(`Document "${name.slice(0, 60) || 'bord'}" in de back-up is geen geldige base64-tekst.`)
  }

  const session = file.perspectiefwissel
  let checkedSession: CheckedBackup['perspectiefwissel'] = null
  if (session !== null && session !== undefined) {
    const checked = checkSession(session)
    if (typeof checked === 'string') return bad(checked)
    checkedSession = checked
  }
  const cardIds = new Set(checkedSession?.roles.map((role) => role.cardId) ?? [])

  const kept: Record<string, string> = {}
  const leftOut: string[] = []
  for (const name of names) {
    const kind = documentKind(name)
    if (kind === null) return bad(`Onbekende documentnaam in de back-up: "${name.slice(0, 60)}". Een bord heeft alleen het bord, rolkaarten, de voorbereiding en de toestemming.`)
    if (kind.role && !cardIds.has(kind.id)) {
      leftOut.push(name)
      continue
    }
    kept[name] = documents[name] as string
  }

  let agenda: CheckedBackup['agenda']
  if (file.agenda !== undefined) {
    const checked = checkAgenda(file.agenda)
    if (checked === null) return bad('De agenda in de back-up is onleesbaar.')
    agenda = checked
  }

  const backup: CheckedBackup = {
    format: BACKUP_FORMAT,
    version: currentVersion,
    board: { id: board.id, title: board.title.trim(), createdAt: typeof board.createdAt === 'string' ? board.createdAt : '' },
    exportedAt: typeof file.exportedAt === 'string' ? file.exportedAt : '',
    documents: kept,
    perspectiefwissel: checkedSession,
    ...(agenda !== undefined ? { agenda } : {}),
  }
  return { ok: true, backup, leftOut }
}

/** `''` (the board), a role document with its card id, or a one-per-board sub-document; null for anything else. */
function documentKind(name: string): { role: boolean; id: string } | null {
  if (name === '') return { role: false, id: '' }
  const match = SUFFIX.exec(name)
  if (match === null) return null
  const [, kind, id] = match
  if (ROLE_DOCUMENT_KINDS.has(kind)) return { role: true, id }
  return Object.hasOwn(SINGLE_DOCUMENTS, kind) && SINGLE_DOCUMENTS[kind] === id ? { role: false, id } : null
}

/** The session with its texts cleaned as `POST …/perspectiefwissel` and `…/claim` clean them, or the Dutch reason it cannot be restored. */
function checkSession(session: unknown): NonNullable<CheckedBackup['perspectiefwissel']> | string {
  if (!isRecord(session) || typeof session.phase !== 'string' || !Array.isArray(session.roles)) return 'De perspectiefwissel in de back-up is onleesbaar.'
  if (!(PERSPECTIEFWISSEL_PHASES as readonly string[]).includes(session.phase)) return 'De fase van de perspectiefwissel in de back-up is onbekend.'
  if (session.roles.length === 0 || session.roles.length > MAX_PERSPECTIEFWISSEL_ROLES) {
    return `De perspectiefwissel in de back-up heeft ${session.roles.length} rollen; dat mogen er 1 tot ${MAX_PERSPECTIEFWISSEL_ROLES} zijn.`
  }
  const roles: BackupRole[] = []
  const cards = new Set<string>()
  const persons = new Set<string>()
  for (const role of session.roles as unknown[]) {
    if (!isRecord(role) || typeof role.cardId !== 'string' || typeof role.personId !== 'string' || typeof role.label !== 'string' || !(role.holderName === null || role.holderName === undefined || typeof role.holderName === 'string')) {
      return 'Een rol van de perspectiefwissel in de back-up is onleesbaar.'
    }
    if (!ROLE_CARD_ID_PATTERN.test(role.cardId)) return 'Een rolkaart in de back-up heeft een ongeldig id.'
    if (cards.has(role.cardId)) return 'Een rolkaart komt twee keer voor in de back-up.'
    if (role.personId.length === 0 || role.personId.length > MAX_ROLE_PERSON_ID_LENGTH) return 'Een rol in de back-up hoort niet bij een geldige betrokkene.'
    if (persons.has(role.personId)) return 'Elke betrokkene kan maar één keer een rol zijn; de back-up heeft er een dubbel.'
    const label = cleanBackupText(role.label)
    if (label.length === 0) return 'Een rol in de back-up heeft geen naam.'
    if (label.length > MAX_ROLE_LABEL_LENGTH) return `De naam van een rol in de back-up is langer dan ${MAX_ROLE_LABEL_LENGTH} tekens.`
    // As a claim does: the name is cut, not refused; nothing left of it means nobody claimed the card.
    const holderName = typeof role.holderName === 'string' ? cleanBackupText(role.holderName).slice(0, MAX_HOLDER_NAME_LENGTH) : ''
    cards.add(role.cardId)
    persons.add(role.personId)
    roles.push({ cardId: role.cardId, personId: role.personId, label, holderName: holderName.length > 0 ? holderName : null })
  }
  return { phase: session.phase as PerspectiefwisselPhase, roles }
}

/** The agenda cleaned as `POST …/begeleiding` cleans it, or null when it breaks the same rules. */
function checkAgenda(agenda: unknown): { steps: string[]; current: number | null } | null {
  if (!isRecord(agenda) || !Array.isArray(agenda.steps) || agenda.steps.length > MAX_AGENDA_STEPS) return null
  const steps: string[] = []
  for (const step of agenda.steps as unknown[]) {
    if (typeof step !== 'string') return null
    const cleaned = cleanBackupText(step)
    if (cleaned.length === 0 || cleaned.length > MAX_AGENDA_STEP_LENGTH) return null
    steps.push(cleaned)
  }
  const current = agenda.current
  if (current !== null && !(typeof current === 'number' && Number.isInteger(current) && current >= 0 && current < steps.length)) return null
  return { steps, current }
}
