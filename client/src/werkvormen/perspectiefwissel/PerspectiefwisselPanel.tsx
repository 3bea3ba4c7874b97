import { useContext, useEffect, useRef, useState } from 'react'
import { createShapeId, toRichText, useEditor, useValue } from 'tldraw'
import { PERSPECTIEFWISSEL_PHASES, phaseReached, type PerspectiefwisselStateResponse } from '@samenbord/shared/api'
import { MAX_SUB_DOC_FIELD_LENGTH } from '@samenbord/shared/protocol'
import { claimRoleCard, setPerspectiefwisselPhase, startPerspectiefwissel } from '../../app/api.ts'
import { useBoardAccess } from '../../board/BoardAccess.tsx'
import { changeFacilitation, markRoleCardReady, useSessionState } from '../../board/sessionState.ts'
import { BoardStatusContext } from '../../board/BoardStatusPanel.tsx'
import { startTimer } from '../../board/timer.ts'
import {
  ACTION_ALTERNATIVE_GROUP_LABELS,
  ACTION_ALTERNATIVE_GROUPS,
  type ActionAlternativeGroup,
} from '@samenbord/shared/werkvormen/perspectiefwissel/alternatives'
import { TWO_GROUPS_MINUTES, insertTwoGroups, twoGroupsAgenda } from './twoGroups.ts'
import { RugzakPanel } from './RugzakPanel.tsx'
import { useLocale } from '../../i18n/locale.tsx'
import { ActionAlternatives } from './ActionAlternatives.tsx'
import { usePersons } from '../personen/usePersons.ts'
import { LabelledSelect } from '../ui/LabelledSelect.tsx'
import { POSTURES, postureLabel } from './postures.ts'
import { myCardTokens, rememberCardToken, useRoleCard, type RoleCardValues } from './useRoleCard.ts'
import { ErrorMessage } from '../../app/ErrorMessage.tsx'

/**
 * Perspectiefwissel: the facilitator picks the roles, each participant claims one (never
 * themselves) and fills in their own card in silence; the server keeps the cards hidden until the
 * facilitator reveals first the postures, then the answers, which then form a table.
 */
export function PerspectiefwisselPanel() {
  const { boardId, token, role } = useBoardAccess()
  const editor = useEditor()
  // Polled once per page (sessionState.ts), shared with the role badge and the lock notice.
  const { perspectiefwissel: state, refresh } = useSessionState()
  const canEditBoard = useValue('can edit board', () => !editor.getIsReadonly(), [editor])
  const { t } = useLocale()
  const text = t.pw
  const [error, setError] = useState<string | null>(null)
  const [, setTick] = useState(0)

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action()
      setError(null)
      await refresh()
      setTick((t) => t + 1)
    } catch (e) {
      setError((e as Error).message)
    }
  }

  const isFacilitator = role === 'facilitator'
  const mine = state ? myCardTokens(boardId, state.roles.map((r) => r.cardId)) : new Map<string, string>()

  return (
    <section className="sb-form" aria-label="Perspectiefwissel">
      {!state && !isFacilitator && <p className="sb-hint">{text.notStarted}</p>}
      {isFacilitator && (!state || state.phase === 'afgerond') && <StartForm
          onStart={(roles) =>
            act(async () => {
              await startPerspectiefwissel(boardId, token, { roles })
              // A silent round is quiet on every screen too: no cursors or names (the facilitator can turn it off).
              await changeFacilitation(boardId, token, { stiltemodus: true })
            })
          }
        />}
      {state && (
        <>
          <p className="sb-pw-phase" role="status" data-phase={state.phase}>
            {text.phase[state.phase]}
          </p>
          {isFacilitator && text.nextPhase[state.phase] && (
            <button
              type="button"
              onClick={() => {
                const next = PERSPECTIEFWISSEL_PHASES[PERSPECTIEFWISSEL_PHASES.indexOf(state.phase) + 1]
                act(() => setPerspectiefwisselPhase(boardId, token, { phase: next }))
              }}
            >
              {text.nextPhase[state.phase]}
            </button>
          )}
          {state.phase === 'stilte' && role !== 'viewer' && mine.size === 0 && (
            <ClaimList state={state} onClaim={(cardId, holderName, selfPersonId) =>
              act(async () => {
                const { cardToken } = await claimRoleCard(boardId, token, { cardId, holderName, selfPersonId })
                rememberCardToken(boardId, cardId, cardToken)
              })
            } />
          )}
          {[...mine].map(([cardId, cardToken]) => {
            const mineRole = state.roles.find((r) => r.cardId === cardId)
            return (
              <MyRoleCard
                key={cardId}
                label={mineRole?.label ?? ''}
                boardId={boardId}
                cardId={cardId}
                cardToken={cardToken}
                ready={state.phase === 'stilte' ? !!mineRole?.ready : null}
                onReady={(ready) => act(() => markRoleCardReady(boardId, cardToken, cardId, ready))}
              />
            )
          })}
          {state.phase === 'stilte' && <ReadyIndicator state={state} />}
          {(isFacilitator || state.phase !== 'stilte') && <RoleTable state={state} mine={mine} />}
          {state.phase === 'stilte' && (
            <p className="sb-hint">
              {text.claimedCount(state.roles.filter((r) => r.claimed).length, state.roles.length)}
            </p>
          )}
          {phaseReached(state.phase, 'antwoorden') && <ActionAlternatives canEdit={canEditBoard && role !== 'viewer'} isFacilitator={isFacilitator} />}
        </>
      )}
      {isFacilitator && <TwoGroupsVariant />}
      <RugzakPanel />
      <ErrorMessage>{error}</ErrorMessage>
    </section>
  )
}

