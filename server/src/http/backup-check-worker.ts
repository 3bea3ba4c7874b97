/**
 * Back-up files are checked outside the server's event loop (backup-check.ts does the checking),
 * in a child process per file with a heap limit and a clock: parsing JSON and decoding Yjs are
 * synchronous, and a hostile file once froze every board for 8–46 seconds.
 *
 * A process, not a worker thread: a thread's heap limit is not a wall. When a thread near its
 * limit makes one large allocation (a long string in a crafted document, after many small ones),
 * V8 ends the whole process, server and every board with it; tried with Node 24 and
 * `resourceLimits`. A child process that runs out of memory takes only itself down.
 *
 * Only a few files are checked at once and a few more wait; `admit` refuses the rest before their
 * bodies are read, so nobody can make the server start processes, or hold bodies in memory,
 * without bound.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { checkBackupBytes, type RestoreCheck, type RestoreDocument, type RestoreLimits } from './backup-check.ts'

/** The child is started as `node backup-check-worker.ts CHECK_FLAG <input JSON>`, the file on its stdin. */
const CHECK_FLAG = '--samenbord-backup-check'
const SCRIPT = fileURLToPath(import.meta.url)

interface CheckInput {
  boardId: string
  limits: RestoreLimits
}

export interface BackupCheckerOptions {
  /** Files checked at the same time, each in its own process. */
  concurrency: number
  /** Files that may wait for a process; beyond concurrency + queue a restore is refused with 503. */
  queue: number
  /** A check still running after this long is stopped (its process killed) and answered 503. */
  timeoutMs: number
  /** Heap of a checking process (V8 old generation, MB); a file that needs more is refused with 422. */
  heapMb: number
}

export type CheckOutcome = RestoreCheck | { ok: false; status: 500 | 503; message: string; retryAfterSeconds?: number }

const FAILED: CheckOutcome = { ok: false, status: 500, message: 'Het controleren van de back-up ging mis op de server; er is niets opgeslagen.' }
const OUT_OF_MEMORY: CheckOutcome = { ok: false, status: 422, message: 'De back-up is te groot of te ingewikkeld om te controleren; er is niets opgeslagen.' }
/** What the child may print on stderr that is kept (V8's out-of-memory report is recognised in it). */
const MAX_STDERR_CHARS = 16 * 1024

export class BackupChecker {
  readonly options: BackupCheckerOptions
  private admitted = 0
  private running = 0
  private readonly waiting: (() => void)[] = []

  constructor(options: BackupCheckerOptions) {
    this.options = options
  }

  /** Seconds a refused caller should wait: one check's worst case. */
  get retryAfterSeconds(): number {
    return Math.ceil(this.options.timeoutMs / 1000)
  }

  /**
   * A place for one restore, taken before its body is read and given back (the returned function,
   * safe to call twice) once it is answered or its connection is gone. Null when all are taken.
   */
  admit(): (() => void) | null {
    if (this.admitted >= this.options.concurrency + this.options.queue) return null
    this.admitted++
    let released = false
    return () => {
      if (released) return
      released = true
      this.admitted--
    }
  }

  /**
   * Checks a back-up file, as the chunks it arrived in (never joined here: a copy of 60 MB on the
   * event loop is a pause every board would feel), in a process of its own, once one of the
   * `concurrency` places is free.
   */
  async check(chunks: readonly Uint8Array[], input: CheckInput): Promise<CheckOutcome> {
    await this.takePlace()
    try {
      return await this.runChild(chunks, input)
    } finally {
      this.givePlace()
    }
  }

