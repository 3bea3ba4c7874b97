import { HTMLContainer, Rectangle2d, ShapeUtil, type TLResizeInfo, resizeBox } from 'tldraw'
import { axisTicks, axisWidth } from '@samenbord/shared/werkvormen/tijdlijn/axis'
import { EVENT_CATEGORY_INFO, EVENT_CATEGORIES } from '@samenbord/shared/werkvormen/tijdlijn/categories'
import type { TimelineProps } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { tijdlijnSchema } from '@samenbord/shared/werkvormen/tijdlijn/schema'
import { laneLabel } from '@samenbord/shared/werkvormen/tijdlijn/lanes'
import { axisLineY, TIJDLIJN_TYPE, type TijdlijnShape } from './tijdlijn-shapes.ts'
import { categoryColor } from './colors.ts'

/**
 * The timeline itself: the date axis with two lanes, a legend and the pinned question.
 * Event cards are its children; their place follows from their date and lane (layout.ts).
 */
export class TijdlijnShapeUtil extends ShapeUtil<TijdlijnShape> {
  static override type = TIJDLIJN_TYPE
  static override props = tijdlijnSchema.shapes[TIJDLIJN_TYPE].props
  static override migrations = tijdlijnSchema.shapes[TIJDLIJN_TYPE].migrations

  getDefaultProps(): TimelineProps {
    const year = new Date().getFullYear()
    return {
      w: 1200,
      h: 900,
      title: 'Tijdlijn',
      lanePreset: 'professionals-gezin',
      lanesSwapped: false,
      startYear: year - 5,
      endYear: year + 1,
      pixelsPerYear: 200,
    }
  }

  override canResize() {
    return true
  }
  override canEdit() {
    return false
  }
  override canReceiveNewChildrenOfType(_shape: TijdlijnShape, type: string) {
    return type === 'tijdlijn-kaart' || type === 'tijdlijn-gat'
  }

  override onResize(shape: TijdlijnShape, info: TLResizeInfo<TijdlijnShape>) {
    // Width follows the axis (start/end year and scale); only the height is the user's.
    const resized = resizeBox(shape, info)
    return { ...resized, props: { ...resized.props, w: axisWidth(shape.props) } }
  }

  getGeometry(shape: TijdlijnShape) {
    // Filled, so a click anywhere on the paper selects the timeline (and opens its panel).
    return new Rectangle2d({ width: axisWidth(shape.props), height: shape.props.h, isFilled: true })
  }

  getIndicatorPath(shape: TijdlijnShape) {
    const path = new Path2D()
    path.rect(0, 0, axisWidth(shape.props), shape.props.h)
    return path
  }

  component(shape: TijdlijnShape) {
    const { props } = shape
    const width = axisWidth(props)
    const lineY = axisLineY(shape)
    const ticks = axisTicks(props)
    return (
      <HTMLContainer className="sb-tijdlijn" style={{ width, height: props.h }} aria-label={`Tijdlijn ${props.title}`}>
        <div className="sb-tijdlijn__lane sb-tijdlijn__lane--boven" style={{ height: lineY }}>
          <span className="sb-tijdlijn__lane-label">▲ {laneLabel(props.lanePreset, 'boven', props.lanesSwapped)}</span>
        </div>
        <div className="sb-tijdlijn__lane sb-tijdlijn__lane--onder" style={{ top: lineY, height: props.h - lineY }}>
          <span className="sb-tijdlijn__lane-label sb-tijdlijn__lane-label--onder">
            ▼ {laneLabel(props.lanePreset, 'onder', props.lanesSwapped)}
          </span>
        </div>
        <div className="sb-tijdlijn__axis" style={{ top: lineY }} />
        {ticks.map((tick) => (
          <div
            key={tick.at}
            className={tick.major ? 'sb-tijdlijn__tick sb-tijdlijn__tick--major' : 'sb-tijdlijn__tick'}
            style={{ left: tick.x, top: lineY - (tick.major ? 10 : 5) }}
          >
            <span>{tick.label}</span>
          </div>
        ))}
        <header className="sb-tijdlijn__header">
          <strong>{props.title}</strong>
          <span className="sb-tijdlijn__prompt">Wat zien we? En wat doet dit met ons?</span>
        </header>
        <ul className="sb-tijdlijn__legend" aria-label="Legenda">
          {EVENT_CATEGORIES.map((category) => (
            <li key={category}>
              <span className="sb-swatch" style={{ background: categoryColor(category) }} />
              {EVENT_CATEGORY_INFO[category].label}
            </li>
          ))}
        </ul>
      </HTMLContainer>
    )
  }
}