/** R25: two groups side by side, a 15-minute timer and the pitch order on the agenda, set up in one go. */
function TwoGroupsVariant() {
  const editor = useEditor()
  const { t } = useLocale()
  const s = t.begeleiding
  const { boardId, token } = useBoardAccess()
  const board = useContext(BoardStatusContext)
  const { refresh } = useSessionState()
  const [first, setFirst] = useState<ActionAlternativeGroup>('gezin')
  const [done, setDone] = useState(false)
  const [error, setError] = useState<string | null>(null)
  return (
    <fieldset className="sb-fieldset">
      <legend>{s.twoGroupsLegend}</legend>
      <p className="sb-hint">{s.twoGroupsHint}</p>
      <LabelledSelect<ActionAlternativeGroup>
        id="pw-two-groups-first"
        label={s.twoGroupsFirst}
        value={first}
        values={ACTION_ALTERNATIVE_GROUPS}
        labelOf={(g) => ACTION_ALTERNATIVE_GROUP_LABELS[g]}
        onChange={(g) => g && setFirst(g)}
      />
      <button
        type="button"
        className="sb-secondary"
        onClick={async () => {
          try {
            const { bounds } = insertTwoGroups(editor)
            startTimer(editor, TWO_GROUPS_MINUTES)
            await changeFacilitation(boardId, token, { agenda: { steps: twoGroupsAgenda(first), current: 0 } })
            editor.zoomToBounds(bounds, { inset: 0, animation: { duration: 300 } })
            board?.summonEveryone({ pageId: editor.getCurrentPageId(), x: bounds.x, y: bounds.y, w: bounds.w, h: bounds.h })
            await refresh()
            setDone(true)
            setError(null)
          } catch (e) {
            setError((e as Error).message)
          }
        }}
      >
        {s.twoGroupsStart}
      </button>
      {done && (
        <p className="sb-hint" role="status">
          {s.twoGroupsDone}
        </p>
      )}
      <ErrorMessage>{error}</ErrorMessage>
    </fieldset>
  )
}

function StartForm({ onStart }: { onStart(roles: { personId: string; label: string }[]): void }) {
  const persons = usePersons()
  const text = useLocale().t.pw
  const [chosen, setChosen] = useState<Set<string>>(new Set())
  if (persons.length === 0) return <p className="sb-hint">{text.addPersonsFirst}</p>
  return (
    <fieldset className="sb-fieldset">
      <legend>{text.rolesLegend}</legend>
      {persons.map((p) => (
        <label key={p.id} className="sb-check">
          <input
            type="checkbox"
            checked={chosen.has(p.id)}
            onChange={() => setChosen((c) => (c.has(p.id) ? new Set([...c].filter((id) => id !== p.id)) : new Set([...c, p.id])))}
          />
          {p.name}
          {p.relation && ` (${p.relation})`}
        </label>
      ))}
      <button
        type="button"
        disabled={chosen.size === 0}
        onClick={() => onStart(persons.filter((p) => chosen.has(p.id)).map((p) => ({ personId: p.id, label: p.relation ? `${p.name} (${p.relation})` : p.name })))}
      >
        {text.startSilentRound}
      </button>
    </fieldset>
  )
}

