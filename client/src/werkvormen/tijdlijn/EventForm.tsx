import { useEffect, useState, type FormEvent } from 'react'
import { createShapeId, useEditor } from 'tldraw'
import {
  EPISTEMIC_TAGS,
  EPISTEMIC_TAG_LABELS,
  EVENT_CATEGORIES,
  EVENT_CATEGORY_INFO,
  SOURCE_ORIGINS,
  SOURCE_ORIGIN_LABELS,
  SOURCE_SIDES,
  SOURCE_SIDE_LABELS,
  type EpistemicTag,
  type EventCategory,
  type SourceOrigin,
  type SourceSide,
} from '@samenbord/shared/werkvormen/tijdlijn/categories'
import { formatDateSpec, parseDutchDate } from '@samenbord/shared/werkvormen/tijdlijn/dates'
import { flagEvent, newEventProps, unflagEvent, validateEventProps, type EventFlagKind } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { defaultLaneFor, laneLabel, type Lane } from '@samenbord/shared/werkvormen/tijdlijn/lanes'
import { usePersons } from '../personen/usePersons.ts'
import { LabelledSelect } from '../ui/LabelledSelect.tsx'
import { initialCardY, TIJDLIJN_KAART_TYPE, type TijdlijnKaartShape, type TijdlijnShape } from './tijdlijn-shapes.ts'
import { ErrorMessage } from '../../app/ErrorMessage.tsx'

interface Draft {
  dateText: string
  agePersonId: string
  category: EventCategory
  tag: EpistemicTag
  personId: string
  side: SourceSide
  origin: SourceOrigin
  sourceDetail: string
  lane: Lane | 'auto'
  text: string
}

function draftOf(card: TijdlijnKaartShape | null): Draft {
  if (!card) {
    return { dateText: '', agePersonId: '', category: 'gezinsgebeurtenis', tag: 'feit', personId: '', side: 'gezin', origin: 'live', sourceDetail: '', lane: 'auto', text: '' }
  }
  const { props } = card
  return {
    dateText: formatDateSpec(props.date),
    agePersonId: props.date.kind === 'age' ? props.date.personId : '',
    category: props.category,
    tag: props.tag,
    personId: props.source.personId ?? '',
    side: props.source.side,
    origin: props.source.origin,
    sourceDetail: props.sourceDetail,
    lane: props.lane,
    text: props.text,
  }
}

/**
 * Adds a moment to a timeline, or edits the selected one. The date is typed the way people say
 * it ("maart 2019", "ca. 2015", "op haar 12e") and checked by the shared date rules.
 */
