import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Role } from '@samenbord/shared/roles'
import { REPO_ROOT, createBoard } from '../integration/helpers.ts'
import { joinBoard, newRecordingContext } from './browser.ts'
import { useServerAndBrowser } from './stage.ts'

const SCREENSHOTS = process.env.SAMENBORD_SCREENSHOTS ? join(REPO_ROOT, 'docs') : null
const stage = useServerAndBrowser()

/** A fresh board with two people on it, each in their own browser context (own storage, own identity). */
async function twoPeopleOnNewBoard(title: string, first: [Role, string], second: [Role, string]) {
  const board = await createBoard(stage.server.httpUrl, title)
  const a = await newRecordingContext(stage.browser, { width: 1600, height: 1000 })
  const b = await newRecordingContext(stage.browser, { width: 1600, height: 1000 })
  const pageA = await joinBoard(a.context, board.links[first[0]], first[1])
  const pageB = await joinBoard(b.context, board.links[second[0]], second[1])
  return { pageA, pageB, close: () => Promise.all([a.context.close(), b.context.close()]) }
}

const panel = (page: Page) => page.getByRole('complementary', { name: 'Werkvormen' })

async function addPerson(page: Page, person: { name: string; relation: string; birthYear?: number; kind?: string; gender?: 'Man' | 'Vrouw' }) {
  await panel(page).getByRole('button', { name: '+ Persoon toevoegen' }).click()
  const form = page.getByRole('form', { name: 'Persoon toevoegen' })
  await form.getByLabel('Naam of pseudoniem').fill(person.name)
  await form.getByLabel('Rol of relatie').fill(person.relation)
  if (person.kind) await form.getByLabel('Soort', { exact: true }).selectOption(person.kind)
  if (person.gender) await form.getByLabel('Gender').selectOption({ label: person.gender })
  if (person.birthYear) await form.getByLabel('Geboortejaar').fill(String(person.birthYear))
  await form.getByRole('button', { name: 'Toevoegen' }).click()
  await panel(page).getByRole('button', { name: person.name }).waitFor()
}

async function addEvent(page: Page, event: { date: string; category: string; text: string; agePerson?: string; side?: 'Professional' | 'Gezinslid'; tag?: string }) {
  const form = page.getByRole('form', { name: 'Gebeurtenis toevoegen' })
  await form.getByLabel('Datum').fill(event.date)
  if (event.agePerson) await form.getByLabel(/Leeftijd van/).selectOption({ label: event.agePerson })
  await form.getByLabel('Soort moment').selectOption({ label: event.category })
  if (event.side) await form.getByLabel('Kant').selectOption({ label: event.side })
  if (event.tag) await form.getByLabel('Wat voor informatie').selectOption({ label: event.tag })
  await form.getByLabel('Tekst').fill(event.text)
  await form.getByRole('button', { name: 'Toevoegen' }).click()
}

const card = (page: Page, text: string) => page.locator('.tl-shape[data-shape-type="tijdlijn-kaart"]', { hasText: text })

