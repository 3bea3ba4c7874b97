/**
 * Encoding and strict decoding of y-websocket frames. Decoding never trusts the input: every
 * read is bounds-checked by lib0, and anything unexpected becomes a ProtocolError, which the
 * relay answers by closing that one socket with 4400.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { MessageType, SyncMessageType } from '@samenbord/shared'

/** A frame that is not a well-formed y-websocket message. */
export class ProtocolError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ProtocolError'
  }
}

export type IncomingMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }

/** Splits a frame into its message; throws ProtocolError for anything malformed or unknown. */
export function decodeMessage(frame: Uint8Array): IncomingMessage {
  if (frame.byteLength === 0) throw new ProtocolError('empty frame')
  const decoder = decoding.createDecoder(frame)
  let message: IncomingMessage
  try {
    const messageType = decoding.readVarUint(decoder)
    switch (messageType) {
      case MessageType.sync: {
        const syncType = decoding.readVarUint(decoder)
        const payload = decoding.readVarUint8Array(decoder)
        if (syncType === SyncMessageType.step1) message = { type: 'sync-step1', stateVector: payload }
        else if (syncType === SyncMessageType.step2) message = { type: 'sync-step2', update: payload }
        else if (syncType === SyncMessageType.update) message = { type: 'sync-update', update: payload }
        else throw new ProtocolError(`unknown sync message type ${syncType}`)
        break
      }
      case MessageType.awareness:
        message = { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
        break
      case MessageType.queryAwareness:
        message = { type: 'query-awareness' }
        break
      default:
        throw new ProtocolError(`unknown message type ${messageType}`)
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error
    throw new ProtocolError('truncated frame', { cause: error })
  }
  // The stock client never sends trailing bytes; extra bytes mean a broken or hostile sender.
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after message')
  return message
}

/**
 * Fully decodes a Yjs update (structs and delete set) without touching any document, so bytes
 * that would fail half-way through `Y.applyUpdate` are refused before they can change the room.
 */
/** What Y.decodeUpdate returns; handed on so later checks need not decode the same bytes again. */
export type DecodedUpdate = { structs: (Y.Item | Y.GC | Y.Skip)[]; ds: unknown }

export function assertValidUpdate(update: Uint8Array): DecodedUpdate {
  try {
    return Y.decodeUpdate(update) as DecodedUpdate
  } catch (error) {
    throw new ProtocolError('undecodable Yjs update', { cause: error })
  }
}

/** Checks an awareness update (clientID, clock, JSON state per entry) before it is applied. */
export function assertValidAwarenessUpdate(update: Uint8Array): void {
  const decoder = decoding.createDecoder(update)
  try {
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      decoding.readVarUint(decoder) // clientID
      decoding.readVarUint(decoder) // clock
      JSON.parse(decoding.readVarString(decoder))
    }
  } catch (error) {
    throw new ProtocolError('undecodable awareness update', { cause: error })
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after awareness update')
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, SyncMessageType.step1)
  encoding.writeVarUint8Array(encoder, Y.encodeStateVector(doc))
  return encoding.toUint8Array(encoder)
}

/** Sync step 2: what `doc` has that the holder of `stateVector` lacks. */
export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  let diff: Uint8Array
  try {
    diff = Y.encodeStateAsUpdate(doc, stateVector)
  } catch (error) {
    throw new ProtocolError('undecodable state vector', { cause: error })
  }
  return encodeSyncFrame(SyncMessageType.step2, diff)
}

/** Sync step 2 carrying `update` as it is (e.g. a stored state a fresh client lacks entirely). */
export function encodeSyncStep2Of(update: Uint8Array): Uint8Array {
  return encodeSyncFrame(SyncMessageType.step2, update)
}

/** True for the state vector of an empty document (what a fresh client sends in step 1). */
export function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0
}

/** True for an update with no structs and no deletions (`[0, 0]`): applying it changes nothing. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0
}

/**
 * A sync frame in one allocation: header, length, payload. (lib0's encoder grows its buffer in
 * steps and copies again in toUint8Array; for a broadcast to every reader that is wasted work.)
 */
function encodeSyncFrame(syncType: number, payload: Uint8Array): Uint8Array {
  const length = payload.byteLength
  let lengthBytes = 1
  for (let rest = length >>> 7; rest > 0; rest >>>= 7) lengthBytes += 1
  const frame = new Uint8Array(2 + lengthBytes + length)
  frame[0] = MessageType.sync
  frame[1] = syncType
  let offset = 2
  let rest = length
  while (rest > 0x7f) {
    frame[offset++] = (rest & 0x7f) | 0x80
    rest >>>= 7
  }
  frame[offset++] = rest
  frame.set(payload, offset)
  return frame
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSyncFrame(SyncMessageType.update, update)
}

export function encodeAwarenessMessage(awarenessUpdate: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, awarenessUpdate)
  return encoding.toUint8Array(encoder)
}