export function EventForm({ timeline, card, userName }: { timeline: TijdlijnShape; card: TijdlijnKaartShape | null; userName: string }) {
  const editor = useEditor()
  const persons = usePersons()
  const [draft, setDraft] = useState<Draft>(() => draftOf(card))
  const [error, setError] = useState<string | null>(null)
  const [counter, setCounter] = useState('')
  useEffect(() => {
    setDraft(draftOf(card))
    setError(null)
  }, [card?.id])

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }))
  const personName = (id: string) => persons.find((p) => p.id === id)?.name ?? id
  const { lanePreset, lanesSwapped } = timeline.props

  function submit(event: FormEvent) {
    event.preventDefault()
    const parsed = parseDutchDate(draft.dateText, { personId: draft.agePersonId || null })
    if (!parsed.ok) return setError(parsed.message)
    const source = { personId: draft.personId || null, side: draft.side, origin: draft.origin }
    const lane = draft.lane === 'auto' ? defaultLaneFor(lanePreset, source, draft.category, lanesSwapped) : draft.lane
    const fields = { date: parsed.spec, category: draft.category, tag: draft.tag, source, sourceDetail: draft.sourceDetail.trim(), text: draft.text.trim(), lane }
    const props = card ? { ...card.props, ...fields } : newEventProps(fields)
    const check = validateEventProps(props, persons)
    if (!check.ok) return setError(check.message)
    setError(null)
    if (card) {
      editor.updateShape({ id: card.id, type: TIJDLIJN_KAART_TYPE, props })
    } else {
      const id = createShapeId()
      editor.createShape({ id, type: TIJDLIJN_KAART_TYPE, parentId: timeline.id, x: 0, y: initialCardY(timeline, props.lane, props.h), props })
      setDraft((d) => ({ ...d, text: '', dateText: '' }))
    }
  }

  function toggleFlag(flag: EventFlagKind) {
    if (!card) return
    const props = card.props[flag] ? unflagEvent(card.props, flag) : flagEvent(card.props, flag, userName, Date.now())
    editor.updateShape({ id: card.id, type: TIJDLIJN_KAART_TYPE, props })
  }

  function contest() {
    if (!card || !counter.trim()) return
    // The disputed card stays; the objection becomes a linked card of its own, in the other voice.
    const counterId = createShapeId()
    editor.run(() => {
      editor.updateShape({ id: card.id, type: TIJDLIJN_KAART_TYPE, props: { contested: { by: userName, counterStatement: counter.trim() } } })
      editor.createShape({
        id: counterId,
        type: TIJDLIJN_KAART_TYPE,
        parentId: timeline.id,
        x: card.x,
        y: card.y,
        props: newEventProps({ ...card.props, tag: 'mening', text: counter.trim(), counterOf: card.id, lane: card.props.lane }),
      })
    })
    setCounter('')
  }

  const formId = card ? `kaart-${card.id}` : 'kaart-nieuw'
  return (
    <form className="sb-form" onSubmit={submit} aria-label={card ? 'Kaart bewerken' : 'Gebeurtenis toevoegen'}>
      <h3>{card ? 'Kaart bewerken' : 'Gebeurtenis toevoegen'}</h3>
      <label htmlFor={`${formId}-date`}>Datum</label>
      <input
        id={`${formId}-date`}
        value={draft.dateText}
        placeholder="12-03-2021, maart 2019, ca. 2015, op haar 12e"
        onChange={(e) => set('dateText', e.target.value)}
        required
      />
      <LabelledSelect
        id={`${formId}-age-person`}
        label="Leeftijd van (bij “op haar 12e”)"
        value={draft.agePersonId}
        values={persons.map((p) => p.id)}
        labelOf={(id) => personName(id)}
        onChange={(v) => set('agePersonId', v)}
        empty
      />
      <LabelledSelect
        id={`${formId}-category`}
        label="Soort moment"
        value={draft.category}
        values={EVENT_CATEGORIES}
        labelOf={(c) => EVENT_CATEGORY_INFO[c].label}
        onChange={(v) => set('category', v as EventCategory)}
      />
      <LabelledSelect
        id={`${formId}-tag`}
        label="Wat voor informatie"
        value={draft.tag}
        values={EPISTEMIC_TAGS}
        labelOf={(t) => EPISTEMIC_TAG_LABELS[t]}
        onChange={(v) => set('tag', v as EpistemicTag)}
      />
      <LabelledSelect
        id={`${formId}-person`}
        label="Bron: wie"
        value={draft.personId}
        values={persons.map((p) => p.id)}
        labelOf={(id) => {
          const p = persons.find((person) => person.id === id)!
          return `${p.name} (${p.relation || p.kind})`
        }}
        onChange={(v) => set('personId', v)}
        empty
      />
      <div className="sb-form__row">
        <div>
          <LabelledSelect
            id={`${formId}-side`}
            label="Kant"
            value={draft.side}
            values={SOURCE_SIDES}
            labelOf={(side) => SOURCE_SIDE_LABELS[side]}
            onChange={(v) => set('side', v as SourceSide)}
          />
        </div>
        <div>
          <LabelledSelect
            id={`${formId}-origin`}
            label="Herkomst"
            value={draft.origin}
            values={SOURCE_ORIGINS}
            labelOf={(o) => SOURCE_ORIGIN_LABELS[o]}
            onChange={(v) => set('origin', v as SourceOrigin)}
          />
        </div>
      </div>
      <label htmlFor={`${formId}-source-detail`}>Bron: toelichting (bijv. gespreksverslag 12-03)</label>
      <input id={`${formId}-source-detail`} value={draft.sourceDetail} onChange={(e) => set('sourceDetail', e.target.value)} />
      <label htmlFor={`${formId}-lane`}>Plek</label>
      <select id={`${formId}-lane`} value={draft.lane} onChange={(e) => set('lane', e.target.value as Lane | 'auto')}>
        {!card && <option value="auto">Automatisch</option>}
        <option value="boven">Boven de lijn: {laneLabel(lanePreset, 'boven', lanesSwapped)}</option>
        <option value="onder">Onder de lijn: {laneLabel(lanePreset, 'onder', lanesSwapped)}</option>
      </select>
      <label htmlFor={`${formId}-text`}>Tekst</label>
      <textarea id={`${formId}-text`} rows={3} value={draft.text} onChange={(e) => set('text', e.target.value)} />
      <ErrorMessage>{error}</ErrorMessage>
      <button type="submit">{card ? 'Opslaan' : 'Toevoegen'}</button>
      {card && (
        <div className="sb-form__actions">
          <button type="button" className="sb-secondary" aria-pressed={!!card.props.cruciaal} onClick={() => toggleFlag('cruciaal')}>
            ★ Cruciaal moment
          </button>
          <button type="button" className="sb-secondary" aria-pressed={!!card.props.omslagpunt} onClick={() => toggleFlag('omslagpunt')}>
            ↻ Omslagpunt
          </button>
          <label htmlFor={`${formId}-counter`}>Betwisten: wat zegt de ander?</label>
          <textarea id={`${formId}-counter`} rows={2} value={counter} onChange={(e) => setCounter(e.target.value)} />
          <button type="button" className="sb-secondary" disabled={!counter.trim()} onClick={contest}>
            ⚑ Betwisten
          </button>
        </div>
      )}
    </form>
  )
}
