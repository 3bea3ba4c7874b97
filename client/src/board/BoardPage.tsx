import { useEffect, useMemo, useRef, useState } from 'react'
import { Tldraw, type Editor, type TLComponents } from 'tldraw'
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite.js'
import type { BoardInfoResponse } from '@samenbord/shared/api'
import { canWrite } from '@samenbord/shared/roles'
import { CloseCode } from '@samenbord/shared/protocol'
import { ApiError, getBoardInfo } from '../app/api.ts'
import { useClientConfig } from '../app/useClientConfig.ts'
import { boundedInlineAssetStore } from '../sync/bounded-asset-store.ts'
import { useLocale } from '../i18n/locale.tsx'
import { NamePrompt } from './NamePrompt.tsx'
import { BoardStatusContext, BoardStatusPanel } from './BoardStatusPanel.tsx'
import { BoardAccessContext } from './BoardAccess.tsx'
import { PresentingOverlay } from './PresentingOverlay.tsx'
import { createBoardIdentity, rememberedName, rememberName } from './identity.ts'
import { useBoardSession } from './useBoardSession.ts'
import { SessionStateContext, usePolledSessionState } from './sessionState.ts'
import { SessionOverlay } from './SessionOverlay.tsx'
import { registerFrameLocks } from './frameLocks.ts'
import { myRoleIn } from '../werkvormen/perspectiefwissel/useMyRole.ts'
import { registerWerkvormBehaviour, werkvormBindingUtils, werkvormVisibility, werkvormShapeUtils, WerkvormenPanel } from '../werkvormen/index.ts'

// Fonts, icons and tldraw's translations are bundled by Vite and served by our own server.
const assetUrls = getAssetUrlsByImport()

/** Where this tab keeps a board's token once it left the address bar. */
const tokenKey = (boardId: string) => `samenbord:token:${boardId}`

/**
 * The board's token. A link brings it in the URL fragment (#token=…), which browsers never send
 * to a server; it is kept for this tab (a reload still works) and taken out of the address bar
 * and the history at once, so a projector or the back button never shows it. A later fragment
 * (a renewed link) replaces the kept token.
 */
export function readToken(boardId: string): string {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token')
  if (fromLink) {
    try {
      sessionStorage.setItem(tokenKey(boardId), fromLink)
    } catch {
      // Storage refused (private mode quota): the token still works until the tab reloads.
    }
    history.replaceState(history.state, '', `/b/${boardId}`)
    return fromLink
  }
  try {
    return sessionStorage.getItem(tokenKey(boardId)) ?? ''
  } catch {
    return ''
  }
}

export function BoardPage({ boardId }: { boardId: string }) {
  const { t } = useLocale()
  const [token] = useState(() => readToken(boardId))
  const [info, setInfo] = useState<BoardInfoResponse | null>(null)
  // Without a token: a fragment that lost its token is an incomplete link; no fragment at all is
  // a clean address (another tab, a bookmark), which needs the link itself.
  const [error, setError] = useState<string | null>(token ? null : location.hash.length > 1 ? t.noToken : t.linkNeeded)
  const [name, setName] = useState(rememberedName)
  const [askName, setAskName] = useState(!rememberedName())

  useEffect(() => {
    if (!token) return
    getBoardInfo(boardId, token)
      .then((board) => {
        setInfo(board)
        document.title = `${board.title} · Samenbord`
      })
      .catch((e: unknown) => {
        const status = e instanceof ApiError ? e.status : 0
        const byStatus: Record<number, string> = { 401: t.refused[4401], 403: t.refused[4403], 404: t.refused[4404] }
        setError(byStatus[status] ?? (e as Error).message)
      })
  }, [boardId, token, t])

  if (error) return <Notice message={error} />
  if (askName)
    return (
      <NamePrompt
        initial={name}
        onSubmit={(next) => {
          rememberName(next)
          setName(next)
          setAskName(false)
        }}
      />
    )
  if (!info) return <Notice message={t.loadingBoard} busy />
  return <LiveBoard info={info} token={token} name={name} onChangeName={() => setAskName(true)} />
}

