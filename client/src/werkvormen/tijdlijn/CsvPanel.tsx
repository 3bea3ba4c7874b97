import { useState } from 'react'
import { createShapeId, useEditor } from 'tldraw'
import { formatTimelineCsv, parseTimelineCsv, type CsvRow } from '@samenbord/shared/werkvormen/tijdlijn/csv'
import { usePersons } from '../personen/usePersons.ts'
import { initialCardY, TIJDLIJN_KAART_TYPE, type TijdlijnKaartShape, type TijdlijnShape } from './tijdlijn-shapes.ts'
import { downloadBlob } from '../ui/download.ts'
import { ErrorMessage } from '../../app/ErrorMessage.tsx'
import { useLocale } from '../../i18n/locale.tsx'

/** Dossier information in (with a preview of every row before anything is added), the tijdlijn out. */
export function CsvPanel({ timeline }: { timeline: TijdlijnShape }) {
  const editor = useEditor()
  const persons = usePersons()
  const text = useLocale().t.tijdlijnCsv
  const [rows, setRows] = useState<CsvRow[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function read(file: File | undefined) {
    if (!file) return
    const result = parseTimelineCsv(await file.text(), persons, timeline.props.lanePreset)
    setError(result.ok ? null : result.message)
    setRows(result.ok ? result.rows : null)
  }

  function add() {
    const valid = (rows ?? []).flatMap((row) => (row.ok ? [row.props] : []))
    editor.run(() => {
      for (const props of valid) {
        editor.createShape({ id: createShapeId(), type: TIJDLIJN_KAART_TYPE, parentId: timeline.id, x: 0, y: initialCardY(timeline, props.lane, props.h), props })
      }
    })
    setRows(null)
  }

  function download() {
    const cards = editor
      .getSortedChildIdsForParent(timeline.id)
      .map((id) => editor.getShape(id))
      .filter((s): s is TijdlijnKaartShape => s?.type === TIJDLIJN_KAART_TYPE)
    const blob = new Blob([formatTimelineCsv(cards.map((c) => c.props), persons)], { type: 'text/csv;charset=utf-8' })
    downloadBlob(blob, `${timeline.props.title || 'tijdlijn'}.csv`)
  }

  const valid = rows?.filter((r) => r.ok).length ?? 0
  const problems = rows?.filter((r): r is Extract<CsvRow, { ok: false }> => !r.ok) ?? []
  return (
    // A fieldset is at least as wide as its widest content (the file picker): allowed to shrink to the panel.
    <fieldset className="sb-fieldset" aria-label="CSV" style={{ minInlineSize: 0 }}>
      <legend>CSV (dossier)</legend>
      <label htmlFor="tijdlijn-csv">Importeren (datum; soort; label; persoon; tekst)</label>
      <input id="tijdlijn-csv" type="file" accept=".csv,text/csv" style={{ minInlineSize: 0, maxInlineSize: '100%' }} onChange={(e) => read(e.target.files?.[0])} />
      <ErrorMessage>{error}</ErrorMessage>
      {rows && (
        <div role="status" aria-label="Voorbeeld van de import">
          <p className="sb-hint">
            {valid} van {rows.length} regels zijn goed.
          </p>
          {problems.length > 0 && (
            <ul className="sb-csv-problems">
              {problems.map((p) => (
                <li key={p.line}>{p.message}</li>
              ))}
            </ul>
          )}
          <button type="button" disabled={valid === 0} onClick={add}>
            {valid} {valid === 1 ? 'kaart' : 'kaarten'} toevoegen
          </button>
        </div>
      )}
      <button type="button" className="sb-secondary" onClick={download}>
        Tijdlijn als CSV downloaden
      </button>
      <p className="sb-hint">{text.safeHint}</p>
    </fieldset>
  )
}
