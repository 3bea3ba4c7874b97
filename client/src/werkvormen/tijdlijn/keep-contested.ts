import { atom, type Editor, type TLShapeId } from 'tldraw'
import { canDeleteEvent } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { TIJDLIJN_KAART_TYPE, type TijdlijnKaartShape } from './tijdlijn-shapes.ts'

/** The last refused deletion, shown in the side panel. */
export const deletionRefusal = atom<string | null>('deletion refusal', null)

/**
 * Nothing disputed is silently removed: a contested card and its counter-statement stay, unless
 * the whole timeline they belong to is deleted on purpose.
 */
export function registerKeepContested(editor: Editor): () => void {
  return editor.sideEffects.registerBeforeDeleteHandler('shape', (shape, source) => {
    if (source !== 'user' || shape.type !== TIJDLIJN_KAART_TYPE) return
    if (editor.getSelectedShapeIds().includes(shape.parentId as TLShapeId)) return
    const check = canDeleteEvent((shape as TijdlijnKaartShape).props)
    if (check.ok) return
    deletionRefusal.set(check.message)
    return false
  })
}
