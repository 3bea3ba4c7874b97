import { HTMLContainer, Rectangle2d, ShapeUtil, useEditor, useValue } from 'tldraw'
import { EPISTEMIC_TAG_LABELS, EVENT_CATEGORY_INFO, SOURCE_ORIGIN_LABELS, SOURCE_SIDE_LABELS } from '@samenbord/shared/werkvormen/tijdlijn/categories'
import { resolveDate } from '@samenbord/shared/werkvormen/tijdlijn/dates'
import { newEventProps, type TimelineEventProps } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { tijdlijnSchema } from '@samenbord/shared/werkvormen/tijdlijn/schema'
import { findPerson } from '@samenbord/shared/werkvormen/personen/person'
import { registryPersons } from '../personen/person-record.ts'
import { categoryColor } from './colors.ts'
import { TIJDLIJN_KAART_TYPE, type TijdlijnKaartShape } from './tijdlijn-shapes.ts'

/** One moment on the timeline. Its position is derived from date and lane; edit it in the side panel. */
export class TijdlijnKaartShapeUtil extends ShapeUtil<TijdlijnKaartShape> {
  static override type = TIJDLIJN_KAART_TYPE
  static override props = tijdlijnSchema.shapes[TIJDLIJN_KAART_TYPE].props
  static override migrations = tijdlijnSchema.shapes[TIJDLIJN_KAART_TYPE].migrations

  getDefaultProps(): TimelineEventProps {
    return newEventProps({
      date: { kind: 'year', year: new Date().getFullYear() },
      category: 'gezinsgebeurtenis',
      tag: 'feit',
      source: { personId: null, side: 'gezin', origin: 'live' },
      text: '',
      lane: 'onder',
    })
  }

  override canResize() {
    return false
  }
  override hideRotateHandle() {
    return true
  }

  getGeometry(shape: TijdlijnKaartShape) {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: true })
  }

  getIndicatorPath(shape: TijdlijnKaartShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, 8)
    return path
  }

  component(shape: TijdlijnKaartShape) {
    return <EventCard shape={shape} />
  }
}

function EventCard({ shape }: { shape: TijdlijnKaartShape }) {
  const editor = useEditor()
  const { props } = shape
  const persons = useValue('persons', () => registryPersons(editor), [editor])
  const resolved = resolveDate(props.date, persons)
  const source = findPerson(persons, props.source.personId)
  const category = EVENT_CATEGORY_INFO[props.category]
  const counterOf = props.counterOf ? editor.getShape(props.counterOf as TijdlijnKaartShape['id']) : undefined
  return (
    <HTMLContainer
      className={`sb-kaart sb-kaart--${props.tag}${props.contested ? ' sb-kaart--betwist' : ''}`}
      style={{ width: props.w, height: props.h, borderTopColor: categoryColor(props.category) }}
      data-category={props.category}
    >
      <div className="sb-kaart__meta">
        <span className="sb-kaart__date">{resolved.ok ? resolved.label : '⚠ datum onbekend'}</span>
        <span className="sb-kaart__tag">{EPISTEMIC_TAG_LABELS[props.tag]}</span>
      </div>
      <div className="sb-kaart__category">{category.label}</div>
      <p className="sb-kaart__text">{props.text || <em>(nog geen tekst)</em>}</p>
      <div className="sb-kaart__source">
        {source ? source.name : SOURCE_SIDE_LABELS[props.source.side]} · {SOURCE_ORIGIN_LABELS[props.source.origin]}
        {props.sourceDetail && ` · ${props.sourceDetail}`}
      </div>
      <div className="sb-kaart__flags">
        {props.cruciaal && <span title={`Cruciaal moment, benoemd door ${props.cruciaal.namedBy}`}>★ cruciaal ({props.cruciaal.namedBy})</span>}
        {props.omslagpunt && <span title={`Omslagpunt, benoemd door ${props.omslagpunt.namedBy}`}>↻ omslagpunt ({props.omslagpunt.namedBy})</span>}
        {props.contested && <span title={props.contested.counterStatement}>⚑ betwist door {props.contested.by}</span>}
        {counterOf && <span>↩ tegenstem</span>}
      </div>
    </HTMLContainer>
  )
}
