/**
 * A Redis and a PostgreSQL of a test's own, for chaos tests that stop, restart or cut them: the
 * machine's shared services (5432, 6379) serve other test files at the same time and must never
 * be touched. Both listen on 127.0.0.1 on a free port and keep their files in a temp dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { waitFor } from './helpers.ts'

const run = promisify(execFile)

/** A port nobody listens on right now (the kernel's pick). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function onPath(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, binary))) return join(dir, binary)
  }
  return null
}

/** The directory with initdb and pg_ctl (Debian: /usr/lib/postgresql/<version>/bin), newest first. */
function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
  for (const version of versions) {
    const bin = join(root, version, 'bin')
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin
  }
  return null
}

/** What is missing on this machine for the private services (empty: everything is there). */
export function missingServiceBinaries(): string[] {
  return [
    ...(onPath('redis-server') && onPath('redis-cli') ? [] : ['redis-server/redis-cli']),
    ...(postgresBinDir() ? [] : ['PostgreSQL (initdb, pg_ctl in /usr/lib/postgresql/*/bin)']),
  ]
}

// ---------------------------------------------------------------------------------------------
// Redis

export interface PrivateRedis {
  port: number
  url: string
  /** Runs one redis-cli command and returns its output (trimmed). */
  cli(...args: string[]): Promise<string>
  /** Stops the server (SIGKILL: as if it crashed) and waits until it exited. */
  kill(): Promise<void>
  /** Starts it again on the same port and waits until it answers. */
  start(): Promise<void>
  /** Kills it for good (also registered with the caller's cleanup). */
  dispose(): Promise<void>
}

/** Sends PING over a plain socket; true on +PONG. */
function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

/**
 * `redis-server --port <free> --save "" --appendonly no` (nothing on disk) with `extraArgs`
 * (e.g. `['--client-output-buffer-limit', 'pubsub 1mb 256kb 1']`).
 */
export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort()
  let child: ChildProcess | null = null
  let output = ''
  const start = async () => {
    output = ''
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    started.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    started.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child = started
    await waitFor(async () => started.exitCode === null && (await pingRedis(port)), { timeout: 15_000, interval: 20, message: `private Redis did not start:\n${output}` })
  }
  const kill = async () => {
    const running = child
    child = null
    if (running === null || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill('SIGKILL')
    await exited
  }
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    cli: async (...args) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout.trim(),
    kill,
    start,
    dispose: kill,
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface PrivatePostgres {
  port: number
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string
  /** `pg_ctl stop -m fast`: running queries are cut off, connections refused until `start`. */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops the cluster and removes its directory. */
  dispose(): Promise<void>
}

/** initdb + pg_ctl start in a temp dir (as the `postgres` user when run as root: PostgreSQL refuses root). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir()
  if (bin === null) throw new Error('PostgreSQL binaries not found')
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-pg-'))
  const dataDir = join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args)
  await pg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  // fsync off: a test cluster, thrown away after; the socket in the temp dir, never in /var/run.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`
  const start = async () => {
    await pg('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start'])
  }
  const stop = async () => {
    await pg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop'])
  }
  await start()
  let disposed = false
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    dispose: async () => {
      if (disposed) return
      disposed = true
      await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
