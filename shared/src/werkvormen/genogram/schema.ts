/**
 * The geno-sociogram on the board: person symbols, relation lines, the legend and the anchor
 * binding that keeps a line's ends on its symbols. Type ids, prop validators, Dutch labels and
 * migrations live here once, for the client's ShapeUtils and the relay's record guard alike.
 *
 * Changing a prop: add a step at the end of that type's sequence, never edit a released step.
 */
import { T } from '@tldraw/validate'
import { createBindingPropsMigrationSequence, createShapePropsMigrationSequence } from '@tldraw/tlschema'
import type { WerkvormSchema } from '../werkvorm-schema.ts'
import { RELATION_FIELD_LABELS, personSymbolProps, relationProps } from './relations.ts'

export const GENOGRAM_PERSOON_TYPE = 'genogram-persoon'
export const GENOGRAM_RELATIE_TYPE = 'genogram-relatie'
export const GENOGRAM_LEGENDA_TYPE = 'genogram-legenda'
export const GENOGRAM_ANKER_TYPE = 'genogram-anker'

/** The legend only needs a size; what it shows is derived from the board. */
export const genogramLegendProps = { w: T.positiveNumber, h: T.positiveNumber }

/** Which end of a relation line a genogram anchor binding holds. */
export const genogramAnchorProps = { terminal: T.literalEnum('start', 'end') }

export const genogramPersoonMigrations = createShapePropsMigrationSequence({ sequence: [] })
export const genogramRelatieMigrations = createShapePropsMigrationSequence({ sequence: [] })
export const genogramLegendaMigrations = createShapePropsMigrationSequence({ sequence: [] })
export const genogramAnkerMigrations = createBindingPropsMigrationSequence({ sequence: [] })

export const genogramSchema = {
  name: 'genogram',
  shapes: {
    [GENOGRAM_PERSOON_TYPE]: {
      props: personSymbolProps,
      migrations: genogramPersoonMigrations,
      labels: { personId: 'persoon', isIndex: 'aangemelde persoon', variant: 'symbool' },
    },
    [GENOGRAM_RELATIE_TYPE]: { props: relationProps, migrations: genogramRelatieMigrations, labels: RELATION_FIELD_LABELS },
    [GENOGRAM_LEGENDA_TYPE]: { props: genogramLegendProps, migrations: genogramLegendaMigrations, labels: {} },
  },
  bindings: {
    [GENOGRAM_ANKER_TYPE]: { props: genogramAnchorProps, migrations: genogramAnkerMigrations, labels: { terminal: 'uiteinde' } },
  },
} satisfies WerkvormSchema
