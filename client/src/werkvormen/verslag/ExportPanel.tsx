import { useState } from 'react'
import { useEditor, useValue, type TLShapeId } from 'tldraw'
import { collectBoardContent, namesOnBoard } from '@samenbord/shared/werkvormen/verslag/content'
import { makePseudonymiser, type PseudonymMode } from '@samenbord/shared/werkvormen/verslag/pseudonymise'
import { exportFileTitle } from '@samenbord/shared/werkvormen/verslag/verslag'
import { downloadBackup, getVerslagData } from '../../app/api.ts'
import { useBoardAccess } from '../../board/BoardAccess.tsx'
import { useLocale } from '../../i18n/locale.tsx'
import { LabelledSelect } from '../ui/LabelledSelect.tsx'
import { boardImage, exportableFrames, type ImageFormat, type ImageScope } from './board-image.ts'
import { ConsentForm } from './ConsentForm.tsx'
import { downloadBlob, fileNameOf, todayStamp } from '../ui/download.ts'
import { makeVerslag, verslagFiles } from './verslag-files.ts'

type NameMode = 'naam' | PseudonymMode
const NAME_MODES: readonly NameMode[] = ['naam', 'initialen', 'rol']
const modeOf = (mode: NameMode): PseudonymMode | null => (mode === 'naam' ? null : mode)

/**
 * The board's outcome into the organisation's own file: pictures (whole board, a frame or the
 * selection), the verslag (printable HTML and Markdown), a back-up, and the consent record the
 * verslag starts with. Names can be replaced by initials or roles in all of them.
 */
