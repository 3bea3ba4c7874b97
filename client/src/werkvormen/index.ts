import type { Editor, TLShape } from 'tldraw'
import { ThemaclusterShapeUtil } from './themaclusters/ThemaclusterShapeUtil.tsx'
import { werkvormRecordValidators } from '@samenbord/shared/board-schema'
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
/** Custom records (person registry, votes), validated by the same rules the relay applies. */
export const werkvormRecords = werkvormRecordValidators

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
