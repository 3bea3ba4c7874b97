import { useState, type FormEvent } from 'react'
import { createShapeId, useEditor } from 'tldraw'
import { parseDutchDate } from '@samenbord/shared/werkvormen/tijdlijn/dates'
import { validateGapProps } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { usePersons } from '../personen/usePersons.ts'
import { TIJDLIJN_GAT_TYPE } from './TijdlijnGatShapeUtil.tsx'
import type { TijdlijnShape } from './tijdlijn-shapes.ts'
import { ErrorMessage } from '../../app/ErrorMessage.tsx'

/** Marks a period the team knows too little about ("wat is er in dat lege stuk gebeurd?"). */
export function GapForm({ timeline, userName }: { timeline: TijdlijnShape; userName: string }) {
  const editor = useEditor()
  const persons = usePersons()
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [note, setNote] = useState('')
  const [error, setError] = useState<string | null>(null)
  function submit(event: FormEvent) {
    event.preventDefault()
    const start = parseDutchDate(from)
    if (!start.ok) return setError(`Vanaf: ${start.message}`)
    const end = parseDutchDate(to)
    if (!end.ok) return setError(`Tot: ${end.message}`)
    const props = { w: 100, h: timeline.props.h, from: start.spec, to: end.spec, note: note.trim(), namedBy: userName }
    const check = validateGapProps(props, persons)
    if (!check.ok) return setError(check.message)
    setError(null)
    const id = createShapeId()
    editor.run(() => {
      editor.createShape({ id, type: TIJDLIJN_GAT_TYPE, parentId: timeline.id, x: 0, y: 0, props })
      // Behind the cards: the band marks time, it must not hide what is known around it.
      editor.sendToBack([id])
    })
    setFrom('')
    setTo('')
    setNote('')
  }
  return (
    <form className="sb-form" onSubmit={submit} aria-label="Informatie ontbreekt">
      <h3>Informatie ontbreekt</h3>
      <div className="sb-form__row">
        <div>
          <label htmlFor="gat-van">Vanaf</label>
          <input id="gat-van" value={from} placeholder="2015" onChange={(e) => setFrom(e.target.value)} required />
        </div>
        <div>
          <label htmlFor="gat-tot">Tot</label>
          <input id="gat-tot" value={to} placeholder="zomer 2018" onChange={(e) => setTo(e.target.value)} required />
        </div>
      </div>
      <label htmlFor="gat-toelichting">Wat weten we niet?</label>
      <input id="gat-toelichting" value={note} onChange={(e) => setNote(e.target.value)} />
      <ErrorMessage>{error}</ErrorMessage>
      <button type="submit" className="sb-secondary">
        Periode markeren
      </button>
    </form>
  )
}
