import { Edge2d, SVGContainer, ShapeUtil, Vec } from 'tldraw'
import { relationKindInfo } from '@samenbord/shared/werkvormen/genogram/notation'
import type { RelationProps } from '@samenbord/shared/werkvormen/genogram/relations'
import { genogramSchema } from '@samenbord/shared/werkvormen/genogram/schema'
import { GENOGRAM_RELATIE_TYPE, relationEnd, type GenogramRelatieShape } from './genogram-shapes.ts'
import { dashArray, relationPaths } from './relation-path.ts'
import { paletteColor } from '../ui/colors.ts'

/** Half a person symbol: lines stop at the symbol's edge. */
const SYMBOL_TRIM = 34

/**
 * A line between two people (or from a couple to a child). Its ends follow the people it is
 * anchored to (see GenogramAnkerBindingUtil); its pattern says what kind of relation it is.
 */
export class GenogramRelatieShapeUtil extends ShapeUtil<GenogramRelatieShape> {
  static override type = GENOGRAM_RELATIE_TYPE
  static override props = genogramSchema.shapes[GENOGRAM_RELATIE_TYPE].props
  static override migrations = genogramSchema.shapes[GENOGRAM_RELATIE_TYPE].migrations

  getDefaultProps(): RelationProps {
    return { relationType: 'koppel', kind: 'gehuwd', from: 'person:a', to: 'person:b', twin: false, label: '' }
  }

  override canResize() {
    return false
  }
  override hideRotateHandle() {
    return true
  }
  override hideSelectionBoundsFg() {
    return true
  }
  override canBind() {
    // Child links hang from a couple line.
    return true
  }

  getGeometry(shape: GenogramRelatieShape) {
    const { dx, dy } = relationEnd(shape)
    return new Edge2d({ start: new Vec(0, 0), end: new Vec(dx || 0.01, dy) })
  }

  getIndicatorPath(shape: GenogramRelatieShape) {
    const { dx, dy } = relationEnd(shape)
    const path = new Path2D()
    path.moveTo(0, 0)
    if (shape.props.relationType === 'kind') {
      path.lineTo(0, dy / 2)
      path.lineTo(dx, dy / 2)
    }
    path.lineTo(dx, dy)
    return path
  }

  component(shape: GenogramRelatieShape) {
    const { dx, dy } = relationEnd(shape)
    const info = relationKindInfo(shape.props.relationType, shape.props.kind)
    if (!info) return null
    const elbow = shape.props.relationType === 'kind'
    const { strokes, marks } = relationPaths(dx, dy, info.style, elbow, SYMBOL_TRIM)
    const color = paletteColor(info.style.color)
    return (
      <SVGContainer
        style={{ overflow: 'visible' }}
        aria-label={info.label}
        data-relation={`${shape.props.relationType}:${shape.props.kind}`}
      >
        <g>
          {strokes.map((d, i) => (
            <path key={i} d={d} fill="none" stroke={color} strokeWidth={3} strokeDasharray={dashArray(info.style.dash)} strokeLinecap="round" />
          ))}
          {marks && <path d={marks} fill="none" stroke={color} strokeWidth={3} strokeLinecap="round" />}
          {shape.props.twin && <circle cx={dx} cy={dy / 2} r={5} fill={color} />}
          {shape.props.label && (
            <text x={dx / 2} y={elbow ? dy / 2 - 8 : dy / 2 - 10} textAnchor="middle" fontSize={16} fill={color} fontFamily="IBM Plex Sans, sans-serif">
              {shape.props.label}
            </text>
          )}
        </g>
      </SVGContainer>
    )
  }
}
