import { useState } from 'react'
import { useEditor, useValue } from 'tldraw'
import { useBoardAccess } from '../../board/BoardAccess.tsx'
import { useLocale } from '../../i18n/locale.tsx'
import { loadDemoBoard } from './demo-board.ts'

/**
 * "Voorbeeld: fictief gezin laden", for the facilitator only, only on a board without shapes, and
 * only after a warning: a made-up family in a live session about a real one would confuse
 * everyone. The relay refuses the load from any other link, and on a board with shapes.
 */
export function DemoLoader() {
  const editor = useEditor()
  const { role } = useBoardAccess()
  const { t } = useLocale()
  const text = t.facilitatorSettings
  // Shapes on any page, as the relay counts them.
  const empty = useValue('board without shapes', () => editor.store.query.ids('shape').get().size === 0, [editor])
  const [confirming, setConfirming] = useState(false)
  if (role !== 'facilitator') return null
  if (!empty) {
    return (
      <div className="sb-werkvormen__demo">
        <button type="button" className="sb-secondary" disabled aria-describedby="sb-demo-only-empty">
          {text.demoLoad}
        </button>
        <p className="sb-hint" id="sb-demo-only-empty">
          {text.demoOnlyEmpty}
        </p>
      </div>
    )
  }
  if (!confirming) {
    return (
      <button type="button" className="sb-secondary sb-werkvormen__demo" onClick={() => setConfirming(true)}>
        {text.demoLoad}
      </button>
    )
  }
  return (
    <fieldset className="sb-fieldset sb-werkvormen__demo" aria-describedby="sb-demo-warning">
      <legend>{text.demoLoad}</legend>
      <p className="sb-hint" id="sb-demo-warning">
        {text.demoWarning}
      </p>
      <div className="sb-form__row">
        <button
          type="button"
          onClick={() => {
            setConfirming(false)
            loadDemoBoard(editor)
          }}
        >
          {text.demoConfirm}
        </button>
        {/* Keyboard focus lands on the safe choice: Enter does not load it by accident. */}
        <button type="button" className="sb-secondary" onClick={() => setConfirming(false)} autoFocus>
          {text.demoCancel}
        </button>
      </div>
    </fieldset>
  )
}
