import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { REPO_ROOT, createBoard } from '../integration/helpers.ts'
import { joinBoard, newRecordingContext } from './browser.ts'
import { useServerAndBrowser } from './stage.ts'

const SCREENSHOTS = process.env.SAMENBORD_SCREENSHOTS ? join(REPO_ROOT, 'docs') : null
const stage = useServerAndBrowser()

const panel = (page: Page) => page.getByRole('complementary', { name: 'Werkvormen' })
const pw = (page: Page) => panel(page).getByRole('region', { name: 'Perspectiefwissel' })

async function openPerspectiefwissel(page: Page) {
  await panel(page).locator('summary', { hasText: 'Perspectiefwissel' }).click()
}

async function addPerson(page: Page, name: string, relation: string) {
  await panel(page).getByRole('button', { name: '+ Persoon toevoegen' }).click()
  const form = page.getByRole('form', { name: 'Persoon toevoegen' })
  await form.getByLabel('Naam of pseudoniem').fill(name)
  await form.getByLabel('Rol of relatie').fill(relation)
  await form.getByRole('button', { name: 'Toevoegen' }).click()
  await panel(page).getByRole('button', { name }).waitFor()
}

function claimRow(page: Page, label: string) {
  return pw(page).getByRole('listitem').filter({ hasText: label })
}

