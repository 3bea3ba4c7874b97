/**
 * Regenerates the screenshots in docs/ (run: `pnpm build && pnpm screenshots`).
 * Not a test: it starts a server on a temporary data folder, builds a small board with two
 * people in Chromium and saves what each of them sees.
 */
import { join } from 'node:path'
import { REPO_ROOT, disposeAll, startServer } from '../integration/helpers.ts'
import { CLIENT_DIR, joinBoard, launchChromium, newRecordingContext } from './browser.ts'

const DOCS = join(REPO_ROOT, 'docs')
const server = await startServer({ env: { CLIENT_DIR } })
const browser = await launchChromium()
try {
  const facilitator = await newRecordingContext(browser)
  const start = await facilitator.context.newPage()
  await start.goto(server.httpUrl)
  await start.getByLabel(/Titel van het bord/).fill('MDO gezin Jansen, 12 maart')
  await start.screenshot({ path: join(DOCS, 'start-page.png') })
  await start.getByRole('button', { name: 'Bord maken' }).click()
  await start.getByLabel('Deelnemer', { exact: true }).waitFor()
  await start.screenshot({ path: join(DOCS, 'board-links.png') })
  const participantLink = await start.getByLabel('Deelnemer', { exact: true }).inputValue()

  const pageA = await joinBoard(facilitator.context, participantLink, 'Anna (mentor)')
  const other = await newRecordingContext(browser)
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
  console.log('screenshots written to docs/')
} finally {
  await browser.close()
  await disposeAll()
}
