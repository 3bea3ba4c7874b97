import type { Editor } from 'tldraw'
import { personRecordInfo } from './personen/person-record.ts'
import { registerTimelineLayout } from './tijdlijn/timeline-layout.ts'
import { TijdlijnKaartShapeUtil } from './tijdlijn/TijdlijnKaartShapeUtil.tsx'
import { TijdlijnShapeUtil } from './tijdlijn/TijdlijnShapeUtil.tsx'
import { GenogramAnkerBindingUtil } from './genogram/GenogramAnkerBindingUtil.ts'
import { GenogramLegendaShapeUtil } from './genogram/GenogramLegendaShapeUtil.tsx'
import { GenogramPersoonShapeUtil } from './genogram/GenogramPersoonShapeUtil.tsx'
import { GenogramRelatieShapeUtil } from './genogram/GenogramRelatieShapeUtil.tsx'

/** Everything the werkvormen add to tldraw: shapes, custom records, and the behaviour that ties them together. */
export const werkvormShapeUtils = [
  TijdlijnShapeUtil,
  TijdlijnKaartShapeUtil,
  GenogramPersoonShapeUtil,
  GenogramRelatieShapeUtil,
  GenogramLegendaShapeUtil,
]
export const werkvormBindingUtils = [GenogramAnkerBindingUtil]
export const werkvormRecords = { person: personRecordInfo }

export function registerWerkvormBehaviour(editor: Editor): () => void {
  const disposers = [registerTimelineLayout(editor)]
  return () => disposers.forEach((dispose) => dispose())
}

export { WerkvormenPanel } from './WerkvormenPanel.tsx'
