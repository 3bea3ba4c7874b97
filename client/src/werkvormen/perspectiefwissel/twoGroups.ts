import { Box, createShapeId, toRichText, type Editor, type TLShapeId } from 'tldraw'
import { ACTION_ALTERNATIVE_GROUP_LABELS, type ActionAlternativeGroup } from '@samenbord/shared/werkvormen/perspectiefwissel/alternatives'

/** Minutes each group gets for its perspective and first steps (the werkkaart's variant). */
export const TWO_GROUPS_MINUTES = 15

const FRAME_W = 760
const FRAME_H = 820
const GAP = 80

/** The board text of one group's frame; our own wording of the variant's assignment. */
function groupPrompts(group: ActionAlternativeGroup): { perspective: string; steps: string } {
  const who = group === 'gezin' ? 'het gezin en zijn netwerk' : 'de hulpverlening'
  return {
    perspective: `Langetermijnperspectief\n\nHoe ziet een goede toekomst er over een paar jaar uit, gezien vanuit ${who}?`,
    steps: 'Eerste drie stappen\n\nWat is er nu nodig? Schrijf per briefje één stap.',
  }
}

/** The agenda for the variant: work in groups, the pitches in the chosen order, then the differences and their impact. */
export function twoGroupsAgenda(first: ActionAlternativeGroup): string[] {
  const second: ActionAlternativeGroup = first === 'gezin' ? 'hulpverlening' : 'gezin'
  return [
    `Twee groepen aan het werk (${TWO_GROUPS_MINUTES} minuten)`,
    `Pitch: ${ACTION_ALTERNATIVE_GROUP_LABELS[first]}`,
    `Pitch: ${ACTION_ALTERNATIVE_GROUP_LABELS[second]}`,
    'Verschillen bespreken, ieder vanuit de eigen rol',
    'Impact: wat zegt dit over onze rol in dit gezin?',
  ]
}

/**
 * Two frames side by side, "Hulpverlening" and "Gezin en netwerk", each with a long-term
 * perspective and three numbered notes for the first steps. Returns the area of both, so every
 * screen can be brought to see them side by side.
 */
export function insertTwoGroups(editor: Editor): { frames: TLShapeId[]; bounds: Box } {
  const view = editor.getViewportPageBounds()
  const x0 = Math.round(view.minX + 340)
  const y0 = Math.round(view.minY + 60)
  const frames: TLShapeId[] = []
  editor.run(() => {
    ;(['hulpverlening', 'gezin'] as const).forEach((group, i) => {
      const id = createShapeId()
      frames.push(id)
      const prompts = groupPrompts(group)
      editor.createShape({ id, type: 'frame', x: x0 + i * (FRAME_W + GAP), y: y0, props: { w: FRAME_W, h: FRAME_H, name: ACTION_ALTERNATIVE_GROUP_LABELS[group] } })
      editor.createShape({ type: 'text', parentId: id, x: 30, y: 30, props: { richText: toRichText(prompts.perspective), size: 's', w: 680, autoSize: false } })
      editor.createShape({ type: 'note', parentId: id, x: 30, y: 150, props: { richText: toRichText(''), color: group === 'gezin' ? 'light-green' : 'light-blue', size: 's' } })
      editor.createShape({ type: 'text', parentId: id, x: 30, y: 400, props: { richText: toRichText(prompts.steps), size: 's', w: 680, autoSize: false } })
      for (let step = 0; step < 3; step++) {
        editor.createShape({
          type: 'note',
          parentId: id,
          x: 30 + step * 240,
          y: 510,
          props: { richText: toRichText(`${step + 1}.`), color: 'yellow', size: 's' },
        })
      }
    })
  })
  return { frames, bounds: new Box(x0 - 40, y0 - 40, 2 * FRAME_W + GAP + 80, FRAME_H + 80) }
}
