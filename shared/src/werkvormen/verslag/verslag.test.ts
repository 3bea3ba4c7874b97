import { describe, expect, it } from 'vitest'
import { demoCase } from '../sjablonen/demo-case.ts'
import { collectBoardContent, contentOfDemoCase, plainTextOf } from './content.ts'
import type { Person } from '../personen/person.ts'
import { makePseudonymiser, pseudonymiseTree, type MarkupNode } from './pseudonymise.ts'
import { verslagToHtml, verslagToMarkdown } from './render.ts'
import { PSEUDONYMISED_TITLE, buildVerslag, exportFileTitle, type VerslagSession } from './verslag.ts'

const demo = demoCase()

/** The session around the demo board as the e2e test runs it (tests/e2e/export.test.ts). */
export const DEMO_SESSION: VerslagSession = {
  boardTitle: 'Lotte (14) en haar gezin',
  date: '2026-10-14',
  facilitators: ['Fatima (facilitator)'],
  participants: ['Sanne (moeder)', 'Joost de Graaf'],
  perspectiefwissel: {
    phase: 'afgerond',
    rows: [
      { role: 'Lotte Kuipers (jongere)', holderName: 'Joost de Graaf', posture: 'Ineengedoken, klein', dilemma: 'Als ik zeg wat ik wil, wordt mama verdrietig.', feeling: 'Klein en niet gehoord', notes: '' },
      { role: 'Yara Peeters (mentor)', holderName: 'Sanne (moeder)', posture: 'Voorovergebogen, betrokken', dilemma: 'Ik zie het verzuim, maar kan thuis niets doen.', feeling: 'Machteloos', notes: 'Wil het Vaartcollege erbij' },
    ],
  },
  agenda: { steps: ['Spelregels', 'Tijdlijn', 'Perspectiefwissel', 'Rugzak', 'Afronding'], current: 3 },
  rugzak: {
    carrier: 'Lotte (gedragen door Joost de Graaf)',
    items: [{ byName: 'Sanne (moeder)', text: 'Zeg het als je iets niet snapt' }],
    removed: [{ byName: 'Joost de Graaf', text: 'Probeer gewoon naar school te gaan' }],
  },
  consent: { notesAllowed: 'ja', recordingAllowed: 'nee', sharing: 'Alleen in het dossier van Wijkteam Oost; Sanne krijgt een kopie.', agreedBy: 'Sanne, Lotte en alle professionals', recordedBy: 'Fatima (facilitator)', recordedAt: Date.UTC(2026, 9, 14, 9, 35) },
}

