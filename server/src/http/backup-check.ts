/**
 * Everything `POST /api/boards/restore` checks before it writes, from the raw bytes of the file to
 * the documents it will store: JSON shape, the back-up format (shared checkBackup), base64, Yjs,
 * what each document may hold, and the size limits the live relay keeps. Pure and synchronous: it
 * runs in a child process (backup-check-worker.ts), so a hostile file costs that process, with its
 * own heap limit and clock, and never the event loop that serves the boards.
 */
import * as Y from 'yjs'
import { checkBackup, type CheckedBackup } from '@samenbord/shared'
import { checkDocumentContent } from '../sync/known-content.ts'

export interface RestoreLimits {
  /** Documents of one board, stale role cards included (the relay's MAX_DOCS_PER_BOARD). */
  maxDocuments: number
  /** Nesting of arrays and objects in the file; a back-up needs 4. */
  maxJsonDepth: number
  /** Values in the file's JSON (counted by their separators); a back-up has a few hundred. */
  maxJsonValues: number
  /** Yjs structs (items, deletions) in one document, and in all of them together. */
  maxStructsPerDocument: number
  maxStructsTotal: number
  /** Stored state of all documents together (the relay's MAX_BOARD_BYTES). */
  maxBoardBytes: number
  /** Stored state of one sub-document: role card, preparation, consent (the relay's MAX_SUBDOC_BYTES). */
  maxSubDocumentBytes: number
}

export interface RestoreDocument {
  /** `''` for the board itself, else the `.kind.id` suffix. */
  suffix: string
  /** `Y.encodeStateAsUpdate` of the decoded document: what gets stored. */
  state: Uint8Array
}

export type RestoreCheck =
  | {
      ok: true
      title: string
      documents: RestoreDocument[]
      perspectiefwissel: CheckedBackup['perspectiefwissel']
      agenda: { steps: string[]; current: number | null } | null
      /** Role-card documents of cards outside the file's session, not restored. */
      leftOut: string[]
    }
  | { ok: false; status: 400 | 422; message: string }

const QUOTE = 0x22
const BACKSLASH = 0x5c
const UTF8_BOM = [0xef, 0xbb, 0xbf]

const refuse = (message: string): RestoreCheck => ({ ok: false, status: 422, message })
const NOT_JSON: RestoreCheck = { ok: false, status: 400, message: 'Dit bestand is geen leesbare JSON.' }

/**
 * One pass over the JSON text without recursion or allocation: how deep arrays and objects nest,
 * and how many values there are, with the contents of strings skipped (found with indexOf, so the
 * long base64 texts of a real back-up cost next to nothing). A file of ten million `[` is refused
 * after a few bytes instead of being parsed. Null when the shape is fine; malformed JSON is left to
 * JSON.parse.
 */
export function jsonShapeProblem(bytes: Uint8Array, maxDepth: number, maxValues: number): string | null {
  let depth = 0
  let separators = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (byte === QUOTE) {
      // To the closing quote: one not preceded by an odd number of backslashes.
      let end = bytes.indexOf(QUOTE, i + 1)
      while (end !== -1) {
        let backslashes = 0
        while (bytes[end - 1 - backslashes] === BACKSLASH) backslashes++
        if (backslashes % 2 === 0) break
        end = bytes.indexOf(QUOTE, end + 1)
      }
      if (end === -1) return null
      i = end
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > maxDepth) return `De back-up is dieper genest dan een back-up ooit is (meer dan ${maxDepth} niveaus); dit is geen back-up van Samenbord.`
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--
    } else if (byte === 0x2c) {
      if (++separators >= maxValues) return `De back-up bevat meer dan ${maxValues} waarden; dit is geen back-up van Samenbord.`
    }
  }
  return null
}

