import { useState } from 'react'
import { createShapeId, useEditor, useValue, type TLShape } from 'tldraw'
import { THEME_PRESETS, clusterHint, clusterTitle, validateClusterFrameProps } from '@samenbord/shared/werkvormen/themaclusters/clusters'
import { remainingVotes } from '@samenbord/shared/werkvormen/themaclusters/votes'
import { THEMACLUSTER_TYPE, type ThemaclusterShape } from './cluster-shapes.ts'
import { allVotes, myVoterKey, setVoteBudget, totalsByNote, vote, voteBudget } from './votes.ts'
import { ErrorMessage } from '../../app/ErrorMessage.tsx'
import { useBoardAccess } from '../../board/BoardAccess.tsx'
import { useLocale } from '../../i18n/locale.tsx'

const NOTE_SIZE = 200
const NOTE_GAP = 24

/** Themaclusters: name the theme, add notes to it, and give dots to what matters most. */
export function ClusterPanel() {
  const editor = useEditor()
  const selected = useValue('cluster selection', () => editor.getOnlySelectedShape() as TLShape | null, [editor])
  const clusterCount = useValue('cluster count', () => editor.getCurrentPageShapes().filter((s) => s.type === THEMACLUSTER_TYPE).length, [editor])
  const budget = useValue('vote budget', () => voteBudget(editor), [editor])
  const left = useValue('my votes', () => remainingVotes(allVotes(editor), myVoterKey(editor), voteBudget(editor)), [editor])
  const totals = useValue('totals', () => totalsByNote(editor), [editor])
  const [message, setMessage] = useState<string | null>(null)
  // The dot budget is everyone's: only the facilitator sets it (the relay refuses it from other links).
  const isFacilitator = useBoardAccess().role === 'facilitator'
  const text = useLocale().t.facilitatorSettings

  const cluster = selected?.type === THEMACLUSTER_TYPE ? (selected as ThemaclusterShape) : null
  const note = selected?.type === 'note' ? selected : null
  const hint = clusterHint(clusterCount)

  function rename(feeling: string, need: string) {
    if (!cluster) return
    const props = { ...cluster.props, feeling, need }
    const check = validateClusterFrameProps(props)
    setMessage(check.ok ? null : check.message)
    if (check.ok) editor.updateShape({ id: cluster.id, type: THEMACLUSTER_TYPE, props: { feeling, need } })
  }

  function addNote() {
    if (!cluster) return
    const count = editor.getSortedChildIdsForParent(cluster.id).length
    const perRow = Math.max(1, Math.floor((cluster.props.w - NOTE_GAP) / (NOTE_SIZE + NOTE_GAP)))
    const id = createShapeId()
    editor.createShape({
      id,
      type: 'note',
      parentId: cluster.id,
      x: NOTE_GAP + (count % perRow) * (NOTE_SIZE + NOTE_GAP),
      y: 70 + Math.floor(count / perRow) * (NOTE_SIZE + NOTE_GAP + 20),
    })
    editor.select(id)
    editor.setEditingShape(id)
  }

  return (
    <section className="sb-form" aria-label="Themaclusters">
      <h3>Themaclusters</h3>
      {hint && <p className="sb-hint" role="note">{hint}</p>}
      {cluster && (
        <fieldset className="sb-fieldset">
          <legend>{clusterTitle(cluster.props.feeling, cluster.props.need)}</legend>
          <label htmlFor="cluster-preset">Kies een thema</label>
          <select
            id="cluster-preset"
            value=""
            onChange={(e) => {
              const preset = THEME_PRESETS[Number(e.target.value)]
              if (preset) rename(preset.feeling, preset.need)
            }}
          >
            <option value="">—</option>
            {THEME_PRESETS.map((p, i) => (
              <option key={i} value={i}>
                {clusterTitle(p.feeling, p.need)}
              </option>
            ))}
          </select>
          <label htmlFor="cluster-feeling">Gevoel</label>
          <input id="cluster-feeling" value={cluster.props.feeling} onChange={(e) => rename(e.target.value, cluster.props.need)} />
          <label htmlFor="cluster-need">Behoefte</label>
          <input id="cluster-need" value={cluster.props.need} onChange={(e) => rename(cluster.props.feeling, e.target.value)} />
          <button type="button" onClick={addNote}>
            + Notitie in dit thema
          </button>
        </fieldset>
      )}
      {note && (
        <fieldset className="sb-fieldset">
          <legend>Stemmen ({totals[note.id] ?? 0} op deze notitie)</legend>
          <div className="sb-form__row">
            <button type="button" onClick={() => setMessage(((r) => (r.ok ? null : r.message))(vote(editor, note.id, 1)))}>
              ● Stip geven
            </button>
            <button type="button" className="sb-secondary" onClick={() => vote(editor, note.id, -1)}>
              Stip terug
            </button>
          </div>
        </fieldset>
      )}
      <p className="sb-hint" data-testid="votes-left">
        Je hebt nog {left} van {budget} {budget === 1 ? 'stip' : 'stippen'}.
      </p>
      {isFacilitator ? (
        <>
          <label htmlFor="vote-budget">{text.voteBudgetLabel}</label>
          <input
            id="vote-budget"
            type="number"
            min={1}
            max={20}
            value={budget}
            onChange={(e) => {
              const value = Number(e.target.value)
              if (Number.isInteger(value) && value >= 1 && value <= 20) setVoteBudget(editor, value)
            }}
          />
        </>
      ) : (
        <p className="sb-hint">{text.voteBudgetHint}</p>
      )}
      <ErrorMessage>{message}</ErrorMessage>
    </section>
  )
}
