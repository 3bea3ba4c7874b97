/**
 * The pseudonymised picture as Chromium makes it: the client's pseudonymiseSvg, bundled as it
 * ships, run on SVG markup that writes names with entities (named, decimal, hexadecimal), in
 * CDATA, in text attributes and split over tspans. Nothing of a name may survive.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { build, type Rolldown } from 'vite'
import type { Person } from '../../shared/src/werkvormen/personen/person.ts'
import { REPO_ROOT } from '../integration/helpers.ts'
import { launchChromium } from './browser.ts'

const persons: Person[] = [
  { id: 'p-1', name: 'Ahmed', relation: 'oom', gender: 'man', birthYear: 1980, deceased: false, deathYear: null, kind: 'gezin', organisation: '' },
  { id: 'p-2', name: 'Ans', relation: 'tante', gender: 'vrouw', birthYear: 1982, deceased: false, deathYear: null, kind: 'gezin', organisation: '' },
  { id: 'p-3', name: 'Karin de Wit', relation: 'jeugdverpleegkundige', gender: 'vrouw', birthYear: 1979, deceased: false, deathYear: null, kind: 'professional', organisation: 'Centrum voor Jeugd & Gezin' },
]

let browser: Browser
let page: Page

beforeAll(async () => {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: REPO_ROOT,
    // As the client build does: the libraries' development checks read process.env.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: { write: false, minify: false, lib: { entry: join(REPO_ROOT, 'tests/e2e/fixtures/svg-names-entry.ts'), formats: ['iife'], name: 'SvgNames' } },
  })
  const output = (Array.isArray(result) ? result[0] : result) as Rolldown.RolldownOutput
  browser = await launchChromium()
  page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.setContent('<!doctype html><title>test</title>')
  await page.addScriptTag({ content: output.output[0].code })
  expect(errors).toEqual([])
})

afterAll(async () => {
  await browser?.close()
})

/** Runs pseudonymiseSvg in the page; returns the result, or the error's message. */
function pseudonymise(svg: string): Promise<string> {
  return page.evaluate(
    ({ svg, persons }) => {
      const { pseudonymiseSvg, makePseudonymiser } = (window as unknown as { SvgNames: typeof import('./fixtures/svg-names-entry.ts') }).SvgNames
      try {
        return pseudonymiseSvg(svg, makePseudonymiser(persons, 'initialen'))
      } catch (error) {
        return `fout: ${(error as Error).message}`
      }
    },
    { svg, persons },
  )
}

const SVG = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg">${body}</svg>`

describe('pseudonymised SVG in the browser', () => {
  it('replaces names written with named, decimal and hexadecimal entities', async () => {
    const out = await pseudonymise(
      SVG('<text>Centrum voor Jeugd &amp; Gezin</text><text>&#67;entrum voor &#74;eugd &#x26; Gezin</text><text>&#65;hmed en A&#x6E;s</text>'),
    )
    expect(out).toBe(SVG('<text>[organisatie]</text><text>[organisatie]</text><text>A1 en A2</text>'))
  })

  it('replaces names in CDATA, in title, desc and aria-label, and across tspans; leaves style and other attributes', async () => {
    const out = await pseudonymise(
      SVG(
        '<style>/* Ahmed */</style><title>Ans</title><desc>Karin de Wit</desc>' +
          '<g aria-label="Centrum voor Jeugd &amp; Gezin" data-x="Ahmed"><text><![CDATA[Ahmed & Ans]]></text>' +
          '<text><tspan>Centrum voor</tspan><tspan>Jeugd &amp;</tspan><tspan>Gezin</tspan></text></g>',
      ),
    )
    expect(out).toBe(
      SVG(
        '<style>/* Ahmed */</style><title>A2</title><desc>KdW</desc>' +
          '<g aria-label="[organisatie]" data-x="Ahmed"><text><![CDATA[A1 & A2]]></text>' +
          '<text><tspan>[organisatie]</tspan><tspan></tspan><tspan></tspan></text></g>',
      ),
    )
  })

  it('refuses markup it cannot parse instead of exporting it with the names', async () => {
    expect(await pseudonymise('<svg><text>Ahmed</svg>')).toBe('fout: de afbeelding kon niet worden gelezen om de namen te vervangen')
  })
})
