import { useEffect, useState } from 'react'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { ROLE_CARD_MAP, SYNC_PATH, roleCardDocName, rolePostureDocName } from '@samenbord/shared/protocol'

export type RoleCardValues = Partial<Record<'dilemma' | 'gevoel' | 'houding' | 'notities', string>>

export interface RoleCardConnection {
  values: RoleCardValues
  /** Undefined while connecting; false when the server refused (hidden or not yours). */
  open: boolean | undefined
  set(key: keyof RoleCardValues, value: string): void
}

/**
 * One role card: its own Yjs document, which the server only opens for the card's holder, the
 * facilitator and, after the reveal, the others (read-only). `token` null means: do not connect.
 */
export function useRoleCard(boardId: string, cardId: string, token: string | null, part: 'antwoorden' | 'houding' = 'antwoorden'): RoleCardConnection {
  const [values, setValues] = useState<RoleCardValues>({})
  const [open, setOpen] = useState<boolean | undefined>(undefined)
  const [card, setCard] = useState<Y.Map<string> | null>(null)

  useEffect(() => {
    if (!token) return
    const doc = new Y.Doc()
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SYNC_PATH}`
    // The posture is a separate document: the server reveals it before the answers.
    const docName = part === 'houding' ? rolePostureDocName(boardId, cardId) : roleCardDocName(boardId, cardId)
    const provider = new WebsocketProvider(url, docName, doc, { params: { token }, disableBc: true })
    // A role card shows no presence: no one sees who is typing during the silent round.
    provider.awareness.setLocalState(null)
    const map = doc.getMap<string>(ROLE_CARD_MAP)
    const read = () => setValues(Object.fromEntries(map.entries()) as RoleCardValues)
    map.observe(read)
    provider.on('sync', (synced: boolean) => synced && (setOpen(true), read()))
    provider.on('closed', () => setOpen(false))
    setCard(map)
    return () => {
      map.unobserve(read)
      provider.destroy()
      doc.destroy()
      setCard(null)
      setOpen(undefined)
    }
  }, [boardId, cardId, token, part])

  return {
    values,
    open,
    set(key, value) {
      card?.set(key, value)
    },
  }
}

const CARD_TOKEN_KEY = (boardId: string, cardId: string) => `samenbord.rolkaart.${boardId}.${cardId}`

/** The personal card token stays on this device (tab), never on the board. */
export function rememberCardToken(boardId: string, cardId: string, token: string) {
  sessionStorage.setItem(CARD_TOKEN_KEY(boardId, cardId), token)
}

export function myCardTokens(boardId: string, cardIds: readonly string[]): Map<string, string> {
  const tokens = new Map<string, string>()
  for (const cardId of cardIds) {
    const token = sessionStorage.getItem(CARD_TOKEN_KEY(boardId, cardId))
    if (token) tokens.set(cardId, token)
  }
  return tokens
}
