import type { Editor } from 'tldraw'
import { personRecordInfo } from './personen/person-record.ts'
import { registerTimelineLayout } from './tijdlijn/timeline-layout.ts'
import { TijdlijnKaartShapeUtil } from './tijdlijn/TijdlijnKaartShapeUtil.tsx'
import { TijdlijnShapeUtil } from './tijdlijn/TijdlijnShapeUtil.tsx'

/** Everything the werkvormen add to tldraw: shapes, custom records, and the behaviour that ties them together. */
export const werkvormShapeUtils = [TijdlijnShapeUtil, TijdlijnKaartShapeUtil]
export const werkvormRecords = { person: personRecordInfo }

export function registerWerkvormBehaviour(editor: Editor): () => void {
  const disposers = [registerTimelineLayout(editor)]
  return () => disposers.forEach((dispose) => dispose())
}

export { WerkvormenPanel } from './WerkvormenPanel.tsx'
