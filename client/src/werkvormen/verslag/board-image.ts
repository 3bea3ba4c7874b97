import { getSvgAsImage, type Editor, type TLShape, type TLShapeId } from 'tldraw'
import { clusterTitle } from '@samenbord/shared/werkvormen/themaclusters/clusters'
import type { Pseudonymiser } from '@samenbord/shared/werkvormen/verslag/pseudonymise'
import { THEMACLUSTER_TYPE } from '../themaclusters/cluster-shapes.ts'
import { TIJDLIJN_TYPE } from '../tijdlijn/tijdlijn-shapes.ts'
import { pseudonymiseSvg } from './svg-names.ts'

export type ImageFormat = 'png' | 'svg'

/** What to put in the picture: everything, the selection, or one frame (a tldraw frame or a werkvorm). */
export type ImageScope = { kind: 'bord' } | { kind: 'selectie' } | { kind: 'frame'; id: TLShapeId } | { kind: 'shapes'; ids: TLShapeId[] }

/** Frames people would export on their own, with the name they know them by. */
export function exportableFrames(editor: Editor): { id: TLShapeId; name: string }[] {
  return editor
    .getCurrentPageShapesSorted()
    .flatMap((shape): { id: TLShapeId; name: string }[] => {
      const props = shape.props as Record<string, unknown>
      if (shape.type === 'frame') return [{ id: shape.id, name: (props.name as string) || 'Frame' }]
      if (shape.type === TIJDLIJN_TYPE) return [{ id: shape.id, name: `Tijdlijn: ${props.title as string}` }]
      if (shape.type === THEMACLUSTER_TYPE) return [{ id: shape.id, name: `Thema: ${clusterTitle(props.feeling as string, props.need as string)}` }]
      return []
    })
}

function shapesOf(editor: Editor, scope: ImageScope): TLShapeId[] {
  switch (scope.kind) {
    case 'bord':
      return [...editor.getCurrentPageShapeIds()]
    case 'selectie':
      return editor.getSelectedShapeIds()
    case 'frame':
      return editor.getShape(scope.id) ? [scope.id] : []
    case 'shapes':
      return scope.ids
  }
}

/**
 * The picture as a file. Both formats go through tldraw's SVG export (our own fonts, embedded),
 * so a pseudonymised PNG is made from the same pseudonymised SVG: no name survives in either.
 */
export async function boardImage(editor: Editor, scope: ImageScope, format: ImageFormat, names: Pseudonymiser | null): Promise<Blob | null> {
  const ids = shapesOf(editor, scope)
  if (ids.length === 0) return null
  const result = await editor.getSvgString(ids as TLShape['id'][], { background: true, padding: 32 })
  if (!result) return null
  const svg = names === null ? result.svg : pseudonymiseSvg(result.svg, names)
  if (format === 'svg') return new Blob([svg], { type: 'image/svg+xml' })
  return getSvgAsImage(svg, { type: 'png', width: result.width, height: result.height, pixelRatio: 2 })
}
