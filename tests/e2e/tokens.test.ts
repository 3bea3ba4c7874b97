/**
 * Tokens out of sight in the browser: a board link's token leaves the address bar and the
 * history as soon as the page loads, the websocket carries a ticket instead, and the board
 * still works: live between two people, after a reload, and after the server cut the socket.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createBoard } from '../integration/helpers.ts'
import { joinBoard, newRecordingContext } from './browser.ts'
import { useServerAndBrowser } from './stage.ts'

const stage = useServerAndBrowser()
const SHOTS = process.env.SCREENSHOTS ?? join(process.env.TMPDIR ?? '/tmp', 'samenbord-e2e-shots')

const geoShapes = (page: Page) => page.locator('.tl-shape[data-shape-type="geo"]')
const connected = (page: Page) => page.getByRole('status', { name: /Verbinding: Verbonden/ }).waitFor({ timeout: 10_000 })

async function drawRectangle(page: Page, from: [number, number], to: [number, number]) {
  await page.keyboard.press('r')
  await page.mouse.move(...from)
  await page.mouse.down()
  await page.mouse.move(...to, { steps: 5 })
  await page.mouse.up()
}

describe('the token leaves the address bar', () => {
  it('shows /b/<id> without #token, keeps no token in the history, syncs two pages over tickets, survives a reload and a cut socket', async () => {
    const board = await createBoard(stage.server.httpUrl, 'Projector')
    const link = board.links.participant.replace(/^https?:\/\/[^/]+/, stage.server.httpUrl)
    const token = board.tokens.participant
    const anna = await newRecordingContext(stage.browser)
    const socketUrls: string[] = []
    anna.context.on('page', (page) => page.on('websocket', (socket) => socketUrls.push(socket.url())))

    const pageA = await joinBoard(anna.context, link, 'Anna')
    await connected(pageA)
    expect(pageA.url()).toBe(`${stage.server.httpUrl}/b/${board.id}`)
    expect(await pageA.evaluate(() => location.href)).not.toContain('token')
    mkdirSync(SHOTS, { recursive: true })
    await pageA.screenshot({ path: join(SHOTS, 'board-clean-url.png') })

    // Back leaves the board; forward comes back to the clean address, never the token's.
    await pageA.goBack()
    expect(pageA.url()).toBe('about:blank')
    await pageA.goForward()
    expect(pageA.url()).toBe(`${stage.server.httpUrl}/b/${board.id}`)
    await connected(pageA)
    expect(await pageA.evaluate(() => history.length)).toBe(2)

    // A second person on the board: both sockets carry tickets, none a token.
    const bram = await newRecordingContext(stage.browser)
    const pageB = await joinBoard(bram.context, link, 'Bram')
    await connected(pageB)
    await drawRectangle(pageA, [400, 300], [600, 420])
    await geoShapes(pageB).first().waitFor({ timeout: 5000 })

    // A reload of the clean address in the same tab keeps working.
    await pageA.reload()
    await pageA.locator('.tl-canvas').waitFor()
    await connected(pageA)
    await expect.poll(() => geoShapes(pageA).count()).toBe(1)
    expect(pageA.url()).toBe(`${stage.server.httpUrl}/b/${board.id}`)

    // The server cuts every socket (not final): the pages reconnect with fresh tickets and sync on.
    const before = socketUrls.length
    for (const socket of stage.server.app.websocketServer.clients) socket.close(1012, 'herstart')
    await expect.poll(() => socketUrls.length, { timeout: 10_000 }).toBeGreaterThan(before)
    await connected(pageA)
    await connected(pageB)
    await drawRectangle(pageB, [700, 300], [820, 420])
    await expect.poll(() => geoShapes(pageA).count(), { timeout: 5000 }).toBe(2)

    expect(socketUrls.length).toBeGreaterThan(0)
    for (const url of socketUrls) {
      expect(url).toContain('ticket=')
      expect(url).not.toContain('token')
      expect(url).not.toContain(token.split('.')[1])
    }
    expect(new Set(socketUrls).size).toBe(socketUrls.length)

    // The clean address in another tab has no token: it says the link is needed.
    const otherTab = await anna.context.newPage()
    await otherTab.goto(`${stage.server.httpUrl}/b/${board.id}`)
    await otherTab.getByRole('alert').getByText(/^Open dit bord met de link die je van de facilitator kreeg\./).waitFor()
    await otherTab.screenshot({ path: join(SHOTS, 'board-link-needed.png') })
    // In English for whoever chose English.
    await otherTab.evaluate(() => localStorage.setItem('samenbord.locale', 'en'))
    await otherTab.reload()
    await otherTab.getByRole('alert').getByText(/^Open this board with the link you got from the facilitator\./).waitFor()
    await otherTab.evaluate(() => localStorage.removeItem('samenbord.locale'))
    // A fragment without its token is an incomplete link.
    const broken = await anna.context.newPage()
    await broken.goto(`${stage.server.httpUrl}/b/${board.id}#tok`)
    await broken.getByText(/niet compleet/).waitFor()
    await Promise.all([anna.context.close(), bram.context.close()])
  })
})
