import { computed, createShapeId, toRichText, type Computed, type Editor, type TLShape } from 'tldraw'
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

/** Persons hidden by the current view, derived once per change of view, registry or symbols (not per shape). */
const hiddenPersonsByEditor = new WeakMap<Editor, Computed<{ view: GenogramView; hidden: ReadonlySet<string> }>>()

function hiddenPersons(editor: Editor) {
  let derived = hiddenPersonsByEditor.get(editor)
  if (!derived) {
    derived = computed('genogram hidden persons', () => {
      const view = genogramView(editor)
      const hidden = new Set<string>()
      if (view === 'alles') return { view, hidden }
      const indexPersons = new Set(
        editor
          .getCurrentPageShapes()
          .filter((s): s is GenogramPersoonShape => s.type === GENOGRAM_PERSOON_TYPE && s.props.isIndex)
          .map((s) => s.props.personId)
      )
      for (const person of registryPersons(editor)) {
        if (!personVisible(view, person, indexPersons.has(person.id))) hidden.add(person.id)
      }
      return { view, hidden }
    })
    hiddenPersonsByEditor.set(editor, derived)
  }
  return derived.get()
}

/** For tldraw's `getShapeVisibility`. */
export function genogramVisibility(shape: TLShape, editor: Editor): 'hidden' | 'inherit' {
  if (shape.type !== GENOGRAM_PERSOON_TYPE && shape.type !== GENOGRAM_RELATIE_TYPE) return 'inherit'
  const { view, hidden } = hiddenPersons(editor)
  if (view === 'alles') return 'inherit'
  if (shape.type === GENOGRAM_PERSOON_TYPE) return hidden.has((shape as GenogramPersoonShape).props.personId) ? 'hidden' : 'inherit'
  const relation = (shape as GenogramRelatieShape).props
  if (view === 'krachtenveld' && relation.relationType !== 'ecomap') return 'hidden'
  const fromVisible = relation.relationType === 'kind' ? true : !hidden.has(relation.from)
  return fromVisible && !hidden.has(relation.to) ? 'inherit' : 'hidden'
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
