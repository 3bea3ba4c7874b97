/**
 * Wire-level constants shared by the relay and the client.
 *
 * The relay speaks the standard y-websocket protocol (y-protocols sync + awareness).
 * Close codes 4400–4499 are treated as final by the y-websocket client (it stops
 * reconnecting), so every refusal the user cannot fix by retrying uses that range.
 */

/** First varint of every y-websocket frame. */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const

/** Second varint of a sync frame (y-protocols/sync). */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const

export const CloseCode = {
  /** Frame could not be decoded as a y-websocket message. */
  badMessage: 4400,
  /** No token, a forged token or an expired token. */
  unauthenticated: 4401,
  /** A valid token, but not for this board or document. */
  forbidden: 4403,
  /** The board does not exist (or was deleted). */
  notFound: 4404,
  /** A frame larger than MAX_MESSAGE_BYTES. */
  messageTooLarge: 4413,
  /** A write that would take a document or the board past its size limit (MAX_BOARD_BYTES, MAX_SUBDOC_BYTES). */
  quotaExceeded: 4413,
  /** A document write holding a record that breaks the board schema (reason names the field). */
  invalidRecord: 4422,
  /**
   * A participant wrote to a board (or frame) the facilitator locked; nothing of the write was
   * applied. The client reloads the board read-only, dropping its unsent local change.
   */
  boardLocked: 4423,
  /** Too many messages per second, or too many connections. */
  rateLimited: 4429,
  /** A role card (perspectiefwissel) that is still hidden from this link (reason "rolkaart nog verborgen"). */
  roleCardHidden: 4403,
  /** The role card is not (or no longer) part of the board's perspectiefwissel. */
  roleCardGone: 4404,
  /** The server is shutting down; the client may reconnect (not final). */
  goingAway: 1001,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

/** Close codes after which the client must not reconnect automatically. */
export function isFinalCloseCode(code: number): boolean {
  return code >= 4400 && code <= 4499
}

/** Path of the websocket endpoint; the document name follows as the last segment. */
export const SYNC_PATH = '/sync'

/** Sub-document kind of a perspectiefwissel role card: `${boardId}.rolkaart.${cardId}`. */
export const ROLE_CARD_DOC_KIND = 'rolkaart'

/** Name of the Yjs document holding one role card. */
export function roleCardDocName(boardId: string, cardId: string): string {
  return `${boardId}.${ROLE_CARD_DOC_KIND}.${cardId}`
}

/**
 * The posture ("houding") of a role card lives in its own document, `${boardId}.rolhouding.${cardId}`,
 * because the facilitator reveals postures before answers and the server must keep the answers
 * back until then. Same `Y.Map` (ROLE_CARD_MAP), key `houding`.
 */
export const ROLE_POSTURE_DOC_KIND = 'rolhouding'

export function rolePostureDocName(boardId: string, cardId: string): string {
  return `${boardId}.${ROLE_POSTURE_DOC_KIND}.${cardId}`
}

/** The phase from which others may read each kind of role-card document. */
export const ROLE_DOC_REVEALED_FROM = { [ROLE_POSTURE_DOC_KIND]: 'houdingen', [ROLE_CARD_DOC_KIND]: 'antwoorden' } as const

/** Layout of a role card document: one `Y.Map` named ROLE_CARD_MAP with these keys. */
export const ROLE_CARD_MAP = 'kaart'
export const ROLE_CARD_KEYS = ['dilemma', 'gevoel', 'houding', 'notities'] as const
/** Longest text one field of a role card or of the preparation may hold (the relay refuses more with 4422). */
export const MAX_SUB_DOC_FIELD_LENGTH = 10_000

/**
 * The facilitator's private preparation (R34): one sub-document per board that the relay opens
 * only to facilitator links; every other link is refused with 4403 before anything is sent.
 */
export const FACILITATOR_PREP_DOC_KIND = 'voorbereiding'
export const FACILITATOR_PREP_MAP = 'voorbereiding'
export const FACILITATOR_PREP_KEYS = ['casus', 'inbrenger', 'perspectieven', 'gevoel', 'patronen', 'parkeerplaats'] as const

export function facilitatorPrepDocName(boardId: string): string {
  return `${boardId}.${FACILITATOR_PREP_DOC_KIND}.notities`
}
