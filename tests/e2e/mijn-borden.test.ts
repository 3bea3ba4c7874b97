/**
 * The local beheerder (no OpenID provider configured) in Chromium: the set-up link the server
 * printed signs this browser in (its code leaves the address bar at once and works once), the
 * beheerder makes boards and manages them from "Mijn borden" (open, rename, links, renew, back-up,
 * delete with a confirmation that names the board), and invites a colleague who gets an account
 * and an empty list of their own.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { joinBoard, newRecordingContext } from './browser.ts'
import { useServerAndBrowser } from './stage.ts'

const stage = useServerAndBrowser({ signIn: false })

const myBoards = (page: Page) => page.getByRole('region', { name: 'Mijn borden' })
const row = (page: Page, title: string) => myBoards(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: title, exact: true }) })
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '')

async function createOnStartPage(page: Page, title: string) {
  await page.getByLabel('Titel van het bord').fill(title)
  await page.getByRole('button', { name: 'Bord maken' }).click()
  await page.getByRole('heading', { name: `Deel de links: ${title}` }).waitFor()
  await row(page, title).waitFor()
  await page.getByRole('button', { name: 'Nog een bord maken' }).click()
}

describe('Mijn borden with the local beheerder', () => {
  it('signs in by the set-up link, manages boards from the list, and invites a facilitator', async () => {
    const setupLink = stage.server.app.beheerderSetupLink()
    expect(setupLink).toMatch(/\/auth\/setup#code=[A-Za-z0-9_-]+$/)
    const { context, requested } = await newRecordingContext(stage.browser, { width: 1280, height: 900 })
    const page = await context.newPage()

    // Signed out: no form, but how to get in, and that families never need an account.
    await page.goto(stage.server.httpUrl)
    await page.getByRole('heading', { name: 'Aanmelden voor facilitators' }).waitFor()
    await page.getByText(/De beheerder opent de set-up-link die de server bij het starten toont/).waitFor()
    await page.getByText(/Gezinnen, jongeren en partners hebben nooit een account nodig/).waitFor()
    expect(await page.getByLabel('Titel van het bord').count()).toBe(0)
    expect(await page.getByRole('link', { name: 'Aanmelden' }).count()).toBe(0)

    // The set-up link: signed in as the beheerder; the code was in the address bar only for a moment.
    await page.goto(setupLink!.replace(/^https?:\/\/[^/]+/, stage.server.httpUrl))
    await page.getByText('Aangemeld als beheerder', { exact: true }).waitFor()
    // Said once: not "Beheerder" and a "beheerder" badge beside it.
    expect(await page.getByText('beheerder', { exact: true }).count()).toBe(0)
    expect(page.url()).toBe(`${stage.server.httpUrl}/`)
    expect(await page.evaluate(() => location.hash)).toBe('')
    expect(requested.filter((url) => url.includes('#code') || url.includes('code='))).toEqual([])
    await page.goBack()
    expect(page.url()).not.toContain('code=')
    await page.goto(stage.server.httpUrl)

    // The same link a second time, in another browser: refused, with the server's reason.
    const other = await newRecordingContext(stage.browser)
    const second = await other.context.newPage()
    await second.goto(setupLink!.replace(/^https?:\/\/[^/]+/, stage.server.httpUrl))
    await second.getByRole('alert').getByText(/Deze browser kon geen beheerder worden: Deze code is al gebruikt\./).waitFor()
    expect(second.url()).toBe(`${stage.server.httpUrl}/auth/setup`)

    // While the list loads it says so; when it cannot load, it says why and offers a retry.
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    let failNext = true
    await page.route('**/api/my-boards', async (route) => {
      await held
      if (failNext) {
        failNext = false
        await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'unavailable', message: 'De opslag is even niet bereikbaar.' }) })
      } else await route.continue()
    })
    await page.reload()
    await myBoards(page).getByRole('status').getByText('Je borden worden geladen…').waitFor()
    release()
    await myBoards(page).getByRole('alert').getByText('Je borden konden niet worden geladen: De opslag is even niet bereikbaar.').waitFor()
    await myBoards(page).getByRole('button', { name: 'Opnieuw proberen' }).click()

    // Empty list first, then three boards, newest on top.
    await myBoards(page).getByText('Je hebt nog geen borden. Maak hierboven je eerste bord.').waitFor()
    await page.unroute('**/api/my-boards')
    for (const title of ['Teamoverleg zorg', 'Evaluatie Lotte', 'MDO gezin Jansen']) await createOnStartPage(page, title)
    const titles = await myBoards(page).getByRole('rowheader').allTextContents()
    expect(titles).toEqual(['MDO gezin Jansen', 'Evaluatie Lotte', 'Teamoverleg zorg'])
    const headers = await myBoards(page).getByRole('columnheader').allTextContents()
    expect(headers).toEqual(['Titel', 'Gemaakt', 'Laatst actief', 'Nu verbonden', 'Wordt verwijderd op', 'Acties'])
    // In English too.
    await page.getByLabel('Taal').selectOption('en')
    expect(await page.getByRole('region', { name: 'My boards' }).getByRole('columnheader').allTextContents()).toEqual(['Title', 'Created', 'Last active', 'Connected now', 'Deleted on', 'Actions'])
    await page.getByLabel('Language').selectOption('nl')
    const retentionDay = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(Date.now() + 90 * 86_400_000))
    await row(page, 'MDO gezin Jansen').getByRole('cell', { name: retentionDay }).waitFor()
    await row(page, 'MDO gezin Jansen').getByRole('cell', { name: 'niemand' }).waitFor()

    // Copy links: the owner's three links; someone joins with the participant link and shows as connected.
    await row(page, 'MDO gezin Jansen').getByRole('button', { name: 'Beheren: MDO gezin Jansen' }).click()
    await page.getByRole('button', { name: 'Links kopiëren' }).click()
    const participantLink = await page.getByLabel('Deelnemer', { exact: true }).inputValue()
    expect(participantLink).toMatch(/\/b\/[A-Za-z0-9_-]{22}#token=/)
    const family = await newRecordingContext(stage.browser)
    const guest = await joinBoard(family.context, participantLink, 'Sanne')
    await guest.getByRole('status', { name: /Verbinding: Verbonden/ }).waitFor({ timeout: 10_000 })
    await page.reload()
    await row(page, 'MDO gezin Jansen').getByRole('cell', { name: '1 persoon' }).waitFor()

    // Rename: the list and, after a reload, the server agree.
    await row(page, 'Evaluatie Lotte').getByRole('button', { name: 'Beheren: Evaluatie Lotte' }).click()
    await page.getByRole('button', { name: 'Naam wijzigen' }).click()
    await page.getByLabel('Nieuwe titel voor “Evaluatie Lotte”').fill('Evaluatie ondersteuningsplan Lotte')
    await page.getByRole('button', { name: 'Opslaan' }).click()
    await page.getByText('De titel is nu “Evaluatie ondersteuningsplan Lotte”.').waitFor()
    await page.reload()
    await row(page, 'Evaluatie ondersteuningsplan Lotte').waitFor()

    // Renew links: the warning first, focus on Annuleren; then new links that differ from the old.
    await row(page, 'MDO gezin Jansen').getByRole('button', { name: 'Beheren: MDO gezin Jansen' }).click()
    await page.getByRole('button', { name: 'Links vernieuwen' }).click()
    await page.getByText(/Na vernieuwen werkt geen enkele oude link van dit bord meer/).waitFor()
    expect(await focusedText(page)).toBe('Annuleren')
    await page.getByRole('button', { name: 'Ja, vernieuw alle links' }).click()
    await page.getByRole('heading', { name: 'Nieuwe links' }).waitFor()
    const renewedParticipant = await page.getByLabel('Deelnemer', { exact: true }).inputValue()
    expect(renewedParticipant).not.toBe(participantLink)
    // The old link's socket is closed for good: the guest is told the link no longer works.
    await guest.getByText(/ongeldig of verlopen/).waitFor({ timeout: 10_000 })

    // Back-up: a file named after the board, holding it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Back-up downloaden' }).click()])
    expect(download.suggestedFilename()).toMatch(/^mdo-gezin-jansen-backup-\d{4}-\d{2}-\d{2}\.json$/)
    await page.getByText('De back-up is gedownload.', { exact: false }).waitFor()

    // Delete: the question names the board and lands on Annuleren, which leads back to Verwijderen.
    await row(page, 'Teamoverleg zorg').getByRole('button', { name: 'Beheren: Teamoverleg zorg' }).click()
    await page.getByRole('button', { name: 'Verwijderen' }).click()
    await page.getByText(/^Bord “Teamoverleg zorg” definitief verwijderen\?/).waitFor()
    expect(await focusedText(page)).toBe('Annuleren')
    await page.keyboard.press('Enter')
    await expect.poll(() => focusedText(page)).toBe('Verwijderen')
    expect(await row(page, 'Teamoverleg zorg').count()).toBe(1)
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Ja, verwijder “Teamoverleg zorg”' }).click()
    await page.getByText('Bord “Teamoverleg zorg” is verwijderd.').waitFor()
    expect(await row(page, 'Teamoverleg zorg').count()).toBe(0)
    await page.reload()
    await row(page, 'MDO gezin Jansen').waitFor()
    expect(await myBoards(page).getByRole('rowheader').allTextContents()).toEqual(['MDO gezin Jansen', 'Evaluatie ondersteuningsplan Lotte'])

    // Open: straight onto the board as its facilitator.
    await row(page, 'Evaluatie ondersteuningsplan Lotte').getByRole('button', { name: 'Openen: Evaluatie ondersteuningsplan Lotte' }).click()
    await page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}$/)
    await page.getByLabel('Je naam').waitFor()
    await page.goto(stage.server.httpUrl)

    // Invite a colleague: a one-time link; the colleague names herself and starts with no boards.
    await page.getByLabel('Naam van de facilitator').fill('Bram Pietersen')
    await page.getByRole('button', { name: 'Uitnodigingslink maken' }).click()
    const inviteLink = await page.getByRole('textbox', { name: 'Uitnodigingslink voor Bram Pietersen' }).inputValue()
    expect(inviteLink).toMatch(/\/auth\/invite#code=[A-Za-z0-9_-]+$/)
    const bram = await newRecordingContext(stage.browser)
    const invited = await bram.context.newPage()
    await invited.goto(inviteLink.replace(/^https?:\/\/[^/]+/, stage.server.httpUrl))
    await invited.getByRole('heading', { name: 'Welkom bij Samenbord' }).waitFor()
    expect(invited.url()).toBe(`${stage.server.httpUrl}/auth/invite`)
    await invited.getByLabel('Je naam').fill('Bram')
    await invited.getByRole('button', { name: 'Account maken' }).click()
    await invited.getByText('Aangemeld als Bram').waitFor()
    await myBoards(invited).getByText('Je hebt nog geen borden.', { exact: false }).waitFor()
    expect(await invited.getByRole('heading', { name: 'Facilitator uitnodigen' }).count()).toBe(0)

    // Bram gets the facilitator link of a board as co-facilitator: signed in, his board page offers to
    // keep it, and it then shows in his list, marked, with the same actions.
    await row(page, 'MDO gezin Jansen').getByRole('button', { name: 'Beheren: MDO gezin Jansen' }).click()
    await page.getByRole('button', { name: 'Links kopiëren' }).click()
    const facilitatorLink = await page.getByLabel('Facilitator', { exact: true }).inputValue()
    const bramOnBoard = await joinBoard(bram.context, facilitatorLink.replace(/^https?:\/\/[^/]+/, stage.server.httpUrl), 'Bram')
    await bramOnBoard.getByRole('button', { name: 'Aan mijn borden toevoegen' }).click()
    await bramOnBoard.getByRole('status').getByText('Dit bord staat nu onder “Mijn borden”.').waitFor()
    await bramOnBoard.getByRole('button', { name: 'Mijn voorbereiding' }).click()
    await bramOnBoard.getByRole('complementary', { name: 'Voorbereiding (alleen voor jou)' }).waitFor()
    await expect.poll(() => stage.server.app.rooms.boardConnectionCount(new URL(facilitatorLink).pathname.split('/')[2])).toBe(2)
    await invited.reload()
    const attachedRow = myBoards(invited).getByRole('row').filter({ hasText: 'MDO gezin Jansen' })
    await attachedRow.getByText('mede-begeleider', { exact: true }).waitFor()
    // Bram on the board counts once, though his board page also holds the preparation's document.
    await attachedRow.getByRole('cell', { name: '1 persoon' }).waitFor()
    await attachedRow.getByRole('button', { name: 'Beheren: MDO gezin Jansen' }).waitFor()
    await invited.screenshot({ path: process.env.MIJN_BORDEN_SCREENSHOT ?? '/tmp/mijn-borden-mede-begeleider.png', fullPage: true })
    // The owner's list still has it as their own, unmarked.
    await page.reload()
    expect(await row(page, 'MDO gezin Jansen').getByText('mede-begeleider').count()).toBe(0)
    await bramOnBoard.close()
    // The invite worked once.
    const again = await other.context.newPage()
    await again.goto(inviteLink.replace(/^https?:\/\/[^/]+/, stage.server.httpUrl))
    await again.getByLabel('Je naam').fill('Iemand anders')
    await again.getByRole('button', { name: 'Account maken' }).click()
    await again.getByRole('alert').getByText(/De uitnodiging kon niet worden gebruikt: Deze uitnodiging is al gebruikt\./).waitFor()

    // Sign out: back to the signed-out page, and the list is gone.
    await page.getByRole('button', { name: 'Afmelden' }).click()
    await page.getByRole('heading', { name: 'Aanmelden voor facilitators' }).waitFor()
    await page.reload()
    await page.getByRole('heading', { name: 'Aanmelden voor facilitators' }).waitFor()
    expect(await myBoards(page).count()).toBe(0)
    await Promise.all([context.close(), other.context.close(), family.context.close(), bram.context.close()])
  })
})
