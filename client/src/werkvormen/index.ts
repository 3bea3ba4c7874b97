import { createTLStore, defaultBindingUtils, defaultShapeUtils, type Editor, type TLShape, type TLStore } from 'tldraw'
import { ThemaclusterShapeUtil } from './themaclusters/ThemaclusterShapeUtil.tsx'
import { werkvormRecordSchemas } from '@samenbord/shared/board-schema'
import { registerTimelineLayout } from './tijdlijn/timeline-layout.ts'
import { registerKeepContested } from './tijdlijn/keep-contested.ts'
import { TijdlijnKaartShapeUtil } from './tijdlijn/TijdlijnKaartShapeUtil.tsx'
import { TijdlijnShapeUtil } from './tijdlijn/TijdlijnShapeUtil.tsx'
import { TijdlijnGatShapeUtil } from './tijdlijn/TijdlijnGatShapeUtil.tsx'
import { GenogramAnkerBindingUtil } from './genogram/GenogramAnkerBindingUtil.ts'
import { GenogramLegendaShapeUtil } from './genogram/GenogramLegendaShapeUtil.tsx'
import { GenogramPersoonShapeUtil } from './genogram/GenogramPersoonShapeUtil.tsx'
import { GenogramRelatieShapeUtil } from './genogram/GenogramRelatieShapeUtil.tsx'

/** Everything the werkvormen add to tldraw: shapes, custom records, and the behaviour that ties them together. */
export const werkvormShapeUtils = [
  TijdlijnShapeUtil,
  TijdlijnKaartShapeUtil,
  TijdlijnGatShapeUtil,
  GenogramPersoonShapeUtil,
  GenogramRelatieShapeUtil,
  GenogramLegendaShapeUtil,
  ThemaclusterShapeUtil,
]
export const werkvormBindingUtils = [GenogramAnkerBindingUtil]
/** Custom records (person registry, votes, handelingsalternatieven): validated and migrated as the relay does. */
export const werkvormRecords = werkvormRecordSchemas

type BoardStoreOptions = Pick<NonNullable<Parameters<typeof createTLStore>[0]>, 'assets' | 'users' | 'collaboration'>

/**
 * A store with the board's schema: tldraw's shapes and bindings plus the werkvormen, with the
 * same validators and migrations the relay's record guard uses (shared/src/board-schema.ts).
 */
export function createBoardStore(options: BoardStoreOptions = {}): TLStore {
  return createTLStore({
    shapeUtils: [...defaultShapeUtils, ...werkvormShapeUtils],
    bindingUtils: [...defaultBindingUtils, ...werkvormBindingUtils],
    records: werkvormRecords,
    ...options,
  })
}

export function registerWerkvormBehaviour(editor: Editor): () => void {
  const disposers = [registerTimelineLayout(editor), registerKeepContested(editor)]
  return () => disposers.forEach((dispose) => dispose())
}

export { WerkvormenPanel } from './WerkvormenPanel.tsx'
import { timelineCardVisibility } from './tijdlijn/timeline-filter.ts'
import { genogramVisibility } from './genogram/genogram-view.ts'

/** Which shapes this screen shows: the personal timeline filter and the shared genogram view. */
export function werkvormVisibility(shape: TLShape, editor: Editor): 'visible' | 'hidden' | 'inherit' {
  const timeline = timelineCardVisibility(shape, editor)
  return timeline === 'hidden' ? 'hidden' : genogramVisibility(shape, editor)
}
