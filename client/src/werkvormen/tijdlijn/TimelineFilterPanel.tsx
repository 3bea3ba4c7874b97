import { useValue } from 'tldraw'
import { EPISTEMIC_TAGS, EPISTEMIC_TAG_LABELS, SOURCE_SIDES, SOURCE_SIDE_LABELS } from '@samenbord/shared/werkvormen/tijdlijn/categories'
import { EXPERIENCE_TAGS, FACT_TAGS, type EventFilter } from '@samenbord/shared/werkvormen/tijdlijn/events'
import { laneLabel, LANES, type LanePresetId } from '@samenbord/shared/werkvormen/tijdlijn/lanes'
import { timelineFilter } from './timeline-filter.ts'

function toggle<V>(list: readonly V[] | undefined, value: V): V[] {
  const current = list ?? []
  return current.includes(value) ? current.filter((v) => v !== value) : [...current, value]
}

/** Filters by kind of information, lane and source; only on your own screen. */
export function TimelineFilterPanel({ lanePreset, lanesSwapped }: { lanePreset: LanePresetId; lanesSwapped: boolean }) {
  const filter = useValue('filter', () => timelineFilter.get(), [])
  const set = (patch: Partial<EventFilter>) => timelineFilter.set({ ...timelineFilter.get(), ...patch })
  return (
    <fieldset className="sb-fieldset" aria-label="Filter (alleen op jouw scherm)">
      <legend>Filter (alleen op jouw scherm)</legend>
      <div className="sb-form__row">
        <button type="button" className="sb-secondary" aria-pressed={filter.tags === FACT_TAGS} onClick={() => set({ tags: FACT_TAGS })}>
          Alleen feiten
        </button>
        <button type="button" className="sb-secondary" aria-pressed={filter.tags === EXPERIENCE_TAGS} onClick={() => set({ tags: EXPERIENCE_TAGS })}>
          Alleen beleving
        </button>
      </div>
      <div className="sb-chips">
        {EPISTEMIC_TAGS.map((tag) => (
          <label key={tag} className="sb-check">
            <input type="checkbox" checked={!!filter.tags?.includes(tag)} onChange={() => set({ tags: toggle(filter.tags, tag) })} />
            {EPISTEMIC_TAG_LABELS[tag]}
          </label>
        ))}
      </div>
      <div className="sb-chips">
        {LANES.map((lane) => (
          <label key={lane} className="sb-check">
            <input type="checkbox" checked={!!filter.lanes?.includes(lane)} onChange={() => set({ lanes: toggle(filter.lanes, lane) })} />
            {laneLabel(lanePreset, lane, lanesSwapped)}
          </label>
        ))}
        {SOURCE_SIDES.map((side) => (
          <label key={side} className="sb-check">
            <input type="checkbox" checked={!!filter.sourceSides?.includes(side)} onChange={() => set({ sourceSides: toggle(filter.sourceSides, side) })} />
            Bron: {SOURCE_SIDE_LABELS[side]}
          </label>
        ))}
      </div>
      <button type="button" className="sb-link-button" onClick={() => timelineFilter.set({})}>
        Alles tonen
      </button>
    </fieldset>
  )
}
