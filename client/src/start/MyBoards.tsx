import { useEffect, useRef, useState, type FormEvent } from 'react'
import { MAX_TITLE_LENGTH } from '@samenbord/shared/board-doc'
import { ROLES, type Role } from '@samenbord/shared/roles'
import { ApiError, deleteBoard, downloadBackup, listMyBoards, myBoardLinks, renameBoard, renewBoardLinks, type MyBoard } from '../app/api.ts'
import { ErrorMessage } from '../app/ErrorMessage.tsx'
import { LinkRow } from '../app/LinkRow.tsx'
import { useLocale } from '../i18n/locale.tsx'
import { downloadBlob, fileNameOf, todayStamp } from '../werkvormen/ui/download.ts'

type BoardsState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; boards: MyBoard[] }

function useDateFormats() {
  const { locale } = useLocale()
  const tag = locale === 'nl' ? 'nl-NL' : 'en-GB'
  const day = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric' })
  const moment = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })
  return { day: (iso: string) => day.format(new Date(iso)), moment: (iso: string) => moment.format(new Date(iso)) }
}

/**
 * "Mijn borden": the signed-in facilitator's boards, newest first, with what a facilitator does
 * with a board from outside it. `version` changes when a board was created or restored here.
 * `onUnauthenticated` is called when the session is gone (signed out in another tab, expired).
 */
