import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react'
import type { FacilitationChangeRequest, FacilitationStateResponse, PerspectiefwisselStateResponse } from '@samenbord/shared/api'
import { ApiError, getPerspectiefwissel, tokenRequest } from '../app/api.ts'

/** How often every screen asks the server for the session state (locks, perspectiefwissel). */
const POLL_MS = 1500

const begeleiding = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}/begeleiding`

export function getFacilitation(boardId: string, token: string): Promise<FacilitationStateResponse> {
  return tokenRequest(begeleiding(boardId), token)
}

/** Facilitator only; the server enforces the lock for participant links. */
export function changeFacilitation(boardId: string, token: string, change: FacilitationChangeRequest): Promise<FacilitationStateResponse> {
  return tokenRequest(begeleiding(boardId), token, change)
}

const pw = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}/perspectiefwissel`

/** With the personal card token: only the holder can say the card is ready. */
export function markRoleCardReady(boardId: string, cardToken: string, cardId: string, ready: boolean): Promise<PerspectiefwisselStateResponse> {
  return tokenRequest(`${pw(boardId)}/klaar`, cardToken, { cardId, ready })
}

export function stepOutOfRole(boardId: string, cardToken: string, cardId: string): Promise<PerspectiefwisselStateResponse> {
  return tokenRequest(`${pw(boardId)}/uit-de-rol`, cardToken, { cardId })
}

export interface SessionState {
  /** Null until the first answer. */
  facilitation: FacilitationStateResponse | null
  /** Null while no perspectiefwissel was started. */
  perspectiefwissel: PerspectiefwisselStateResponse | null
  /** Asks the server again now (after an action of this screen). */
  refresh(): Promise<void>
}

export const SessionStateContext = createContext<SessionState>({ facilitation: null, perspectiefwissel: null, refresh: async () => {} })

export function useSessionState(): SessionState {
  return useContext(SessionStateContext)
}

/** One poller per board page for what the server keeps about the session. */
export function usePolledSessionState(boardId: string, token: string): SessionState {
  const [facilitation, setFacilitation] = useState<FacilitationStateResponse | null>(null)
  const [perspectiefwissel, setPerspectiefwissel] = useState<PerspectiefwisselStateResponse | null>(null)
  const alive = useRef(true)
  const refresh = useCallback(async () => {
    const [f, p] = await Promise.allSettled([getFacilitation(boardId, token), getPerspectiefwissel(boardId, token)])
    if (!alive.current) return
    if (f.status === 'fulfilled') setFacilitation((old) => (JSON.stringify(old) === JSON.stringify(f.value) ? old : f.value))
    if (p.status === 'fulfilled') setPerspectiefwissel((old) => (JSON.stringify(old) === JSON.stringify(p.value) ? old : p.value))
    else if (p.reason instanceof ApiError && p.reason.status === 404) setPerspectiefwissel(null)
  }, [boardId, token])
  useEffect(() => {
    alive.current = true
    void refresh()
    const timer = setInterval(() => void refresh(), POLL_MS)
    return () => {
      alive.current = false
      clearInterval(timer)
    }
  }, [refresh])
  return { facilitation, perspectiefwissel, refresh }
}