describe('werkvormen, built together live', () => {
  it('a tijdlijn: one person adds people and dated moments, the other sees them at their date and adds an age-based one', async () => {
    const { pageA, pageB, close } = await twoPeopleOnNewBoard('Tijdlijn gezin Jansen', ['participant', 'Anna'], ['participant', 'Bram'])

    await addPerson(pageA, { name: 'Mila', relation: 'dochter', birthYear: 2010 })
    await panel(pageB).getByRole('button', { name: 'Mila' }).waitFor({ timeout: 2000 })

    await panel(pageA).getByRole('button', { name: 'Tijdlijn' }).click()
    await addEvent(pageA, { date: 'maart 2019', category: 'Beslismoment', text: 'Start jeugdhulp', side: 'Professional' })
    await card(pageB, 'Start jeugdhulp').waitFor({ timeout: 2000 })
    expect(await card(pageB, 'Start jeugdhulp').textContent()).toContain('maart 2019')

    // Bram selects the timeline and adds a moment dated by Mila's age.
    await pageB.locator('.sb-tijdlijn__header').click()
    await addEvent(pageB, { date: 'op haar 12e', agePerson: 'Mila', category: 'Uitspraak: beleving', text: 'Ik voelde me niet gehoord', tag: 'Emotie' })
    await card(pageA, 'Ik voelde me niet gehoord').waitFor({ timeout: 2000 })
    expect(await card(pageA, 'Ik voelde me niet gehoord').textContent()).toContain('2022')

    // Cards sit at their date: 2019 left of 2022, and never on top of each other.
    const boxStart = (await card(pageA, 'Start jeugdhulp').boundingBox())!
    const boxLater = (await card(pageA, 'Ik voelde me niet gehoord').boundingBox())!
    expect(boxStart.x).toBeLessThan(boxLater.x)
    // Professionals above the line, the family below it.
    const axis = (await pageA.locator('.sb-tijdlijn__axis').boundingBox())!
    expect(boxStart.y + boxStart.height).toBeLessThan(axis.y)
    expect(boxLater.y).toBeGreaterThan(axis.y)

    // Anna marks a period the team knows nothing about; Bram sees the band at once.
    const gapForm = pageA.getByRole('form', { name: 'Informatie ontbreekt' })
    await pageA.locator('.sb-tijdlijn__header').click()
    await gapForm.getByLabel('Vanaf').fill('2020')
    await gapForm.getByLabel('Tot').fill('zomer 2021')
    await gapForm.getByLabel('Wat weten we niet?').fill('Niemand weet hoe het op school ging')
    await gapForm.getByRole('button', { name: 'Periode markeren' }).click()
    await pageB.getByTestId('tijdlijn-gat').getByText('Niemand weet hoe het op school ging').waitFor({ timeout: 2000 })

    // Anna looks at experiences only; Bram's screen is untouched by her filter.
    await panel(pageA).getByRole('button', { name: 'Alleen beleving' }).click()
    await card(pageA, 'Start jeugdhulp').waitFor({ state: 'hidden', timeout: 2000 })
    expect(await card(pageA, 'Ik voelde me niet gehoord').isVisible()).toBe(true)
    expect(await card(pageB, 'Start jeugdhulp').isVisible()).toBe(true)
    await panel(pageA).getByRole('button', { name: 'Alles tonen' }).click()
    await card(pageA, 'Start jeugdhulp').waitFor({ timeout: 2000 })

    if (SCREENSHOTS) {
      await pageA.screenshot({ path: join(SCREENSHOTS, 'tijdlijn-paneel.png') })
      await screenshotWholeBoard(pageA, 'tijdlijn.png')
    }
    await close()
  })

  it('a geno-sociogram: a couple and their child drawn in one page appear in the other, and lines follow a person who is moved', async () => {
    const { pageA, pageB, close } = await twoPeopleOnNewBoard('Genogram gezin Jansen', ['participant', 'Anna'], ['participant', 'Bram'])

    await addPerson(pageA, { name: 'Peter', relation: 'vader', birthYear: 1975, gender: 'Man' })
    await addPerson(pageA, { name: 'Sandra', relation: 'moeder', birthYear: 1978, gender: 'Vrouw' })
    await addPerson(pageA, { name: 'Mila', relation: 'dochter', birthYear: 2010, gender: 'Vrouw' })
    await panel(pageA).getByRole('button', { name: 'Geno-sociogram' }).click()
    await symbol(pageB, 'Mila').waitFor({ timeout: 2000 })
    expect(await pageB.locator('.tl-shape[data-shape-type="genogram-persoon"]').count()).toBe(3)

    // Gender and age are drawn from the registry: Sandra is a circle with her age inside.
    expect(await symbol(pageB, 'Sandra').locator('ellipse').count()).toBeGreaterThan(0)
    expect(await symbol(pageB, 'Peter').locator('rect').count()).toBeGreaterThan(0)

    await selectSymbols(pageA, ['Peter', 'Sandra'])
    await panel(pageA).getByLabel('Lijn', { exact: true }).selectOption({ label: 'Getrouwd' })
    await panel(pageA).getByRole('button', { name: 'Verbinden' }).click()
    await relation(pageB, 'koppel:gehuwd').waitFor({ timeout: 2000 })

    // Select the couple line (just beside Peter, towards Sandra), then the child, and hang the child from it.
    const peter = (await symbol(pageA, 'Peter').boundingBox())!
    const sandra = (await symbol(pageA, 'Sandra').boundingBox())!
    const direction = Math.sign(sandra.x - peter.x)
    await pageA.keyboard.press('Escape')
    await pageA.mouse.click(peter.x + peter.width / 2 + direction * 44, peter.y + 32)
    await panel(pageA).getByRole('group', { name: 'Partners' }).waitFor({ timeout: 3000 })
    await pageA.keyboard.down('Shift')
    await symbol(pageA, 'Mila').click({ position: { x: 32, y: 32 } })
    await pageA.keyboard.up('Shift')
    await panel(pageA).getByRole('group', { name: 'Kind van dit paar' }).waitFor({ timeout: 3000 })
    await panel(pageA).getByRole('button', { name: 'Kind toevoegen' }).click()
    await relation(pageB, 'kind:biologisch').waitFor({ timeout: 2000 })

    // A person moved by Bram keeps the couple line attached on Anna's screen.
    const lineBefore = (await relation(pageA, 'koppel:gehuwd').boundingBox())!
    const milaB = (await symbol(pageB, 'Mila').boundingBox())!
    await pageB.keyboard.press('Escape')
    const peterB = (await symbol(pageB, 'Peter').boundingBox())!
    await pageB.mouse.move(peterB.x + 32, peterB.y + 32)
    await pageB.mouse.down()
    await pageB.mouse.move(peterB.x + 32, peterB.y + 200, { steps: 6 })
    await pageB.mouse.up()
    // Bram's cursor (drawn on Anna's screen) must not sit on the symbols Anna clicks next.
    await pageB.mouse.move(1500, 950)
    await expect.poll(async () => (await relation(pageA, 'koppel:gehuwd').boundingBox())!.height, { timeout: 3000 }).toBeGreaterThan(lineBefore.height + 100)
    expect(milaB.width).toBeGreaterThan(0)

    // Nonsense is refused with a message: Mila cannot be her own parent's partner twice over.
    await selectSymbols(pageA, ['Peter', 'Sandra'])
    await panel(pageA).getByRole('button', { name: 'Verbinden' }).click()
    await panel(pageA).getByRole('alert').waitFor()

    await pageA.getByRole('complementary', { name: 'Werkvormen' }).getByRole('button', { name: 'Generaties ordenen' }).click()
    if (SCREENSHOTS) await screenshotWholeBoard(pageA, 'geno-sociogram.png')
    await close()
  })

  it('themaclusters: a note written in a theme is counted on the other screen, and dots stop at the budget', async () => {
    const { pageA, pageB, close } = await twoPeopleOnNewBoard('Thema’s gezin Jansen', ['participant', 'Anna'], ['participant', 'Bram'])

    await panel(pageA).getByRole('button', { name: 'Themaclusters' }).click()
    const clusterB = pageB.locator('.tl-shape[data-shape-type="themacluster"]', { hasText: 'Onzekerheid > behoefte aan duidelijkheid' })
    await clusterB.waitFor({ timeout: 2000 })

    await pageA.locator('.sb-cluster__header', { hasText: 'Onzekerheid' }).click()
    await panel(pageA).getByRole('button', { name: '+ Notitie in dit thema' }).click()
    await pageA.waitForFunction(() => document.activeElement?.getAttribute('contenteditable') === 'true')
    await pageA.keyboard.type('Niemand vertelt ons wat er gaat gebeuren')
    await pageA.keyboard.press('Escape')
    await clusterB.getByText('1 notitie').waitFor({ timeout: 2000 })
    const noteB = pageB.locator('.tl-shape[data-shape-type="note"]', { hasText: 'Niemand vertelt ons' })
    await noteB.waitFor({ timeout: 2000 })

    await pageB.keyboard.press('Escape')
    await noteB.click()
    const giveDot = panel(pageB).getByRole('button', { name: '● Stip geven' })
    for (let i = 0; i < 3; i++) await giveDot.click()
    await pageA.getByTestId('vote-dots').getByText('3', { exact: false }).waitFor({ timeout: 2000 })
    await giveDot.click()
    await panel(pageB).getByRole('alert').getByText(/al je 3 stemmen gebruikt/).waitFor()
    expect(await panel(pageB).getByTestId('votes-left').textContent()).toContain('nog 0 van 3')

    if (SCREENSHOTS) await screenshotWholeBoard(pageA, 'themaclusters.png')
    await close()
  })

  it('the demo board: a fictional family with all werkvormen appears on both screens', async () => {
    const { pageA, pageB, close } = await twoPeopleOnNewBoard('Voorbeeld: Lotte en haar gezin', ['facilitator', 'Facilitator'], ['viewer', 'Scherm'])
    await panel(pageA).getByRole('button', { name: /fictief gezin/ }).click()
    await panel(pageA).getByRole('button', { name: 'Ja, laad het voorbeeld' }).click()
    await expect.poll(() => pageB.locator('.tl-shape[data-shape-type="genogram-persoon"]').count(), { timeout: 5000 }).toBe(15)
    await expect.poll(() => pageB.locator('.tl-shape[data-shape-type="themacluster"]').count()).toBe(3)
    expect(await pageB.locator('.tl-shape[data-shape-type="tijdlijn-kaart"]').count()).toBe(14)
    expect(await pageB.locator('[data-relation="koppel:gescheiden"]').count()).toBe(1)
    await pageB.keyboard.press('Shift+1')
    await pageB.waitForTimeout(500)
    if (SCREENSHOTS) await pageB.screenshot({ path: join(SCREENSHOTS, 'demo-bord.png') })

    // The facilitator switches everyone to the krachtenveld: Lotte, network and professionals remain.
    await panel(pageA).getByLabel('Weergave voor iedereen').selectOption({ label: 'Krachtenveld' })
    await expect.poll(() => pageB.locator('.tl-shape[data-shape-type="genogram-persoon"]:visible').count(), { timeout: 3000 }).toBe(7)
    expect(await pageB.locator('[data-relation="koppel:gescheiden"]:visible').count()).toBe(0)
    await panel(pageA).getByLabel('Weergave voor iedereen').selectOption({ label: 'Iedereen' })
    await expect.poll(() => pageB.locator('.tl-shape[data-shape-type="genogram-persoon"]:visible').count(), { timeout: 3000 }).toBe(15)

    // A disputed card is not deleted: the objection stays on the board.
    const disputed = card(pageA, 'Overdracht van wijkteam')
    await disputed.scrollIntoViewIfNeeded()
    await pageA.keyboard.press('Shift+1')
    await disputed.click()
    await pageA.keyboard.press('Delete')
    await panel(pageA).getByRole('alert').getByText(/betwist en blijft staan/).waitFor()
    expect(await card(pageB, 'Overdracht van wijkteam').count()).toBe(1)
    await close()
  })

  it('templates: a spelregels frame and a leefwereldportret placed by one person appear for the other', async () => {
    const { pageA, pageB, close } = await twoPeopleOnNewBoard('Start van de sessie', ['facilitator', 'Facilitator'], ['participant', 'Bram'])
    await panel(pageA).getByRole('button', { name: 'Spelregels' }).click()
    await pageB.locator('.tl-shape[data-shape-type="note"]', { hasText: 'Veiligheid en vertrouwen' }).waitFor({ timeout: 2000 })
    expect(await pageB.locator('.tl-shape[data-shape-type="note"]').count()).toBe(6)
    await pageB.getByText(/Wie zitten er in ons team/).waitFor()
    if (SCREENSHOTS) await screenshotWholeBoard(pageA, 'spelregels.png')
    await panel(pageA).getByRole('button', { name: 'Leefwereldportret' }).click()
    // Placed in Anna's view, which may lie outside Bram's: present on the board, not necessarily on his screen.
    await pageB.locator('.tl-shape[data-shape-type="note"]', { hasText: 'Ja, dat ben ik!' }).waitFor({ state: 'attached', timeout: 2000 })
    await close()
  })

  it('tijdlijn CSV: a dossier file is previewed row by row, the good rows land on both screens, and the tijdlijn downloads as CSV', async () => {
    const { pageA, pageB, close } = await twoPeopleOnNewBoard('Dossier inlezen', ['participant', 'Anna'], ['participant', 'Bram'])
    await panel(pageA).getByRole('button', { name: 'Tijdlijn' }).click()
    const csv = 'datum;soort;label;tekst\n12-03-2021;Beslismoment;feit;Start begeleiding\n31-02-2021;Beslismoment;feit;Kan niet\nca. 2019;gezinsgebeurtenis;feit;Verhuizing naar Almere\n'
    await panel(pageA).getByLabel(/Importeren/).setInputFiles({ name: 'dossier.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    const preview = panel(pageA).getByRole('status', { name: 'Voorbeeld van de import' })
    await preview.getByText('2 van 3 regels zijn goed.').waitFor()
    await preview.getByText(/Regel 3: .*februari/).waitFor()
    await preview.getByRole('button', { name: '2 kaarten toevoegen' }).click()
    await card(pageB, 'Verhuizing naar Almere').waitFor({ state: 'attached', timeout: 3000 })
    await card(pageB, 'Start begeleiding').waitFor({ state: 'attached', timeout: 3000 })

    const [download] = await Promise.all([pageA.waitForEvent('download'), panel(pageA).getByRole('button', { name: 'Tijdlijn als CSV downloaden' }).click()])
    const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'))
    expect(text.split('\n')[0]).toBe('\uFEFFdatum;leeftijd van;soort;label;kant;persoon;herkomst;plek;tekst')
    expect(text).toContain('12 maart 2021;;beslismoment;feit')
    expect(text).toContain('Verhuizing naar Almere')
    await close()
  })
})

/** For docs/: the whole board in view, with the side panel folded away. */
async function screenshotWholeBoard(page: Page, file: string) {
  await page.keyboard.press('Escape')
  await panel(page).getByRole('button', { name: /Paneel inklappen/ }).click()
  await page.keyboard.press('Shift+1')
  await page.waitForTimeout(500)
  await page.screenshot({ path: join(SCREENSHOTS!, file) })
  await page.getByRole('button', { name: 'Werkvormen ▸' }).click()
}

const symbol = (page: Page, name: string) => page.locator('.tl-shape[data-shape-type="genogram-persoon"]', { hasText: name })
const relation = (page: Page, kind: string) => page.locator(`[data-relation="${kind}"]`)

async function selectSymbols(page: Page, names: string[]) {
  await page.keyboard.press('Escape')
  for (const [i, name] of names.entries()) {
    if (i > 0) await page.keyboard.down('Shift')
    await symbol(page, name).click({ position: { x: 32, y: 32 } })
    if (i > 0) await page.keyboard.up('Shift')
  }
}