export function MyBoards({ version, onUnauthenticated }: { version: number; onUnauthenticated(): void }) {
  const { t } = useLocale()
  const text = t.account
  const dates = useDateFormats()
  const [state, setState] = useState<BoardsState>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)
  const [expanded, setExpanded] = useState<string | null>(null)
  const [announcement, setAnnouncement] = useState('')
  const headingRef = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    let live = true
    setState((current) => (current.status === 'ready' ? current : { status: 'loading' }))
    listMyBoards()
      .then((boards) => live && setState({ status: 'ready', boards }))
      .catch((e: Error) => {
        if (!live) return
        if (e instanceof ApiError && e.status === 401) onUnauthenticated()
        else setState({ status: 'error', message: e.message })
      })
    return () => {
      live = false
    }
  }, [version, attempt, onUnauthenticated])

  function updateBoard(id: string, change: Partial<MyBoard>) {
    setState((current) => (current.status === 'ready' ? { ...current, boards: current.boards.map((b) => (b.id === id ? { ...b, ...change } : b)) } : current))
  }

  function removed(board: MyBoard) {
    setState((current) => (current.status === 'ready' ? { ...current, boards: current.boards.filter((b) => b.id !== board.id) } : current))
    setExpanded(null)
    setAnnouncement(text.removed(board.title))
    // The row with the focused button is gone: keep keyboard users in the list.
    headingRef.current?.focus()
  }

  return (
    <section className="sb-card sb-my-boards" aria-labelledby="my-boards-heading">
      <h2 id="my-boards-heading" ref={headingRef} tabIndex={-1}>
        {text.myBoards}
      </h2>
      <p className="sb-my-boards__intro">{text.myBoardsIntro}</p>
      <p role="status" className="sb-my-boards__announcement">
        {announcement}
      </p>
      {state.status === 'loading' && (
        <p role="status" className="sb-my-boards__state">
          {text.loadingBoards}
        </p>
      )}
      {state.status === 'error' && (
        <div className="sb-my-boards__state">
          <ErrorMessage>{`${text.boardsFailed}: ${state.message}`}</ErrorMessage>
          <button type="button" className="sb-secondary" onClick={() => setAttempt((n) => n + 1)}>
            {text.retry}
          </button>
        </div>
      )}
      {state.status === 'ready' && state.boards.length === 0 && <p className="sb-my-boards__state sb-my-boards__empty">{text.noBoards}</p>}
      {state.status === 'ready' && state.boards.length > 0 && (
        <div className="sb-my-boards__scroll">
          <table className="sb-my-boards__table">
            <caption className="sb-visually-hidden">{text.myBoards}</caption>
            <thead>
              <tr>
                <th scope="col">{text.col.title}</th>
                <th scope="col">{text.col.created}</th>
                <th scope="col">{text.col.lastActive}</th>
                <th scope="col">{text.col.connected}</th>
                <th scope="col">{text.col.deleteAfter}</th>
                <th scope="col">{text.col.actions}</th>
              </tr>
            </thead>
            <tbody>
              {state.boards.map((board) => (
                <BoardRow
                  key={board.id}
                  board={board}
                  dates={dates}
                  expanded={expanded === board.id}
                  onToggle={() => setExpanded((current) => (current === board.id ? null : board.id))}
                  onRenamed={(title) => updateBoard(board.id, { title })}
                  onRemoved={() => removed(board)}
                  onUnauthenticated={onUnauthenticated}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

type Action = 'rename' | 'links' | 'renew' | 'remove' | null

/** The session ended (signed out elsewhere, expired): the page goes back to the signed-out view. */
class SessionGone extends Error {}
type BoardLinks = { links: Record<Role, string>; token: string }

/** The token in a board link's fragment (`#token=…`). */
function tokenOf(link: string): string {
  return new URLSearchParams(new URL(link).hash.slice(1)).get('token') ?? ''
}

function BoardRow(props: {
  board: MyBoard
  dates: ReturnType<typeof useDateFormats>
  expanded: boolean
  onToggle(): void
  onRenamed(title: string): void
  onRemoved(): void
  onUnauthenticated(): void
}) {
  const { board, dates, expanded } = props
  const { t } = useLocale()
  const text = t.account
  const [action, setAction] = useState<Action>(null)
  // The owner's links: the cache (for the token) and what the panel shows.
  const cache = useRef<BoardLinks | null>(null)
  const [links, setLinks] = useState<BoardLinks | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [renewed, setRenewed] = useState(false)
  const [newTitle, setNewTitle] = useState(board.title)
  const removeButton = useRef<HTMLButtonElement>(null)
  const panelId = `board-${board.id}-beheer`

  /** The owner's links (and so the facilitator token), fetched once per page view. */
  async function ownerLinks(again = false): Promise<BoardLinks> {
    if (cache.current && !again) return cache.current
    let fresh
    try {
      fresh = await myBoardLinks(board.id)
    } catch (e) {
      throw e instanceof ApiError && e.status === 401 ? new SessionGone() : e
    }
    keep({ links: fresh.links, token: fresh.tokens.facilitator })
    return cache.current!
  }

  function keep(next: BoardLinks) {
    cache.current = next
    setLinks(next)
  }

  /** A call with the facilitator token; once more with fresh links if the kept ones were renewed elsewhere. */
  async function withToken<T>(work: (token: string) => Promise<T>): Promise<T> {
    try {
      return await work((await ownerLinks()).token)
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e
      return work((await ownerLinks(true)).token)
    }
  }

  async function run(work: () => Promise<string | null>) {
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      setDone(await work())
    } catch (e) {
      if (e instanceof SessionGone) props.onUnauthenticated()
      else setError(text.failed((e as Error).message))
    } finally {
      setBusy(false)
    }
  }

  function choose(next: Action) {
    setAction((current) => (current === next ? null : next))
    setError(null)
    setDone(null)
    setRenewed(false)
    if (next === 'rename') setNewTitle(board.title)
    if (next === 'links') void run(async () => (await ownerLinks(), null))
  }

  const open = () =>
    run(async () => {
      window.location.assign((await ownerLinks()).links.facilitator)
      return null
    })

  function rename(event: FormEvent) {
    event.preventDefault()
    const title = newTitle.trim()
    if (!title) return
    void run(async () => {
      const result = await withToken((token) => renameBoard(board.id, token, title))
      props.onRenamed(result.title)
      setAction(null)
      return text.renamed(result.title)
    })
  }

  const renew = () =>
    run(async () => {
      const result = await withToken((token) => renewBoardLinks(board.id, token))
      keep({ links: result.links, token: tokenOf(result.links.facilitator) })
      setRenewed(true)
      return null
    })

  const exportBackup = () =>
    run(async () => {
      downloadBlob(await withToken((token) => downloadBackup(board.id, token)), fileNameOf(board.title, `backup-${todayStamp()}.json`))
      return text.exported
    })

  const remove = () =>
    run(async () => {
      await withToken((token) => deleteBoard(board.id, token))
      props.onRemoved()
      return null
    })

  function cancelRemove() {
    setAction(null)
    // Back to where the keyboard was before the question.
    requestAnimationFrame(() => removeButton.current?.focus())
  }

  return (
    <>
      <tr className={expanded ? 'sb-my-boards__row sb-my-boards__row--open' : 'sb-my-boards__row'}>
        <th scope="row" className="sb-my-boards__title">
          {board.title}
          {board.relation === 'co-facilitator' && (
            <span className="sb-my-boards__marker" title={text.coFacilitatorMarkerHint}>
              {text.coFacilitatorMarker}
            </span>
          )}
        </th>
        <td>{dates.day(board.createdAt)}</td>
        <td>{dates.moment(board.lastActiveAt)}</td>
        <td>
          <span className={board.connectedNow > 0 ? 'sb-my-boards__live' : undefined}>{text.connectedCount(board.connectedNow)}</span>
        </td>
        <td>{dates.day(board.deleteAfter)}</td>
        <td className="sb-my-boards__actions">
          <div>
            <button type="button" onClick={() => void open()} disabled={busy} aria-label={text.openBoard(board.title)}>
              {text.open}
            </button>
            <button type="button" className="sb-secondary" aria-expanded={expanded} aria-controls={panelId} onClick={props.onToggle} aria-label={text.manageBoard(board.title)}>
              {text.manage}
            </button>
          </div>
          {!expanded && <ErrorMessage>{error}</ErrorMessage>}
        </td>
      </tr>
      {expanded && (
        <tr className="sb-my-boards__panel-row">
          <td colSpan={6}>
            <div id={panelId} className="sb-my-boards__panel" role="group" aria-label={text.manageBoard(board.title)}>
              <div className="sb-my-boards__toolbar">
                <button type="button" className="sb-secondary" aria-pressed={action === 'rename'} onClick={() => choose('rename')}>
                  {text.rename}
                </button>
                <button type="button" className="sb-secondary" aria-pressed={action === 'links'} onClick={() => choose('links')}>
                  {text.showLinks}
                </button>
                <button type="button" className="sb-secondary" aria-pressed={action === 'renew'} onClick={() => choose('renew')}>
                  {t.renewLinks.open}
                </button>
                <button type="button" className="sb-secondary" disabled={busy} onClick={() => void exportBackup()}>
                  {text.exportBackup}
                </button>
                <button type="button" className="sb-secondary sb-my-boards__remove" ref={removeButton} aria-pressed={action === 'remove'} onClick={() => choose('remove')}>
                  {text.remove}
                </button>
              </div>

              {action === 'rename' && (
                <form className="sb-my-boards__rename" onSubmit={rename}>
                  <label htmlFor={`${panelId}-titel`}>{text.newTitle(board.title)}</label>
                  <div className="sb-my-boards__inline">
                    <input
                      id={`${panelId}-titel`}
                      required
                      maxLength={MAX_TITLE_LENGTH}
                      value={newTitle}
                      onChange={(e) => setNewTitle(e.target.value)}
                      autoFocus
                    />
                    <button type="submit" disabled={busy || !newTitle.trim() || newTitle.trim() === board.title}>
                      {text.save}
                    </button>
                  </div>
                </form>
              )}

              {action === 'links' && links && (
                <div>
                  <p className="sb-my-boards__hint">{text.linksHint}</p>
                  <ul className="sb-links">
                    {ROLES.map((role) => (
                      <LinkRow key={role} role={role} link={links.links[role]} idPrefix={`${panelId}-link`} />
                    ))}
                  </ul>
                </div>
              )}

              {action === 'renew' && !renewed && (
                <div className="sb-my-boards__confirm" role="group" aria-labelledby={`${panelId}-renew-warning`}>
                  <p id={`${panelId}-renew-warning`}>{t.renewLinks.warning}</p>
                  <div className="sb-my-boards__inline">
                    <button type="button" className="sb-danger" disabled={busy} onClick={() => void renew()}>
                      {t.renewLinks.confirm}
                    </button>
                    {/* Keyboard focus lands on the safe choice: Enter does not renew by accident. */}
                    <button type="button" className="sb-secondary" disabled={busy} onClick={() => setAction(null)} autoFocus>
                      {t.renewLinks.cancel}
                    </button>
                  </div>
                </div>
              )}
              {action === 'renew' && renewed && links && (
                <div>
                  <h3 className="sb-my-boards__subheading">{t.renewLinks.newLinks}</h3>
                  <p className="sb-my-boards__hint">{t.renewLinks.newLinksHint}</p>
                  <ul className="sb-links">
                    {ROLES.map((role) => (
                      <LinkRow key={role} role={role} link={links.links[role]} idPrefix={`${panelId}-nieuw`} />
                    ))}
                  </ul>
                </div>
              )}

              {action === 'remove' && (
                <div className="sb-my-boards__confirm sb-my-boards__confirm--danger" role="alertdialog" aria-labelledby={`${panelId}-remove-warning`}>
                  <p id={`${panelId}-remove-warning`}>{text.removeWarning(board.title)}</p>
                  <div className="sb-my-boards__inline">
                    <button type="button" className="sb-danger" disabled={busy} onClick={() => void remove()}>
                      {text.removeConfirm(board.title)}
                    </button>
                    {/* As with Links vernieuwen: focus on the safe choice. */}
                    <button type="button" className="sb-secondary" disabled={busy} onClick={cancelRemove} autoFocus>
                      {text.cancel}
                    </button>
                  </div>
                </div>
              )}

              {busy && <p role="status">{text.working}</p>}
              {done && <p role="status" className="sb-my-boards__done">{done}</p>}
              <ErrorMessage>{error}</ErrorMessage>
            </div>
          </td>
        </tr>
      )}
    </>
  )
}