  private takePlace(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  /** The next waiting check takes the place over; otherwise it is free. */
  private givePlace(): void {
    const next = this.waiting.shift()
    if (next !== undefined) next()
    else this.running--
  }

  private runChild(chunks: readonly Uint8Array[], input: CheckInput): Promise<CheckOutcome> {
    // What a correct answer can be at most: the documents, which the limits bound, and a header.
    const maxOutput = input.limits.maxBoardBytes + 1024 * 1024
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [`--max-old-space-size=${this.options.heapMb}`, SCRIPT, CHECK_FLAG, JSON.stringify(input)], {
        stdio: ['pipe', 'pipe', 'pipe'],
        // Nothing of the server's environment is needed, and none of its secrets should be there.
        env: { PATH: process.env.PATH ?? '' },
      })
      let settled = false
      const output: Buffer[] = []
      let outputBytes = 0
      let stderr = ''
      const finish = (outcome: CheckOutcome) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(outcome)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      }
      const timer = setTimeout(
        () =>
          finish({
            ok: false,
            status: 503,
            message: `Het controleren van de back-up duurde langer dan ${this.retryAfterSeconds === 1 ? '1 seconde' : `${this.retryAfterSeconds} seconden`} en is gestopt; er is niets opgeslagen. Probeer het later opnieuw; lukt het dan weer niet, dan is het bestand te groot of te ingewikkeld voor deze server.`,
            retryAfterSeconds: this.retryAfterSeconds,
          }),
        this.options.timeoutMs,
      )
      child.stdout.on('data', (chunk: Buffer) => {
        outputBytes += chunk.byteLength
        if (outputBytes > maxOutput) return finish(FAILED)
        output.push(chunk)
      })
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        if (stderr.length < MAX_STDERR_CHARS) stderr += chunk
      })
      child.on('error', () => finish(FAILED))
      // 'close': exited and every pipe drained, so the whole answer is in `output`.
      child.on('close', (code) => {
        if (code === 0) return finish(readAnswer(Buffer.concat(output, outputBytes)) ?? FAILED)
        finish(/heap out of memory|Allocation failed/i.test(stderr) ? OUT_OF_MEMORY : FAILED)
      })
      // A child that died early closes its stdin under the write: its exit says what happened.
      child.stdin.on('error', () => {})
      for (const chunk of chunks) child.stdin.write(chunk)
      child.stdin.end()
    })
  }
}

type AnswerHeader = Extract<RestoreCheck, { ok: false }> | (Omit<Extract<RestoreCheck, { ok: true }>, 'documents'> & { documents: { suffix: string; bytes: number }[] })

/**
 * The answer on the child's stdout: a 4-byte length, that many bytes of JSON (the check's result
 * with each document's size instead of its bytes), then the documents' bytes one after another.
 */
function writeAnswer(result: RestoreCheck): Buffer[] {
  const documents = result.ok ? result.documents : []
  const header = Buffer.from(JSON.stringify(result.ok ? { ...result, documents: documents.map(({ suffix, state }) => ({ suffix, bytes: state.byteLength })) } : result))
  const length = Buffer.alloc(4)
  length.writeUInt32BE(header.byteLength)
  return [length, header, ...documents.map(({ state }) => Buffer.from(state.buffer, state.byteOffset, state.byteLength))]
}

function readAnswer(answer: Buffer): CheckOutcome | null {
  try {
    const headerEnd = 4 + answer.readUInt32BE(0)
    const result = JSON.parse(answer.subarray(4, headerEnd).toString('utf8')) as AnswerHeader
    if (!result.ok) return result
    let offset = headerEnd
    const documents: RestoreDocument[] = result.documents.map(({ suffix, bytes }) => {
      const state = answer.subarray(offset, offset + bytes)
      offset += bytes
      return { suffix, state }
    })
    return offset === answer.byteLength ? { ...result, documents } : null
  } catch {
    return null
  }
}

/** The child: the file from stdin, the answer to stdout, then it ends. */
async function runCheckProcess(input: CheckInput): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  const result = checkBackupBytes(Buffer.concat(chunks), input.boardId, input.limits)
  for (const part of writeAnswer(result)) process.stdout.write(part)
}

if (process.argv[1] === SCRIPT && process.argv[2] === CHECK_FLAG) await runCheckProcess(JSON.parse(process.argv[3]) as CheckInput)
