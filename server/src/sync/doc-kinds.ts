/**
 * Every kind of Yjs document a board may have, in one table, and the relay's admission step:
 * claims + document name + perspectiefwissel session → the socket's rights, or a refusal with
 * its close code. Pure (no store, no sockets), so the same rules serve the relay, the limits
 * (which documents count) and the restore of a back-up.
 *
 * A document that is not of a kind listed here is never opened, stored or relayed.
 */
import {
  CloseCode,
  CONSENT_DOC_ID,
  CONSENT_DOC_KIND,
  CONSENT_MAP,
  DOC_NAME_PATTERN,
  FACILITATOR_PREP_DOC_KIND,
  FACILITATOR_PREP_KEYS,
  FACILITATOR_PREP_MAP,
  MAX_SUB_DOC_FIELD_LENGTH,
  phaseReached,
  ROLE_CARD_DOC_KIND,
  ROLE_CARD_KEYS,
  ROLE_CARD_MAP,
  ROLE_DOC_REVEALED_FROM,
  ROLE_POSTURE_DOC_KIND,
  canWrite,
  type PerspectiefwisselPhase,
  type Role,
} from '@samenbord/shared'

/** Longest text a sub-document field may hold (a role card answer, a preparation note). */
export const MAX_FIELD_CHARS = MAX_SUB_DOC_FIELD_LENGTH

/** What a sub-document may hold: one root `Y.Map` with these keys and plain values. */
export interface MapContent {
  map: string
  keys: readonly string[]
  maxChars: number
}

/** Who may open and write a kind of sub-document, given the socket's claims and the session. */
interface SubDocKind {
  /** The one id of a singleton document (`notities`), or 'card' for an id that must be a card of the current session. */
  id: string | 'card'
  content: MapContent
  access(input: AccessInput): Rights | Refusal
}

export interface AccessInput {
  role: Role
  /** The personal role card the token opens, if it is a card token. */
  cardToken: string | undefined
  /** The document's id part (`<board>.<kind>.<id>`). */
  id: string
  session: SessionView | null
}

/** What admission needs of the perspectiefwissel session. */
export interface SessionView {
  phase: PerspectiefwisselPhase
  cardIds: ReadonlySet<string>
}

export interface Rights {
  ok: true
  canWrite: boolean
}

export interface Refusal {
  ok: false
  code: number
  reason: string
}

const refuse = (code: number, reason: string): Refusal => ({ ok: false, code, reason })

function roleDocAccess(kind: keyof typeof ROLE_DOC_REVEALED_FROM) {
  return ({ role, cardToken, id, session }: AccessInput): Rights | Refusal => {
    if (session === null || !session.cardIds.has(id)) return refuse(CloseCode.roleCardGone, 'rolkaart bestaat niet (meer)')
    const ownsCard = cardToken === id || role === 'facilitator'
    // Postures are revealed before answers: each kind of card document has its own moment.
    if (!ownsCard && !phaseReached(session.phase, ROLE_DOC_REVEALED_FROM[kind])) return refuse(CloseCode.roleCardHidden, 'rolkaart nog verborgen')
    // Only the card's holder and the facilitator write; after the reveal everyone else reads.
    return { ok: true, canWrite: ownsCard }
  }
}

const roleCardContent: MapContent = { map: ROLE_CARD_MAP, keys: ROLE_CARD_KEYS, maxChars: MAX_FIELD_CHARS }

export const SUB_DOC_KINDS: Readonly<Record<string, SubDocKind>> = {
  [ROLE_CARD_DOC_KIND]: { id: 'card', content: roleCardContent, access: roleDocAccess(ROLE_CARD_DOC_KIND) },
  [ROLE_POSTURE_DOC_KIND]: { id: 'card', content: roleCardContent, access: roleDocAccess(ROLE_POSTURE_DOC_KIND) },
  // The facilitator's preparation: not a byte of it for any other link.
  [FACILITATOR_PREP_DOC_KIND]: {
    id: 'notities',
    content: { map: FACILITATOR_PREP_MAP, keys: FACILITATOR_PREP_KEYS, maxChars: MAX_FIELD_CHARS },
    access: ({ role }) => (role === 'facilitator' ? { ok: true, canWrite: true } : refuse(CloseCode.forbidden, 'alleen voor de begeleider')),
  },
  // The consent record is the facilitator's to keep; everyone else on the board reads it.
  [CONSENT_DOC_KIND]: {
    id: CONSENT_DOC_ID,
    content: {
      map: CONSENT_MAP,
      keys: ['notesAllowed', 'recordingAllowed', 'sharing', 'agreedBy', 'recordedBy', 'recordedAt'],
      maxChars: 1000,
    },
    access: ({ role }) => ({ ok: true, canWrite: role === 'facilitator' }),
  },
}

/** A parsed document name: the board itself, or a sub-document of a known kind. */
export type DocRef =
  | { ok: true; boardId: string; docName: string; kind: 'board'; id: null; sub: null }
  | { ok: true; boardId: string; docName: string; kind: string; id: string; sub: SubDocKind }

/** Parses a document name; unknown kinds and ids are refused before anything is opened. */
export function parseDocName(docName: string): DocRef | Refusal {
  const match = DOC_NAME_PATTERN.exec(docName)
  if (match === null) return refuse(CloseCode.badMessage, 'ongeldige documentnaam')
  const [, boardId, kind, id] = match
  if (kind === undefined) return { ok: true, boardId, docName, kind: 'board', id: null, sub: null }
  const sub = Object.hasOwn(SUB_DOC_KINDS, kind) ? SUB_DOC_KINDS[kind] : undefined
  if (sub === undefined) return refuse(CloseCode.notFound, 'onbekend soort document')
  if (sub.id !== 'card' && sub.id !== id) return refuse(CloseCode.notFound, 'onbekend document')
  return { ok: true, boardId, docName, kind, id, sub }
}

/** True when `docName` is a document the board may hold now (known kind; role cards of the current session only). */
export function isCurrentDoc(docName: string, session: SessionView | null): boolean {
  const ref = parseDocName(docName)
  if (!ref.ok) return false
  if (ref.sub === null) return true
  return ref.sub.id !== 'card' || (session !== null && session.cardIds.has(ref.id))
}

export interface AdmissionInput {
  docName: string
  role: Role
  cardToken: string | undefined
  session: SessionView | null
}

export interface Admission {
  ok: true
  boardId: string
  /** 'board' or the sub-document kind. */
  kind: string
  canWrite: boolean
  /** A participant on the board itself: the facilitator's locks and settings apply to its writes. */
  isParticipantOnBoard: boolean
}

/**
 * The admission step. A personal card token opens its own card and nothing else; the board
 * itself is open to every board link, writable for facilitator and participant links.
 */
export function admit({ docName, role, cardToken, session }: AdmissionInput): Admission | Refusal {
  const ref = parseDocName(docName)
  if (!ref.ok) return ref
  if (cardToken !== undefined && (ref.sub === null || ref.sub.id !== 'card' || ref.id !== cardToken)) {
    return refuse(CloseCode.forbidden, 'deze link hoort bij een andere rolkaart')
  }
  if (ref.sub === null) {
    return { ok: true, boardId: ref.boardId, kind: 'board', canWrite: canWrite(role), isParticipantOnBoard: role === 'participant' }
  }
  const rights = ref.sub.access({ role, cardToken, id: ref.id, session })
  if (!rights.ok) return rights
  return { ok: true, boardId: ref.boardId, kind: ref.kind, canWrite: rights.canWrite, isParticipantOnBoard: false }
}

