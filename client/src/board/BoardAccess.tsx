import { createContext, useContext } from 'react'
import type { Role } from '@samenbord/shared/roles'

/** The board this page has open and the link it was opened with; for panels that call the API. */
export interface BoardAccess {
  boardId: string
  token: string
  role: Role
}

export const BoardAccessContext = createContext<BoardAccess | null>(null)

export function useBoardAccess(): BoardAccess {
  const access = useContext(BoardAccessContext)
  if (!access) throw new Error('useBoardAccess outside a live board')
  return access
}
