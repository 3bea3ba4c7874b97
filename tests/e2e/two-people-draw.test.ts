import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createBoard, startServer } from '../integration/helpers.ts'
import { CLIENT_DIR, foreignRequests, joinBoard, newRecordingContext, signIn } from './browser.ts'
import { useServerAndBrowser } from './stage.ts'

const stage = useServerAndBrowser()

/** Creates a board through the start page, as a signed-in facilitator would, and returns its links. */
async function createBoardThroughStartPage(page: Page, title: string) {
  await signIn(page.context(), stage.server)
  await page.goto(stage.server.httpUrl)
  await page.getByLabel(/Titel van het bord/).fill(title)
  await page.getByRole('button', { name: 'Bord maken' }).click()
  const linkOf = (role: string) => page.getByLabel(role, { exact: true }).inputValue()
  return { participant: await linkOf('Deelnemer'), viewer: await linkOf('Kijker'), facilitator: await linkOf('Facilitator') }
}

async function drawRectangle(page: Page, from: [number, number], to: [number, number]) {
  await page.keyboard.press('r')
  await page.mouse.move(...from)
  await page.mouse.down()
  await page.mouse.move((from[0] + to[0]) / 2, (from[1] + to[1]) / 2, { steps: 4 })
  await page.mouse.move(...to, { steps: 4 })
  await page.mouse.up()
}

async function writeText(page: Page, at: [number, number], text: string) {
  await page.keyboard.press('t')
  await page.mouse.click(...at)
  await page.waitForFunction(() => document.activeElement?.getAttribute('contenteditable') === 'true')
  await page.keyboard.type(text)
  await page.keyboard.press('Escape')
}

const geoShapes = (page: Page) => page.locator('.tl-shape[data-shape-type="geo"]')
const textShape = (page: Page, text: string) => page.locator('.tl-shape[data-shape-type="text"]', { hasText: text })

