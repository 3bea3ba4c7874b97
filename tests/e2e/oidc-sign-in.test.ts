/**
 * Organisation sign-in in Chromium, through the real login page of a real OpenID provider
 * (oidc-provider on 127.0.0.1): a facilitator signs in, creates a board, finds it in "Mijn borden",
 * signs out, and is refused when creating another from a tab that still shows the form. Someone
 * outside the organisation's rule gets a clear refusal, in Dutch and in English.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { disposeAll, startServer, type TestServer } from '../integration/helpers.ts'
import { startOidcProvider, type TestProvider } from '../integration/oidc-provider.ts'
import { CLIENT_DIR, foreignRequests, launchChromium, newRecordingContext } from './browser.ts'

let provider: TestProvider
let server: TestServer
let browser: Browser
/** The server as the provider sends browsers back to it: PUBLIC_URL's default, http://localhost:PORT. */
let base: string

beforeAll(async () => {
  if (!existsSync(join(CLIENT_DIR, 'index.html'))) throw new Error('client/dist is missing: run `pnpm build` first')
  provider = await startOidcProvider()
  server = await startServer({ env: { CLIENT_DIR, ...provider.env({ OIDC_PROVIDER_NAME: 'Testorganisatie' }) } })
  base = `http://localhost:${server.port}`
  provider.allowRedirectUri(`${base}/auth/callback`)
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await disposeAll()
})

/** From the start page through the provider's own login form, back to the start page. */
async function signInAtProvider(page: Page, user: { login: string; password: string }) {
  await page.getByRole('link', { name: 'Aanmelden' }).click()
  await page.waitForURL((url) => url.href.startsWith(provider.issuer))
  await page.getByRole('heading', { name: 'Inloggen bij de testorganisatie' }).waitFor()
  await page.getByLabel('Gebruikersnaam').fill(user.login)
  await page.getByLabel('Wachtwoord').fill(user.password)
  await page.getByRole('button', { name: 'Inloggen' }).click()
  await page.waitForURL((url) => url.href.startsWith(base))
}

const myBoards = (page: Page) => page.getByRole('region', { name: 'Mijn borden' })

describe('organisation sign-in in the browser', () => {
  it('signs in at the provider, creates a board, finds it in Mijn borden, signs out and is refused a second board', async () => {
    const { context, requested } = await newRecordingContext(browser)
    const page = await context.newPage()
    await page.goto(base)
    await page.getByText(/Facilitators melden zich aan met het account van hun organisatie \(Testorganisatie\)/).waitFor()
    await page.getByText(/Gezinnen, jongeren en partners hebben nooit een account nodig/).waitFor()
    expect(await page.getByLabel('Titel van het bord').count()).toBe(0)

    await signInAtProvider(page, provider.allowed)
    await page.getByText('Aangemeld als Anna de Vries').waitFor()
    expect(page.url()).toBe(`${base}/`)
    await myBoards(page).getByText('Je hebt nog geen borden.', { exact: false }).waitFor()

    // A second tab, signed in too, keeps its form open while the first one signs out.
    const secondTab = await context.newPage()
    await secondTab.goto(base)
    await secondTab.getByLabel('Titel van het bord').waitFor()

    await page.getByLabel('Titel van het bord').fill('Casus Sam')
    await page.getByRole('button', { name: 'Bord maken' }).click()
    await page.getByRole('heading', { name: 'Deel de links: Casus Sam' }).waitFor()
    const facilitatorLink = await page.getByLabel('Facilitator', { exact: true }).inputValue()
    const boardRow = myBoards(page).getByRole('row', { name: /Casus Sam/ })
    await boardRow.waitFor()
    expect(await myBoards(page).getByRole('rowheader').allTextContents()).toEqual(['Casus Sam'])
    await boardRow.getByRole('cell', { name: 'niemand' }).waitFor()

    await page.getByRole('button', { name: 'Afmelden' }).click()
    await page.getByRole('heading', { name: 'Aanmelden voor facilitators' }).waitFor()
    expect(await myBoards(page).count()).toBe(0)
    expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401)

    // The other tab still shows the form: the server refuses, and the page says to sign in again.
    await secondTab.getByLabel('Titel van het bord').fill('Nog een casus')
    await secondTab.getByRole('button', { name: 'Bord maken' }).click()
    await secondTab.getByRole('alert').getByText('Meld je aan om een bord te maken.').waitFor()
    await secondTab.getByRole('link', { name: 'Aanmelden' }).waitFor()
    expect(await secondTab.getByLabel('Titel van het bord').count()).toBe(0)

    // The facilitator link keeps working without a session, as before.
    const board = await context.newPage()
    await board.goto(facilitatorLink.replace(/^https?:\/\/[^/]+/, base))
    await board.getByLabel('Je naam').waitFor()

    // Only this server and the organisation's provider were ever contacted.
    expect(foreignRequests(requested, [base, provider.issuer])).toEqual([])
    await context.close()
  })

  it('explains a refusal for someone outside the organisation, in Dutch and in English', async () => {
    const { context } = await newRecordingContext(browser)
    const page = await context.newPage()
    await page.goto(base)
    await signInAtProvider(page, provider.outsider)
    const refusal = page.getByRole('alert')
    await refusal.getByRole('heading', { name: 'Aanmelden is niet gelukt' }).waitFor()
    await refusal.getByText('Je bent wel bij je organisatie aangemeld, maar je account mag op deze server geen borden maken. Vraag de beheerder om toegang.').waitFor()
    // The reason leaves the address bar: a reload or a bookmark starts clean.
    expect(page.url()).toBe(`${base}/`)
    expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401)

    await page.getByLabel('Taal').selectOption('en')
    await refusal.getByRole('heading', { name: 'Sign-in did not work' }).waitFor()
    await refusal.getByText('You did sign in with your organisation, but your account may not create boards on this server. Ask the administrator for access.').waitFor()
    await page.getByLabel('Language').selectOption('nl')

    // Each reason the callback can give has its own explanation; an unknown one a general line.
    for (const [reason, text] of [
      ['state', /de aanvraag was verlopen of al gebruikt/],
      ['token', /Het antwoord van de organisatie-aanmelding kon niet worden gecontroleerd/],
      ['verlopen', /Je aanmelding is verlopen\. Meld je opnieuw aan\./],
      ['iets-anders', /^Aanmelden is niet gelukt\. Probeer het opnieuw\.$/],
    ] as const) {
      await page.goto(`${base}/?aanmelden=geweigerd&reden=${reason}`)
      await page.getByRole('alert').getByText(text).waitFor()
    }
    await context.close()
  })
})
