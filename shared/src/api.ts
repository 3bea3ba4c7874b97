import type { Role } from './roles.ts'

/** JSON shapes of the HTTP API (server/src/http), used by the client. */
export interface CreateBoardRequest {
  title: string
}

export interface CreateBoardResponse {
  id: string
  title: string
  /** ISO 8601 */
  createdAt: string
  /** Full links; the token sits in the URL fragment so it never reaches access logs or Referer headers. */
  links: Record<Role, string>
  tokens: Record<Role, string>
}

export interface BoardInfoResponse {
  id: string
  title: string
  role: Role
  /** ISO 8601 */
  createdAt: string
}

export interface ClientConfigResponse {
  tldrawLicenseKey: string | null
  maxMessageBytes: number
}

export interface ApiErrorResponse {
  error: string
  message: string
}

/** Perspectiefwissel (role cards): phases in order; the cards are hidden during `stilte`. */
export const PERSPECTIEFWISSEL_PHASES = ['stilte', 'houdingen', 'antwoorden', 'afgerond'] as const
export type PerspectiefwisselPhase = (typeof PERSPECTIEFWISSEL_PHASES)[number]

/** Whether a session in `phase` has come as far as `from` (phases only move forward). */
export function phaseReached(phase: PerspectiefwisselPhase, from: PerspectiefwisselPhase): boolean {
  return PERSPECTIEFWISSEL_PHASES.indexOf(phase) >= PERSPECTIEFWISSEL_PHASES.indexOf(from)
}
export const MAX_PERSPECTIEFWISSEL_ROLES = 20
/** A role's name as shown on its card, after control characters are removed and the ends trimmed. */
export const MAX_ROLE_LABEL_LENGTH = 80
export const MAX_ROLE_PERSON_ID_LENGTH = 100
/** The name a player gives when claiming a card (longer names are cut). */
export const MAX_HOLDER_NAME_LENGTH = 60
/** Card ids: URL-safe, fit for the `id` part of a document name. */
export const ROLE_CARD_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/

/** `POST /api/boards/:id/perspectiefwissel` (facilitator): starts or replaces the session. */
export interface StartPerspectiefwisselRequest {
  roles: { personId: string; label: string }[]
}

export interface PerspectiefwisselRole {
  cardId: string
  personId: string
  label: string
}

export interface StartPerspectiefwisselResponse {
  roles: PerspectiefwisselRole[]
  phase: PerspectiefwisselPhase
}

/** `GET /api/boards/:id/perspectiefwissel` (any board link): never card content. */
export interface PerspectiefwisselStateResponse {
  phase: PerspectiefwisselPhase
  roles: (PerspectiefwisselRole & {
    claimed: boolean
    holderName: string | null
    /** The holder marked the card ready during `stilte` (never what is on it). */
    ready: boolean
    /** The holder stepped out of the role after the reveal; their role badge is gone. */
    steppedOut: boolean
  })[]
}

/** `POST /api/boards/:id/perspectiefwissel/klaar` with the personal card token as bearer: only the holder marks ready. */
export interface RoleCardReadyRequest {
  cardId: string
  ready: boolean
}

/** `POST /api/boards/:id/perspectiefwissel/uit-de-rol` with the personal card token as bearer. */
export interface StepOutOfRoleRequest {
  cardId: string
}

/**
 * `GET /api/boards/:id/begeleiding` (any board link): what the facilitator set for the session.
 * The relay enforces the locks: participant writes to a locked board are refused (4423).
 */
export interface FacilitationStateResponse {
  /** The whole board is read-only for participant links. */
  locked: boolean
  /** Frames (tldraw shape ids) that participants may not change, nor anything inside them. */
  lockedFrames: string[]
  /** Stiltemodus (R35): no cursors or names of others on any screen, a calm notice. */
  stiltemodus: boolean
  /** The session's agenda of werkvormen, and which step is now (index, or null before the start). */
  agenda: SessionAgenda
}

export interface SessionAgenda {
  steps: string[]
  current: number | null
}

