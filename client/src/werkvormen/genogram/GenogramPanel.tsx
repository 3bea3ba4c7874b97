import { useState } from 'react'
import { useEditor, useValue, type TLShape } from 'tldraw'
import {
  CHILD_KINDS,
  RELATION_KINDS_BY_TYPE,
  RELATION_KIND_INFO,
  RELATION_TYPE_LABELS,
  type RelationKind,
  type RelationType,
  PERSON_VARIANTS,
  type PersonVariant,
} from '@samenbord/shared/werkvormen/genogram/notation'
import { usePersons } from '../personen/usePersons.ts'
import { addChild, arrangeGenerations, connectPersons, genogramSymbols, placePerson } from './genogram-actions.ts'
import { GENOGRAM_VIEWS, GENOGRAM_VIEW_LABELS, genogramView, outlineHousehold, setGenogramView, type GenogramView } from './genogram-view.ts'
import { GENOGRAM_PERSOON_TYPE, GENOGRAM_RELATIE_TYPE, type GenogramPersoonShape, type GenogramRelatieShape } from './genogram-shapes.ts'
import { ErrorMessage } from '../../app/ErrorMessage.tsx'
import { useBoardAccess } from '../../board/BoardAccess.tsx'
import { useLocale } from '../../i18n/locale.tsx'

type LineType = Exclude<RelationType, 'kind'>
const LINE_TYPES: LineType[] = ['koppel', 'emotioneel', 'ecomap']
const VARIANT_LABELS: Record<PersonVariant, string> = { persoon: 'Persoon', zwangerschap: 'Zwangerschap', miskraam: 'Miskraam' }

const kindLabel = (type: RelationType, kind: string) => RELATION_KIND_INFO[`${type}:${kind}`]?.label ?? kind

