import type { Editor, TLShape, TLShapeId } from 'tldraw'

/** Is `id`, or any shape it sits in, one of `locked`? */
function insideLocked(editor: Editor, id: TLShapeId | string, locked: ReadonlySet<string>): boolean {
  let at: string | undefined = id
  for (let depth = 0; at !== undefined && depth < 50; depth++) {
    if (locked.has(at)) return true
    at = editor.getShape(at as TLShapeId)?.parentId
  }
  return false
}

/**
 * A participant's own edits to locked frames stop here, before they reach the board: the relay
 * would refuse them anyway (4423) and reload this screen. `lockedFrames` is read on every change,
 * so the set can change while the editor lives.
 */
export function registerFrameLocks(editor: Editor, lockedFrames: () => ReadonlySet<string>): () => void {
  const disposers = [
    editor.sideEffects.registerBeforeChangeHandler('shape', (prev: TLShape, next: TLShape, source) => {
      const locked = lockedFrames()
      if (source !== 'user' || locked.size === 0) return next
      if (insideLocked(editor, prev.id, locked) || insideLocked(editor, next.parentId, locked)) return prev
      return next
    }),
    editor.sideEffects.registerBeforeDeleteHandler('shape', (shape: TLShape, source) => {
      const locked = lockedFrames()
      if (source !== 'user' || locked.size === 0) return
      if (insideLocked(editor, shape.id, locked)) return false
    }),
    editor.sideEffects.registerBeforeCreateHandler('shape', (shape: TLShape, source) => {
      const locked = lockedFrames()
      if (source !== 'user' || locked.size === 0 || !insideLocked(editor, shape.parentId, locked)) return shape
      // Dropped into a locked frame: it lands on the page instead, where it was drawn.
      const point = editor.getShapePageTransform(shape.parentId as TLShapeId)?.applyToPoint({ x: shape.x, y: shape.y }) ?? { x: shape.x, y: shape.y }
      return { ...shape, parentId: editor.getCurrentPageId(), x: point.x, y: point.y }
    }),
  ]
  return () => disposers.forEach((dispose) => dispose())
}
