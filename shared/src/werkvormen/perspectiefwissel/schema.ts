/**
 * The perspectiefwissel's part of the board: one `handelingsalternatief` custom record per action
 * alternative (the role cards are documents of their own, see docs/document-layout.md). Its type
 * id, validator (alternatives.ts), Dutch labels and migrations live here once, for the client's
 * store and the relay's record guard alike.
 *
 * Changing a field: add a step at the end of `actionAlternativeMigrations`, never edit a released step.
 */
import { createCustomRecordMigrationSequence } from '@tldraw/tlschema'
import type { WerkvormSchema } from '../werkvorm-schema.ts'
import { ACTION_ALTERNATIVE_FIELD_LABELS, ACTION_ALTERNATIVE_RECORD_TYPE, actionAlternativeRecordValidator } from './alternatives.ts'

export const actionAlternativeMigrations = createCustomRecordMigrationSequence({ sequence: [] })

export const perspectiefwisselSchema = {
  name: 'perspectiefwissel',
  records: {
    [ACTION_ALTERNATIVE_RECORD_TYPE]: {
      scope: 'document',
      validator: actionAlternativeRecordValidator,
      migrations: actionAlternativeMigrations,
      labels: ACTION_ALTERNATIVE_FIELD_LABELS,
    },
  },
} satisfies WerkvormSchema