function ClaimList({ state, onClaim }: { state: PerspectiefwisselStateResponse; onClaim(cardId: string, holderName: string, selfPersonId: string | null): void }) {
  const editor = useEditor()
  const persons = usePersons()
  const text = useLocale().t.pw
  const [self, setSelf] = useState('')
  return (
    <fieldset className="sb-fieldset">
      <legend>{text.chooseRole}</legend>
      <p className="sb-hint">{text.neverYourself}</p>
      <LabelledSelect
        id="pw-self"
        label={text.selfQuestion}
        value={self}
        values={persons.map((p) => p.id)}
        labelOf={(id) => persons.find((p) => p.id === id)?.name ?? id}
        onChange={setSelf}
        empty
      />
      <ul className="sb-pw-roles">
        {state.roles.map((r) => (
          <li key={r.cardId}>
            <span>{r.label}</span>
            {r.claimed ? (
              <span className="sb-hint">{text.chosenBy(r.holderName)}</span>
            ) : (
              <button type="button" className="sb-secondary" onClick={() => onClaim(r.cardId, editor.user.getName(), self || null)}>
                {text.chooseThisRole}
              </button>
            )}
          </li>
        ))}
      </ul>
    </fieldset>
  )
}

/**
 * Who is ready in the silent round: names and a count, never what anyone wrote. Calm on purpose:
 * no progress bar, no sound, nothing moves on by itself.
 */
function ReadyIndicator({ state }: { state: PerspectiefwisselStateResponse }) {
  const { t } = useLocale()
  const s = t.begeleiding
  const claimed = state.roles.filter((r) => r.claimed)
  const ready = claimed.filter((r) => r.ready)
  if (claimed.length === 0) return null
  return (
    <div className="sb-pw-ready" role="status" aria-live="polite" aria-label={s.readyCount(ready.length, claimed.length)}>
      <p className="sb-pw-ready__count">{s.readyCount(ready.length, claimed.length)}</p>
      <ul className="sb-pw-ready__list">
        {claimed.map((r) => (
          <li key={r.cardId} data-ready={r.ready} data-testid="klaar-persoon">
            <span aria-hidden="true">{r.ready ? '●' : '○'}</span> {r.holderName} <span className="sb-hint">({r.ready ? s.ready : s.stillWriting})</span>
          </li>
        ))}
      </ul>
      <p className="sb-hint">{s.readyHint}</p>
    </div>
  )
}

function MyRoleCard({
  label,
  boardId,
  cardId,
  cardToken,
  ready,
  onReady,
}: {
  label: string
  boardId: string
  cardId: string
  cardToken: string
  /** Null outside the silent round. */
  ready: boolean | null
  onReady(ready: boolean): void
}) {
  const { t } = useLocale()
  const card = useRoleCard(boardId, cardId, cardToken)
  const posture = useRoleCard(boardId, cardId, cardToken, 'houding')
  const field = (key: keyof RoleCardValues, text: string) => (
    <>
      <label htmlFor={`pw-${key}`}>{text}</label>
      <textarea id={`pw-${key}`} rows={3} maxLength={MAX_SUB_DOC_FIELD_LENGTH} value={card.values[key] ?? ''} onChange={(e) => card.set(key, e.target.value)} disabled={!card.open} />
    </>
  )
  return (
    <fieldset className="sb-fieldset sb-pw-card" aria-label={t.pw.myCard(label)}>
      <legend>{t.pw.myCard(label)}</legend>
      <p className="sb-hint">{t.pw.onlyYou}</p>
      {field('dilemma', t.pw.dilemma)}
      {field('gevoel', t.pw.feeling)}
      <LabelledSelect
        id="pw-houding"
        label={t.pw.posture}
        value={posture.values.houding ?? ''}
        values={POSTURES.map((p) => p.id)}
        labelOf={(id) => t.pw.postures[id] ?? postureLabel(id)}
        onChange={(v) => posture.set('houding', v)}
        empty
      />
      {field('notities', t.pw.notes)}
      {ready !== null && (
        <button type="button" className={ready ? 'sb-secondary sb-pw-ready-button' : 'sb-pw-ready-button'} aria-pressed={ready} onClick={() => onReady(!ready)}>
          {ready ? t.begeleiding.notReadyYet : t.begeleiding.imReady}
        </button>
      )}
    </fieldset>
  )
}

