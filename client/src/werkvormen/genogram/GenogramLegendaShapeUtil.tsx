import { HTMLContainer, Rectangle2d, ShapeUtil, useEditor, useValue, type TLShape } from 'tldraw'
import { GENOGRAM_LEGENDA_TYPE, genogramSchema } from '@samenbord/shared/werkvormen/genogram/schema'
import { legendFor } from '@samenbord/shared/werkvormen/genogram/layout'
import { relationKindInfo, type RelationType } from '@samenbord/shared/werkvormen/genogram/notation'
import { registryPersons } from '../personen/person-record.ts'
import { genogramRelations, genogramSymbols } from './genogram-actions.ts'
import { dashArray, relationPaths } from './relation-path.ts'

export { GENOGRAM_LEGENDA_TYPE }

declare module 'tldraw' {
  interface TLGlobalShapePropsMap {
    [GENOGRAM_LEGENDA_TYPE]: { w: number; h: number }
  }
}

type LegendShape = TLShape<typeof GENOGRAM_LEGENDA_TYPE>

/** Explains only the symbols and lines this board uses, and updates itself as people draw. */
export class GenogramLegendaShapeUtil extends ShapeUtil<LegendShape> {
  static override type = GENOGRAM_LEGENDA_TYPE
  static override props = genogramSchema.shapes[GENOGRAM_LEGENDA_TYPE].props
  static override migrations = genogramSchema.shapes[GENOGRAM_LEGENDA_TYPE].migrations

  getDefaultProps() {
    return { w: 260, h: 200 }
  }
  override canResize() {
    return false
  }
  getGeometry(shape: LegendShape) {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: true })
  }
  getIndicatorPath(shape: LegendShape) {
    const path = new Path2D()
    path.rect(0, 0, shape.props.w, shape.props.h)
    return path
  }
  component(shape: LegendShape) {
    return <Legend shape={shape} />
  }
}

const SYMBOL_ICONS: Record<string, string> = {
  'symbool:man': '□',
  'symbool:vrouw': '○',
  'symbool:anders': '◇',
  'symbool:index': '◎',
  'symbool:overleden': '☒',
  'symbool:zwangerschap': '△',
  'symbool:miskraam': '●',
  'symbool:tweeling': '⋀',
}

function Legend({ shape }: { shape: LegendShape }) {
  const editor = useEditor()
  const entries = useValue(
    'genogram legend',
    () =>
      legendFor(
        registryPersons(editor).filter((p) => genogramSymbols(editor).some((s) => s.props.personId === p.id)),
        genogramRelations(editor),
        genogramSymbols(editor).map((s) => s.props),
      ),
    [editor]
  )
  return (
    <HTMLContainer className="sb-legenda" style={{ width: shape.props.w, minHeight: shape.props.h }}>
      <strong>Legenda</strong>
      {entries.length === 0 && <p>Nog niets getekend.</p>}
      <ul>
        {entries.map((entry) => {
          const [type, kind] = entry.key.split(':')
          const info = type === 'symbool' ? null : relationKindInfo(type as RelationType, kind)
          return (
            <li key={entry.key}>
              {info ? (
                <svg width={44} height={18} aria-hidden="true">
                  {(() => {
                    const { strokes, marks } = relationPaths(40, 0, info.style, false, 0)
                    return (
                      <g transform="translate(2 9)">
                        {strokes.map((d, i) => (
                          <path key={i} d={d} stroke="#1d1d1d" strokeWidth={2} fill="none" strokeDasharray={dashArray(info.style.dash)} />
                        ))}
                        {marks && <path d={marks} stroke="#1d1d1d" strokeWidth={2} fill="none" />}
                      </g>
                    )
                  })()}
                </svg>
              ) : (
                <span className="sb-legenda__icon" aria-hidden="true">
                  {SYMBOL_ICONS[entry.key] ?? '•'}
                </span>
              )}
              {entry.label}
            </li>
          )
        })}
      </ul>
    </HTMLContainer>
  )
}
