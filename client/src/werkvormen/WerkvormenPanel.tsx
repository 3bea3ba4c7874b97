import { useState } from 'react'
import { useEditor, useValue, type TLShape } from 'tldraw'
import { extendAxis, MAX_PIXELS_PER_YEAR, MIN_PIXELS_PER_YEAR } from '@samenbord/shared/werkvormen/tijdlijn/axis'
import { LANE_PRESETS, LANE_PRESET_IDS, type LanePresetId } from '@samenbord/shared/werkvormen/tijdlijn/lanes'
import { PersonRegistry } from './personen/PersonRegistry.tsx'
import { EventForm } from './tijdlijn/EventForm.tsx'
import { GapForm } from './tijdlijn/GapForm.tsx'
import { CsvPanel } from './tijdlijn/CsvPanel.tsx'
import { deletionRefusal } from './tijdlijn/keep-contested.ts'
import { TimelineFilterPanel } from './tijdlijn/TimelineFilterPanel.tsx'
import { insertTimeline } from './tijdlijn/insert.ts'
import { GenogramPanel } from './genogram/GenogramPanel.tsx'
import { insertGenogram } from './genogram/insert.ts'
import { genogramSymbols } from './genogram/genogram-actions.ts'
import { ClusterPanel } from './themaclusters/ClusterPanel.tsx'
import { PerspectiefwisselPanel } from './perspectiefwissel/PerspectiefwisselPanel.tsx'
import { ExportPanel } from './verslag/ExportPanel.tsx'
import { useLocale } from '../i18n/locale.tsx'
import { insertClusters } from './themaclusters/insert.ts'
import { DemoLoader } from './sjablonen/DemoLoader.tsx'
import { insertLeefwereldportret, insertSpelregels } from './sjablonen/templates.ts'
import { THEMACLUSTER_TYPE } from './themaclusters/cluster-shapes.ts'
import { TIJDLIJN_KAART_TYPE, TIJDLIJN_TYPE, type TijdlijnKaartShape, type TijdlijnShape } from './tijdlijn/tijdlijn-shapes.ts'

/** What the selection means for the side panel: a timeline, or one card on a timeline. */
function selectedTimeline(editor: ReturnType<typeof useEditor>): { timeline: TijdlijnShape; card: TijdlijnKaartShape | null } | null {
  const selected = editor.getOnlySelectedShape() as TLShape | null
  if (!selected) return null
  if (selected.type === TIJDLIJN_TYPE) return { timeline: selected as TijdlijnShape, card: null }
  if (selected.type === TIJDLIJN_KAART_TYPE) {
    const parent = editor.getShape(selected.parentId as TLShape['id'])
    if (parent?.type === TIJDLIJN_TYPE) return { timeline: parent as TijdlijnShape, card: selected as TijdlijnKaartShape }
  }
  return null
}

