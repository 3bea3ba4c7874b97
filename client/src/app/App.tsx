import { BOARD_ID_PATTERN } from '@samenbord/shared/board-doc'
import { BoardPage } from '../board/BoardPage.tsx'
import { StartPage } from '../start/StartPage.tsx'

/** Two pages, chosen by path: `/` creates a board, `/b/:id#token=…` opens one (and becomes `/b/:id` at once, see readToken). */
export function App() {
  const match = /^\/b\/([^/]+)\/?$/.exec(location.pathname)
  if (match && BOARD_ID_PATTERN.test(match[1])) return <BoardPage boardId={match[1]} />
  return <StartPage />
}
