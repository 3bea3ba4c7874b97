import { describe, expect, it } from 'vitest'
import { BACKUP_FORMAT, BACKUP_UPGRADERS, BACKUP_VERSION, FIRST_BACKUP_VERSION, checkBackup, upgradeBackup, type BackupUpgrader } from './backup.ts'

/** A board as version 1 writes it (the documents' content is not this check's business). */
const versionOne = {
  format: BACKUP_FORMAT,
  version: 1,
  board: { id: 'AbCdEfGhIjKlMnOpQrStUv', title: 'Casus Sam', createdAt: '2026-01-05T10:00:00.000Z' },
  exportedAt: '2026-01-05T11:00:00.000Z',
  documents: { '': 'AAA=' },
  perspectiefwissel: null,
}

/**
 * A made-up version 0, as an early draft of the format might have been: the title beside the
 * board id, the main document under `board` instead of `''`. Its upgrader to 1 reshapes only that.
 */
const versionZero = {
  format: BACKUP_FORMAT,
  version: 0,
  boardId: 'AbCdEfGhIjKlMnOpQrStUv',
  title: 'Casus Sam',
  documents: { board: 'AAA=' },
}
const zeroToOne: BackupUpgrader = {
  from: 0,
  upgrade(file) {
    const { boardId, title, documents, ...rest } = file
    const { board, ...others } = (documents ?? {}) as Record<string, unknown>
    return { ...rest, board: { id: boardId, title, createdAt: '' }, documents: { '': board, ...others }, perspectiefwissel: null }
  },
}

describe('back-up upgrade path', () => {
  it('has an upgrader from every earlier version to the next', () => {
    for (let from = FIRST_BACKUP_VERSION; from < BACKUP_VERSION; from++) {
      expect(BACKUP_UPGRADERS.filter((upgrader) => upgrader.from === from), `upgraders from version ${from}`).toHaveLength(1)
    }
    expect(BACKUP_UPGRADERS.every((upgrader) => upgrader.from >= FIRST_BACKUP_VERSION && upgrader.from < BACKUP_VERSION)).toBe(true)
  })

  it('leaves a current file as it is', () => {
    expect(upgradeBackup(versionOne)).toEqual({ ok: true, file: versionOne })
    const checked = checkBackup(versionOne)
    expect(checked.ok && checked.backup.version).toBe(BACKUP_VERSION)
  })

  it('reads an older file through its upgraders before the check, as the current version', () => {
    const options = { upgraders: [zeroToOne], firstVersion: 0, version: 1 }
    const checked = checkBackup(versionZero, options)
    if (!checked.ok) throw new Error(checked.message)
    expect(checked.backup).toMatchObject({ version: 1, board: { id: 'AbCdEfGhIjKlMnOpQrStUv', title: 'Casus Sam' }, documents: { '': 'AAA=' }, perspectiefwissel: null })
    // Upgraded files get the same checks as current ones.
    expect(checkBackup({ ...versionZero, documents: { board: 'niet base64!' } }, options)).toMatchObject({ ok: false, status: 422, message: expect.stringMatching(/geen geldige base64/) })
  })

  it('runs each step in turn, and refuses a file it has no step for or whose step fails', () => {
    const oneToTwo: BackupUpgrader = { from: 1, upgrade: (file) => ({ ...file, agenda: { steps: ['Tijdlijn'], current: null } }) }
    const upgraded = upgradeBackup(versionZero, [oneToTwo, zeroToOne], 2)
    expect(upgraded).toMatchObject({ ok: true, file: { version: 2, board: { title: 'Casus Sam' }, agenda: { steps: ['Tijdlijn'] } } })
    expect(upgradeBackup(versionZero, [oneToTwo], 2)).toEqual({ ok: false, message: 'Back-ups met bestandsversie 0 kan deze server niet meer lezen.' })
    const broken: BackupUpgrader = {
      from: 0,
      upgrade() {
        throw new TypeError('kapot')
      },
    }
    expect(checkBackup(versionZero, { upgraders: [broken], firstVersion: 0, version: 1 })).toEqual({ ok: false, status: 422, message: 'De back-up kon niet van bestandsversie 0 naar 1 worden bijgewerkt.' })
    // Before the first version there is nothing to read; after ours neither.
    expect(checkBackup(versionZero)).toMatchObject({ ok: false, message: 'De back-up heeft geen geldig versienummer.' })
    expect(checkBackup({ ...versionOne, version: BACKUP_VERSION + 1 })).toMatchObject({ ok: false, message: expect.stringMatching(/nieuwere versie van Samenbord/) })
  })
})
