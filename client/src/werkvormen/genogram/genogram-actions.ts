import { createBindingId, createShapeId, type Editor, type TLShapeId } from 'tldraw'
import type { Check } from '@samenbord/shared/werkvormen/check'
import type { RelationKind, RelationType } from '@samenbord/shared/werkvormen/genogram/notation'
import { layoutGenerations, networkRing } from '@samenbord/shared/werkvormen/genogram/layout'
import { validateRelation, type GenogramRelation } from '@samenbord/shared/werkvormen/genogram/relations'
import { registryPersons } from '../personen/person-record.ts'
import { updateRelationGeometry } from './GenogramAnkerBindingUtil.ts'
import {
  GENOGRAM_ANKER_TYPE,
  GENOGRAM_PERSOON_TYPE,
  GENOGRAM_RELATIE_TYPE,
  type GenogramPersoonShape,
  type GenogramRelatieShape,
} from './genogram-shapes.ts'

export function genogramSymbols(editor: Editor): GenogramPersoonShape[] {
  return editor.getCurrentPageShapes().filter((s): s is GenogramPersoonShape => s.type === GENOGRAM_PERSOON_TYPE)
}

export function genogramRelations(editor: Editor): GenogramRelation[] {
  return editor
    .getCurrentPageShapes()
    .filter((s): s is GenogramRelatieShape => s.type === GENOGRAM_RELATIE_TYPE)
    .map((s) => ({ id: s.id, relationType: s.props.relationType, kind: s.props.kind, from: s.props.from, to: s.props.to, twin: s.props.twin }))
}

/** Puts a person of the registry on the board as a genogram symbol. */
export function placePerson(editor: Editor, personId: string, at?: { x: number; y: number }): TLShapeId {
  const id = createShapeId()
  const view = editor.getViewportPageBounds()
  const point = at ?? { x: view.midX - 32 + (Math.random() - 0.5) * 120, y: view.midY - 32 + (Math.random() - 0.5) * 80 }
  editor.createShape({ id, type: GENOGRAM_PERSOON_TYPE, x: point.x, y: point.y, props: { personId } })
  return id
}

function createRelationShape(editor: Editor, props: Omit<GenogramRelation, 'id'> & { label: string }, startShape: TLShapeId, endShape: TLShapeId): TLShapeId {
  const id = createShapeId()
  editor.run(() => {
    editor.createShape({ id, type: GENOGRAM_RELATIE_TYPE, x: 0, y: 0, props })
    editor.createBindings([
      { id: createBindingId(), type: GENOGRAM_ANKER_TYPE, fromId: id, toId: startShape, props: { terminal: 'start' } },
      { id: createBindingId(), type: GENOGRAM_ANKER_TYPE, fromId: id, toId: endShape, props: { terminal: 'end' } },
    ])
    updateRelationGeometry(editor, id)
    // Lines go behind the symbols, so they start and end at the symbol's edge.
    editor.sendToBack([id])
  })
  return id
}

/** Draws a couple, emotional or ecomap line between two symbols, after checking it makes sense. */
export function connectPersons(
  editor: Editor,
  fromSymbol: GenogramPersoonShape,
  toSymbol: GenogramPersoonShape,
  relationType: Exclude<RelationType, 'kind'>,
  kind: RelationKind,
  label = '',
): Check & { id?: TLShapeId } {
  const relation = { id: 'shape:nieuw', relationType, kind, from: fromSymbol.props.personId, to: toSymbol.props.personId, twin: false }
  const check = validateRelation(relation, registryPersons(editor), genogramRelations(editor))
  if (!check.ok) return check
  const { id: _, ...props } = relation
  return { ok: true, id: createRelationShape(editor, { ...props, label }, fromSymbol.id, toSymbol.id) }
}

/** Hangs a child from its parents' couple line. */
export function addChild(editor: Editor, couple: GenogramRelatieShape, child: GenogramPersoonShape, kind: RelationKind, twin: boolean): Check & { id?: TLShapeId } {
  const relation = { id: 'shape:nieuw', relationType: 'kind' as const, kind, from: couple.id, to: child.props.personId, twin }
  const check = validateRelation(relation, registryPersons(editor), genogramRelations(editor))
  if (!check.ok) return check
  const { id: _, ...props } = relation
  return { ok: true, id: createRelationShape(editor, { ...props, label: '' }, couple.id, child.id) }
}

const ROW_HEIGHT = 190
const SPACING = 140

/**
 * Orders the family in generation rows (on request only: manual placement is kept otherwise),
 * and puts professionals and network around them.
 */
export function arrangeGenerations(editor: Editor) {
  const symbols = genogramSymbols(editor)
  if (!symbols.length) return
  const persons = registryPersons(editor)
  const onBoard = new Set(symbols.map((s) => s.props.personId))
  const present = persons.filter((p) => onBoard.has(p.id))
  const relations = genogramRelations(editor)
  const centreOf = (s: GenogramPersoonShape) => ({ x: s.x + s.props.w / 2, y: s.y + s.props.h / 2 })
  const current = new Map(symbols.map((s) => [s.props.personId, centreOf(s)]))
  const origin = symbols.reduce((min, s) => ({ x: Math.min(min.x, s.x), y: Math.min(min.y, s.y) }), { x: Infinity, y: Infinity })
  const tree = layoutGenerations(present, relations, current, { rowHeight: ROW_HEIGHT, spacing: SPACING })
  const treeXs = [...tree.values()].map((p) => p.x)
  const treeYs = [...tree.values()].map((p) => p.y)
  const centre = tree.size
    ? { x: (Math.min(...treeXs) + Math.max(...treeXs)) / 2, y: (Math.min(...treeYs) + Math.max(...treeYs)) / 2 }
    : { x: 0, y: 0 }
  const radius = Math.max(360, (Math.max(0, ...treeXs) - Math.min(0, ...treeXs)) / 2 + 220, (Math.max(0, ...treeYs) - Math.min(0, ...treeYs)) / 2 + 220)
  const ring = networkRing(present.filter((p) => !tree.has(p.id) && p.kind !== 'gezin'), centre, radius)
  const minTreeX = tree.size ? Math.min(...treeXs) : 0
  const minTreeY = tree.size ? Math.min(...treeYs) : 0
  editor.run(() => {
    for (const symbol of symbols) {
      const target = tree.get(symbol.props.personId) ?? ring.get(symbol.props.personId)
      if (!target) continue
      editor.updateShape({
        id: symbol.id,
        type: GENOGRAM_PERSOON_TYPE,
        x: origin.x + (target.x - minTreeX) - symbol.props.w / 2,
        y: origin.y + (target.y - minTreeY) - symbol.props.h / 2,
      })
    }
  })
}
