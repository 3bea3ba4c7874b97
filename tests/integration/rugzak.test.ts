/**
 * Rugzak variant: one advice per helper, in turn; who waits outside never receives the advice;
 * removals are allowed for the carrier and logged.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { boardApi, createBoard, disposeAll, startServer } from './helpers.ts'

afterEach(disposeAll)

const api = boardApi

const ADVICE = ['Ga eens naar de huisarts', 'Maak een weekschema met vaste tijden']

describe('rugzak', () => {
  it('helpers give one advice each in turn; who waits outside sees only the count; the carrier takes one out and it is logged', async () => {
    const server = await startServer()
    const board = await createBoard(server.httpUrl)
    const base = `/${board.id}/rugzak`

    expect((await api(server, base, board.tokens.participant)).status).toBe(404)
    expect((await api(server, base, board.tokens.participant, { carrier: 'Moeder', helpers: ['Anouk'] })).status).toBe(403)
    for (const body of [{ carrier: 'Moeder', helpers: [] }, { carrier: '', helpers: ['A'] }, { carrier: 'Moeder', helpers: ['  '] }, { carrier: 'Moeder' }]) {
      expect((await api(server, base, board.tokens.facilitator, body)).status, JSON.stringify(body)).toBe(400)
    }
    const started = await api(server, base, board.tokens.facilitator, { carrier: 'Moeder', helpers: ['Anouk', 'Bram'] })
    expect(started.status).toBe(201)
    expect(started.json).toMatchObject({ carrier: 'Moeder', turn: 0, count: 0, items: [] })

    const claim = async (as: 'drager' | number) => {
      const claimed = await api(server, `${base}/aanmelden`, board.tokens.participant, { as })
      expect(claimed.status).toBe(201)
      return claimed.json.rugzakToken as string
    }
    const carrier = await claim('drager')
    const anouk = await claim(0)
    const bram = await claim(1)
    expect((await api(server, `${base}/aanmelden`, board.tokens.participant, { as: 0 })).status).toBe(409)
    expect((await api(server, `${base}/aanmelden`, board.tokens.viewer, { as: 'drager' })).status).toBe(403)
    expect((await api(server, `${base}/aanmelden`, board.tokens.participant, { as: 7 })).status).toBe(404)

    // Bram is not first; the board link is nobody's; Anouk goes.
    const early = await api(server, `${base}/advies`, bram, { text: ADVICE[1] })
    expect(early.status).toBe(409)
    expect(early.json.message).toMatch(/Nog niet jouw beurt: eerst Anouk/)
    expect((await api(server, `${base}/advies`, board.tokens.participant, { text: 'x' })).status).toBe(403)
    expect((await api(server, `${base}/advies`, anouk, { text: '   ' })).status).toBe(400)
    const given = await api(server, `${base}/advies`, anouk, { text: ADVICE[0] })
    expect(given.status).toBe(200)
    expect(given.json.items.map((i: { text: string }) => i.text)).toEqual([ADVICE[0]])
    expect((await api(server, `${base}/advies`, anouk, { text: 'nog een' })).json.message).toMatch(/één advies per helper/)

    // Bram still waits outside: he learns that there is one advice, not what it says; so does a plain participant link.
    for (const token of [bram, board.tokens.participant]) {
      const outside = await api(server, base, token)
      expect(outside.json).toMatchObject({ count: 1, turn: 1, items: null, log: null })
      expect(outside.text).not.toContain(ADVICE[0])
    }
    // Inside: the carrier, the facilitator and the shared screen (viewer).
    for (const token of [carrier, board.tokens.facilitator, board.tokens.viewer]) {
      expect((await api(server, base, token)).json.items.map((i: { text: string }) => i.text)).toEqual([ADVICE[0]])
    }
    expect((await api(server, `${base}/advies`, bram, { text: ADVICE[1] })).json).toMatchObject({ turn: null, count: 2 })

    // Taking out: not a helper, yes the carrier; logged with who and what.
    const items = (await api(server, base, carrier)).json.items as { id: string; text: string }[]
    expect((await api(server, `${base}/eruit`, anouk, { itemId: items[0].id })).status).toBe(403)
    const out = await api(server, `${base}/eruit`, carrier, { itemId: items[0].id })
    expect(out.status).toBe(200)
    expect(out.json.items.map((i: { text: string }) => i.text)).toEqual([ADVICE[1]])
    expect(out.json.log.map((l: { action: string; byName: string }) => [l.action, l.byName])).toEqual([
      ['erin', 'Anouk'],
      ['erin', 'Bram'],
      ['eruit', 'Moeder'],
    ])
    expect((await api(server, `${base}/eruit`, carrier, { itemId: items[0].id })).status).toBe(404)

    // A new round: the old personal links open nothing.
    expect((await api(server, base, board.tokens.facilitator, { carrier: 'Vader', helpers: ['Chris'] })).status).toBe(201)
    expect((await api(server, base, anouk)).status).toBe(403)
    expect((await api(server, `${base}/advies`, anouk, { text: 'oud' })).status).toBe(403)
  })
})
