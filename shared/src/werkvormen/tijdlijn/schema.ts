/**
 * The tijdlijn on the board: the timeline, its moment cards and its "informatie ontbreekt" gaps,
 * as tldraw shapes. Type ids, prop validators (from events.ts), Dutch labels and migrations live
 * here once, for the client's ShapeUtils and the relay's record guard alike.
 *
 * Changing a prop: add a step at the end of that shape's sequence (a new id in its
 * `…MigrationIds`, `up` turns the old props into the new, `down` back), never edit a released step.
 */
import { createShapePropsMigrationIds, createShapePropsMigrationSequence } from '@tldraw/tlschema'
import type { WerkvormSchema } from '../werkvorm-schema.ts'
import { EVENT_FIELD_LABELS, GAP_FIELD_LABELS, TIMELINE_FIELD_LABELS, timelineEventProps, timelineGapProps, timelineProps } from './events.ts'

export const TIJDLIJN_TYPE = 'tijdlijn'
export const TIJDLIJN_KAART_TYPE = 'tijdlijn-kaart'
export const TIJDLIJN_GAT_TYPE = 'tijdlijn-gat'

export const tijdlijnMigrations = createShapePropsMigrationSequence({ sequence: [] })

export const tijdlijnKaartMigrationIds = createShapePropsMigrationIds(TIJDLIJN_KAART_TYPE, {
  AddSourceDetail: 1,
})

export const tijdlijnKaartMigrations = createShapePropsMigrationSequence({
  sequence: [
    {
      id: tijdlijnKaartMigrationIds.AddSourceDetail,
      // Kept when present: a record may already carry it when its writer's schema was newer.
      up: (props: { sourceDetail?: string }) => {
        if (typeof props.sourceDetail !== 'string') props.sourceDetail = ''
      },
      down: (props: { sourceDetail?: string }) => {
        delete props.sourceDetail
      },
    },
  ],
})

export const tijdlijnGatMigrations = createShapePropsMigrationSequence({ sequence: [] })

export const tijdlijnSchema = {
  name: 'tijdlijn',
  shapes: {
    [TIJDLIJN_TYPE]: { props: timelineProps, migrations: tijdlijnMigrations, labels: TIMELINE_FIELD_LABELS },
    [TIJDLIJN_KAART_TYPE]: { props: timelineEventProps, migrations: tijdlijnKaartMigrations, labels: EVENT_FIELD_LABELS },
    [TIJDLIJN_GAT_TYPE]: { props: timelineGapProps, migrations: tijdlijnGatMigrations, labels: GAP_FIELD_LABELS },
  },
} satisfies WerkvormSchema
