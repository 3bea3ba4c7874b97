import { createShapeId, toRichText, type Editor, type TLShape } from 'tldraw'
import type { Person } from '@samenbord/shared/werkvormen/personen/person'
import { registryPersons } from '../personen/person-record.ts'
import { GENOGRAM_PERSOON_TYPE, GENOGRAM_RELATIE_TYPE, type GenogramPersoonShape, type GenogramRelatieShape } from './genogram-shapes.ts'

/**
 * How the geno-sociogram is shown to everyone (kept in the document, so the facilitator's
 * switch changes every screen):
 * - alles: family, network and professionals
 * - gezin: professionals hidden (the family's own picture)
 * - krachtenveld: the field of forces around stuck collaboration: the index person, network and
 *   professionals, and only the ecomap lines between them.
 */
export const GENOGRAM_VIEWS = ['alles', 'gezin', 'krachtenveld'] as const
export type GenogramView = (typeof GENOGRAM_VIEWS)[number]
export const GENOGRAM_VIEW_LABELS: Record<GenogramView, string> = {
  alles: 'Iedereen',
  gezin: 'Zonder professionals',
  krachtenveld: 'Krachtenveld',
}

export function genogramView(editor: Editor): GenogramView {
  const view = (editor.getDocumentSettings().meta as { genogramView?: unknown }).genogramView
  return GENOGRAM_VIEWS.includes(view as GenogramView) ? (view as GenogramView) : 'alles'
}

export function setGenogramView(editor: Editor, view: GenogramView) {
  editor.updateDocumentSettings({ meta: { ...editor.getDocumentSettings().meta, genogramView: view } })
}

function personVisible(view: GenogramView, person: Person | undefined, isIndex: boolean): boolean {
  if (!person || view === 'alles') return true
  if (view === 'gezin') return person.kind !== 'professional'
  return isIndex || person.kind !== 'gezin'
}

/** For tldraw's `getShapeVisibility`. */
export function genogramVisibility(shape: TLShape, editor: Editor): 'hidden' | 'inherit' {
  if (shape.type !== GENOGRAM_PERSOON_TYPE && shape.type !== GENOGRAM_RELATIE_TYPE) return 'inherit'
  const view = genogramView(editor)
  if (view === 'alles') return 'inherit'
  const persons = new Map(registryPersons(editor).map((p) => [p.id, p]))
  const symbolsByPerson = new Map(
    editor
      .getCurrentPageShapes()
      .filter((s): s is GenogramPersoonShape => s.type === GENOGRAM_PERSOON_TYPE)
      .map((s) => [s.props.personId, s])
  )
  const visible = (personId: string) => personVisible(view, persons.get(personId), !!symbolsByPerson.get(personId)?.props.isIndex)
  if (shape.type === GENOGRAM_PERSOON_TYPE) return visible((shape as GenogramPersoonShape).props.personId) ? 'inherit' : 'hidden'
  const relation = (shape as GenogramRelatieShape).props
  if (view === 'krachtenveld' && relation.relationType !== 'ecomap') return 'hidden'
  const fromVisible = relation.relationType === 'kind' ? true : visible(relation.from)
  return fromVisible && visible(relation.to) ? 'inherit' : 'hidden'
}

/** A dashed outline around the selected people, labelled as one household. */
export function outlineHousehold(editor: Editor, symbols: GenogramPersoonShape[]) {
  const bounds = editor.getShapesPageBounds(symbols.map((s) => s.id))
  if (!bounds) return
  const id = createShapeId()
  editor.run(() => {
    editor.createShape({
      id,
      type: 'geo',
      x: bounds.minX - 30,
      y: bounds.minY - 50,
      props: { geo: 'rectangle', w: bounds.width + 60, h: bounds.height + 80, dash: 'dashed', color: 'grey', fill: 'none', size: 's', richText: toRichText('Huishouden'), verticalAlign: 'start', align: 'start' },
    })
    editor.sendToBack([id])
  })
}