/** Reads a Yjs update (format v1) byte by byte, every read checked against its end. */
class UpdateReader {
  private readonly bytes: Uint8Array
  private pos = 0

  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('update ends early')
    return this.bytes[this.pos++]
  }

  /** lib0's unsigned varint: 7 bits a byte, high bit set on all but the last. */
  uint(): number {
    let value = 0
    let factor = 1
    for (;;) {
      const byte = this.byte()
      value += (byte & 0x7f) * factor
      if (byte < 0x80) return value
      factor *= 128
      if (factor > Number.MAX_SAFE_INTEGER) throw new RangeError('number too large')
    }
  }

  /** A signed varint: same continuation bit. */
  skipInt(): void {
    while (this.byte() & 0x80);
  }

  skip(count: number): void {
    if (count > this.bytes.length - this.pos) throw new RangeError('update ends early')
    this.pos += count
  }

  /** A length-prefixed string or byte array. */
  skipBytes(): void {
    this.skip(this.uint())
  }

  /** One value of lib0's `writeAny` format, nested arrays and objects walked without recursion. */
  skipAny(): void {
    // Open containers: how many values each still holds, and whether a key comes before each.
    const open: { left: number; object: boolean }[] = []
    for (;;) {
      const type = this.byte()
      if (type === 125) this.skipInt()
      else if (type === 124) this.skip(4)
      else if (type === 123 || type === 122) this.skip(8)
      else if (type === 119 || type === 116) this.skipBytes()
      else if (type === 118 || type === 117) {
        const left = this.uint()
        if (left > 0) open.push({ left, object: type === 118 })
      } else if (type < 116 || type > 127) throw new RangeError('unknown value type')
      // undefined, null, true, false: the type is the value.
      while (open.length > 0 && open[open.length - 1].left === 0) open.pop()
      if (open.length === 0) return
      const container = open[open.length - 1]
      container.left--
      if (container.object) this.skipBytes()
    }
  }
}

/** Item content, by its reference number (Yjs `contentRefs`): skipped without building it. */
function skipContent(reader: UpdateReader, ref: number): void {
  switch (ref) {
    case 1: // deleted: a length
      reader.uint()
      return
    case 2: // JSON: strings
      for (let i = reader.uint(); i > 0; i--) reader.skipBytes()
      return
    case 3: // binary
    case 4: // string
    case 5: // embed (JSON text)
      reader.skipBytes()
      return
    case 6: // format: key and JSON text
      reader.skipBytes()
      reader.skipBytes()
      return
    case 7: {
      // type: its kind, and a name for XML elements (3) and hooks (5)
      const kind = reader.uint()
      if (kind === 3 || kind === 5) reader.skipBytes()
      return
    }
    case 8: // any: values
      for (let i = reader.uint(); i > 0; i--) reader.skipAny()
      return
    case 9: // sub-document: guid and options
      reader.skipBytes()
      reader.skipAny()
      return
    default:
      throw new RangeError('unknown content')
  }
}

/**
 * How many structs (items, deletions, skipped ranges) a Yjs update holds, read the way Yjs reads
 * it but without building any: a million of them cost Yjs seconds and hundreds of megabytes to
 * decode, this a pass over the bytes. Each client's block states its number up front, so a count
 * past `stopAbove` is known, and returned, without reading further. Throws on a malformed update.
 */
export function countStructs(update: Uint8Array, stopAbove: number): number {
  const reader = new UpdateReader(update)
  let count = 0
  for (let clients = reader.uint(); clients > 0; clients--) {
    const structs = reader.uint()
    count += structs
    if (count > stopAbove) return count
    reader.uint() // client
    reader.uint() // clock of the first struct
    for (let i = 0; i < structs; i++) {
      const info = reader.byte()
      if (info === 10) {
        reader.uint() // skip: a length
      } else if ((info & 0x1f) === 0) {
        reader.uint() // GC: a length
      } else {
        if (info & 0x80) reader.uint(), reader.uint() // origin
        if (info & 0x40) reader.uint(), reader.uint() // right origin
        if ((info & 0xc0) === 0) {
          // Parent: a root type's name or an item's id; then the key within a map, if any.
          if (reader.uint() === 1) reader.skipBytes()
          else reader.uint(), reader.uint()
          if (info & 0x20) reader.skipBytes()
        }
        skipContent(reader, info & 0x1f)
      }
    }
  }
  return count
}

/**
 * The whole check of a back-up file, for a board that will be called `boardId`. Refuses with a
 * Dutch message on the first problem; on success hands back exactly what is to be stored.
 */
