import { useCallback, useEffect, useState } from 'react'
import { createShapeId, toRichText, useEditor, type Editor } from 'tldraw'
import type { RugzakClaimResponse, RugzakStateResponse } from '@samenbord/shared/api'
import { MAX_RUGZAK_ADVICE_LENGTH } from '@samenbord/shared/api'
import { ApiError, tokenRequest } from '../../app/api.ts'
import { useBoardAccess } from '../../board/BoardAccess.tsx'
import { useLocale } from '../../i18n/locale.tsx'
import { ErrorMessage } from '../../app/ErrorMessage.tsx'

const POLL_MS = 1500
const TOKEN_KEY = (boardId: string) => `samenbord.rugzak.${boardId}`

/**
 * Rugzak (R26): the facilitator starts a round; people take the carrier's place or their place in
 * the queue and get a personal token (kept in this tab); helpers give one advice each in turn.
 * The server decides who sees the advice: nobody still waiting outside does.
 */
export function RugzakPanel() {
  const { t } = useLocale()
  const s = t.rugzak
  const { boardId, token, role } = useBoardAccess()
  const base = `/api/boards/${encodeURIComponent(boardId)}/rugzak`
  const [myToken, setMyToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY(boardId)))
  const [state, setState] = useState<RugzakStateResponse | null>(null)
  const [error, setError] = useState<string | null>(null)

  const refresh = useCallback(async () => {
    try {
      setState(await tokenRequest<RugzakStateResponse>(base, myToken ?? token))
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      if (error.status === 403 && myToken) {
        // A personal link of an earlier round: from now on this tab looks with its board link.
        sessionStorage.removeItem(TOKEN_KEY(boardId))
        setMyToken(null)
        return
      }
      setState(null)
    }
  }, [base, boardId, myToken, token])
  useEffect(() => {
    void refresh().catch(() => {})
    const timer = setInterval(() => void refresh().catch(() => {}), POLL_MS)
    return () => clearInterval(timer)
  }, [refresh])

  const act = async (path: string, body: unknown, withToken: string) => {
    try {
      const json = await tokenRequest<RugzakStateResponse & RugzakClaimResponse>(`${base}${path}`, withToken, body)
      setError(null)
      return json
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      setError(error.message || String(error.status))
      return null
    }
  }

  if (!state && role !== 'facilitator') return null
  return (
    <fieldset className="sb-fieldset sb-rugzak">
      <legend>{s.legend}</legend>
      {role === 'facilitator' && <StartRugzak onStart={async (carrier, helpers) => (await act('', { carrier, helpers }, token)) && refresh()} />}
      {state && (
        <RugzakRound
          state={state}
          canClaim={role !== 'viewer' && myToken === null}
          onClaim={async (as) => {
            const claimed = await act('/aanmelden', { as }, token)
            if (claimed?.rugzakToken) {
              sessionStorage.setItem(TOKEN_KEY(boardId), claimed.rugzakToken)
              setMyToken(claimed.rugzakToken)
            }
          }}
          onAdvice={async (text) => myToken !== null && (await act('/advies', { text }, myToken)) !== null && (await refresh(), true)}
          onTakeOut={async (itemId) => (await act('/eruit', { itemId }, myToken ?? token)) && refresh()}
          canTakeOut={state.me === 'drager' || role === 'facilitator'}
        />
      )}
      <ErrorMessage>{error}</ErrorMessage>
    </fieldset>
  )
}

function StartRugzak({ onStart }: { onStart(carrier: string, helpers: string[]): void }) {
  const { t } = useLocale()
  const s = t.rugzak
  const [carrier, setCarrier] = useState('')
  const [helpers, setHelpers] = useState('')
  const list = helpers
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  return (
    <form
      className="sb-rugzak__start"
      onSubmit={(e) => {
        e.preventDefault()
        onStart(carrier.trim(), list)
      }}
    >
      <p className="sb-hint">{s.intro}</p>
      <label htmlFor="rz-carrier">{s.carrierLabel}</label>
      <input id="rz-carrier" value={carrier} maxLength={60} placeholder={s.carrierPlaceholder} onChange={(e) => setCarrier(e.target.value)} />
      <label htmlFor="rz-helpers">{s.helpersLabel}</label>
      <textarea id="rz-helpers" rows={4} value={helpers} onChange={(e) => setHelpers(e.target.value)} />
      <button type="submit" className="sb-secondary" disabled={carrier.trim().length === 0 || list.length === 0}>
        {s.start}
      </button>
    </form>
  )
}