function LiveBoard({ info, token, name, onChangeName }: { info: BoardInfoResponse; token: string; name: string; onChangeName(): void }) {
  const { t, locale, setLocale } = useLocale()
  const config = useClientConfig()
  // The identity lives as long as the board is open; name and language changes update it in place.
  const identity = useMemo(() => createBoardIdentity(name, locale, setLocale), [])
  useEffect(() => identity.setName(name), [identity, name])
  useEffect(() => identity.setLocale(locale), [identity, locale])
  const sessionState = usePolledSessionState(info.id, token)
  // The relay enforces the facilitator's locks; this screen follows them so nobody draws in vain.
  const lockedForMe = info.role === 'participant' && !!sessionState.facilitation?.locked
  const lockedRef = useRef(lockedForMe)
  lockedRef.current = lockedForMe
  const lockedFramesRef = useRef<ReadonlySet<string>>(new Set())
  lockedFramesRef.current = new Set(info.role === 'participant' ? (sessionState.facilitation?.lockedFrames ?? []) : [])
  // Stiltemodus (R35): no cursors or names of others on this screen while it is on.
  const stiltemodus = !!sessionState.facilitation?.stiltemodus
  const [generation, setGeneration] = useState(0)
  const [changeRefused, setChangeRefused] = useState(false)
  const refusals = useRef<number[]>([])
  const maxMessageBytes = useRef(0)
  maxMessageBytes.current = config?.maxMessageBytes ?? 0
  const assets = useMemo(() => boundedInlineAssetStore(() => maxMessageBytes.current), [])
  const session = useBoardSession(info.id, token, info.role, identity, { generation, isWriteLocked: () => lockedRef.current, assets })
  useEffect(() => session.setWriteLocked(lockedForMe), [session.setWriteLocked, lockedForMe])
  const myRole = myRoleIn(info.id, sessionState.perspectiefwissel)
  const inRole = myRole && !myRole.steppedOut ? myRole.label : null
  useEffect(() => session.setInRole(inRole), [session.setInRole, inRole])
  // A write that crossed the lock on its way was refused (4423): start over from the server's
  // board, read-only, and say so. Three refusals within ten seconds: stop and explain instead.
  const lockRefused = session.closed?.code === CloseCode.boardLocked
  const [lockLoop, setLockLoop] = useState(false)
  useEffect(() => {
    if (!lockRefused) return
    refusals.current = [...refusals.current.filter((at) => Date.now() - at < 10_000), Date.now()]
    if (refusals.current.length >= 3) return setLockLoop(true)
    setChangeRefused(true)
    void sessionState.refresh().then(() => setGeneration((g) => g + 1))
  }, [lockRefused])
  const readOnly = !canWrite(info.role)
  const access = useMemo(() => ({ boardId: info.id, token, role: info.role }), [info.id, token, info.role])
  const [presenting, setPresenting] = useState(false)

  const components = useMemo<TLComponents>(
    () =>
      presenting
        ? { InFrontOfTheCanvas: () => <PresentingOverlay title={info.title} onLeave={() => setPresenting(false)} /> }
        : {
            SharePanel: BoardStatusPanel,
            InFrontOfTheCanvas: BoardFront,
            // A viewer link is for watching: no tools to pick.
            ...(readOnly ? { Toolbar: null, StylePanel: null, ActionsMenu: null, QuickActions: null } : {}),
            ...(stiltemodus ? { CollaboratorCursor: null } : {}),
          },
    [readOnly, presenting, info.title, stiltemodus]
  )

  if (session.closed && (!lockRefused || lockLoop))
    return <Notice message={t.refused[session.closed.code] ?? `${t.refusedFallback} (${session.closed.reason})`} reload />
  if (session.schemaTooNew) return <Notice message={t.schemaTooNew} reload />
  if (!session.store || !config) return <Notice message={t.connecting} busy />

  return (
    <BoardAccessContext.Provider value={access}>
    <SessionStateContext.Provider value={sessionState}>
    <BoardStatusContext.Provider
      value={{
        title: info.title,
        role: info.role,
        status: session.status,
        participants: session.participants,
        onChangeName,
        setLeading: session.setLeading,
        onPresent: () => setPresenting(true),
        changeRefused,
        dismissChangeRefused: () => setChangeRefused(false),
        summonEveryone: session.summonEveryone,
      }}
    >
      <div className={presenting ? 'sb-board sb-board--presenting' : 'sb-board'} data-role={info.role}>
        <Tldraw
          store={session.store}
          user={identity.currentUser}
          assetUrls={assetUrls}
          licenseKey={config.tldrawLicenseKey ?? undefined}
          components={components}
          hideUi={presenting}
          shapeUtils={werkvormShapeUtils}
          bindingUtils={werkvormBindingUtils}
          getShapeVisibility={werkvormVisibility}
          onMount={(editor) => {
            nameFirstPage(editor, t.firstPageName)
            const disposeWerkvormen = registerWerkvormBehaviour(editor)
            const disposeFrameLocks = registerFrameLocks(editor, () => lockedFramesRef.current)
            return () => {
              disposeFrameLocks()
              disposeWerkvormen()
            }
          }}
        />
      </div>
    </BoardStatusContext.Provider>
    </SessionStateContext.Provider>
    </BoardAccessContext.Provider>
  )
}

/** In front of the board: a stable component, so toggling stiltemodus keeps open panels and half-filled forms. */
function BoardFront() {
  return (
    <>
      <WerkvormenPanel />
      <SessionOverlay />
    </>
  )
}

/** tldraw names the first page in English; a fresh board gets a name in the board's language. */
function nameFirstPage(editor: Editor, name: string) {
  const pages = editor.getPages()
  if (editor.getIsReadonly() || pages.length !== 1 || pages[0].name !== 'Page 1') return
  editor.run(() => editor.updatePage({ id: pages[0].id, name }), { history: 'ignore' })
}

function Notice({ message, busy, reload }: { message: string; busy?: boolean; reload?: boolean }) {
  const { t } = useLocale()
  return (
    <div className="sb-overlay">
      <div className="sb-card sb-dialog" role={busy ? 'status' : 'alert'} aria-busy={busy}>
        <p className="sb-notice">{message}</p>
        {reload && (
          <button type="button" onClick={() => location.reload()}>
            {t.reload}
          </button>
        )}
        {!busy && (
          <p>
            <a href="/">{t.backToStart}</a>
          </p>
        )}
      </div>
    </div>
  )
}