export function checkBackupBytes(bytes: Uint8Array, boardId: string, limits: RestoreLimits): RestoreCheck {
  const start = UTF8_BOM.every((byte, i) => bytes[i] === byte) ? UTF8_BOM.length : 0
  const body = bytes.subarray(start)
  const shape = jsonShapeProblem(body, limits.maxJsonDepth, limits.maxJsonValues)
  if (shape !== null) return refuse(shape)
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'))
  } catch {
    return NOT_JSON
  }
  const check = checkBackup(parsed, { maxDocuments: limits.maxDocuments })
  if (!check.ok) return check
  const { backup } = check
  parsed = undefined

  const documents: RestoreDocument[] = []
  let structsTotal = 0
  let bytesTotal = 0
  // The board first: it is the one a reader of the refusal cares about most.
  const suffixes = Object.keys(backup.documents).sort()
  for (const suffix of suffixes) {
    const label = suffix === '' ? 'bord' : suffix.slice(1)
    const maxBytes = suffix === '' ? limits.maxBoardBytes : limits.maxSubDocumentBytes
    const tooLarge = (size: number) => refuse(`Document "${label}" in de back-up is ${formatSize(size)} groot; een ${suffix === '' ? 'bord' : 'subdocument'} mag hoogstens ${formatSize(maxBytes)} zijn.`)
    const update = Buffer.from(backup.documents[suffix], 'base64')
    // Dropped from the file object as soon as it is decoded: the heap holds each document once.
    delete (backup.documents as Record<string, string>)[suffix]
    if (update.byteLength > maxBytes) return tooLarge(update.byteLength)
    if (bytesTotal + update.byteLength > limits.maxBoardBytes) return refuse(`De documenten in de back-up zijn samen groter dan ${formatSize(limits.maxBoardBytes)}, de grens voor één bord.`)

    const damaged = refuse(`Document "${label}" in de back-up is beschadigd en kan niet worden gelezen.`)
    // Counted before Yjs builds anything of it.
    let structs: number
    try {
      structs = countStructs(update, limits.maxStructsPerDocument)
    } catch {
      return damaged
    }
    if (structs > limits.maxStructsPerDocument) {
      return refuse(`Document "${label}" in de back-up bestaat uit meer dan ${limits.maxStructsPerDocument.toLocaleString('nl-NL')} delen (Yjs-structs); zoveel neemt Samenbord van één document niet aan.`)
    }
    structsTotal += structs
    if (structsTotal > limits.maxStructsTotal) {
      return refuse(`De documenten in de back-up bestaan samen uit meer dan ${limits.maxStructsTotal.toLocaleString('nl-NL')} delen (Yjs-structs); zoveel neemt Samenbord niet aan.`)
    }
    const doc = new Y.Doc()
    try {
      Y.applyUpdate(doc, update)
    } catch {
      return damaged
    }
    // Anything Yjs could not place (missing history) would silently disappear: refuse instead.
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) return refuse(`Document "${label}" in de back-up is onvolledig.`)
    // What the relay lets a live write put there, and nothing else: for the board, valid tldraw records and the schema.
    const content = checkDocumentContent(`${boardId}${suffix}`, doc)
    if (!content.ok) return refuse(`${suffix === '' ? 'Het bord' : `Document "${label}"`} in de back-up bevat iets wat Samenbord niet accepteert: ${content.reason}`)
    const state = Y.encodeStateAsUpdate(doc)
    doc.destroy()
    if (state.byteLength > maxBytes) return tooLarge(state.byteLength)
    bytesTotal += state.byteLength
    if (bytesTotal > limits.maxBoardBytes) return refuse(`De documenten in de back-up zijn samen groter dan ${formatSize(limits.maxBoardBytes)}, de grens voor één bord.`)
    documents.push({ suffix, state })
  }
  return {
    ok: true,
    title: backup.board.title,
    documents,
    perspectiefwissel: backup.perspectiefwissel,
    agenda: backup.agenda ?? null,
    leftOut: check.leftOut,
  }
}

/** "12 kB", "1,5 MB", "64 MB": a size as the refusals give it. */
export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} kB`
  const mb = bytes / (1024 * 1024)
  return `${mb >= 10 ? Math.round(mb) : mb.toFixed(1).replace(/\.0$/, '').replace('.', ',')} MB`
}
