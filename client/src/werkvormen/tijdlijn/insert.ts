import { createShapeId, type Editor } from 'tldraw'
import { TIJDLIJN_TYPE } from './tijdlijn-shapes.ts'

/** Places an empty timeline in view, starting a few years back ("where the family's story begins" is set later). */
export function insertTimeline(editor: Editor, options: { title?: string; startYear?: number; endYear?: number } = {}) {
  const id = createShapeId()
  const view = editor.getViewportPageBounds()
  const year = new Date().getFullYear()
  editor.createShape({
    id,
    type: TIJDLIJN_TYPE,
    x: view.minX + 40,
    y: view.midY - 450,
    props: { title: options.title ?? 'Tijdlijn', startYear: options.startYear ?? year - 5, endYear: options.endYear ?? year + 1 },
  })
  editor.select(id)
  return id
}
