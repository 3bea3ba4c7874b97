/**
 * Facilitation as the browsers live it: locks (a notice and a read-only board, a change that
 * crossed the lock refused by the server and the screen starting over, a locked frame that
 * participants cannot move or delete), the private preparation, the agenda, stiltemodus,
 * "breng iedereen hier", a co-facilitator link and a viewer following the perspectiefwissel.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { REPO_ROOT, createBoard, type CreatedBoard } from '../integration/helpers.ts'
import { joinBoard, newRecordingContext } from './browser.ts'
import { useServerAndBrowser } from './stage.ts'

const SCREENSHOTS = process.env.SAMENBORD_SCREENSHOTS ? join(REPO_ROOT, 'docs') : null
const stage = useServerAndBrowser()

async function drag(page: Page, tool: string, from: [number, number], to: [number, number]) {
  await page.keyboard.press(tool)
  await page.mouse.move(...from)
  await page.mouse.down()
  await page.mouse.move((from[0] + to[0]) / 2, (from[1] + to[1]) / 2, { steps: 4 })
  await page.mouse.move(...to, { steps: 4 })
  await page.mouse.up()
}

async function lockBoard(board: CreatedBoard, body: Record<string, unknown>) {
  const response = await fetch(`${stage.server.httpUrl}/api/boards/${board.id}/begeleiding`, {
    method: 'POST',
    headers: { authorization: `Bearer ${board.tokens.facilitator}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
}

const shapes = (page: Page, type: string) => page.locator(`.tl-shape[data-shape-type="${type}"]`)

describe('begeleiding in the browser', () => {
  it('a change that crossed the lock is refused by the server: the screen starts over read-only and says the change was not kept', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Slot')
    const contexts = await Promise.all([0, 1].map(() => newRecordingContext(stage.browser, { width: 1400, height: 900 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    const anna = await joinBoard(contexts[1].context, board.links.participant, 'Anna')
    await anna.getByRole('button', { name: /Paneel inklappen/ }).click()
    await anna.locator('[data-testid="tools.rectangle"]').waitFor()

    // Anna's screen has not heard of the lock yet: it keeps being told the board is open.
    await anna.route('**/begeleiding', (route) => route.fulfill({ json: { locked: false, lockedFrames: [], stiltemodus: false, agenda: { steps: [], current: null } } }))
    await lockBoard(board, { locked: true })
    await drag(anna, 'r', [600, 300], [800, 420])
    await anna.getByText('Het bord ging op slot terwijl je iets veranderde. Die laatste wijziging is niet bewaard.').waitFor({ timeout: 5000 })
    await anna.getByRole('status', { name: /Verbinding: Verbonden/ }).waitFor({ timeout: 5000 })
    expect(await shapes(anna, 'geo').count()).toBe(0)
    await facilitator.waitForTimeout(300)
    expect(await shapes(facilitator, 'geo').count()).toBe(0)

    // Once it hears of the lock, the notice says so and the drawing tools are gone.
    await anna.unroute('**/begeleiding')
    await anna.getByTestId('slot-melding').getByText(/op slot gezet/).waitFor({ timeout: 5000 })
    expect(await anna.locator('[data-testid="tools.rectangle"]').count()).toBe(0)
    if (SCREENSHOTS) await anna.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-slot-geweigerd.png') })

    // Unlocked: Anna draws again and the facilitator sees it.
    await lockBoard(board, { locked: false })
    await anna.getByTestId('slot-melding').getByText(/op slot gezet/).waitFor({ state: 'detached', timeout: 5000 })
    await anna.getByRole('button', { name: 'Sluiten' }).click()
    await drag(anna, 'r', [600, 300], [800, 420])
    await shapes(facilitator, 'geo').first().waitFor({ timeout: 5000 })
    await Promise.all(contexts.map((c) => c.context.close()))
  })

  it('a locked frame cannot be moved or deleted by a participant; the rest of the board stays open', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Frame op slot')
    const contexts = await Promise.all([0, 1].map(() => newRecordingContext(stage.browser, { width: 1400, height: 900 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    const anna = await joinBoard(contexts[1].context, board.links.participant, 'Anna')
    await facilitator.getByRole('button', { name: /Paneel inklappen/ }).click()
    await anna.getByRole('button', { name: /Paneel inklappen/ }).click()

    await drag(facilitator, 'f', [500, 250], [800, 500])
    await facilitator.getByRole('button', { name: 'Zet dit frame op slot' }).click()
    await facilitator.getByText('1 frame op slot').waitFor({ timeout: 5000 })
    await anna.getByTestId('slot-melding').getByText(/Sommige frames staan op slot/).waitFor({ timeout: 5000 })
    await anna.getByTestId('frame-op-slot').getByText('Op slot').waitFor()
    await shapes(anna, 'frame').first().waitFor()

    // Select everything and delete: the frame stays (on both screens), and nothing was refused.
    await anna.mouse.click(1000, 700)
    await anna.keyboard.press('Control+a')
    await anna.keyboard.press('Delete')
    await anna.waitForTimeout(500)
    expect(await shapes(anna, 'frame').count()).toBe(1)
    expect(await shapes(facilitator, 'frame').count()).toBe(1)

    // Outside the frame Anna draws as usual.
    await drag(anna, 'r', [900, 600], [1050, 700])
    await shapes(facilitator, 'geo').first().waitFor({ timeout: 5000 })
    expect(await anna.getByText(/niet bewaard/).count()).toBe(0)
    if (SCREENSHOTS) await facilitator.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-frame-slot.png') })
    await Promise.all(contexts.map((c) => c.context.close()))
  })

  it('the facilitator keeps a private preparation that participants never get, and finds it back after a reload', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Voorbereiding')
    const contexts = await Promise.all([0, 1].map(() => newRecordingContext(stage.browser, { width: 1400, height: 900 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    const anna = await joinBoard(contexts[1].context, board.links.participant, 'Anna')
    const secret = 'Het team lijkt net als moeder te gaan trekken'

    await facilitator.getByRole('button', { name: 'Mijn voorbereiding' }).click()
    const prep = facilitator.getByRole('complementary', { name: 'Voorbereiding (alleen voor jou)' })
    await prep.getByLabel('Welke patronen vermoed ik (gezin en hulpverlening)?').fill(secret)
    await prep.getByLabel('Wie brengt de casus in, en waarom nu?').fill('De mentor; het loopt vast sinds de zomer')
    await facilitator.waitForTimeout(300)
    if (SCREENSHOTS) await facilitator.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-voorbereiding.png') })

    expect(await anna.getByRole('button', { name: 'Mijn voorbereiding' }).count()).toBe(0)
    expect(await anna.getByText(secret).count()).toBe(0)

    await facilitator.reload()
    await facilitator.getByRole('button', { name: 'Mijn voorbereiding' }).click()
    await expect.poll(() => facilitator.getByLabel('Welke patronen vermoed ik (gezin en hulpverlening)?').inputValue()).toBe(secret)
    await Promise.all(contexts.map((c) => c.context.close()))
  })

  it('the agenda shows the current step to everyone; stiltemodus hides everyone’s cursors; "breng iedereen hier" moves the other view once', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Sessie')
    const contexts = await Promise.all([0, 1].map(() => newRecordingContext(stage.browser, { width: 1400, height: 900 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    const anna = await joinBoard(contexts[1].context, board.links.participant, 'Anna')
    await facilitator.getByRole('button', { name: /Paneel inklappen/ }).click()
    await anna.getByRole('button', { name: /Paneel inklappen/ }).click()

    // Agenda: the facilitator plans two steps and moves on; Anna sees where the session is.
    await facilitator.locator('.sb-agenda summary').click()
    for (const step of ['Tijdlijn', 'Perspectiefwissel']) {
      await facilitator.getByLabel('Stap toevoegen').fill(step)
      await facilitator.getByRole('button', { name: 'Toevoegen', exact: true }).click()
      await facilitator.getByRole('button', { name: `Maak "${step}" de huidige stap` }).waitFor()
    }
    await facilitator.getByRole('button', { name: 'Volgende stap' }).click()
    await anna.getByTestId('agenda-nu').getByText('Nu (1 van 2): Tijdlijn').waitFor({ timeout: 5000 })
    await facilitator.getByRole('button', { name: 'Volgende stap' }).click()
    await anna.getByTestId('agenda-nu').getByText('Nu (2 van 2): Perspectiefwissel').waitFor({ timeout: 5000 })
    await anna.locator('.sb-agenda li[aria-current="step"]', { hasText: 'Perspectiefwissel' }).waitFor()

    // Stiltemodus: nobody's cursor on anyone's screen, and a calm notice; off again, cursors return.
    const cursorOf = (page: Page, name: string) => page.locator('.tl-collaborator__cursor', { hasText: name })
    await anna.mouse.move(700, 500, { steps: 3 })
    await cursorOf(facilitator, 'Anna').waitFor({ timeout: 3000 })
    await facilitator.getByRole('button', { name: 'Stiltemodus aan' }).click()
    await anna.getByTestId('stilte-melding').waitFor({ timeout: 5000 })
    await cursorOf(facilitator, 'Anna').waitFor({ state: 'detached', timeout: 3000 })
    await anna.mouse.move(760, 540, { steps: 3 })
    await facilitator.mouse.move(600, 400, { steps: 3 })
    await facilitator.waitForTimeout(400)
    expect(await cursorOf(facilitator, 'Anna').count()).toBe(0)
    expect(await cursorOf(anna, 'Fenna').count()).toBe(0)
    if (SCREENSHOTS) await anna.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-stiltemodus.png') })
    await facilitator.getByRole('button', { name: 'Stiltemodus uit' }).click()
    await anna.getByTestId('stilte-melding').waitFor({ state: 'detached', timeout: 5000 })
    await anna.mouse.move(700, 500, { steps: 3 })
    await cursorOf(facilitator, 'Anna').waitFor({ timeout: 3000 })

    // Breng iedereen hier: Fenna looks elsewhere, then brings Anna's view to hers, once.
    await drag(facilitator, 'r', [600, 300], [760, 400])
    const onAnna = shapes(anna, 'geo').first()
    await onAnna.waitFor({ timeout: 3000 })
    const before = (await onAnna.boundingBox())!
    await facilitator.mouse.move(900, 500)
    await facilitator.mouse.wheel(0, 400)
    await facilitator.waitForTimeout(300)
    const onFenna = (await shapes(facilitator, 'geo').first().boundingBox())!
    expect(onFenna.y).toBeLessThan(before.y - 200)
    expect((await onAnna.boundingBox())!.y).toBeCloseTo(before.y, 0)
    await facilitator.getByRole('button', { name: 'Breng iedereen hier' }).click()
    await anna.getByText('Fenna heeft iedereen hierheen gebracht.').waitFor({ timeout: 3000 })
    await expect.poll(async () => Math.abs((await onAnna.boundingBox())!.y - onFenna.y), { timeout: 3000 }).toBeLessThan(5)
    // Not following: Anna pans on her own and stays where she went.
    await anna.mouse.move(900, 500)
    await anna.mouse.wheel(0, -300)
    await anna.waitForTimeout(800)
    expect((await onAnna.boundingBox())!.y).toBeGreaterThan(onFenna.y + 200)
    await Promise.all(contexts.map((c) => c.context.close()))
  })

  it('a co-facilitator joins on a facilitator link of her own; a viewer follows the perspectiefwissel read-only', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Samen begeleiden')
    const contexts = await Promise.all([0, 1, 2].map(() => newRecordingContext(stage.browser, { width: 1400, height: 900 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    await facilitator.getByRole('button', { name: 'Co-facilitator uitnodigen' }).click()
    const link = await facilitator.getByLabel('Link voor de co-facilitator').inputValue()
    expect(link).toContain('#token=')
    expect(link).not.toBe(board.links.facilitator)
    const carla = await joinBoard(contexts[1].context, link, 'Carla')
    await carla.getByRole('button', { name: 'Zet het bord op slot' }).waitFor()
    await facilitator.getByTestId('participant').filter({ hasText: 'Carla' }).getByText('Facilitator').waitFor({ timeout: 5000 })

    const started = await fetch(`${stage.server.httpUrl}/api/boards/${board.id}/perspectiefwissel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${board.tokens.facilitator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ roles: [{ personId: 'person:mila', label: 'Mila (dochter)' }] }),
    })
    expect(started.status).toBe(201)
    const viewer = await joinBoard(contexts[2].context, board.links.viewer, 'Scherm')
    const panel = viewer.getByRole('complementary', { name: 'Perspectiefwissel' })
    await panel.getByText('Stilte: ieder vult de eigen rolkaart in').waitFor({ timeout: 5000 })
    expect(await viewer.getByRole('button', { name: 'Kies deze rol' }).count()).toBe(0)
    // In English too: the same panel speaks the viewer's language.
    await viewer.getByLabel('Taal').selectOption('en')
    await panel.getByText('Silence: everyone fills in their own role card').waitFor({ timeout: 5000 })
    await Promise.all(contexts.map((c) => c.context.close()))
  })

  it('renewing the links: the facilitator goes on with a new link and sees the new ones, a participant on an old link is shut out', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Link kwijt')
    const contexts = await Promise.all([0, 1].map(() => newRecordingContext(stage.browser, { width: 1400, height: 900 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    const anna = await joinBoard(contexts[1].context, board.links.participant, 'Anna')
    await facilitator.getByTestId('participant').filter({ hasText: 'Anna' }).waitFor({ timeout: 5000 })

    await facilitator.getByRole('button', { name: 'Links vernieuwen' }).click()
    await facilitator.getByText(/werkt geen enkele oude link van dit bord meer/).waitFor()
    await facilitator.getByRole('button', { name: 'Ja, vernieuw alle links' }).click()

    // Anna's link stopped working, also for the socket she had open.
    await anna.getByText('Deze link is ongeldig of verlopen. Vraag de facilitator om een nieuwe link.').waitFor({ timeout: 10_000 })

    // The facilitator's tab reloaded onto its new link (the name is remembered) and hands out the new ones.
    await facilitator.getByRole('heading', { name: 'Nieuwe links' }).waitFor({ timeout: 10_000 })
    // The new token left the address bar too; the tab keeps it.
    expect(facilitator.url()).not.toContain('token')
    const token = await facilitator.evaluate((id) => sessionStorage.getItem(`samenbord:token:${id}`), board.id)
    expect(token).toBeTruthy()
    expect(token).not.toBe(board.tokens.facilitator)
    const newParticipant = await facilitator.locator('#nieuwe-link-participant').inputValue()
    expect(newParticipant).toContain('#token=')
    expect(newParticipant).not.toBe(board.links.participant)
    if (SCREENSHOTS) await facilitator.screenshot({ path: join(SCREENSHOTS, 'links-vernieuwd.png') })

    // Anna's browser remembers her name: the new link takes her straight onto the board.
    const annaAgain = await contexts[1].context.newPage()
    await annaAgain.goto(newParticipant)
    await facilitator.getByTestId('participant').filter({ hasText: 'Anna' }).waitFor({ timeout: 5000 })
    await annaAgain.getByRole('status', { name: /Verbinding: Verbonden/ }).waitFor({ timeout: 5000 })
    await facilitator.getByRole('button', { name: 'Klaar' }).click()
    expect(await facilitator.getByRole('heading', { name: 'Nieuwe links' }).count()).toBe(0)
    await Promise.all(contexts.map((c) => c.context.close()))
  })

  it('two-group variant: two frames side by side on every screen, a 15-minute timer and the pitch order on the agenda', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Twee groepen')
    const contexts = await Promise.all([0, 1].map(() => newRecordingContext(stage.browser, { width: 1600, height: 1000 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    const anna = await joinBoard(contexts[1].context, board.links.participant, 'Anna')
    await anna.getByRole('button', { name: /Paneel inklappen/ }).click()
    const panel = facilitator.getByRole('complementary', { name: 'Werkvormen' })
    await panel.locator('summary', { hasText: 'Perspectiefwissel' }).click()
    await panel.getByLabel('Welke groep pitcht eerst?').selectOption({ label: 'Hulpverlening' })
    await panel.getByRole('button', { name: 'Zet de twee groepen klaar (15 minuten)' }).click()

    const frames = shapes(anna, 'frame')
    await expect.poll(() => frames.count(), { timeout: 5000 }).toBe(2)
    await anna.getByRole('timer').getByText(/1[45]:\d\d/).waitFor({ timeout: 5000 })
    await anna.getByTestId('agenda-nu').getByText('Nu (1 van 5): Twee groepen aan het werk (15 minuten)').waitFor({ timeout: 5000 })
    const steps = await anna.locator('.sb-agenda li').allInnerTexts()
    expect(steps.slice(1, 3)).toEqual(['Pitch: Hulpverlening', 'Pitch: Gezin en netwerk'])
    // Side by side and both on Anna's screen: she was brought there.
    await expect
      .poll(async () => {
        const boxes = await Promise.all([frames.nth(0).boundingBox(), frames.nth(1).boundingBox()])
        return boxes.every((box) => box !== null && box.x >= 0 && box.x + box.width <= 1600 && box.y >= 0 && box.y + box.height <= 1000) && Math.abs(boxes[0]!.y - boxes[1]!.y) < 2
      }, { timeout: 5000 })
      .toBe(true)
    await anna.locator('.tl-shape[data-shape-type="text"]', { hasText: 'Langetermijnperspectief' }).first().waitFor()
    if (SCREENSHOTS) await anna.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-twee-groepen.png') })
    await Promise.all(contexts.map((c) => c.context.close()))
  })

  it('rugzak: helpers give one advice each in turn, who waits outside does not see it, and taking one out is logged', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Rugzak')
    const contexts = await Promise.all([0, 1, 2].map(() => newRecordingContext(stage.browser, { width: 1400, height: 900 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    const anna = await joinBoard(contexts[1].context, board.links.participant, 'Anna')
    const bram = await joinBoard(contexts[2].context, board.links.participant, 'Bram')
    const rugzak = (page: Page) => page.getByRole('complementary', { name: 'Werkvormen' }).getByRole('group', { name: 'Variant: rugzak' })
    for (const page of [facilitator, anna, bram]) {
      await page.getByRole('complementary', { name: 'Werkvormen' }).locator('summary', { hasText: 'Perspectiefwissel' }).click()
    }
    await rugzak(facilitator).getByLabel('Wiens rugzak is het?').fill('moeder')
    await rugzak(facilitator).getByLabel('Helpers, in volgorde (één per regel)').fill('Anna\nBram')
    await rugzak(facilitator).getByRole('button', { name: 'Start de rugzakronde' }).click()

    await rugzak(anna).getByRole('button', { name: 'Dit ben ik: Anna' }).click({ timeout: 5000 })
    await rugzak(bram).getByRole('button', { name: 'Dit ben ik: Bram' }).click({ timeout: 5000 })
    await rugzak(anna).getByLabel('Jouw advies (één per helper)').fill('Ga eens naar de huisarts')
    await rugzak(anna).getByRole('button', { name: 'Stop in de rugzak' }).click()

    // Bram is at the door: he sees that something went in, not what.
    await rugzak(bram).getByText('1 advies in de rugzak').waitFor({ timeout: 5000 })
    await rugzak(bram).getByText(/Je bent aan de beurt/).waitFor()
    expect(await bram.getByText('Ga eens naar de huisarts').count()).toBe(0)
    await rugzak(facilitator).getByTestId('rugzak-advies').filter({ hasText: 'Ga eens naar de huisarts' }).waitFor({ timeout: 5000 })

    await rugzak(bram).getByLabel('Jouw advies (één per helper)').fill('Maak een weekschema')
    await rugzak(bram).getByRole('button', { name: 'Stop in de rugzak' }).click()
    await rugzak(bram).getByTestId('rugzak-advies').filter({ hasText: 'Ga eens naar de huisarts' }).waitFor({ timeout: 5000 })

    // Taking one out is allowed and logged; then the debrief questions.
    await rugzak(facilitator).getByRole('button', { name: 'Haal eruit: Ga eens naar de huisarts' }).click({ timeout: 5000 })
    await rugzak(anna).getByText('1 advies in de rugzak').waitFor({ timeout: 5000 })
    await rugzak(anna).locator('summary', { hasText: 'Wat erin en eruit ging' }).click()
    await rugzak(anna).getByText('begeleider haalde eruit: Ga eens naar de huisarts').waitFor({ timeout: 5000 })
    await rugzak(anna).getByText(/hoe was het om jouw advies erbij te stoppen/).waitFor()
    await rugzak(facilitator).getByRole('button', { name: 'Rugzak op het bord zetten' }).click()
    await anna.locator('.tl-shape[data-shape-type="note"]', { hasText: 'Maak een weekschema' }).waitFor({ state: 'attached', timeout: 5000 })
    if (SCREENSHOTS) {
      await rugzak(anna).scrollIntoViewIfNeeded()
      await anna.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-rugzak.png') })
    }
    await Promise.all(contexts.map((c) => c.context.close()))
  })

  it('the facilitator’s settings: a participant gets no dot-budget control and no example; the example asks first and only on an empty board', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Instellingen')
    const contexts = await Promise.all([0, 1].map(() => newRecordingContext(stage.browser, { width: 1400, height: 900 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    const anna = await joinBoard(contexts[1].context, board.links.participant, 'Anna')
    const panel = (page: Page) => page.getByRole('complementary', { name: 'Werkvormen' })
    const demoButton = (page: Page) => panel(page).getByRole('button', { name: 'Voorbeeld: fictief gezin laden' })

    // The example is the facilitator's, and comes with a warning whose safe choice has the focus.
    await demoButton(facilitator).click()
    const confirm = panel(facilitator).getByRole('group', { name: 'Voorbeeld: fictief gezin laden' })
    await confirm.getByText(/verzonnen gezin/).waitFor()
    expect(await confirm.getByRole('button', { name: 'Annuleren' }).evaluate((button) => button === document.activeElement)).toBe(true)
    if (SCREENSHOTS) await panel(facilitator).screenshot({ path: join(SCREENSHOTS, 'voorbeeld-bevestigen.png') })
    await confirm.getByRole('button', { name: 'Annuleren' }).click()
    await demoButton(facilitator).waitFor()
    expect(await shapes(facilitator, 'tijdlijn').count()).toBe(0)
    await panel(anna).getByRole('heading', { name: 'Werkvorm toevoegen' }).waitFor()
    expect(await demoButton(anna).count()).toBe(0)

    // Anna adds themes: she sees how many dots everyone has, not the control that sets it.
    await panel(anna).getByRole('button', { name: 'Themaclusters' }).click()
    await panel(anna).getByTestId('votes-left').waitFor()
    await panel(anna).getByText('De facilitator bepaalt hoeveel stippen ieder heeft.').waitFor()
    expect(await panel(anna).getByLabel('Stippen per persoon').count()).toBe(0)
    await panel(facilitator).getByLabel('Stippen per persoon').fill('5')
    await expect.poll(() => panel(anna).getByTestId('votes-left').textContent(), { timeout: 5000 }).toContain('van 5')

    // The board is no longer empty: the example is not offered, and the facilitator reads why.
    await panel(facilitator).getByText('Kan alleen op een leeg bord: maak een nieuw bord om het voorbeeld te bekijken.').waitFor()
    expect(await demoButton(facilitator).isDisabled()).toBe(true)
    await Promise.all(contexts.map((c) => c.context.close()))
  })
})

