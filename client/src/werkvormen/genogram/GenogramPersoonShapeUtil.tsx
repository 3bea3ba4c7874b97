import { HTMLContainer, Rectangle2d, ShapeUtil, useEditor, useValue } from 'tldraw'
import { ageOf, findPerson } from '@samenbord/shared/werkvormen/personen/person'
import { symbolFor, type PersonSymbol } from '@samenbord/shared/werkvormen/genogram/notation'
import type { PersonSymbolProps } from '@samenbord/shared/werkvormen/genogram/relations'
import { genogramSchema } from '@samenbord/shared/werkvormen/genogram/schema'
import { registryPersons } from '../personen/person-record.ts'
import { GENOGRAM_PERSOON_TYPE, NAME_HEIGHT, type GenogramPersoonShape } from './genogram-shapes.ts'

/** A person in the geno-sociogram, drawn after the McGoldrick conventions from the registry entry. */
export class GenogramPersoonShapeUtil extends ShapeUtil<GenogramPersoonShape> {
  static override type = GENOGRAM_PERSOON_TYPE
  static override props = genogramSchema.shapes[GENOGRAM_PERSOON_TYPE].props
  static override migrations = genogramSchema.shapes[GENOGRAM_PERSOON_TYPE].migrations

  getDefaultProps(): PersonSymbolProps {
    return { personId: 'person:onbekend', w: 64, h: 64, isIndex: false, variant: 'persoon' }
  }

  override canResize() {
    return false
  }
  override hideRotateHandle() {
    return true
  }
  override canBind() {
    return true
  }

  getGeometry(shape: GenogramPersoonShape) {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h + NAME_HEIGHT, isFilled: true })
  }

  getIndicatorPath(shape: GenogramPersoonShape) {
    const path = new Path2D()
    path.rect(0, 0, shape.props.w, shape.props.h + NAME_HEIGHT)
    return path
  }

  component(shape: GenogramPersoonShape) {
    return <PersonSymbolView shape={shape} />
  }
}

function PersonSymbolView({ shape }: { shape: GenogramPersoonShape }) {
  const editor = useEditor()
  const person = useValue('person', () => findPerson(registryPersons(editor), shape.props.personId), [editor, shape.props.personId])
  const { w, h } = shape.props
  const symbol = symbolFor(person ?? { gender: 'onbekend', deceased: false }, shape.props.variant, shape.props.isIndex)
  const age = person ? ageOf(person, new Date().getFullYear()) : null
  return (
    <HTMLContainer className="sb-genogram-persoon" style={{ width: w, height: h + NAME_HEIGHT }}>
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true">
        <SymbolPath symbol={symbol} w={w} h={h} inset={4} professional={person?.kind === 'professional'} />
        {symbol.doubleOutline && <SymbolPath symbol={symbol} w={w} h={h} inset={10} />}
        {symbol.cross && (
          <path d={`M4 4 L${w - 4} ${h - 4} M${w - 4} 4 L4 ${h - 4}`} stroke="#1d1d1d" strokeWidth={2.5} />
        )}
        {age !== null && symbol.shape !== 'dot' && symbol.shape !== 'triangle' && (
          <text x={w / 2} y={h / 2 + 7} textAnchor="middle" fontSize={20} fontWeight={700} fill="#1d1d1d">
            {age}
          </text>
        )}
      </svg>
      <div className="sb-genogram-persoon__name">
        {person ? person.name : '?'}
        {person?.relation && <span> · {person.relation}</span>}
      </div>
    </HTMLContainer>
  )
}

function SymbolPath({ symbol, w, h, inset, professional }: { symbol: PersonSymbol; w: number; h: number; inset: number; professional?: boolean }) {
  const stroke = '#1d1d1d'
  const fill = symbol.filled ? stroke : professional ? '#e8f0fb' : '#ffffff'
  const common = { stroke, strokeWidth: 3, fill }
  const [x0, y0, x1, y1] = [inset, inset, w - inset, h - inset]
  switch (symbol.shape) {
    case 'square':
      return <rect x={x0} y={y0} width={x1 - x0} height={y1 - y0} {...common} />
    case 'circle':
      return <ellipse cx={w / 2} cy={h / 2} rx={(x1 - x0) / 2} ry={(y1 - y0) / 2} {...common} />
    case 'diamond':
      return <polygon points={`${w / 2},${y0} ${x1},${h / 2} ${w / 2},${y1} ${x0},${h / 2}`} {...common} />
    case 'triangle':
      return <polygon points={`${w / 2},${y0} ${x1},${y1} ${x0},${y1}`} {...common} />
    case 'dot':
      return <circle cx={w / 2} cy={h / 2} r={Math.min(w, h) / 5} {...common} />
  }
}
