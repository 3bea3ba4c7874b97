import { BindingUtil, type BindingOnShapeChangeOptions, type BindingOnShapeDeleteOptions, type Editor, type TLShapeId } from 'tldraw'
import { genogramSchema } from '@samenbord/shared/werkvormen/genogram/schema'
import {
  GENOGRAM_ANKER_TYPE,
  GENOGRAM_PERSOON_TYPE,
  GENOGRAM_RELATIE_TYPE,
  relationEnd,
  type GenogramAnchorProps,
  type GenogramAnkerBinding,
  type GenogramRelatieShape,
} from './genogram-shapes.ts'

/**
 * Ties each end of a relation line to a person symbol (or, for a child, to the parents' couple
 * line), so lines stay attached whoever moves the people, and vanish with them.
 */
export class GenogramAnkerBindingUtil extends BindingUtil<GenogramAnkerBinding> {
  static override type = GENOGRAM_ANKER_TYPE
  static override props = genogramSchema.bindings[GENOGRAM_ANKER_TYPE].props
  static override migrations = genogramSchema.bindings[GENOGRAM_ANKER_TYPE].migrations

  getDefaultProps(): GenogramAnchorProps {
    return { terminal: 'start' }
  }

  override onAfterChangeToShape({ binding }: BindingOnShapeChangeOptions<GenogramAnkerBinding>) {
    updateRelationGeometry(this.editor, binding.fromId)
  }

  override onBeforeDeleteToShape({ binding }: BindingOnShapeDeleteOptions<GenogramAnkerBinding>) {
    // A line without one of its people means nothing: remove it too.
    this.editor.deleteShape(binding.fromId)
  }
}

/** The point a line end attaches to on a symbol or a couple line, in page space. */
function anchorPoint(editor: Editor, shapeId: TLShapeId, terminal: 'start' | 'end', relationType: string): { x: number; y: number } | null {
  const shape = editor.getShape(shapeId)
  if (!shape) return null
  if (shape.type === GENOGRAM_PERSOON_TYPE) {
    const { w, h } = shape.props as { w: number; h: number }
    const point = editor.getShapePageTransform(shape).applyToPoint({ x: w / 2, y: relationType === 'kind' && terminal === 'end' ? 0 : h / 2 })
    return { x: point.x, y: point.y }
  }
  if (shape.type === GENOGRAM_RELATIE_TYPE) {
    const { dx, dy } = relationEnd(shape as GenogramRelatieShape)
    const point = editor.getShapePageTransform(shape).applyToPoint({ x: dx / 2, y: dy / 2 })
    return { x: point.x, y: point.y }
  }
  return null
}

/** Moves a relation line so its ends sit on the shapes it is anchored to. */
export function updateRelationGeometry(editor: Editor, relationId: TLShapeId) {
  const relation = editor.getShape(relationId) as GenogramRelatieShape | undefined
  if (!relation || relation.type !== GENOGRAM_RELATIE_TYPE) return
  const bindings = editor.getBindingsFromShape<GenogramAnkerBinding>(relation, GENOGRAM_ANKER_TYPE)
  const startBinding = bindings.find((b) => b.props.terminal === 'start')
  const endBinding = bindings.find((b) => b.props.terminal === 'end')
  if (!startBinding || !endBinding) return
  const start = anchorPoint(editor, startBinding.toId, 'start', relation.props.relationType)
  const end = anchorPoint(editor, endBinding.toId, 'end', relation.props.relationType)
  if (!start || !end) return
  const parent = editor.getShapeParentTransform(relation).clone().invert()
  const local = parent.applyToPoint(start)
  const dx = end.x - start.x
  const dy = end.y - start.y
  const current = relationEnd(relation)
  if (Math.abs(relation.x - local.x) < 0.01 && Math.abs(relation.y - local.y) < 0.01 && Math.abs(current.dx - dx) < 0.01 && Math.abs(current.dy - dy) < 0.01) return
  editor.updateShape({ id: relation.id, type: GENOGRAM_RELATIE_TYPE, x: local.x, y: local.y, meta: { ...relation.meta, dx, dy } })
}
