import type { Editor, TLShapeId } from 'tldraw'
import type { VerslagDataResponse } from '@samenbord/shared/api'
import { collectBoardContent } from '@samenbord/shared/werkvormen/verslag/content'
import type { PseudonymMode } from '@samenbord/shared/werkvormen/verslag/pseudonymise'
import { verslagToHtml, verslagToMarkdown } from '@samenbord/shared/werkvormen/verslag/render'
import { buildVerslag, verslagPseudonymiser, withFigure, type Verslag } from '@samenbord/shared/werkvormen/verslag/verslag'
import { postureLabel } from '../perspectiefwissel/postures.ts'
import { GENOGRAM_PERSOON_TYPE, GENOGRAM_RELATIE_TYPE } from '../genogram/genogram-shapes.ts'
import { boardImage } from './board-image.ts'

async function dataUrlOf(blob: Blob): Promise<string> {
  const reader = new FileReader()
  return new Promise((resolve, reject) => {
    reader.onload = () => resolve(reader.result as string)
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(blob)
  })
}

/**
 * The verslag of this board: its records (as this browser has them) plus what the server adds.
 * With `pictures`, the tijdlijn and geno-sociogram are drawn into the HTML version, pseudonymised
 * the same way as the text.
 */
export async function makeVerslag(editor: Editor, data: VerslagDataResponse, mode: PseudonymMode | null, pictures = true): Promise<Verslag> {
  const content = collectBoardContent(editor.store.allRecords())
  const session = {
    ...data,
    perspectiefwissel:
      data.perspectiefwissel === null
        ? null
        : {
            phase: data.perspectiefwissel.phase,
            rows: data.perspectiefwissel.rows.map(({ postureId, ...row }) => ({ ...row, posture: postureId === null ? null : postureId ? postureLabel(postureId) : '' })),
          },
  }
  let verslag = buildVerslag(content, session, { pseudonymise: mode })
  if (!pictures) return verslag
  const names = mode === null ? null : verslagPseudonymiser(content, data, mode)
  const picture = async (ids: TLShapeId[]) => {
    if (ids.length === 0) return null
    const svg = await boardImage(editor, { kind: 'shapes', ids }, 'svg', names)
    return svg ? dataUrlOf(svg) : null
  }
  // Section `tijdlijn-N` is the N-th timeline of `content`: the picture follows the same order.
  for (const [index, timeline] of content.timelines.entries()) {
    const src = await picture([timeline.id as TLShapeId])
    if (src) verslag = withFigure(verslag, `tijdlijn-${index + 1}`, { caption: 'De tijdlijn zoals hij op het bord staat', src })
  }
  const genogram = editor.getCurrentPageShapes().filter((s) => s.type === GENOGRAM_PERSOON_TYPE || s.type === GENOGRAM_RELATIE_TYPE).map((s) => s.id)
  const src = await picture(genogram)
  if (src) verslag = withFigure(verslag, 'personen', { caption: 'Het geno-sociogram zoals het op het bord staat', src })
  return verslag
}

export function verslagFiles(verslag: Verslag): { markdown: Blob; html: Blob } {
  return {
    markdown: new Blob([verslagToMarkdown(verslag)], { type: 'text/markdown;charset=utf-8' }),
    html: new Blob([verslagToHtml(verslag)], { type: 'text/html;charset=utf-8' }),
  }
}