export function ExportPanel() {
  const editor = useEditor()
  const { boardId, token, role } = useBoardAccess()
  const isFacilitator = role === 'facilitator'
  const text = useLocale().t.exportPanel
  const userName = useValue('user name', () => editor.user.getName(), [editor])
  const frames = useValue('frames', () => exportableFrames(editor), [editor])
  const selectionCount = useValue('selection size', () => editor.getSelectedShapeIds().length, [editor])
  const [scope, setScope] = useState<string>('bord')
  const [format, setFormat] = useState<ImageFormat>('png')
  const [names, setNames] = useState<NameMode>('naam')
  const [busy, setBusy] = useState<string | null>(null)
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null)

  async function run(label: string, work: () => Promise<string>) {
    setBusy(label)
    setMessage(null)
    try {
      setMessage({ error: false, text: await work() })
    } catch (error) {
      setMessage({ error: true, text: text.failed(label, (error as Error).message) })
    } finally {
      setBusy(null)
    }
  }

  const suffix = names === 'naam' ? '' : `-${names}`
  const pseudonymiser = () => {
    const mode = modeOf(names)
    if (mode === null) return null
    // The same registry (and so the same short forms) as the verslag reads, plus the people the board names.
    const content = collectBoardContent(editor.store.allRecords())
    return makePseudonymiser(content.persons, mode, namesOnBoard(content))
  }
  // The title often names the family: a pseudonymised file is not named after the board at all.
  const fileTitle = (title: string) => exportFileTitle(title, modeOf(names))
  const boardTitle = () => document.title.replace(/ · Samenbord$/, '')
  const imageScope = (): ImageScope => (scope === 'bord' ? { kind: 'bord' } : scope === 'selectie' ? { kind: 'selectie' } : { kind: 'frame', id: scope as TLShapeId })

  const downloadImage = () =>
    run(text.things.image, async () => {
      const names = pseudonymiser()
      const blob = await boardImage(editor, imageScope(), format, names)
      if (!blob) throw new Error(text.emptyImage)
      downloadBlob(blob, fileNameOf(fileTitle(boardTitle()), `${todayStamp()}${suffix}.${format}`))
      return text.imageDone(format.toUpperCase())
    })

  const verslag = (kind: 'print' | 'html' | 'md') =>
    run(text.things.verslag, async () => {
      const data = await getVerslagData(boardId, token)
      const files = verslagFiles(await makeVerslag(editor, data, modeOf(names), kind !== 'md'))
      const fileName = (extension: string) => fileNameOf(fileTitle(data.boardTitle), `verslag-${data.date}${suffix}.${extension}`)
      if (kind === 'md') downloadBlob(files.markdown, fileName('md'))
      else if (kind === 'html') downloadBlob(files.html, fileName('html'))
      else {
        // Opened as its own page so the browser's print dialog (and "Opslaan als PDF") sees only the verslag.
        const url = URL.createObjectURL(files.html)
        const page = window.open(url, '_blank')
        if (!page) {
          URL.revokeObjectURL(url)
          throw new Error(text.popupBlocked)
        }
        // Once loaded, the page no longer needs its blob: free it (a verslag can hold large pictures).
        page.addEventListener(
          'load',
          () => {
            URL.revokeObjectURL(url)
            page.print()
          },
          { once: true },
        )
      }
      return kind === 'print' ? text.printDone : text.verslagDone
    })

  const backup = () =>
    run(text.things.backup, async () => {
      downloadBlob(await downloadBackup(boardId, token), fileNameOf(boardTitle(), `backup-${todayStamp()}.json`))
      return text.backupDone
    })

  return (
    <div className="sb-export">
      <section aria-labelledby="export-image-heading" className="sb-form">
        <h4 id="export-image-heading">{text.image}</h4>
        <label htmlFor="export-scope">{text.what}</label>
        <select id="export-scope" value={scope} onChange={(e) => setScope(e.target.value)}>
          <option value="bord">{text.wholeBoard}</option>
          <option value="selectie" disabled={selectionCount === 0}>
            {text.selection(selectionCount)}
          </option>
          {frames.map((frame) => (
            <option key={frame.id} value={frame.id}>
              {frame.name}
            </option>
          ))}
        </select>
        <fieldset className="sb-fieldset sb-choice">
          <legend>{text.format}</legend>
          {(['png', 'svg'] as const).map((f) => (
            <label key={f}>
              <input type="radio" name="export-format" checked={format === f} onChange={() => setFormat(f)} /> {f.toUpperCase()}
            </label>
          ))}
        </fieldset>
        <LabelledSelect id="export-names" label={text.names} value={names} values={NAME_MODES} labelOf={(m) => text.nameModes[m]} onChange={(m) => setNames(m || 'naam')} />
        {names !== 'naam' && <p className="sb-hint">{text.namesHint[names]}</p>}
        <button type="button" onClick={downloadImage} disabled={busy !== null}>
          {text.downloadImage}
        </button>
      </section>
      {isFacilitator && (
        <section aria-labelledby="export-verslag-heading" className="sb-form">
          <h4 id="export-verslag-heading">{text.verslag}</h4>
          <p className="sb-hint">{text.verslagHint}</p>
          <button type="button" onClick={() => verslag('print')} disabled={busy !== null}>
            {text.print}
          </button>
          <div className="sb-form__row">
            <button type="button" className="sb-secondary" onClick={() => verslag('html')} disabled={busy !== null}>
              {text.html}
            </button>
            <button type="button" className="sb-secondary" onClick={() => verslag('md')} disabled={busy !== null}>
              {text.markdown}
            </button>
          </div>
        </section>
      )}
      <p role="status" className={message?.error ? 'sb-error' : 'sb-hint'}>
        {busy ? text.busy(busy) : message?.text}
      </p>
      <ConsentForm userName={userName} />
      {isFacilitator && (
        <section aria-labelledby="export-backup-heading" className="sb-form">
          <h4 id="export-backup-heading">{text.backup}</h4>
          <p className="sb-hint">{text.backupHint}</p>
          <button type="button" className="sb-secondary" onClick={backup} disabled={busy !== null}>
            {text.downloadBackup}
          </button>
        </section>
      )}
    </div>
  )
}
