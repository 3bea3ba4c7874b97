import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { Browser } from 'playwright-core'
import { disposeAll, startServer, type StartServerOptions, type TestServer } from '../integration/helpers.ts'
import { CLIENT_DIR, launchChromium } from './browser.ts'

/**
 * One relay serving the built client and one Chromium for a test file. `server` may be replaced
 * by a test that restarts it (`stage.server = await startServer(...)`).
 */
export function useServerAndBrowser(options: StartServerOptions = {}) {
  const stage = {} as { server: TestServer; browser: Browser }
  beforeAll(async () => {
    if (!existsSync(join(CLIENT_DIR, 'index.html'))) throw new Error('client/dist is missing: run `pnpm build` first')
    stage.server = await startServer({ ...options, env: { CLIENT_DIR, ...options.env } })
    stage.browser = await launchChromium()
  })
  afterAll(async () => {
    await stage.browser?.close()
    await disposeAll()
  })
  return stage
}
