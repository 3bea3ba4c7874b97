import { HTMLContainer, Rectangle2d, ShapeUtil, useEditor, useValue, type TLShape } from 'tldraw'
import { resolveDate } from '@samenbord/shared/werkvormen/tijdlijn/dates'
import type { TimelineGapProps } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { TIJDLIJN_GAT_TYPE, tijdlijnSchema } from '@samenbord/shared/werkvormen/tijdlijn/schema'
import { registryPersons } from '../personen/person-record.ts'

export { TIJDLIJN_GAT_TYPE }

declare module 'tldraw' {
  interface TLGlobalShapePropsMap {
    [TIJDLIJN_GAT_TYPE]: TimelineGapProps
  }
}

export type TijdlijnGatShape = TLShape<typeof TIJDLIJN_GAT_TYPE>

/**
 * "Informatie ontbreekt": a stretch of the timeline the team knows little about, shown as an
 * empty band across both lanes, so the gap itself becomes something to talk about.
 */
export class TijdlijnGatShapeUtil extends ShapeUtil<TijdlijnGatShape> {
  static override type = TIJDLIJN_GAT_TYPE
  static override props = tijdlijnSchema.shapes[TIJDLIJN_GAT_TYPE].props
  static override migrations = tijdlijnSchema.shapes[TIJDLIJN_GAT_TYPE].migrations

  getDefaultProps(): TimelineGapProps {
    const year = new Date().getFullYear()
    return { w: 200, h: 900, from: { kind: 'year', year: year - 2 }, to: { kind: 'year', year: year - 1 }, note: '', namedBy: '' }
  }
  override canResize() {
    return false
  }
  override hideRotateHandle() {
    return true
  }
  getGeometry(shape: TijdlijnGatShape) {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: true })
  }
  getIndicatorPath(shape: TijdlijnGatShape) {
    const path = new Path2D()
    path.rect(0, 0, shape.props.w, shape.props.h)
    return path
  }
  component(shape: TijdlijnGatShape) {
    return <Gap shape={shape} />
  }
}

function Gap({ shape }: { shape: TijdlijnGatShape }) {
  const editor = useEditor()
  const persons = useValue('persons', () => registryPersons(editor), [editor])
  const from = resolveDate(shape.props.from, persons)
  const to = resolveDate(shape.props.to, persons)
  return (
    <HTMLContainer className="sb-gat" style={{ width: shape.props.w, height: shape.props.h }} data-testid="tijdlijn-gat">
      <div className="sb-gat__label">
        <strong>? Informatie ontbreekt</strong>
        <span>
          {from.ok ? from.label : '…'} – {to.ok ? to.label : '…'}
        </span>
        {shape.props.note && <span>{shape.props.note}</span>}
        {shape.props.namedBy && <em>benoemd door {shape.props.namedBy}</em>}
      </div>
    </HTMLContainer>
  )
}