/** `POST /api/boards/:id/begeleiding` (facilitator): the fields to change. */
export interface FacilitationChangeRequest {
  locked?: boolean
  lockedFrames?: string[]
  stiltemodus?: boolean
  agenda?: SessionAgenda
}

/** `POST /api/boards/:id/links/co-facilitator` (facilitator): a facilitator link of its own for a co-facilitator. */
export interface CoFacilitatorLinkResponse {
  link: string
}

/** `POST /api/boards/:id/links/renew`: the board's new links; every earlier board link stopped working. */
export interface RenewedLinksResponse {
  links: Record<Role, string>
}

/**
 * Rugzak variant (R26): helpers each put one advice into the carrier's backpack, in turn. Who
 * waits "outside" (has not given advice yet) sees how full it is, never what is in it.
 */
export interface RugzakItem {
  id: string
  byName: string
  text: string
  /** Milliseconds since the epoch. */
  addedAt: number
}

export interface RugzakLogEntry {
  at: number
  action: 'erin' | 'eruit'
  byName: string
  text: string
}

/** `GET /api/boards/:id/rugzak`: what this link (or personal rugzak token) may see. */
export interface RugzakStateResponse {
  carrier: string
  helpers: { name: string; claimed: boolean; done: boolean }[]
  /** Index in `helpers` of whose turn it is; null once every helper has given advice. */
  turn: number | null
  carrierClaimed: boolean
  /** Advice still in the backpack. */
  count: number
  /** The advice, for those inside: facilitator, viewers (the shared screen), the carrier and helpers who gave theirs. */
  items: RugzakItem[] | null
  /** Everything put in and taken out, for the same people. */
  log: RugzakLogEntry[] | null
  /** Who this token is: 'drager', a helper index, or null for a board link. */
  me: 'drager' | number | null
}

/** `POST /api/boards/:id/rugzak` (facilitator). */
export interface StartRugzakRequest {
  carrier: string
  helpers: string[]
}

/** `POST /api/boards/:id/rugzak/aanmelden`: take the carrier's place or a helper's; returns a personal token. */
export interface RugzakClaimRequest {
  as: 'drager' | number
}

export interface RugzakClaimResponse {
  rugzakToken: string
}

export const MAX_RUGZAK_HELPERS = 12
export const MAX_RUGZAK_ADVICE_LENGTH = 300

export const MAX_LOCKED_FRAMES = 50
export const MAX_AGENDA_STEPS = 20
export const MAX_AGENDA_STEP_LENGTH = 80

/** `POST /api/boards/:id/perspectiefwissel/claim` (participant or facilitator). */
export interface ClaimRoleCardRequest {
  cardId: string
  holderName: string
  /** The betrokkene the claimer is themselves, if any: they cannot play that person. */
  selfPersonId?: string | null
}

export interface ClaimRoleCardResponse {
  cardId: string
  /** Personal token for `${boardId}.rolkaart.${cardId}` only (read + write); keep it on this device. */
  cardToken: string
}

/** `POST /api/boards/:id/perspectiefwissel/phase` (facilitator): forward only. */
export interface PerspectiefwisselPhaseRequest {
  phase: PerspectiefwisselPhase
}

/**
 * `GET /api/boards/:id/verslag` (facilitator): what the server adds to the board for the verslag.
 * Perspectiefwissel fields are null until their reveal; `postureId` is a posture id.
 */
export interface VerslagDataResponse {
  boardTitle: string
  /** YYYY-MM-DD, Europe/Amsterdam */
  date: string
  facilitators: string[]
  participants: string[]
  perspectiefwissel: {
    phase: string
    rows: { role: string; holderName: string | null; postureId: string | null; dilemma: string | null; feeling: string | null; notes: string | null }[]
  } | null
  consent: import('./werkvormen/verslag/consent.ts').Consent | null
  /** The session's agenda of werkvormen. */
  agenda: { steps: string[]; current: number | null }
  /** The last rugzak round: what is in the backpack and what was taken out. */
  rugzak: { carrier: string; items: { byName: string; text: string }[]; removed: { byName: string; text: string }[] } | null
}