/** Left-hand panel: add a werkvorm, keep the person registry, edit what is selected. */
export function WerkvormenPanel() {
  const editor = useEditor()
  const readOnly = useValue('readonly', () => editor.getIsReadonly(), [editor])
  const context = useValue('werkvorm selection', () => selectedTimeline(editor), [editor])
  const userName = useValue('user name', () => editor.user.getName(), [editor])
  const hasClusters = useValue('has clusters', () => editor.getCurrentPageShapes().some((s) => s.type === THEMACLUSTER_TYPE), [editor])
  const clusterContext = useValue(
    'cluster context',
    () => {
      const only = editor.getOnlySelectedShape()
      return !!only && (only.type === THEMACLUSTER_TYPE || (only.type === 'note' && editor.getShape(only.parentId as TLShape['id'])?.type === THEMACLUSTER_TYPE))
    },
    [editor]
  )
  const hasGenogram = useValue('has genogram', () => genogramSymbols(editor).length > 0 || editor.getCurrentPageShapes().some((s) => s.type === 'genogram-legenda'), [editor])
  const [open, setOpen] = useState(true)
  const [pwOpen, setPwOpen] = useState(false)
  const [exportOpen, setExportOpen] = useState(false)
  const exportText = useLocale().t.exportPanel
  const refusal = useValue('deletion refusal', () => deletionRefusal.get(), [])
  if (readOnly) return null
  if (!open) {
    return (
      <button type="button" className="sb-werkvormen-tab" aria-expanded="false" onClick={() => setOpen(true)}>
        Werkvormen ▸
      </button>
    )
  }
  const timeline = context?.timeline
  const setScale = (pixelsPerYear: number) =>
    timeline &&
    editor.updateShape({
      id: timeline.id,
      type: TIJDLIJN_TYPE,
      props: { pixelsPerYear: Math.round(Math.min(MAX_PIXELS_PER_YEAR, Math.max(MIN_PIXELS_PER_YEAR, pixelsPerYear))) },
    })
  const setPreset = (lanePreset: LanePresetId) => timeline && editor.updateShape({ id: timeline.id, type: TIJDLIJN_TYPE, props: { lanePreset } })
  return (
    <aside className="sb-werkvormen" aria-label="Werkvormen" onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
      <button type="button" className="sb-link-button sb-werkvormen__close" aria-expanded="true" onClick={() => setOpen(false)}>
        ◂ Paneel inklappen
      </button>
      {refusal && (
        <p role="alert" className="sb-error">
          {refusal}{' '}
          <button type="button" className="sb-link-button" onClick={() => deletionRefusal.set(null)}>
            Sluiten
          </button>
        </p>
      )}
      <section aria-labelledby="insert-heading">
        <h3 id="insert-heading">Werkvorm toevoegen</h3>
        <div className="sb-werkvormen__insert">
          <button type="button" onClick={() => insertTimeline(editor)}>
            Tijdlijn
          </button>
          <button type="button" onClick={() => insertGenogram(editor)}>
            Geno-sociogram
          </button>
          <button type="button" onClick={() => insertClusters(editor)}>
            Themaclusters
          </button>
          <button type="button" onClick={() => insertSpelregels(editor)}>
            Spelregels
          </button>
          <button type="button" onClick={() => insertLeefwereldportret(editor)}>
            Leefwereldportret
          </button>
        </div>
        <DemoLoader />
      </section>
      {timeline && (
        <section aria-label="Tijdlijn">
          <h3>{timeline.props.title}</h3>
          <label htmlFor="tijdlijn-preset">Boven en onder de lijn</label>
          <select id="tijdlijn-preset" value={timeline.props.lanePreset} onChange={(e) => setPreset(e.target.value as LanePresetId)}>
            {LANE_PRESET_IDS.map((id) => (
              <option key={id} value={id}>
                {LANE_PRESETS[id].boven} | {LANE_PRESETS[id].onder}
              </option>
            ))}
          </select>
          <div className="sb-form__row">
            <button
              type="button"
              className="sb-secondary"
              onClick={() => editor.updateShape({ id: timeline.id, type: TIJDLIJN_TYPE, props: extendAxis(timeline.props, 'start') })}
            >
              ◀ Eerder beginnen
            </button>
            <button
              type="button"
              className="sb-secondary"
              onClick={() => editor.updateShape({ id: timeline.id, type: TIJDLIJN_TYPE, props: extendAxis(timeline.props, 'end') })}
            >
              Verlengen ▶
            </button>
          </div>
          <div className="sb-form__row">
            <button type="button" className="sb-secondary" onClick={() => setScale(timeline.props.pixelsPerYear / 1.5)}>
              − Tijdas uitzoomen
            </button>
            <button type="button" className="sb-secondary" onClick={() => setScale(timeline.props.pixelsPerYear * 1.5)}>
              + Tijdas inzoomen
            </button>
          </div>
          {context.card && (
            <button type="button" className="sb-secondary" onClick={() => editor.select(timeline.id)}>
              + Nieuwe gebeurtenis
            </button>
          )}
          <TimelineFilterPanel lanePreset={timeline.props.lanePreset} lanesSwapped={timeline.props.lanesSwapped} />
          <EventForm timeline={timeline} card={context.card} userName={userName} />
          {!context.card && <GapForm timeline={timeline} userName={userName} />}
          {!context.card && <CsvPanel timeline={timeline} />}
        </section>
      )}
      {(clusterContext || (!timeline && hasClusters && !hasGenogram)) && <ClusterPanel />}
      {!timeline && !clusterContext && hasGenogram && <GenogramPanel />}
      <PersonRegistry readOnly={readOnly} />
      <details className="sb-details" onToggle={(e) => setPwOpen((e.target as HTMLDetailsElement).open)}>
        <summary>Perspectiefwissel</summary>
        {/* Mounted only while open: it polls the session state. */}
        {pwOpen && <PerspectiefwisselPanel />}
      </details>
      <details className="sb-details" onToggle={(e) => setExportOpen((e.target as HTMLDetailsElement).open)}>
        <summary>{exportText.summary}</summary>
        {/* Mounted only while open: it holds a socket to the consent record. */}
        {exportOpen && <ExportPanel />}
      </details>
    </aside>
  )
}