function RugzakRound(props: {
  state: RugzakStateResponse
  canClaim: boolean
  canTakeOut: boolean
  onClaim(as: 'drager' | number): void
  onAdvice(text: string): Promise<boolean>
  onTakeOut(itemId: string): void
}) {
  const { t } = useLocale()
  const s = t.rugzak
  const { state } = props
  const [advice, setAdvice] = useState('')
  const myTurn = typeof state.me === 'number' && state.turn === state.me
  const waiting = typeof state.me === 'number' && state.items === null
  return (
    <div className="sb-rugzak__round" data-testid="rugzak">
      <h3>{s.title(state.carrier)}</h3>
      <p className="sb-rugzak__count" role="status">
        {s.count(state.count)}
      </p>
      {state.me === 'drager' && <p className="sb-hint">{s.youCarry}</p>}
      {props.canClaim && !state.carrierClaimed && (
        <button type="button" className="sb-secondary" onClick={() => props.onClaim('drager')}>
          {s.claimCarrier}
        </button>
      )}
      <ol className="sb-rugzak__queue" aria-label={s.helpersLabel}>
        {state.helpers.map((helper, i) => (
          <li key={i} aria-current={state.turn === i ? 'step' : undefined}>
            {helper.name} <span className="sb-hint">({helper.done ? s.given : state.turn === i ? s.turnNow : s.waiting})</span>
            {props.canClaim && !helper.claimed && (
              <button type="button" className="sb-link-button" aria-label={`${s.claimHelper}: ${helper.name}`} onClick={() => props.onClaim(i)}>
                {s.claimHelper}
              </button>
            )}
          </li>
        ))}
      </ol>
      {waiting && !myTurn && <p className="sb-hint">{s.youWait}</p>}
      {myTurn && (
        <form
          onSubmit={async (e) => {
            e.preventDefault()
            if (await props.onAdvice(advice)) setAdvice('')
          }}
        >
          {state.items === null && <p className="sb-hint">{s.yourTurn}</p>}
          <label htmlFor="rz-advice">{s.yourAdvice}</label>
          <textarea id="rz-advice" rows={3} maxLength={MAX_RUGZAK_ADVICE_LENGTH} value={advice} onChange={(e) => setAdvice(e.target.value)} />
          <button type="submit" disabled={advice.trim().length === 0}>
            {s.putIn}
          </button>
        </form>
      )}
      {state.items && state.items.length > 0 && (
        <ul className="sb-rugzak__items" aria-label={s.title(state.carrier)}>
          {state.items.map((item) => (
            <li key={item.id} data-testid="rugzak-advies">
              <span>{item.text}</span> <span className="sb-hint">— {item.byName}</span>
              {props.canTakeOut && (
                <button type="button" className="sb-link-button" aria-label={`${s.takeOut}: ${item.text}`} onClick={() => props.onTakeOut(item.id)}>
                  {s.takeOut}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {state.log && state.log.length > 0 && (
        <details>
          <summary>{s.logTitle}</summary>
          <ul className="sb-rugzak__log">
            {state.log.map((entry, i) => (
              <li key={i}>{entry.action === 'erin' ? s.logIn(entry.byName, entry.text) : s.logOut(entry.byName, entry.text)}</li>
            ))}
          </ul>
        </details>
      )}
      {state.turn === null && (
        <div className="sb-rugzak__debrief">
          <p>{s.debriefHelpers}</p>
          <p>{s.debriefCarrier}</p>
        </div>
      )}
      {props.canTakeOut && state.items && state.log && <PlaceOnBoard state={state} />}
    </div>
  )
}

/** Facilitator: the backpack as a frame on the board, each advice a "book", and what was taken out below it. */
function PlaceOnBoard({ state }: { state: RugzakStateResponse }) {
  const editor = useEditor()
  const { t } = useLocale()
  if (editor.getIsReadonly()) return null
  return (
    <button type="button" className="sb-secondary" onClick={() => placeRugzak(editor, state, t.rugzak)}>
      {t.rugzak.placeOnBoard}
    </button>
  )
}

function placeRugzak(editor: Editor, state: RugzakStateResponse, s: { title(carrier: string): string; logOut(name: string, text: string): string }) {
  const items = state.items ?? []
  const out = (state.log ?? []).filter((entry) => entry.action === 'eruit')
  const view = editor.getViewportPageBounds()
  const frame = createShapeId()
  const columns = 4
  const rows = Math.max(1, Math.ceil(items.length / columns))
  editor.run(() => {
    editor.createShape({
      id: frame,
      type: 'frame',
      x: Math.round(view.minX + 340),
      y: Math.round(view.minY + 60),
      props: { w: 40 + columns * 240, h: 60 + rows * 240 + (out.length > 0 ? 60 + out.length * 40 : 0), name: s.title(state.carrier) },
    })
    items.forEach((item, i) => {
      editor.createShape({
        type: 'note',
        parentId: frame,
        x: 30 + (i % columns) * 240,
        y: 30 + Math.floor(i / columns) * 240,
        props: { richText: toRichText(`${item.text}\n\n— ${item.byName}`), color: 'orange', size: 's' },
      })
    })
    if (out.length > 0) {
      editor.createShape({
        type: 'text',
        parentId: frame,
        x: 30,
        y: 40 + rows * 240,
        props: { richText: toRichText(out.map((entry) => s.logOut(entry.byName, entry.text)).join('\n')), size: 's', w: columns * 240 - 20, autoSize: false },
      })
    }
  })
  editor.select(frame)
}