describe('perspectiefwissel with three people', () => {
  it('roles are claimed, filled in silence, revealed postures first and answers second, and end up as a table on the board', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Perspectiefwissel gezin Jansen')
    const contexts = await Promise.all([0, 1, 2].map(() => newRecordingContext(stage.browser, { width: 1600, height: 1000 })))
    const facilitator = await joinBoard(contexts[0].context, board.links.facilitator, 'Fenna')
    const anna = await joinBoard(contexts[1].context, board.links.participant, 'Anna')
    const bram = await joinBoard(contexts[2].context, board.links.participant, 'Bram')

    await addPerson(facilitator, 'Mila', 'dochter')
    await addPerson(facilitator, 'Peter', 'vader')
    await openPerspectiefwissel(facilitator)
    await pw(facilitator).getByLabel('Mila (dochter)').check()
    await pw(facilitator).getByLabel('Peter (vader)').check()
    await pw(facilitator).getByRole('button', { name: 'Start de stille ronde' }).click()
    await pw(facilitator).getByRole('status').getByText(/Stilte/).waitFor()
    // The silent round turns stiltemodus on for every screen.
    await anna.getByTestId('stilte-melding').waitFor({ timeout: 5000 })

    // Anna takes Mila's role.
    await openPerspectiefwissel(anna)
    await claimRow(anna, 'Mila').getByRole('button', { name: 'Kies deze rol' }).click({ timeout: 5000 })
    const annaCard = pw(anna).getByRole('group', { name: 'Mijn rolkaart: Mila (dochter)' })
    await annaCard.getByLabel('Grootste dilemma of angst').fill('Dat niemand naar me luistert')
    await annaCard.getByLabel('Hoe voel ik me daarbij?').fill('Alleen en klein')
    await annaCard.getByLabel('Houding: zo zit ik erbij').selectOption({ label: 'Ineengedoken, klein' })

    // Bram is Peter himself: playing himself is refused, then he takes no side and plays the father as anyone else would not. He picks Peter after saying he is not Peter.
    await openPerspectiefwissel(bram)
    await pw(bram).getByLabel('Ben je zelf een van de betrokkenen?').selectOption({ label: 'Peter' })
    await claimRow(bram, 'Peter').getByRole('button', { name: 'Kies deze rol' }).click({ timeout: 5000 })
    await pw(bram).getByRole('alert').getByText(/jezelf niet spelen/i).waitFor()
    await pw(bram).getByLabel('Ben je zelf een van de betrokkenen?').selectOption({ label: '—' })
    await claimRow(bram, 'Peter').getByRole('button', { name: 'Kies deze rol' }).click()
    const bramCard = pw(bram).getByRole('group', { name: 'Mijn rolkaart: Peter (vader)' })
    await bramCard.getByLabel('Grootste dilemma of angst').fill('Mijn dochter kwijtraken')
    await bramCard.getByLabel('Hoe voel ik me daarbij?').fill('Machteloos')
    await bramCard.getByLabel('Houding: zo zit ik erbij').selectOption({ label: 'Rechtop en gespannen' })

    // Silence: the facilitator sees both cards live, Anna sees nothing of Bram's.
    const table = (page: Page) => pw(page).getByRole('table', { name: 'Perspectiefwissel: tabel' })
    await table(facilitator).getByText('Mijn dochter kwijtraken').waitFor({ timeout: 3000 })
    expect(await anna.getByText('Mijn dochter kwijtraken').count()).toBe(0)

    // Anna is ready: everyone sees who, never what; after a reload it is still so (the server keeps it).
    await annaCard.getByRole('button', { name: 'Ik ben klaar' }).click()
    const readyRow = (page: Page, name: string) => pw(page).getByTestId('klaar-persoon').filter({ hasText: name })
    await pw(facilitator).getByText('Klaar: 1 van 2').waitFor({ timeout: 5000 })
    await pw(bram).getByText('Klaar: 1 van 2').waitFor({ timeout: 5000 })
    expect(await readyRow(bram, 'Anna').getAttribute('data-ready')).toBe('true')
    expect(await readyRow(bram, 'Bram').getAttribute('data-ready')).toBe('false')
    await bram.getByTestId('participant').filter({ hasText: 'Anna' }).getByText('in de rol: Mila (dochter) · klaar').waitFor({ timeout: 5000 })
    // The shared screen shows the count in large type, never a name or an answer.
    await facilitator.getByRole('button', { name: 'Gedeeld scherm' }).click()
    await facilitator.getByTestId('gedeeld-klaar').getByText('Klaar: 1 van 2').waitFor({ timeout: 5000 })
    expect(await facilitator.getByText('Dat niemand naar me luistert').count()).toBe(0)
    if (SCREENSHOTS) await facilitator.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-gedeeld-scherm.png') })
    await facilitator.keyboard.press('Escape')
    await facilitator.getByRole('button', { name: 'Gedeeld scherm' }).waitFor()
    await openPerspectiefwissel(facilitator)
    await anna.reload()
    await openPerspectiefwissel(anna)
    await annaCard.getByRole('button', { name: 'Toch nog niet klaar', pressed: true }).waitFor({ timeout: 5000 })
    await pw(anna).getByText('Klaar: 1 van 2').waitFor()
    expect(await annaCard.getByLabel('Grootste dilemma of angst').inputValue()).toBe('Dat niemand naar me luistert')
    if (SCREENSHOTS) {
      await pw(anna).getByText('Klaar: 1 van 2').scrollIntoViewIfNeeded()
      await anna.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-stilte.png') })
    }

    // First the postures…
    await pw(facilitator).getByRole('button', { name: 'Onthul de houdingen' }).click()
    await table(anna).getByText('Rechtop en gespannen').waitFor({ timeout: 5000 })
    expect(await anna.getByText('Mijn dochter kwijtraken').count()).toBe(0)
    // …then the answers.
    await pw(facilitator).getByRole('button', { name: 'Onthul de antwoorden' }).click()
    await table(anna).getByText('Mijn dochter kwijtraken').waitFor({ timeout: 5000 })
    await table(bram).getByText('Dat niemand naar me luistert').waitFor({ timeout: 5000 })
    if (SCREENSHOTS) await anna.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-onthuld.png') })

    // In role: a badge on Anna's own screen and next to her name in everyone's people list.
    await anna.getByTestId('rolbadge').getByText('In de rol van Mila (dochter)').waitFor({ timeout: 5000 })
    await bram.getByTestId('participant').filter({ hasText: 'Anna' }).getByText('in de rol: Mila (dochter)').waitFor({ timeout: 5000 })

    // Handelingsalternatieven: Bram adds one, everyone sees it.
    const alternatives = (page: Page) => page.getByTestId('handelingsalternatief')
    await pw(bram).getByLabel('Over wie gaat het?').selectOption({ label: 'Mila' })
    await pw(bram).getByLabel('Wie kan het anders doen?').fill('De mentor')
    await pw(bram).getByLabel('Wat kan anders?').fill('Eerst met Mila zelf praten, dan pas met school')
    await pw(bram).getByRole('button', { name: 'Alternatief toevoegen' }).click()
    await alternatives(anna).filter({ hasText: 'Eerst met Mila zelf praten' }).waitFor({ timeout: 5000 })
    await alternatives(facilitator).filter({ hasText: 'Mila · De mentor' }).waitFor({ timeout: 5000 })
    if (SCREENSHOTS) await bram.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-alternatieven.png') })

    // The facilitator locks the board: participants get a clear notice and a read-only board, and
    // still follow the perspectiefwissel (no adding while locked); unlocking gives it all back.
    await facilitator.getByRole('button', { name: 'Zet het bord op slot' }).click()
    await anna.getByTestId('slot-melding').getByText(/op slot gezet/).waitFor({ timeout: 5000 })
    const lockedPanel = anna.getByRole('complementary', { name: 'Perspectiefwissel' })
    await lockedPanel.getByTestId('handelingsalternatief').filter({ hasText: 'Eerst met Mila zelf praten' }).waitFor()
    expect(await anna.getByRole('button', { name: 'Alternatief toevoegen' }).count()).toBe(0)
    expect(await anna.getByRole('complementary', { name: 'Werkvormen' }).count()).toBe(0)
    await facilitator.getByTestId('slot-melding').getByText(/Jij kunt wel wijzigen/).waitFor()
    if (SCREENSHOTS) await anna.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-slot.png') })
    await facilitator.getByRole('button', { name: 'Haal het bord van slot' }).click()
    await anna.getByTestId('slot-melding').waitFor({ state: 'detached', timeout: 5000 })
    await openPerspectiefwissel(anna)
    await pw(anna).getByRole('button', { name: 'Alternatief toevoegen' }).waitFor({ timeout: 5000 })

    // Anna steps out of her role: a moment of its own, then the badge is gone everywhere.
    await anna.getByTestId('rolbadge').getByRole('button', { name: 'Stap uit de rol' }).click()
    const moment = anna.getByRole('dialog', { name: 'Je bent uit de rol gestapt' })
    await moment.getByText('Je was Mila (dochter). Vanaf nu praat je weer mee als Anna.').waitFor({ timeout: 5000 })
    if (SCREENSHOTS) await anna.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-uit-de-rol.png') })
    await moment.getByRole('button', { name: 'Verder als mezelf' }).click()
    expect(await anna.getByTestId('rolbadge').count()).toBe(0)
    await bram.getByTestId('participant').filter({ hasText: 'Anna' }).getByText(/in de rol/).waitFor({ state: 'detached', timeout: 5000 })
    await bram.getByTestId('rolbadge').getByText('In de rol van Peter (vader)').waitFor()

    await pw(facilitator).getByRole('button', { name: 'Tabel op het bord zetten' }).click()
    await bram.locator('.tl-shape[data-shape-type="note"]', { hasText: 'Mijn dochter kwijtraken' }).waitFor({ state: 'attached', timeout: 3000 })
    if (SCREENSHOTS) {
      await panel(facilitator).getByRole('button', { name: /Paneel inklappen/ }).click()
      await facilitator.keyboard.press('Shift+1')
      await facilitator.waitForTimeout(500)
      await facilitator.screenshot({ path: join(SCREENSHOTS, 'perspectiefwissel-tabel.png') })
    }
    await Promise.all(contexts.map((c) => c.context.close()))
  })
})