/** Geno-sociogram tools: put people on the board, connect them, hang children, order generations. */
export function GenogramPanel() {
  const editor = useEditor()
  const persons = usePersons()
  const selection = useValue('genogram selection', () => editor.getSelectedShapes() as TLShape[], [editor])
  const onBoard = useValue('symbols', () => new Set(genogramSymbols(editor).map((s) => s.props.personId)), [editor])
  const [personToPlace, setPersonToPlace] = useState('')
  const [lineType, setLineType] = useState<LineType>('koppel')
  const [kind, setKind] = useState<RelationKind>('gehuwd')
  const [childKind, setChildKind] = useState<RelationKind>('biologisch')
  const [twin, setTwin] = useState(false)
  const [label, setLabel] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const view = useValue('genogram view', () => genogramView(editor), [editor])
  // The view changes every screen: only the facilitator picks it (the relay refuses it from other links).
  const isFacilitator = useBoardAccess().role === 'facilitator'
  const text = useLocale().t.facilitatorSettings

  const symbols = selection.filter((s): s is GenogramPersoonShape => s.type === GENOGRAM_PERSOON_TYPE)
  const relations = selection.filter((s): s is GenogramRelatieShape => s.type === GENOGRAM_RELATIE_TYPE)
  const couple = relations.length === 1 && relations[0].props.relationType === 'koppel' ? relations[0] : null
  const notPlaced = persons.filter((p) => !onBoard.has(p.id))

  const report = (result: { ok: boolean; message?: string }) => setMessage(result.ok ? null : (result.message ?? null))

  return (
    <section className="sb-form" aria-label="Geno-sociogram">
      <h3>Geno-sociogram</h3>
      <label htmlFor="genogram-place">Persoon op het bord zetten</label>
      <div className="sb-form__row">
        <select id="genogram-place" value={personToPlace} onChange={(e) => setPersonToPlace(e.target.value)}>
          <option value="">—</option>
          {notPlaced.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={!personToPlace}
          onClick={() => {
            editor.select(placePerson(editor, personToPlace))
            setPersonToPlace('')
          }}
        >
          Plaatsen
        </button>
      </div>

      {symbols.length === 2 && relations.length === 0 && (
        <fieldset className="sb-fieldset">
          <legend>
            Relatie tussen {persons.find((p) => p.id === symbols[0].props.personId)?.name} en{' '}
            {persons.find((p) => p.id === symbols[1].props.personId)?.name}
          </legend>
          <label htmlFor="genogram-line-type">Soort</label>
          <select
            id="genogram-line-type"
            value={lineType}
            onChange={(e) => {
              const type = e.target.value as LineType
              setLineType(type)
              setKind(RELATION_KINDS_BY_TYPE[type][0])
            }}
          >
            {LINE_TYPES.map((t) => (
              <option key={t} value={t}>
                {RELATION_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
          <label htmlFor="genogram-line-kind">Lijn</label>
          <select id="genogram-line-kind" value={kind} onChange={(e) => setKind(e.target.value as RelationKind)}>
            {RELATION_KINDS_BY_TYPE[lineType].map((k) => (
              <option key={k} value={k}>
                {kindLabel(lineType, k)}
              </option>
            ))}
          </select>
          <label htmlFor="genogram-line-label">Label (bijv. “getrouwd 2005”)</label>
          <input id="genogram-line-label" value={label} onChange={(e) => setLabel(e.target.value)} />
          <button type="button" onClick={() => report(connectPersons(editor, symbols[0], symbols[1], lineType, kind, label.trim()))}>
            Verbinden
          </button>
        </fieldset>
      )}

      {couple && symbols.length === 1 && (
        <fieldset className="sb-fieldset">
          <legend>Kind van dit paar</legend>
          <label htmlFor="genogram-child-kind">Soort</label>
          <select id="genogram-child-kind" value={childKind} onChange={(e) => setChildKind(e.target.value as RelationKind)}>
            {CHILD_KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel('kind', k)}
              </option>
            ))}
          </select>
          <label className="sb-check">
            <input type="checkbox" checked={twin} onChange={(e) => setTwin(e.target.checked)} /> Tweeling
          </label>
          <button type="button" onClick={() => report(addChild(editor, couple, symbols[0], childKind, twin))}>
            Kind toevoegen
          </button>
        </fieldset>
      )}

      {symbols.length === 1 && !couple && (
        <fieldset className="sb-fieldset">
          <legend>Symbool</legend>
          <label className="sb-check">
            <input
              type="checkbox"
              checked={symbols[0].props.isIndex}
              onChange={(e) => editor.updateShape({ id: symbols[0].id, type: GENOGRAM_PERSOON_TYPE, props: { isIndex: e.target.checked } })}
            />{' '}
            Aangemelde persoon
          </label>
          <label htmlFor="genogram-variant">Weergave</label>
          <select
            id="genogram-variant"
            value={symbols[0].props.variant}
            onChange={(e) => editor.updateShape({ id: symbols[0].id, type: GENOGRAM_PERSOON_TYPE, props: { variant: e.target.value as PersonVariant } })}
          >
            {PERSON_VARIANTS.map((v) => (
              <option key={v} value={v}>
                {VARIANT_LABELS[v]}
              </option>
            ))}
          </select>
        </fieldset>
      )}

      {relations.length === 1 && symbols.length === 0 && (
        <fieldset className="sb-fieldset">
          <legend>{RELATION_TYPE_LABELS[relations[0].props.relationType]}</legend>
          <label htmlFor="genogram-edit-kind">Lijn</label>
          <select
            id="genogram-edit-kind"
            value={relations[0].props.kind}
            onChange={(e) => editor.updateShape({ id: relations[0].id, type: GENOGRAM_RELATIE_TYPE, props: { kind: e.target.value as RelationKind } })}
          >
            {RELATION_KINDS_BY_TYPE[relations[0].props.relationType].map((k) => (
              <option key={k} value={k}>
                {kindLabel(relations[0].props.relationType, k)}
              </option>
            ))}
          </select>
          {couple && <p className="sb-hint">Selecteer ook een kind (shift-klik) om het onder dit paar te hangen.</p>}
        </fieldset>
      )}

      {symbols.length >= 2 && (
        <button type="button" className="sb-secondary" onClick={() => outlineHousehold(editor, symbols)}>
          Huishouden omlijnen
        </button>
      )}

      {symbols.length === 0 && relations.length === 0 && (
        <p className="sb-hint">Selecteer twee personen om ze te verbinden, of een paar en een kind.</p>
      )}
      <ErrorMessage>{message}</ErrorMessage>
      <button type="button" className="sb-secondary" onClick={() => arrangeGenerations(editor)}>
        Generaties ordenen
      </button>
      {isFacilitator ? (
        <>
          <label htmlFor="genogram-view">{text.genogramViewLabel}</label>
          <select id="genogram-view" value={view} onChange={(e) => setGenogramView(editor, e.target.value as GenogramView)}>
            {GENOGRAM_VIEWS.map((v) => (
              <option key={v} value={v}>
                {GENOGRAM_VIEW_LABELS[v]}
              </option>
            ))}
          </select>
        </>
      ) : (
        <p className="sb-hint">{text.genogramViewNow(GENOGRAM_VIEW_LABELS[view])}</p>
      )}
    </section>
  )
}
