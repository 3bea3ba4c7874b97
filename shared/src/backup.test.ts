import { describe, expect, it } from 'vitest'
import { checkBackup, cleanBackupText, MAX_BACKUP_DOCUMENTS } from './backup.ts'

const file = (extra: Record<string, unknown> = {}) => ({
  format: 'samenbord-backup',
  version: 1,
  board: { id: 'origineel-bord-0001', title: '  Casus Jansen ', createdAt: '2026-01-05T09:00:00.000Z' },
  exportedAt: '2026-01-05T10:00:00.000Z',
  documents: { '': 'AAA=' },
  perspectiefwissel: null,
  ...extra,
})
const role = (cardId: string, personId: string, label: string, holderName: string | null = null) => ({ cardId, personId, label, holderName })
const message = (value: unknown, options = {}) => {
  const check = checkBackup(value, options)
  return check.ok ? null : check.message
}

describe('checkBackup', () => {
  it('accepts a back-up and gives it back with its title trimmed', () => {
    const check = checkBackup(file())
    expect(check).toEqual({ ok: true, leftOut: [], backup: expect.objectContaining({ board: expect.objectContaining({ title: 'Casus Jansen' }), documents: { '': 'AAA=' }, perspectiefwissel: null }) })
  })

  it('refuses what is no Samenbord back-up with 400, a file it cannot restore with 422', () => {
    expect(checkBackup([1, 2])).toMatchObject({ ok: false, status: 400 })
    expect(checkBackup({ name: 'miro' })).toMatchObject({ ok: false, status: 400 })
    expect(checkBackup(file({ version: 2 }))).toMatchObject({ ok: false, status: 422, message: expect.stringMatching(/nieuwere versie/) })
  })

  it('allows as many documents as a board may have (the relay default, or the given limit), counted before anything else', () => {
    const documents = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [i === 0 ? '' : `.rolkaart.k${i}`, 'AAA=']))
    expect(MAX_BACKUP_DOCUMENTS).toBe(100)
    expect(message(file({ documents: documents(101) }))).toBe('De back-up bevat 101 documenten; een bord heeft er hoogstens 100.')
    expect(message(file({ documents: documents(6) }), { maxDocuments: 5 })).toBe('De back-up bevat 6 documenten; een bord heeft er hoogstens 5.')
    expect(checkBackup(file({ documents: documents(5) }), { maxDocuments: 5 }).ok).toBe(true)
  })

  it('knows the kinds of document a board has; role documents only for the cards of its session', () => {
    for (const name of ['.rommel.x', '.voorbereiding.x', '.toestemming.x', '.rolkaart.', 'x', '.__proto__.x']) {
      expect(message(file({ documents: { '': 'AAA=', [name]: 'AAA=' } })), name).toMatch(/^Onbekende documentnaam in de back-up/)
    }
    const documents = { '': 'AAA=', '.rolkaart.a': 'AAA=', '.rolhouding.a': 'AAA=', '.rolkaart.oud': 'AAA=', '.voorbereiding.notities': 'AAA=', '.toestemming.sessie': 'AAA=' }
    const check = checkBackup(file({ documents, perspectiefwissel: { phase: 'afgerond', roles: [role('a', 'person:sam', 'Sam')] } }))
    expect(check.ok && Object.keys(check.backup.documents).sort()).toEqual(['', '.rolhouding.a', '.rolkaart.a', '.toestemming.sessie', '.voorbereiding.notities'])
    expect(check.ok && check.leftOut).toEqual(['.rolkaart.oud'])
  })

  it('keeps the live limits of the perspectiefwissel and cleans its texts as the live API does', () => {
    const roles = (count: number) => Array.from({ length: count }, (_, i) => role(`k${i}`, `person:${i}`, `Rol ${i}`))
    const session = (value: unknown) => message(file({ perspectiefwissel: value }))
    expect(session({ phase: 'afgerond', roles: roles(21) })).toBe('De perspectiefwissel in de back-up heeft 21 rollen; dat mogen er 1 tot 20 zijn.')
    expect(session({ phase: 'afgerond', roles: [] })).toMatch(/heeft 0 rollen/)
    expect(session({ phase: 'later', roles: roles(1) })).toBe('De fase van de perspectiefwissel in de back-up is onbekend.')
    expect(session({ phase: 'stilte', roles: [role('k/1', 'p', 'Sam')] })).toBe('Een rolkaart in de back-up heeft een ongeldig id.')
    expect(session({ phase: 'stilte', roles: [role('k1', 'p', 'Sam'), role('k1', 'q', 'Bo')] })).toBe('Een rolkaart komt twee keer voor in de back-up.')
    expect(session({ phase: 'stilte', roles: [role('k1', 'p', 'Sam'), role('k2', 'p', 'Bo')] })).toMatch(/maar één keer een rol/)
    expect(session({ phase: 'stilte', roles: [role('k1', 'p'.repeat(101), 'Sam')] })).toMatch(/geldige betrokkene/)
    expect(session({ phase: 'stilte', roles: [role('k1', 'p', '\u0007 \n')] })).toBe('Een rol in de back-up heeft geen naam.')
    expect(session({ phase: 'stilte', roles: [role('k1', 'p', 'x'.repeat(81))] })).toBe('De naam van een rol in de back-up is langer dan 80 tekens.')
    // Control characters do not count towards the length: they are removed first.
    const cleaned = checkBackup(file({ perspectiefwissel: { phase: 'stilte', roles: [role('k1', 'p', `${'x'.repeat(80)}\u0000\u001f`, ` Jo\u0007ost ${'y'.repeat(100)}`), role('k2', 'q', 'Bo', '\n')] } }))
    expect(cleaned.ok && cleaned.backup.perspectiefwissel).toEqual({
      phase: 'stilte',
      roles: [
        { cardId: 'k1', personId: 'p', label: 'x'.repeat(80), holderName: `Joost ${'y'.repeat(54)}` },
        { cardId: 'k2', personId: 'q', label: 'Bo', holderName: null },
      ],
    })
  })

  it('cleans the agenda as the live API does and refuses one it would refuse', () => {
    const agenda = (value: unknown) => checkBackup(file({ agenda: value }))
    const ok = agenda({ steps: ['\tTijdlijn\u0000', 'Afsluiten'], current: 0 })
    expect(ok.ok && ok.backup.agenda).toEqual({ steps: ['Tijdlijn', 'Afsluiten'], current: 0 })
    for (const bad of [{ steps: 'Tijdlijn', current: 0 }, { steps: ['\u0001'], current: 0 }, { steps: ['x'.repeat(81)], current: null }, { steps: Array(21).fill('stap'), current: null }, { steps: ['a'], current: 1 }]) {
      expect(agenda(bad)).toMatchObject({ ok: false, message: 'De agenda in de back-up is onleesbaar.' })
    }
  })

  it('removes the control characters the live API removes, and the surrounding blanks', () => {
    expect(cleanBackupText(' \u0000a\u001fb\u007fc\td\n ')).toBe('abcd')
    expect(cleanBackupText('Één – ok')).toBe('Één – ok')
  })
})
