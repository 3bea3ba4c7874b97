import { BOARD_ID_PATTERN } from '@samenbord/shared/board-doc'
import { BoardPage } from '../board/BoardPage.tsx'
import { InvitePage, SetupPage } from '../start/AuthPages.tsx'
import { StartPage } from '../start/StartPage.tsx'

/**
 * Pages, chosen by path: `/` signs in and creates boards, `/b/:id#token=…` opens one (and becomes
 * `/b/:id` at once, see readToken), `/auth/setup#code=…` and `/auth/invite#code=…` redeem a
 * one-time code (and lose the fragment at once too).
 */
export function App() {
  const path = location.pathname.replace(/\/+$/, '') || '/'
  const match = /^\/b\/([^/]+)$/.exec(path)
  if (match && BOARD_ID_PATTERN.test(match[1])) return <BoardPage boardId={match[1]} />
  if (path === '/auth/setup') return <SetupPage />
  if (path === '/auth/invite') return <InvitePage />
  return <StartPage />
}
