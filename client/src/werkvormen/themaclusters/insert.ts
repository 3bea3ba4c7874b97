import { createShapeId, type Editor } from 'tldraw'
import { THEME_PRESETS } from '@samenbord/shared/werkvormen/themaclusters/clusters'
import { THEMACLUSTER_TYPE } from './cluster-shapes.ts'

/** Places cluster frames for the given themes side by side in view (default: the first three presets). */
export function insertClusters(editor: Editor, themes = THEME_PRESETS.slice(0, 3)) {
  const view = editor.getViewportPageBounds()
  const ids = themes.map(() => createShapeId())
  editor.run(() => {
    themes.forEach((theme, i) => {
      editor.createShape({
        id: ids[i],
        type: THEMACLUSTER_TYPE,
        x: view.minX + 320 + i * 760,
        y: view.minY + 80,
        props: { feeling: theme.feeling, need: theme.need },
      })
    })
  })
  editor.select(ids[0])
  return ids
}
