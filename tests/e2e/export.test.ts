/**
 * The board's outcome leaves for the organisation's own file: a picture, the verslag (also
 * pseudonymised), the consent record it starts with, the tijdlijn as CSV that opens safely in a
 * spreadsheet, and a back-up that comes back as a new board.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Download, Page } from 'playwright-core'
import { REPO_ROOT, createBoard } from '../integration/helpers.ts'
import { foreignRequests, joinBoard, newRecordingContext, signIn } from './browser.ts'
import { useServerAndBrowser } from './stage.ts'

const SCREENSHOTS = process.env.SAMENBORD_SCREENSHOTS ? join(REPO_ROOT, 'docs') : null
const stage = useServerAndBrowser()

const panel = (page: Page) => page.getByRole('complementary', { name: 'Werkvormen' })

async function bytesOf(download: Download): Promise<Buffer> {
  return Buffer.concat(await (await download.createReadStream()).toArray())
}

async function downloadWith(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), click()])
  return { name: download.suggestedFilename(), bytes: await bytesOf(download) }
}

/** Markdown sections by heading ("## Tijdlijn: …" → its text up to the next "## "). */
function sectionsOf(markdown: string): Map<string, string> {
  return new Map(
    markdown
      .split(/\n(?=## )/)
      .filter((part) => part.startsWith('## '))
      .map((part) => [part.slice(3, part.indexOf('\n')), part.replace(/\n---\n[\s\S]*$/, '').trim()]),
  )
}

describe('verslag and export', () => {
  it('the facilitator records consent, downloads a picture and the verslag (also pseudonymised), and a back-up that restores into a new board', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Lotte (14) en haar gezin')
    const a = await newRecordingContext(stage.browser, { width: 1600, height: 1000 })
    const b = await newRecordingContext(stage.browser, { width: 1600, height: 1000 })
    const facilitator = await joinBoard(a.context, board.links.facilitator, 'Fatima (facilitator)')
    const participant = await joinBoard(b.context, board.links.participant, 'Sanne (moeder)')

    await panel(facilitator).getByRole('button', { name: 'Voorbeeld: fictief gezin laden' }).click()
    await panel(facilitator).getByRole('button', { name: 'Ja, laad het voorbeeld' }).click()
    await participant.locator('.tl-shape[data-shape-type="tijdlijn-kaart"]', { hasText: 'Lotte wordt geboren.' }).waitFor({ timeout: 5000 })

    // Consent: the facilitator records it; the participant sees it live and cannot change it.
    for (const page of [facilitator, participant]) await panel(page).getByText('Verslag en export').click()
    const consentOf = (page: Page) => page.getByRole('region', { name: 'Toestemming' })
    await consentOf(facilitator).getByRole('group', { name: 'Mogen er notities gemaakt worden?' }).getByLabel('Ja').check()
    await consentOf(facilitator).getByRole('group', { name: /opgenomen/ }).getByLabel('Nee').check()
    await consentOf(facilitator).getByLabel('Met wie mag de uitkomst gedeeld worden?').fill('Alleen het dossier van het wijkteam')
    await consentOf(facilitator).getByLabel('Wie stemden in?').fill('Sanne, Lotte en de professionals')
    await expect.poll(() => consentOf(participant).getByLabel('Met wie mag de uitkomst gedeeld worden?').inputValue(), { timeout: 3000 }).toBe('Alleen het dossier van het wijkteam')
    expect(await consentOf(participant).getByRole('group', { name: 'Mogen er notities gemaakt worden?' }).getByLabel('Ja').isChecked()).toBe(true)
    expect(await consentOf(participant).getByRole('group', { name: 'Mogen er notities gemaakt worden?' }).getByLabel('Nee').isDisabled()).toBe(true)
    expect(await consentOf(participant).getByLabel('Wie stemden in?').getAttribute('readonly')).not.toBeNull()
    // The participant gets pictures, not the verslag or the back-up (the server refuses those too).
    expect(await panel(participant).getByRole('button', { name: 'Markdown downloaden' }).count()).toBe(0)
    expect(await panel(participant).getByRole('button', { name: /Back-up downloaden/ }).count()).toBe(0)

    // A PNG of the whole board, drawn with our own fonts.
    const png = await downloadWith(facilitator, () => panel(facilitator).getByRole('button', { name: 'Afbeelding downloaden' }).click())
    expect(png.name).toMatch(/^lotte-14-en-haar-gezin-\d{4}-\d{2}-\d{2}\.png$/)
    expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    const [width, height] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)]
    expect(width).toBeGreaterThan(1500)
    expect(height).toBeGreaterThan(1000)
    expect(png.bytes.length).toBeGreaterThan(100_000)

    // The verslag as Markdown: the demo board read from the live records says what the demo case
    // says (the unit snapshot), section by section.
    const md = (await downloadWith(facilitator, () => panel(facilitator).getByRole('button', { name: 'Markdown downloaden' }).click())).bytes.toString('utf8')
    expect(md).toContain('# Verslag: Lotte (14) en haar gezin')
    expect(md).toContain('- **Facilitator:** Fatima (facilitator)')
    expect(md).toContain('- **Deelnemers:** Sanne (moeder)')
    expect(md).toContain('- **Notities maken:** ja')
    expect(md).toContain('- **Delen van de uitkomst:** Alleen het dossier van het wijkteam')
    const reviewed = sectionsOf(readFileSync(join(REPO_ROOT, 'shared/src/werkvormen/verslag/__snapshots__/demo-verslag.md'), 'utf8'))
    const live = sectionsOf(md)
    for (const heading of ['Tijdlijn: Geschiedenis op een rij: Lotte', 'Betrokkenen en relaties', "Themaclusters (belevingsthema's)", 'Open vragen']) {
      expect(live.get(heading)?.replace(/\n\n_Afbeelding:[^\n]*_/, ''), heading).toBe(reviewed.get(heading))
    }

    // The HTML verslag carries the tijdlijn and geno-sociogram as pictures and prints on its own.
    const html = (await downloadWith(facilitator, () => panel(facilitator).getByRole('button', { name: 'HTML downloaden' }).click())).bytes.toString('utf8')
    expect(html).toContain('<h1>Verslag: Lotte (14) en haar gezin</h1>')
    expect(html.match(/<figure><img src="data:image\/svg\+xml;base64,/g)?.length).toBe(2)
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)

    // "Afdrukken of als PDF" opens the verslag as a page of its own, for the browser's print dialog.
    const [printPage] = await Promise.all([facilitator.waitForEvent('popup'), panel(facilitator).getByRole('button', { name: 'Verslag afdrukken of als PDF' }).click()])
    await printPage.getByRole('heading', { level: 1, name: 'Verslag: Lotte (14) en haar gezin' }).waitFor({ timeout: 10_000 })
    await printPage.close()

    // A professional of an organisation with "&" in its name (the SVG writes it as "&amp;"), Ahmed
    // and Ans (the same initial), and a dossier whose moments name them, one of them a formula.
    for (const person of [
      { name: 'Karin de Wit', relation: 'jeugdverpleegkundige', organisation: 'Centrum voor Jeugd & Gezin' },
      { name: 'Ahmed', relation: 'oom' },
      { name: 'Ans', relation: 'tante' },
    ]) {
      await panel(facilitator).getByRole('button', { name: '+ Persoon toevoegen' }).click()
      const form = facilitator.getByRole('form', { name: 'Persoon toevoegen' })
      await form.getByLabel('Naam of pseudoniem').fill(person.name)
      await form.getByLabel('Rol of relatie').fill(person.relation)
      if (person.organisation) {
        await form.getByLabel('Soort', { exact: true }).selectOption('professional')
        await form.getByLabel('Organisatie').fill(person.organisation)
      }
      await form.getByRole('button', { name: 'Toevoegen' }).click()
      await panel(facilitator).getByRole('button', { name: person.name }).waitFor()
    }
    await panel(facilitator).getByRole('button', { name: 'Tijdlijn', exact: true }).click()
    const dossier = [
      'datum;soort;label;persoon;tekst',
      '2023;gezinsgebeurtenis;feit;Karin de Wit;Aanmelding bij Centrum voor Jeugd & Gezin',
      '2024;gezinsgebeurtenis;feit;Ahmed;Ahmed en Ans nemen Lotte een weekend per maand',
      '2025;gezinsgebeurtenis;feit;Ans;"=HYPERLINK(""http://x"",""klik"")"',
    ].join('\n')
    await panel(facilitator).getByLabel(/Importeren/).setInputFiles({ name: 'dossier.csv', mimeType: 'text/csv', buffer: Buffer.from(dossier) })
    await panel(facilitator).getByRole('status', { name: 'Voorbeeld van de import' }).getByRole('button', { name: '3 kaarten toevoegen' }).click()
    await facilitator.locator('.tl-shape[data-shape-type="tijdlijn-kaart"]', { hasText: 'Jeugd & Gezin' }).waitFor({ timeout: 5000 })

    // The tijdlijn as CSV opens safely in Excel: a byte order mark, and the formula as text.
    const csv = await downloadWith(facilitator, () => panel(facilitator).getByRole('button', { name: 'Tijdlijn als CSV downloaden' }).click())
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const csvText = csv.bytes.toString('utf8')
    expect(csvText).toContain(`;"'=HYPERLINK(""http://x"",""klik"")"\n`)
    expect(csvText).not.toMatch(/[;\n]=HYPERLINK/)

    // Pseudonymised: initials instead of names, in the verslag and in the pictures.
    await panel(facilitator).getByLabel('Namen').selectOption({ label: 'Initialen' })
    await panel(facilitator).getByText(/dezelfde initialen.*A1 en A2/).waitFor()
    const pseudoMd = await downloadWith(facilitator, () => panel(facilitator).getByRole('button', { name: 'Markdown downloaden' }).click())
    // Neither the file nor its title is named after the board: the title names the family.
    expect(pseudoMd.name).toMatch(/^samenbord-verslag-\d{4}-\d{2}-\d{2}-initialen\.md$/)
    const pseudoText = pseudoMd.bytes.toString('utf8')
    expect(pseudoText).toContain('# Verslag (gepseudonimiseerd)')
    expect(pseudoText).toContain('A1 en A2 nemen LK een weekend per maand')
    expect(pseudoText).toContain('- **Facilitator:** F (facilitator)')
    for (const name of ['Lotte', 'Kuipers', 'Mulder', 'Sanne', 'Fatima', 'Vaartcollege', 'Wijkteam Oost', 'Jeugd & Gezin', 'Centrum voor', 'Ahmed', 'Karin']) expect(pseudoText, name).not.toContain(name)
    expect(pseudoText).not.toMatch(/\bAns\b/)
    await panel(facilitator).getByRole('group', { name: 'Formaat' }).getByLabel('SVG').check()
    const pseudoSvg = await downloadWith(facilitator, () => panel(facilitator).getByRole('button', { name: 'Afbeelding downloaden' }).click())
    expect(pseudoSvg.name).toMatch(/^samenbord-\d{4}-\d{2}-\d{2}-initialen\.svg$/)
    const svg = pseudoSvg.bytes.toString('utf8')
    expect(svg).toMatch(/^<svg/)
    expect(svg).toContain('LK')
    for (const name of ['Lotte Kuipers', 'Sanne Mulder', 'Vaartcollege', 'Jeugd &amp; Gezin', 'Jeugd & Gezin', 'Centrum voor', 'Karin de Wit']) expect(svg, name).not.toContain(name)
    // Read as a browser reads it: no name in any text or attribute, whatever entity wrote it.
    const readBack = await facilitator.evaluate((markup) => {
      const document = new DOMParser().parseFromString(markup, 'image/svg+xml')
      const attributes = [...document.querySelectorAll('*')].flatMap((element) => [...element.attributes].filter((a) => !a.value.startsWith('data:')).map((a) => a.value))
      const texts = [...document.querySelectorAll('*')].filter((e) => e.localName !== 'style').flatMap((e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.nodeValue ?? ''))
      return { text: texts.join(' '), attributes: attributes.join(' '), broken: document.getElementsByTagName('parsererror').length }
    }, svg)
    expect(readBack.broken).toBe(0)
    for (const name of ['Jeugd & Gezin', 'Centrum voor', 'Lotte', 'Ahmed', 'Karin']) expect(`${readBack.text} ${readBack.attributes}`, name).not.toContain(name)
    expect(readBack.text).toContain('[organisatie]')
    expect(readBack.text).toMatch(/A1 en A2 nemen LK/)
    const pseudoHtml = (await downloadWith(facilitator, () => panel(facilitator).getByRole('button', { name: 'HTML downloaden' }).click())).bytes.toString('utf8')

    // A pseudonymised PNG is made from that same SVG.
    await panel(facilitator).getByRole('group', { name: 'Formaat' }).getByLabel('PNG').check()
    const pseudoPng = await downloadWith(facilitator, () => panel(facilitator).getByRole('button', { name: 'Afbeelding downloaden' }).click())
    expect(pseudoPng.name).toMatch(/^samenbord-\d{4}-\d{2}-\d{2}-initialen\.png$/)
    expect(pseudoPng.bytes.subarray(1, 4).toString('latin1')).toBe('PNG')

    if (SCREENSHOTS) {
      await panel(facilitator).screenshot({ path: join(SCREENSHOTS, 'export-paneel.png') })
      const view = await a.context.newPage()
      await view.setViewportSize({ width: 1100, height: 1400 })
      await view.setContent(html)
      await view.screenshot({ path: join(SCREENSHOTS, 'verslag.png') })
      await view.locator('#themaclusters').scrollIntoViewIfNeeded()
      await view.screenshot({ path: join(SCREENSHOTS, 'verslag-themas.png') })
      await view.setContent(pseudoHtml)
      await view.evaluate(() => window.scrollTo(0, 0))
      await view.screenshot({ path: join(SCREENSHOTS, 'verslag-pseudoniem.png') })
      // The exported picture itself is 6000 px wide; the docs show it at screen size.
      await view.setContent(`<img style="width:1100px" alt="" src="data:image/png;base64,${pseudoPng.bytes.toString('base64')}">`)
      await view.locator('img').screenshot({ path: join(SCREENSHOTS, 'export-bord-initialen.png') })
      await view.close()
    }

    // Back-up, then restore it from the start page: a new board with the same content.
    const backup = await downloadWith(facilitator, () => panel(facilitator).getByRole('button', { name: /Back-up downloaden/ }).click())
    expect(JSON.parse(backup.bytes.toString('utf8'))).toMatchObject({ format: 'samenbord-backup', version: 1 })
    await signIn(b.context, stage.server)
    const start = await b.context.newPage()
    await start.goto(stage.server.httpUrl)
    await start.getByLabel('Back-upbestand').setInputFiles({ name: backup.name, mimeType: 'application/json', buffer: backup.bytes })
    const newLink = await start.getByLabel('Facilitator', { exact: true }).inputValue({ timeout: 10_000 })
    expect(newLink).not.toContain(board.id)
    const c = await newRecordingContext(stage.browser, { width: 1600, height: 1000 })
    const restored = await joinBoard(c.context, newLink, 'Fatima')
    await restored.locator('.tl-shape[data-shape-type="tijdlijn-kaart"]', { hasText: 'Lotte wordt geboren.' }).waitFor({ timeout: 5000 })
    await panel(restored).getByText('Verslag en export').click()
    await expect.poll(() => restored.getByRole('region', { name: 'Toestemming' }).getByLabel('Wie stemden in?').inputValue(), { timeout: 3000 }).toBe('Sanne, Lotte en de professionals')

    // A file that is no back-up gets a clear refusal.
    await start.goto(stage.server.httpUrl)
    await start.getByLabel('Back-upbestand').setInputFiles({ name: 'notities.json', mimeType: 'application/json', buffer: Buffer.from('{"hallo": "wereld"}') })
    await start.getByRole('alert').filter({ hasText: 'geen back-up van een Samenbord-bord' }).waitFor({ timeout: 5000 })

    expect(foreignRequests([...a.requested, ...b.requested, ...c.requested], [stage.server.httpUrl, new URL(board.links.facilitator).origin])).toEqual([])
    await Promise.all([a.context.close(), b.context.close(), c.context.close()])
  }, 120_000)
})
