import type { AddressInfo } from 'node:net'
import { buildApp } from './app.ts'
import { loadConfig, type Config } from './config.ts'

/** Integration tests parse this line to learn the port (PORT=0 picks a free one). */
export const LISTENING_LINE = 'Samenbord luistert op'
/** Followed by the one-time set-up link while there is no beheerder (or with RESET_BEHEERDER). */
export const SETUP_LINE = 'Beheerder instellen:'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  console.error(`Samenbord kan niet starten: ${(error as Error).message}`)
  process.exit(1)
}

let app: Awaited<ReturnType<typeof buildApp>>
try {
  app = await buildApp(config, { logger: true })
} catch (error) {
  // E.g. PostgreSQL or Redis unreachable: say which, without a stack trace.
  console.error(`Samenbord kan niet starten: ${(error as Error).message}`)
  process.exit(1)
}

let stopping = false
async function stop(signal: string): Promise<void> {
  if (stopping) {
    // A second Ctrl-C means "now".
    process.exit(1)
  }
  stopping = true
  app.log.info({ signal }, 'stopping: closing sockets and flushing storage')
  const watchdog = setTimeout(() => {
    app.log.error('shutdown took too long, exiting')
    process.exit(1)
  }, 10_000)
  watchdog.unref()
  try {
    await app.close()
    process.exit(0)
  } catch (error) {
    app.log.error({ err: error }, 'shutdown failed')
    process.exit(1)
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))

try {
  await app.listen({ port: config.port, host: config.host })
} catch (error) {
  console.error(`Samenbord kan niet luisteren op ${config.host}:${config.port}: ${(error as Error).message}`)
  process.exit(1)
}
const { port } = app.server.address() as AddressInfo
// Before the listening line, so whoever waits for that line has this one too.
printSignIn(config, app.beheerderSetupLink())
console.log(`${LISTENING_LINE} http://${config.host}:${port}`)

/** How facilitators sign in on this start; in local mode the one-time beheerder link (its code in the fragment). */
function printSignIn(config: Config, setupLink: string | null): void {
  if (config.auth.oidc !== null) {
    console.log(`Aanmelden via OpenID Connect: ${config.auth.oidc.issuer}`)
  } else if (setupLink !== null) {
    console.log(`${SETUP_LINE} ${setupLink}`)
    console.log('  (eenmalige link: wie hem opent, wordt beheerder van deze Samenbord en kan begeleiders uitnodigen)')
  } else {
    console.log('Er is al een beheerder. Ben jij dat en ben je niet meer aangemeld? Start dan met RESET_BEHEERDER=true voor een nieuwe link.')
  }
}