describe('verslag of the demo board', () => {
  const alternatives = [
    { text: 'Vraag Lotte zelf wie er bij het volgende gesprek zit', who: 'de jeugdbeschermer', byName: 'Joost de Graaf', group: null, createdAt: 2 },
    { text: 'Bel terug binnen twee werkdagen als een afspraak wordt afgezegd', who: 'het wijkteam', byName: 'Sanne (moeder)', group: null, createdAt: 1 },
  ]
  const verslag = buildVerslag({ ...contentOfDemoCase(demo), alternatives }, DEMO_SESSION)

  it('matches the reviewed Markdown and HTML', async () => {
    await expect(verslagToMarkdown(verslag)).toMatchFileSnapshot('__snapshots__/demo-verslag.md')
    await expect(verslagToHtml(verslag)).toMatchFileSnapshot('__snapshots__/demo-verslag.html')
  })

  it('lists the tijdlijn in date order, with the age-based date placed by the birth year', () => {
    const table = verslag.sections.find((s) => s.id === 'tijdlijn-1')!.blocks[0]
    expect(table.kind).toBe('table')
    if (table.kind !== 'table') return
    const dates = table.rows.map((row) => row[0])
    expect(dates[0]).toBe('3 april 2012')
    expect(dates).toContain('op 9-jarige leeftijd (2021)')
    expect(dates.indexOf('op 9-jarige leeftijd (2021)')).toBeLessThan(dates.indexOf('maart 2022'))
    expect(table.rows.find((row) => row[5].startsWith('Start gezinsbegeleiding'))?.[6]).toBe('Cruciaal moment (genoemd door Sanne (moeder))')
  })

  it('collects open questions: the gap, the contested card and the assumption', () => {
    const open = verslag.sections.find((s) => s.id === 'open-vragen')!.blocks[0]
    expect(open.kind === 'list' && open.items).toEqual([
      'Informatie ontbreekt van 2019 tot 2021: Wat speelde er tussen de scheiding en het eerste telefoontje van school? (benoemd door Facilitator)',
      expect.stringMatching(/^Betwist: "Overdracht van wijkteam.*Sanne \(moeder\): "Ik heb elke afspraak/),
      expect.stringMatching(/^Aanname om na te gaan: "De mentor belt het wijkteam/),
    ])
  })

  it('orders each cluster by dots and counts them', () => {
    const clusters = verslag.sections.find((s) => s.id === 'themaclusters')!.blocks
    expect(clusters[0]).toEqual({ kind: 'subheading', text: 'Onzekerheid > behoefte aan duidelijkheid (3 stippen)' })
    expect(clusters[1]).toEqual({ kind: 'list', items: ['Lotte weet vaak niet wie er de volgende keer aan tafel zit (3 stippen)', 'Sanne hoort besluiten pas achteraf'] })
  })
})

describe('pseudonymised verslag', () => {
  const content = contentOfDemoCase(demo)
  const names = [...demo.persons.map((p) => p.name), ...demo.persons.flatMap((p) => p.name.split(' ')).filter((word) => !['de', 'van'].includes(word)), 'Vaartcollege', 'Wijkteam Oost', 'Fatima', 'Joost']

  for (const mode of ['initialen', 'rol'] as const) {
    it(`leaves no registry name, surname or organisation in the ${mode} version`, () => {
      const text = verslagToMarkdown(buildVerslag(content, DEMO_SESSION, { pseudonymise: mode }))
      for (const name of names) expect(text, name).not.toMatch(new RegExp(`(?<![\\p{L}])${name}(?![\\p{L}])`, 'u'))
      expect(text).toContain('\\[organisatie\\]')
    })
  }

  it('uses initials and keeps the possessive readable', () => {
    const p = makePseudonymiser(demo.persons, 'initialen')
    expect(p.text('Lottes verzuim; Sanne Mulder belt de familie Kuipers')).toBe("LK's verzuim; SM belt de familie K.")
    const roles = makePseudonymiser(demo.persons, 'rol')
    expect(roles.text('Opa Gerrit en Yara Peeters van het Vaartcollege')).toBe('Opa opa (moederskant) en mentor van het [organisatie]')
    // "Naam (rol)" would read "rol (rol)": said once.
    expect(roles.text('Rol: Lotte Kuipers (jongere)')).toBe('Rol: jongere')
  })

  it('replaces names in SVG text nodes and text attributes, never inside embedded fonts or other attributes', () => {
    const p = makePseudonymiser(demo.persons, 'initialen')
    const svg = el('svg', {}, [
      el('style', {}, [text('@font-face{src:url(data:font/woff2;base64,Lotte+Kuipers/x)}')]),
      el('g', { 'data-name': 'Lotte' }, [el('text', { 'aria-label': 'Lotte Kuipers', title: 'Sanne Mulder', desc: 'Yara Peeters' }, [text('Lotte Kuipers')])]),
    ])
    pseudonymiseTree(svg, p)
    expect(serialise(svg)).toBe('<svg><style>@font-face{src:url(data:font/woff2;base64,Lotte+Kuipers/x)}</style><g data-name="Lotte"><text aria-label="LK" title="SM" desc="YP">LK</text></g></svg>')
  })
})

describe('pseudonymised pictures: names the SVG writes with entities or splits over nodes', () => {
  // What a DOMParser hands over for `Centrum voor Jeugd &amp; Gezin` and `&#74;eugd &#x26; Gezin`:
  // plain text nodes. (tests/e2e/pseudonymise-svg.test.ts runs the same on Chromium's own parser.)
  const persons: Person[] = [
    { ...demo.persons[12], id: 'p-cjg', name: 'Ahmed Yilmaz', organisation: 'Centrum voor Jeugd & Gezin' },
    { ...demo.persons[4], id: 'p-ans', name: 'Ans Yilmaz' },
  ]
  const p = makePseudonymiser(persons, 'initialen')

  it('replaces an organisation with "&" in text and in attributes', () => {
    const svg = el('svg', {}, [el('foreignObject', {}, [el('div', { title: 'Centrum voor Jeugd & Gezin' }, [text('Gesprek bij Centrum voor Jeugd & Gezin over Ans Yilmaz')])])])
    pseudonymiseTree(svg, p)
    expect(serialise(svg)).toBe('<svg><foreignObject><div title="[organisatie]">Gesprek bij [organisatie] over AY2</div></foreignObject></svg>')
  })

  it('finds a name split over lines of a label or over inline elements', () => {
    const svg = el('svg', {}, [
      el('text', {}, [el('tspan', {}, [text('Centrum voor Jeugd &')]), el('tspan', {}, [text('Gezin belt')])]),
      el('p', {}, [text('Ahmed '), el('b', {}, [text('Yilmaz')]), text(' komt')]),
    ])
    pseudonymiseTree(svg, p)
    expect(serialise(svg)).toBe('<svg><text><tspan>[organisatie]</tspan><tspan> belt</tspan></text><p>AY1<b></b> komt</p></svg>')
  })

  it('does not let text nodes side by side (a flex box) run together and hide a name', () => {
    const svg = el('svg', {}, [el('div', {}, [el('span', {}, [text('Dossier van Ahmed')]), el('span', {}, [text('Wat zien we?')])])])
    pseudonymiseTree(svg, p)
    expect(serialise(svg)).toBe('<svg><div><span>Dossier van AY1</span><span>Wat zien we?</span></div></svg>')
  })

  it('does not join words of different blocks into a name that is not there', () => {
    const svg = el('svg', {}, [el('p', {}, [text('Ahmed')]), el('p', {}, [text('Yilmazstraat')])])
    pseudonymiseTree(svg, p)
    expect(serialise(svg)).toBe('<svg><p>AY1</p><p>Yilmazstraat</p></svg>')
  })
})

describe('short forms are never shared by two people', () => {
  const base = demo.persons[4]
  const person = (id: string, name: string, relation = 'moeder'): Person => ({ ...base, id, name, relation })

  it('numbers initials two people share, in the order of their names: Ahmed and Ans', () => {
    const p = makePseudonymiser([person('p-2', 'Ans'), person('p-1', 'Ahmed')], 'initialen')
    expect(p.text('Ahmed belt Ans')).toBe('A1 belt A2')
  })

  it('numbers three people with the same first letter, and gives the same forms for the same registry in any order', () => {
    const registry = [person('p-1', 'Ans'), person('p-2', 'Anouk'), person('p-3', 'Ahmed'), person('p-4', 'Bram')]
    const forms = (list: Person[]) => list.map((p) => [p.name, makePseudonymiser(list, 'initialen').person(p)]).sort()
    expect(forms(registry)).toEqual([['Ahmed', 'A1'], ['Anouk', 'A2'], ['Ans', 'A3'], ['Bram', 'B']])
    expect(forms([...registry].reverse())).toEqual(forms(registry))
  })

  it('tells apart two people with the same first name, and does not pick one of them for the bare first name', () => {
    const p = makePseudonymiser([person('p-1', 'Mo Ali'), person('p-2', 'Mo Amrani')], 'initialen')
    expect(p.text('Mo Ali en Mo Amrani; Mo belde')).toBe('MA1 en MA2; M. belde')
  })

  it('tells apart two people with exactly the same name in the verslag list', () => {
    const content = { ...contentOfDemoCase(demo), persons: [person('p-1', 'Sanne', 'moeder'), person('p-2', 'Sanne', 'jeugdconsulent')], relations: [], indexPersonIds: [] }
    const verslag = buildVerslag(content, { ...DEMO_SESSION, participants: [], facilitators: [] }, { pseudonymise: 'initialen' })
    const list = verslag.sections.find((s) => s.id === 'personen')!.blocks.find((b) => b.kind === 'list')
    expect(list?.kind === 'list' && list.items).toEqual(['S1: moeder (geboren 1983)', 'S2: jeugdconsulent (geboren 1983)'])
  })

  it('numbers role labels two people share, and keeps names out of role labels', () => {
    const p = makePseudonymiser([person('p-1', 'Daan Kuipers', 'broer'), person('p-2', 'Bas Kuipers', 'broer'), person('p-3', 'Tineke Bos', 'buurvrouw van oma Ria'), person('p-4', 'Ria Mulder', 'oma')], 'rol')
    expect(p.text('Daan en Bas; Tineke Bos')).toBe('broer 2 en broer 1; buurvrouw van oma [naam]')
  })

  it('gives the demo family unique forms in both modes (Daan and Dennis Kuipers are both "DK")', () => {
    for (const mode of ['initialen', 'rol'] as const) {
      const p = makePseudonymiser(demo.persons, mode)
      const forms = demo.persons.map((person) => p.person(person).toLowerCase())
      expect(new Set(forms).size, mode).toBe(demo.persons.length)
    }
    expect(makePseudonymiser(demo.persons, 'initialen').text('Daan en Dennis')).toBe('DK1 en DK2')
  })

  it('gives a participant outside the registry a form nobody in it has', () => {
    const p = makePseudonymiser([person('p-1', 'Ahmed')], 'initialen', ['Anna (moeder)', 'Fatima (facilitator)'])
    expect(p.participant('Anna (moeder)', 0)).toBe('A2 (moeder)')
    expect(p.participant('Fatima (facilitator)', 1)).toBe('F (facilitator)')
    expect(p.text('Ahmed en Anna')).toBe('A en A2')
  })

  it('replaces people the board names but the participant list does not have (who marked a moment)', () => {
    const content = contentOfDemoCase(demo)
    const [timeline] = content.timelines
    const events = timeline.events.map((e, i) => (i === 0 ? { ...e, props: { ...e.props, cruciaal: { namedBy: 'Karim (oom)', at: 1 } } } : e))
    const text = verslagToMarkdown(buildVerslag({ ...content, timelines: [{ ...timeline, events }] }, DEMO_SESSION, { pseudonymise: 'initialen' }))
    expect(text).toContain('genoemd door K (oom)')
    expect(text).not.toContain('Karim')
    // "Facilitator" (who named the demo's gap) is a role, not a name: "Fatima (facilitator)" stays readable.
    expect(text).toContain('- **Facilitator:** F (facilitator)')
    expect(text).toContain('(benoemd door Facilitator)')
  })
})

describe('pseudonymised title and file name', () => {
  const persons: Person[] = [
    { ...demo.persons[4], id: 'p-ahmed', name: 'Ahmed', relation: 'vader' },
    { ...demo.persons[4], id: 'p-ans', name: 'Ans', relation: 'moeder' },
  ]
  const content = { ...contentOfDemoCase(demo), persons, relations: [], indexPersonIds: [] }
  const session = { ...DEMO_SESSION, boardTitle: 'Gezin Yilmaz (Ahmed en Ans)' }

  it('leaves the board title out of the verslag title and the HTML document title', () => {
    const verslag = buildVerslag(content, session, { pseudonymise: 'initialen' })
    expect(verslag.title).toBe(PSEUDONYMISED_TITLE)
    for (const text of [verslagToMarkdown(verslag), verslagToHtml(verslag)]) {
      expect(text).not.toMatch(/Yilmaz|Ahmed|Ans\b/)
    }
    expect(verslagToHtml(verslag)).toContain(`<title>${PSEUDONYMISED_TITLE}</title>`)
    expect(buildVerslag(content, session).title).toBe('Verslag: Gezin Yilmaz (Ahmed en Ans)')
  })

  it('names no exported file after the board when names are replaced', () => {
    expect(exportFileTitle('Gezin Yilmaz', 'initialen')).toBe('')
    expect(exportFileTitle('Gezin Yilmaz', 'rol')).toBe('')
    expect(exportFileTitle('Gezin Yilmaz', null)).toBe('Gezin Yilmaz')
  })
})

/** A stand-in for the DOM nodes a DOMParser makes, with the fields pseudonymiseTree uses. */
type Node = MarkupNode & { childNodes: Node[]; localName?: string; attributes?: { name: string; value: string }[] }
function el(localName: string, attributes: Record<string, string>, childNodes: Node[]): Node {
  return { nodeType: 1, nodeValue: null, localName, childNodes, attributes: Object.entries(attributes).map(([name, value]) => ({ name, value })) }
}
function text(value: string): Node {
  return { nodeType: 3, nodeValue: value, childNodes: [] }
}
function serialise(node: Node): string {
  if (node.nodeType === 3) return node.nodeValue ?? ''
  const attributes = (node.attributes ?? []).map((a) => ` ${a.name}="${a.value}"`).join('')
  return `<${node.localName}${attributes}>${node.childNodes.map(serialise).join('')}</${node.localName}>`
}

describe('reading the board', () => {
  const note = (id: string, parentId: string, x: number, y: number, text: string) => ({
    id,
    typeName: 'shape',
    type: 'note',
    parentId,
    x,
    y,
    index: 'a1',
    props: { richText: { type: 'doc', content: [{ type: 'paragraph', content: text ? [{ type: 'text', text }] : [] }] } },
  })

  it('reads the two-group frames: the perspective note and the filled-in steps, left to right', () => {
    const content = collectBoardContent([
      { id: 'shape:g', typeName: 'shape', type: 'frame', parentId: 'page:p', x: 900, y: 0, index: 'a2', props: { name: 'Gezin en netwerk' } },
      { id: 'shape:h', typeName: 'shape', type: 'frame', parentId: 'page:p', x: 0, y: 0, index: 'a1', props: { name: 'Hulpverlening' } },
      note('shape:h1', 'shape:h', 30, 150, 'Lotte woont over drie jaar zelfstandig met steun van haar trainer'),
      note('shape:h3', 'shape:h', 270, 510, '2. Eén vaste contactpersoon'),
      note('shape:h2', 'shape:h', 30, 510, '1. Bel de mentor deze week'),
      note('shape:h4', 'shape:h', 510, 510, '3.'),
      note('shape:g1', 'shape:g', 30, 150, ''),
      { id: 'shape:other', typeName: 'shape', type: 'frame', parentId: 'page:p', x: 0, y: 900, index: 'a3', props: { name: 'Spelregels' } },
    ])
    expect(content.groups).toEqual([
      { name: 'Hulpverlening', perspective: ['Lotte woont over drie jaar zelfstandig met steun van haar trainer'], steps: ['Bel de mentor deze week', 'Eén vaste contactpersoon'] },
      { name: 'Gezin en netwerk', perspective: [], steps: [] },
    ])
    const verslag = buildVerslag(content, { ...DEMO_SESSION, perspectiefwissel: null, rugzak: null, agenda: undefined })
    expect(verslag.sections.find((s) => s.id === 'twee-groepen')?.blocks).toEqual([
      { kind: 'subheading', text: 'Hulpverlening' },
      { kind: 'paragraph', text: 'Langetermijnperspectief: Lotte woont over drie jaar zelfstandig met steun van haar trainer' },
      { kind: 'list', items: ['Stap 1: Bel de mentor deze week', 'Stap 2: Eén vaste contactpersoon'] },
      { kind: 'subheading', text: 'Gezin en netwerk' },
      { kind: 'paragraph', text: 'Geen langetermijnperspectief ingevuld.' },
    ])
  })

  it('reads rich-text notes as plain text, paragraph by paragraph', () => {
    const richText = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Eerste' }] }, { type: 'paragraph', content: [{ type: 'text', text: 'tweede' }] }] }
    expect(plainTextOf(richText)).toBe('Eerste\ntweede')
  })

  it('finds clusters, their notes, votes and action alternatives among the records', () => {
    const content = collectBoardContent([
      { id: 'shape:c', typeName: 'shape', type: 'themacluster', parentId: 'page:p', index: 'a1', props: { w: 1, h: 1, feeling: 'angst', need: 'veiligheid' } },
      { id: 'shape:n2', typeName: 'shape', type: 'note', parentId: 'shape:c', index: 'a3', props: { richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'tweede' }] }] } } },
      { id: 'shape:n1', typeName: 'shape', type: 'note', parentId: 'shape:c', index: 'a2', props: { richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'eerste' }] }] } } },
      { id: 'stem:a', typeName: 'stem', voterName: 'A', dots: { 'shape:n2': 2 } },
      { id: 'stem:b', typeName: 'stem', voterName: 'B', dots: { 'shape:n2': 1, 'shape:n1': 1 } },
      { id: 'handelingsalternatief:x', typeName: 'handelingsalternatief', text: 'Eén vast aanspreekpunt', who: 'het wijkteam', personId: null, byName: 'Joost', group: 'gezin', createdAt: 5 },
      { id: 'handelingsalternatief:kapot', typeName: 'handelingsalternatief', text: 42 },
      { id: 'page:p', typeName: 'page', name: 'Pagina 1' },
      'rommel',
    ])
    expect(content.clusters).toEqual([{ id: 'shape:c', feeling: 'angst', need: 'veiligheid', notes: [{ id: 'shape:n1', text: 'eerste' }, { id: 'shape:n2', text: 'tweede' }] }])
    expect(content.voteTotals).toEqual({ 'shape:n2': 3, 'shape:n1': 1 })
    expect(content.groups).toEqual([])
    expect(content.alternatives).toEqual([{ text: 'Eén vast aanspreekpunt', who: 'het wijkteam', byName: 'Joost', group: 'Gezin en netwerk', createdAt: 5 }])
  })
})
