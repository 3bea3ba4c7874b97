import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { countStructs, jsonShapeProblem } from './backup-check.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('jsonShapeProblem', () => {
  it('passes a back-up shaped file, strings with brackets, commas, quotes and escapes included', () => {
    const file = JSON.stringify({ format: 'samenbord-backup', board: { title: 'Casus "[{," \\ Jansen' }, documents: { '': 'AAA=' }, perspectiefwissel: { roles: [{ cardId: 'a', label: '[[[[' }] } })
    expect(jsonShapeProblem(bytes(file), 4, 100)).toBeNull()
  })

  it('refuses nesting past the limit after reading only that far', () => {
    expect(jsonShapeProblem(bytes('[[[[['), 4, 100)).toMatch(/dieper genest dan een back-up ooit is \(meer dan 4 niveaus\)/)
    expect(jsonShapeProblem(bytes('[[[[]]]]'), 4, 100)).toBeNull()
    expect(jsonShapeProblem(bytes(`{"a":${'{"b":'.repeat(10)}1${'}'.repeat(10)}}`), 8, 100)).toMatch(/dieper genest/)
  })

  it('refuses more values than the limit', () => {
    expect(jsonShapeProblem(bytes(`[${'0,'.repeat(99)}0]`), 4, 100)).toBeNull()
    expect(jsonShapeProblem(bytes(`[${'0,'.repeat(100)}0]`), 4, 100)).toMatch(/meer dan 100 waarden/)
  })

  it('does not count what is inside strings, escaped quotes and backslashes too', () => {
    expect(jsonShapeProblem(bytes(JSON.stringify(['[[[[[[,,,,,,', 'a\\"[[[[[[', '\\\\', '[[[[[['])), 2, 5)).toBeNull()
  })

  it('leaves malformed JSON to the parser', () => {
    expect(jsonShapeProblem(bytes('{"open string'), 4, 100)).toBeNull()
  })
})

/** The structs Yjs itself reads from `update`. */
const yjsCount = (update: Uint8Array) => Y.decodeUpdate(update).structs.length

describe('countStructs', () => {
  it('counts as Yjs does, over every kind of content and several clients', () => {
    const doc = new Y.Doc()
    const other = new Y.Doc()
    doc.getMap('meta').set('schema', { schemaVersion: 2, sequences: { 'com.tldraw.shape': 4 }, nested: [[1, [2, { a: null, b: true }]], 1.5, -7, 2n ** 40n, undefined, new Uint8Array([1, 2])] })
    const records = doc.getArray('tl_records')
    for (let i = 0; i < 50; i++) records.push([{ key: `shape:${i}`, val: { id: `shape:${i}`, x: i * 1.25, y: -i, props: { text: `tekst ${i}` } } }])
    records.delete(3, 10)
    records.push([new Uint8Array([7, 8, 9])])
    records.push([new Y.Doc({ guid: 'sub' })])
    const text = doc.getText('tekst')
    text.insert(0, 'Hallo wereld')
    text.format(0, 5, { bold: true })
    text.insertEmbed(3, { afbeelding: 'data:image/png;base64,AAAA' })
    text.delete(6, 2)
    const xml = doc.getXmlFragment('xml')
    const element = new Y.XmlElement('p')
    element.setAttribute('class', 'x')
    element.insert(0, [new Y.XmlText('tekst')])
    // A hook is a kind of element to Yjs, though its types say otherwise.
    xml.insert(0, [element, new Y.XmlHook('haak') as unknown as Y.XmlElement])
    doc.getMap('kaart').set('leeg', new Y.Map())
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    other.getMap('meta').set('door', 'ander')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other))

    const state = Y.encodeStateAsUpdate(doc)
    expect(countStructs(state, Number.MAX_SAFE_INTEGER)).toBe(yjsCount(state))
    expect(yjsCount(state)).toBeGreaterThan(20)
    // A document of many small edits, and a merged update with gaps (Skip structs).
    const edits = new Y.Doc()
    const updates: Uint8Array[] = []
    edits.on('update', (update: Uint8Array) => updates.push(update))
    for (let i = 0; i < 200; i++) edits.getMap('m').set(`k${i % 20}`, i)
    const gappy = Y.mergeUpdates([updates[0], updates[5], updates[150]])
    expect(countStructs(gappy, Number.MAX_SAFE_INTEGER)).toBe(yjsCount(gappy))
    const whole = Y.encodeStateAsUpdate(edits)
    expect(countStructs(whole, Number.MAX_SAFE_INTEGER)).toBe(yjsCount(whole))
  })

  it('stops as soon as a client block says it holds more than the limit', () => {
    const doc = new Y.Doc()
    doc.transact(() => {
      for (let i = 0; i < 5000; i++) doc.getMap('m').set(`k${i}`, i)
    })
    const update = Y.encodeStateAsUpdate(doc)
    expect(countStructs(update, 1000)).toBe(5000)
    // Cut short: it says 5,000 but holds fewer; past the limit it is never read that far.
    expect(countStructs(update.subarray(0, 100), 1000)).toBe(5000)
    expect(() => countStructs(update.subarray(0, 100), 10_000)).toThrow(RangeError)
  })

  it('throws on bytes that are no update', () => {
    expect(() => countStructs(new TextEncoder().encode('hallo wereld, dit is geen yjs'), 1000)).toThrow()
    expect(() => countStructs(new Uint8Array([1, 1, 5, 0, 200]), 1000)).toThrow()
    expect(countStructs(new Uint8Array([0, 0]), 1000)).toBe(0)
  })
})
