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
  /** A document write holding a record that breaks the board schema (reason names the field). */
  invalidRecord: 4422,
  /** Too many messages per second, or too many connections. */
  rateLimited: 4429,
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
