/**
 * Regenerates the screenshots in docs/ (run: `pnpm build && pnpm screenshots`).
 * Not a test: it starts a real OpenID provider (the test one, on 127.0.0.1) and a server on a
 * temporary data folder, signs in through the provider's login page in Chromium, builds a few
 * boards with two people on one of them, and saves what they see: the start page signed out,
 * a refused sign-in, the start page and "Mijn borden" signed in, the links, and the board.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { REPO_ROOT, disposeAll, startServer } from '../integration/helpers.ts'
import { startOidcProvider } from '../integration/oidc-provider.ts'
import { CLIENT_DIR, joinBoard, launchChromium } from './browser.ts'

const DOCS = join(REPO_ROOT, 'docs')
const provider = await startOidcProvider()
const server = await startServer({ env: { CLIENT_DIR, ...provider.env({ OIDC_PROVIDER_NAME: 'Gemeente Voorbeeld' }) } })
// Links and the sign-in callback use PUBLIC_URL's default, http://localhost:PORT.
const base = `http://localhost:${server.port}`
provider.allowRedirectUri(`${base}/auth/callback`)
const browser = await launchChromium()
/** A browser set to Dutch, as the organisation's laptops would be. */
const dutchContext = async () => ({ context: await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'nl-NL' }) })

async function signInAtProvider(page: Page, user: { login: string; password: string }) {
  await page.getByRole('link', { name: 'Aanmelden' }).click()
  await page.getByLabel('Gebruikersnaam').fill(user.login)
  await page.getByLabel('Wachtwoord').fill(user.password)
  await page.getByRole('button', { name: 'Inloggen' }).click()
  await page.waitForURL((url) => url.href.startsWith(base))
}

try {
  const visitor = await dutchContext()
  const signedOut = await visitor.context.newPage()
  await signedOut.goto(base)
  await signedOut.getByRole('link', { name: 'Aanmelden' }).waitFor()
  await signedOut.screenshot({ path: join(DOCS, 'start-afgemeld.png') })
  // Someone outside the organisation's allowed domain and group: refused with a reason.
  await signInAtProvider(signedOut, provider.outsider)
  await signedOut.getByRole('heading', { name: 'Aanmelden is niet gelukt' }).waitFor()
  await signedOut.screenshot({ path: join(DOCS, 'aanmelden-geweigerd.png') })

  const facilitator = await dutchContext()
  const start = await facilitator.context.newPage()
  await start.goto(base)
  await signInAtProvider(start, provider.allowed)
  await start.getByText('Aangemeld als Anna de Vries').waitFor()
  // Earlier boards of this facilitator, made as the form would.
  for (const title of ['Teamoverleg zorg, week 9', 'Evaluatie ondersteuningsplan Lotte (14)']) {
    await start.evaluate(async (boardTitle) => {
      const response = await fetch('/api/boards', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: boardTitle }) })
      if (!response.ok) throw new Error(await response.text())
    }, title)
  }
  await start.reload()
  await start.getByLabel(/Titel van het bord/).fill('MDO gezin Jansen, 12 maart')
  await start.screenshot({ path: join(DOCS, 'start-page.png') })
  await start.getByRole('button', { name: 'Bord maken' }).click()
  await start.getByLabel('Deelnemer', { exact: true }).waitFor()
  await start.screenshot({ path: join(DOCS, 'board-links.png') })
  const participantLink = await start.getByLabel('Deelnemer', { exact: true }).inputValue()

  const pageA = await joinBoard(facilitator.context, participantLink, 'Anna (mentor)')
  const other = await dutchContext()
  const pageB = await joinBoard(other.context, participantLink, 'Bram (vader)')

  await pageA.keyboard.press('r')
  await pageA.mouse.move(560, 260)
  await pageA.mouse.down()
  await pageA.mouse.move(780, 380, { steps: 6 })
  await pageA.mouse.up()
  await pageA.keyboard.press('t')
  await pageA.mouse.click(600, 460)
  await pageA.waitForFunction(() => document.activeElement?.getAttribute('contenteditable') === 'true')
  await pageA.keyboard.type('Start hulpverlening, 2023')
  await pageA.keyboard.press('Escape')
  await pageB.keyboard.press('n')
  await pageB.mouse.click(980, 320)
  await pageB.waitForFunction(() => document.activeElement?.getAttribute('contenteditable') === 'true')
  await pageB.keyboard.type('We voelden ons niet gehoord')
  await pageB.keyboard.press('Escape')
  await pageA.mouse.move(860, 520, { steps: 4 })
  await pageB.mouse.move(1060, 560, { steps: 4 })
  await pageB.waitForTimeout(800)
  await pageB.screenshot({ path: join(DOCS, 'board-two-people.png') })

  // "Mijn borden" while two people are on the newest board.
  await start.getByRole('button', { name: 'Nog een bord maken' }).click()
  await start.reload()
  const myBoards = start.getByRole('region', { name: 'Mijn borden' })
  await myBoards.getByRole('row', { name: /MDO gezin Jansen/ }).getByRole('cell', { name: '2 personen' }).waitFor()
  await start.screenshot({ path: join(DOCS, 'mijn-borden.png'), fullPage: true })
  // The delete question names the board; the keyboard is on Annuleren.
  await myBoards.getByRole('button', { name: /Beheren: Evaluatie/ }).click()
  // By keyboard, so the focus ring shows where Enter would go.
  await myBoards.getByRole('button', { name: 'Verwijderen' }).focus()
  await start.keyboard.press('Enter')
  await myBoards.getByRole('button', { name: 'Annuleren' }).waitFor()
  await myBoards.screenshot({ path: join(DOCS, 'mijn-borden-verwijderen.png') })
  console.log('screenshots written to docs/')
} finally {
  await browser.close()
  await disposeAll()
}
