import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { REPO_ROOT } from '../integration/helpers.ts'

export const CLIENT_DIR = join(REPO_ROOT, 'client/dist')

/** Debian's Chromium, never a downloaded one; the flags keep it off the network. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
}

/** A browser context that records every URL it requests, to prove nothing leaves our server. */
export async function newRecordingContext(browser: Browser, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport })
  const requested: string[] = []
  context.on('request', (request) => requested.push(request.url()))
  return { context, requested }
}

/** Every requested URL that is not our own server (http or websocket) nor an in-page data/blob URL. */
export function foreignRequests(requested: string[], ownOrigins: string[]): string[] {
  const own = ownOrigins.flatMap((origin) => [origin, origin.replace(/^http/, 'ws')])
  return requested.filter(
    (url) => !url.startsWith('data:') && !url.startsWith('blob:') && !own.some((origin) => url.startsWith(`${origin}/`))
  )
}

/**
 * Signs a browser context in as the facilitator the test server signed in at start (the local
 * beheerder, see startServer): the same `sb_session` cookie a set-up link would have set.
 */
export async function signIn(context: BrowserContext, server: { httpUrl: string; sessionCookie: string | null }): Promise<void> {
  if (server.sessionCookie === null) throw new Error('signIn: this server has no signed-in beheerder (started with signIn: false or OIDC)')
  await context.addCookies([{ name: 'sb_session', value: server.sessionCookie, url: server.httpUrl, httpOnly: true, sameSite: 'Lax' }])
}

/** Opens a board link and answers the name question the way a person would. */
export async function joinBoard(context: BrowserContext, link: string, name: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(link)
  await page.getByLabel(/Je naam|Your name/).fill(name)
  await page.getByRole('button', { name: /Meedoen|Join/ }).click()
  await page.locator('.tl-canvas').waitFor({ state: 'visible' })
  return page
}
