/**
 * Themaclusters on the board: the cluster frame shape and one `stem` custom record per voter.
 * Type ids, validators, Dutch labels and migrations live here once, for the client's ShapeUtil and
 * store and the relay's record guard alike.
 *
 * Changing a prop or field: add a step at the end of its sequence, never edit a released step.
 */
import { T } from '@tldraw/validate'
import { createCustomRecordMigrationSequence, createShapePropsMigrationSequence } from '@tldraw/tlschema'
import type { WerkvormSchema } from '../werkvorm-schema.ts'
import { clusterFrameProps } from './clusters.ts'

export const THEMACLUSTER_TYPE = 'themacluster'
export const VOTE_RECORD_TYPE = 'stem'

/** Most dots one voter may put on one note (the per-board budget is usually far lower). */
export const MAX_DOTS_PER_NOTE = 50

/**
 * One voter's dots (`stem:<voter>` → { note id: dots }); each voter writes only their own record,
 * so simultaneous votes never overwrite each other.
 */
export const voteRecordValidator = T.object({
  id: T.string,
  typeName: T.literal(VOTE_RECORD_TYPE),
  voterName: T.string,
  dots: T.dict(
    T.string,
    T.number.check((n) => {
      if (!Number.isInteger(n) || n < 0 || n > MAX_DOTS_PER_NOTE) throw new T.ValidationError('Ongeldig aantal stippen')
    })
  ),
})

export const themaclusterMigrations = createShapePropsMigrationSequence({ sequence: [] })
export const voteMigrations = createCustomRecordMigrationSequence({ sequence: [] })

export const themaclustersSchema = {
  name: 'themaclusters',
  shapes: {
    [THEMACLUSTER_TYPE]: { props: clusterFrameProps, migrations: themaclusterMigrations, labels: { feeling: 'gevoel', need: 'behoefte' } },
  },
  records: {
    [VOTE_RECORD_TYPE]: { scope: 'document', validator: voteRecordValidator, migrations: voteMigrations, labels: { dots: 'stippen', voterName: 'naam' } },
  },
} satisfies WerkvormSchema