describe('two people on one board', () => {
  it('draw together live, see each other, keep everything after reload, and talk to no other host', async () => {
    const anna = await newRecordingContext(stage.browser)
    const bram = await newRecordingContext(stage.browser)
    const links = await createBoardThroughStartPage(await anna.context.newPage(), 'MDO gezin Jansen')
    // The start page was opened on 127.0.0.1, the links name localhost: both are this server.
    const ownOrigins = [stage.server.httpUrl, new URL(links.participant).origin]

    const pageA = await joinBoard(anna.context, links.participant, 'Anna')
    const pageB = await joinBoard(bram.context, links.participant, 'Bram')
    await pageA.getByRole('status', { name: /Verbinding: Verbonden/ }).waitFor()
    await pageB.locator('[data-testid="participant"]', { hasText: 'Anna' }).waitFor()

    await drawRectangle(pageA, [400, 300], [600, 420])
    await writeText(pageA, [720, 300], 'Hallo gezin')
    const drawnAt = Date.now()
    await geoShapes(pageB).first().waitFor({ timeout: 2000 })
    await textShape(pageB, 'Hallo gezin').waitFor({ timeout: Math.max(100, 2000 - (Date.now() - drawnAt)) })
    expect(Date.now() - drawnAt).toBeLessThan(2000)

    // Anna's cursor, with her name, on Bram's screen.
    await pageA.mouse.move(820, 520, { steps: 3 })
    await pageB.locator('.tl-collaborator__cursor', { hasText: 'Anna' }).waitFor({ timeout: 2000 })

    await Promise.all([pageA.reload(), pageB.reload()])
    for (const page of [pageA, pageB]) {
      await page.locator('.tl-canvas').waitFor()
      await expect.poll(() => geoShapes(page).count()).toBe(1)
      await expect.poll(() => textShape(page, 'Hallo gezin').count()).toBe(1)
    }

    expect(foreignRequests([...anna.requested, ...bram.requested], ownOrigins)).toEqual([])

    // The facilitator's audit log records who joined (by display name), never what they drew.
    const facilitatorToken = new URLSearchParams(new URL(links.facilitator).hash.slice(1)).get('token')!
    const boardId = new URL(links.facilitator).pathname.split('/').pop()!
    const audit = await fetch(`${stage.server.httpUrl}/api/boards/${boardId}/audit`, { headers: { authorization: `Bearer ${facilitatorToken}` } })
    const auditText = await audit.text()
    expect(audit.status).toBe(200)
    expect(auditText).toContain('Anna')
    expect(auditText).toContain('Bram')
    expect(auditText).not.toContain('Hallo gezin')
    await anna.context.close()
    await bram.context.close()
  })

  it('give a viewer the live board without editing tools, and refuse what the viewer draws', async () => {
    const host = await newRecordingContext(stage.browser)
    const watcher = await newRecordingContext(stage.browser)
    const links = await createBoardThroughStartPage(await host.context.newPage(), 'Gedeeld scherm')
    const pageA = await joinBoard(host.context, links.participant, 'Anna')
    const viewer = await joinBoard(watcher.context, links.viewer, 'Scherm')
    await viewer.getByText('Alleen kijken').waitFor()
    expect(await pageA.locator('[data-testid="tools.rectangle"]').count()).toBeGreaterThan(0)
    expect(await viewer.locator('[data-testid^="tools."]').count()).toBe(0)

    await drawRectangle(pageA, [500, 300], [650, 400])
    await geoShapes(viewer).first().waitFor({ timeout: 2000 })

    // Keyboard shortcuts still reach the canvas, but the read-only editor creates nothing.
    await drawRectangle(viewer, [700, 300], [850, 400])
    await pageA.waitForTimeout(500)
    expect(await geoShapes(pageA).count()).toBe(1)
    expect(await geoShapes(viewer).count()).toBe(1)
    await host.context.close()
    await watcher.context.close()
  })

  it('keep edits made while the server is away and deliver them after it returns', async () => {
    const anna = await newRecordingContext(stage.browser)
    const bram = await newRecordingContext(stage.browser)
    const links = await createBoardThroughStartPage(await anna.context.newPage(), 'Verbinding kwijt')
    const pageA = await joinBoard(anna.context, links.participant, 'Anna')
    const pageB = await joinBoard(bram.context, links.participant, 'Bram')

    const { port, dataDir } = stage.server
    await stage.server.close()
    await pageB.getByRole('status', { name: /Opnieuw verbinden|Offline/ }).waitFor({ timeout: 5000 })
    await drawRectangle(pageB, [500, 300], [650, 400])
    expect(await geoShapes(pageB).count()).toBe(1)

    stage.server = await startServer({ dataDir, env: { CLIENT_DIR }, port })
    await pageB.getByRole('status', { name: /Verbonden/ }).waitFor({ timeout: 10_000 })
    await geoShapes(pageA).first().waitFor({ timeout: 10_000 })
    await anna.context.close()
    await bram.context.close()
  })

  it('paste a photo too large for one update: it is made smaller, both see it, nobody is disconnected', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Foto')
    const contexts = await Promise.all([0, 1].map(() => newRecordingContext(stage.browser, { width: 1280, height: 800 })))
    const anna = await joinBoard(contexts[0].context, board.links.participant, 'Anna')
    const bram = await joinBoard(contexts[1].context, board.links.participant, 'Bram')
    await anna.getByRole('button', { name: /Paneel inklappen/ }).click()
    await anna.mouse.click(700, 400)
    // A noisy 1600 × 1200 PNG: about 7 MB, far above the relay's 2 MB per message.
    const pastedBytes = await anna.evaluate(async () => {
      const canvas = document.createElement('canvas')
      canvas.width = 1600
      canvas.height = 1200
      const context = canvas.getContext('2d')!
      const pixels = context.createImageData(canvas.width, canvas.height)
      for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256)
      context.putImageData(pixels, 0, 0)
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'))
      const transfer = new DataTransfer()
      transfer.items.add(new File([blob], 'huisbezoek.png', { type: 'image/png' }))
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }))
      return blob.size
    })
    expect(pastedBytes).toBeGreaterThan(4 * 1024 * 1024)
    const image = (page: Page) => page.locator('.tl-shape[data-shape-type="image"] img')
    await image(bram).waitFor({ timeout: 20_000 })
    const src = await image(bram).getAttribute('src')
    expect(src).toMatch(/^data:image\/jpeg;base64,/)
    expect(src!.length).toBeLessThan(2 * 1024 * 1024)
    for (const page of [anna, bram]) await page.getByRole('status', { name: /Verbinding: Verbonden/ }).waitFor({ timeout: 5000 })
    await Promise.all(contexts.map((c) => c.context.close()))
  })

  it('explain a broken link instead of showing an empty board', async () => {
    const { context } = await newRecordingContext(stage.browser)
    const links = await createBoardThroughStartPage(await context.newPage(), 'Kapotte link')
    const page = await context.newPage()
    await page.goto(links.participant.replace(/token=(.)/, (_, first: string) => `token=${first === 'A' ? 'B' : 'A'}`))
    await page.getByText(/ongeldig of verlopen/).waitFor()
    // A new tab: this one keeps the (broken) token it was given.
    const withoutToken = await context.newPage()
    await withoutToken.goto(links.participant.split('#')[0])
    await withoutToken.getByText(/Open dit bord met de link/).waitFor()
    await context.close()
  })

  it('speak Dutch by default and English on request, in our panel and in the tldraw menus', async () => {
    const { context } = await newRecordingContext(stage.browser)
    const links = await createBoardThroughStartPage(await context.newPage(), 'Taalkeuze')
    const page = await joinBoard(context, links.participant, 'Sanne')
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('nl')
    await page.getByRole('button', { name: 'Naam wijzigen' }).waitFor()
    await page.getByLabel('Taal', { exact: true }).selectOption('en')
    await page.getByRole('status', { name: 'Connection: Connected' }).waitFor()
    await page.getByRole('button', { name: 'Change name' }).waitFor()
    await page.locator('[data-testid="main-menu.button"]').click()
    await page.getByRole('menuitem', { name: 'Edit' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
    await context.close()
  })

  it('follow the facilitator: when she pans, the other screen moves with her', async () => {
    const lead = await newRecordingContext(stage.browser)
    const other = await newRecordingContext(stage.browser)
    const links = await createBoardThroughStartPage(await lead.context.newPage(), 'Volg mij')
    const fenna = await joinBoard(lead.context, links.facilitator, 'Fenna')
    const bram = await joinBoard(other.context, links.participant, 'Bram')
    await drawRectangle(fenna, [600, 300], [760, 400])
    const shapeOnBram = geoShapes(bram).first()
    await shapeOnBram.waitFor({ timeout: 2000 })

    await fenna.getByRole('button', { name: 'Iedereen volgt mij' }).click()
    await bram.getByText('Je volgt het beeld van Fenna.').waitFor({ timeout: 3000 })
    const before = (await shapeOnBram.boundingBox())!
    await fenna.mouse.move(900, 500)
    await fenna.mouse.wheel(0, 400)
    await expect.poll(async () => (await shapeOnBram.boundingBox())?.y ?? before.y, { timeout: 3000 }).toBeLessThan(before.y - 200)

    await fenna.getByRole('button', { name: /Stop: iedereen kijkt zelf/ }).click()
    await bram.getByText('Je volgt het beeld van Fenna.').waitFor({ state: 'detached', timeout: 3000 })

    // A 15-minute timer started by the facilitator counts down on every screen…
    await fenna.getByRole('button', { name: '15 min' }).click()
    await bram.getByRole('timer').getByText(/1[45]:\d\d/).waitFor({ timeout: 3000 })
    // …and the shared screen shows only the board, its title and the timer, in large type.
    await bram.getByRole('button', { name: 'Gedeeld scherm' }).click()
    await bram.locator('.sb-presenting__timer').waitFor()
    expect(await bram.locator('[data-testid^="tools."]').count()).toBe(0)
    expect(await bram.getByRole('complementary', { name: 'Werkvormen' }).count()).toBe(0)
    await geoShapes(bram).first().waitFor()
    // It opens with the whole board in view: the rectangle sits well inside the screen.
    await expect.poll(async () => (await geoShapes(bram).first().boundingBox())?.y ?? -1, { timeout: 3000 }).toBeGreaterThan(100)
    if (process.env.SAMENBORD_SCREENSHOTS) await bram.screenshot({ path: 'docs/gedeeld-scherm.png' })
    // Larger for the back of the room: the board's content grows on the shared screen.
    const zoom = () => bram.evaluate(() => Number(getComputedStyle(document.querySelector('.tl-container')!).getPropertyValue('--tl-zoom')))
    const before100 = await zoom()
    await bram.getByRole('button', { name: 'Groter op het scherm (+)' }).click()
    await bram.keyboard.press('+')
    await expect.poll(zoom, { timeout: 3000 }).toBeGreaterThan(before100 * 1.5)
    await bram.keyboard.press('Escape')
    await bram.getByRole('button', { name: 'Gedeeld scherm' }).waitFor()
    await lead.context.close()
    await other.context.close()
  })
})
