import { ROLE_CARD_MAP, roleCardDocName, rolePostureDocName } from '@samenbord/shared/protocol'
import { useSharedMap } from '../../sync/useSharedMap.ts'

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
  // The posture is a separate document: the server reveals it before the answers. Like every
  // shared map, a role card shows no presence: no one sees who is typing during the silent round.
  const docName = part === 'houding' ? rolePostureDocName(boardId, cardId) : roleCardDocName(boardId, cardId)
  const card = useSharedMap(docName, ROLE_CARD_MAP, token)
  return { values: card.values as RoleCardValues, open: card.open, set: card.set }
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
