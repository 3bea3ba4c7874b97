import { createShapeId, toRichText, type Editor, type TLShapeId } from 'tldraw'
import { LEEFWERELDPORTRET_SECTIONS, RECOGNITION_ANSWERS, spelregelsTemplate } from '@samenbord/shared/werkvormen/sjablonen/templates'

/**
 * Template frames are ordinary tldraw frames with notes and text inside: the team writes on
 * them like on paper, and nothing about them is locked.
 */
function frameInView(editor: Editor, name: string, w: number, h: number): { id: TLShapeId; x: number; y: number } {
  const view = editor.getViewportPageBounds()
  const id = createShapeId()
  const x = Math.round(view.minX + 330)
  const y = Math.round(view.minY + 60)
  editor.createShape({ id, type: 'frame', x, y, props: { w, h, name } })
  return { id, x, y }
}

function text(editor: Editor, parentId: TLShapeId, x: number, y: number, value: string, size: 's' | 'm' | 'l' = 'm', w = 0) {
  editor.createShape({
    type: 'text',
    parentId,
    x,
    y,
    props: { richText: toRichText(value), size, ...(w ? { w, autoSize: false } : {}) },
  })
}

/** "Spelregels voor spelregels": themes 0–5 to agree on, and a numbered team list, before any content. */
export function insertSpelregels(editor: Editor): TLShapeId {
  const template = spelregelsTemplate()
  let frameId: TLShapeId = createShapeId()
  editor.run(() => {
    const frame = frameInView(editor, template.title, 1500, 1000)
    frameId = frame.id
    text(editor, frameId, 40, 30, template.intro, 'm', 1400)
    template.themes.forEach((theme, i) => {
      const col = i % 3
      const row = Math.floor(i / 3)
      editor.createShape({
        type: 'note',
        parentId: frameId,
        x: 40 + col * 330,
        y: 110 + row * 420,
        props: { richText: toRichText(`${theme.number}. ${theme.title}\n\n${theme.prompt}`), color: 'light-blue', size: 's' },
      })
    })
    const team = template.teamSlots.map((slot) => `${slot.number}. ${slot.hint ? `${slot.hint}: ` : ''}……  (${template.presenceOptions.join(' / ')})`)
    text(editor, frameId, 1040, 110, `${template.teamTitle}\n\n${team.join('\n')}`, 's', 420)
  })
  editor.select(frameId)
  return frameId
}

/** Leefwereldportret: the story, quotes, a typical day, observations, and the "Herkenbaar?" check. */
export function insertLeefwereldportret(editor: Editor): TLShapeId {
  let frameId: TLShapeId = createShapeId()
  editor.run(() => {
    const frame = frameInView(editor, 'Leefwereldportret', 1500, 700)
    frameId = frame.id
    LEEFWERELDPORTRET_SECTIONS.forEach((section, i) => {
      const prompt = section.id === 'herkenbaar' ? `${section.prompt}\n\n${RECOGNITION_ANSWERS.map((a) => `☐ ${a}`).join('\n')}` : section.prompt
      text(editor, frameId, 30 + i * 290, 30, `${section.title}`, 'l', 270)
      editor.createShape({
        type: 'note',
        parentId: frameId,
        x: 30 + i * 290,
        y: 110,
        props: { richText: toRichText(prompt), color: section.id === 'herkenbaar' ? 'light-green' : 'yellow', size: 's' },
      })
    })
  })
  editor.select(frameId)
  return frameId
}