/** Rows = betrokkenen; columns appear as the facilitator reveals them. */
function RoleTable({ state, mine }: { state: PerspectiefwisselStateResponse; mine: Map<string, string> }) {
  const editor = useEditor()
  const { boardId, token, role } = useBoardAccess()
  const rows = useRef(new Map<string, RoleCardValues>())
  const showAnswers = role === 'facilitator' || phaseReached(state.phase, 'antwoorden')
  const showPostures = role === 'facilitator' || phaseReached(state.phase, 'houdingen')
  const text = useLocale().t.pw
  const posture = (id: string | undefined) => (id ? (text.postures[id] ?? postureLabel(id)) : '—')

  function placeOnBoard() {
    const view = editor.getViewportPageBounds()
    const frame = createShapeId()
    editor.run(() => {
      editor.createShape({ id: frame, type: 'frame', x: view.minX + 340, y: view.minY + 60, props: { w: 1200, h: 120 + state.roles.length * 230, name: 'Perspectiefwissel' } })
      state.roles.forEach((r, i) => {
        const v = rows.current.get(r.cardId) ?? {}
        const cells = [r.label, `${text.colPosture}: ${posture(v.houding)}`, `${text.colDilemma}: ${v.dilemma ?? '—'}`, `${text.colFeeling}: ${v.gevoel ?? '—'}`]
        cells.forEach((text, c) => {
          editor.createShape({ type: 'note', parentId: frame, x: 30 + c * 290, y: 40 + i * 230, props: { richText: toRichText(text), size: 's', color: c === 0 ? 'light-violet' : 'yellow' } })
        })
      })
    })
  }

  return (
    <div className="sb-pw-table-wrap">
      <table className="sb-pw-table" aria-label={text.tableLabel}>
        <thead>
          <tr>
            <th scope="col">{text.colPerson}</th>
            <th scope="col">{text.colPlayedBy}</th>
            {showPostures && <th scope="col">{text.colPosture}</th>}
            {showAnswers && <th scope="col">{text.colDilemma}</th>}
            {showAnswers && <th scope="col">{text.colFeeling}</th>}
          </tr>
        </thead>
        <tbody>
          {state.roles.map((r) => (
            <RoleRow
              key={r.cardId}
              boardId={boardId}
              cardId={r.cardId}
              // The holder reads with the card token; the facilitator always, and the others once each part is revealed, with their board link.
              postureToken={mine.get(r.cardId) ?? (showPostures ? token : null)}
              answersToken={mine.get(r.cardId) ?? (showAnswers ? token : null)}
              label={r.label}
              holder={r.holderName}
              showPostures={showPostures}
              showAnswers={showAnswers}
              onValues={(values) => rows.current.set(r.cardId, values)}
            />
          ))}
        </tbody>
      </table>
      {role === 'facilitator' && phaseReached(state.phase, 'antwoorden') && (
        <button type="button" className="sb-secondary" onClick={placeOnBoard}>
          {text.placeTable}
        </button>
      )}
    </div>
  )
}

function RoleRow(props: {
  boardId: string
  cardId: string
  postureToken: string | null
  answersToken: string | null
  label: string
  holder: string | null
  showPostures: boolean
  showAnswers: boolean
  onValues(values: RoleCardValues): void
}) {
  const card = useRoleCard(props.boardId, props.cardId, props.answersToken)
  const posture = useRoleCard(props.boardId, props.cardId, props.postureToken, 'houding')
  const postures = useLocale().t.pw.postures
  useEffect(() => {
    props.onValues({ ...card.values, houding: posture.values.houding })
  }, [card.values, posture.values])
  return (
    <tr data-card={props.cardId}>
      <th scope="row">{props.label}</th>
      <td>{props.holder ?? '—'}</td>
      {props.showPostures && <td>{posture.values.houding ? (postures[posture.values.houding] ?? postureLabel(posture.values.houding)) : '—'}</td>}
      {props.showAnswers && <td>{card.values.dilemma ?? '—'}</td>}
      {props.showAnswers && <td>{card.values.gevoel ?? '—'}</td>}
    </tr>
  )
}
