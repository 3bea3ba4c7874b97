import type { Editor } from 'tldraw'
import { ThemaclusterShapeUtil } from './themaclusters/ThemaclusterShapeUtil.tsx'
import { werkvormRecordValidators } from '@samenbord/shared/board-schema'
import { registerTimelineLayout } from './tijdlijn/timeline-layout.ts'
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
/** Custom records (person registry, votes), validated by the same rules the relay applies. */
export const werkvormRecords = werkvormRecordValidators

export function registerWerkvormBehaviour(editor: Editor): () => void {
  const disposers = [registerTimelineLayout(editor)]
  return () => disposers.forEach((dispose) => dispose())
}

export { WerkvormenPanel } from './WerkvormenPanel.tsx'
export { timelineCardVisibility } from './tijdlijn/timeline-filter.ts'
