import { useEffect, useState } from 'react'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { atom, useValue } from 'tldraw'
import { FACILITATOR_PREP_KEYS, FACILITATOR_PREP_MAP, SYNC_PATH, facilitatorPrepDocName } from '@samenbord/shared/protocol'
import { useLocale } from '../i18n/locale.tsx'
import { useBoardAccess } from './BoardAccess.tsx'

type PrepKey = (typeof FACILITATOR_PREP_KEYS)[number]

/** Whether the facilitator has the preparation open (toggled from the status panel). */
export const prepOpen = atom('voorbereiding open', false)

/**
 * The facilitator's private preparation: case, who brings it in, missing perspectives, own
 * feelings, suspected patterns and a parking lot. Its own document, which the relay opens to
 * facilitator links only; mounted only while open, so no socket when it is closed.
 */
export function PrepArea() {
  const { role } = useBoardAccess()
  const open = useValue('voorbereiding open', () => prepOpen.get(), [])
  if (role !== 'facilitator' || !open) return null
  return <PrepForm />
}

function PrepForm() {
  const { t } = useLocale()
  const s = t.voorbereiding
  const { boardId, token } = useBoardAccess()
  const [values, setValues] = useState<Partial<Record<PrepKey, string>>>({})
  const [map, setMap] = useState<Y.Map<string> | null>(null)
  const [state, setState] = useState<'connecting' | 'open' | 'refused'>('connecting')

  useEffect(() => {
    const doc = new Y.Doc()
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SYNC_PATH}`
    const provider = new WebsocketProvider(url, facilitatorPrepDocName(boardId), doc, { params: { token }, disableBc: true })
    provider.awareness.setLocalState(null)
    const notes = doc.getMap<string>(FACILITATOR_PREP_MAP)
    const read = () => setValues(Object.fromEntries(notes.entries()))
    notes.observe(read)
    provider.on('sync', (synced: boolean) => {
      if (!synced) return
      setState('open')
      read()
    })
    provider.on('closed', () => setState('refused'))
    setMap(notes)
    return () => {
      notes.unobserve(read)
      provider.destroy()
      doc.destroy()
      setMap(null)
    }
  }, [boardId, token])

  return (
    <aside className="sb-prep" aria-labelledby="sb-prep-title" onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
      <div className="sb-prep__head">
        <h2 id="sb-prep-title">{s.title}</h2>
        <button type="button" className="sb-link-button" onClick={() => prepOpen.set(false)}>
          {s.close}
        </button>
      </div>
      <p className="sb-hint">{s.privacy}</p>
      {state === 'refused' && (
        <p role="alert" className="sb-error">
          {s.refused}
        </p>
      )}
      {FACILITATOR_PREP_KEYS.map((key) => (
        <div key={key} className="sb-prep__field">
          <label htmlFor={`sb-prep-${key}`}>{s.fields[key]}</label>
          <textarea
            id={`sb-prep-${key}`}
            rows={key === 'parkeerplaats' ? 4 : 2}
            value={values[key] ?? ''}
            disabled={state !== 'open'}
            onChange={(e) => map?.set(key, e.target.value.slice(0, 4000))}
          />
        </div>
      ))}
    </aside>
  )
}
