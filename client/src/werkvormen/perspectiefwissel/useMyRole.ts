import type { PerspectiefwisselPhase, PerspectiefwisselStateResponse } from '@samenbord/shared/api'
import { myCardTokens } from './useRoleCard.ts'

export interface MyRole {
  cardId: string
  cardToken: string
  label: string
  phase: PerspectiefwisselPhase
  steppedOut: boolean
}

/**
 * The role this screen plays in the current perspectiefwissel: a card of this session whose
 * personal token this tab holds. A new session has new card ids, so an old token plays nothing.
 */
export function myRoleIn(boardId: string, state: PerspectiefwisselStateResponse | null): MyRole | null {
  if (!state) return null
  const tokens = myCardTokens(boardId, state.roles.map((r) => r.cardId))
  for (const role of state.roles) {
    const cardToken = tokens.get(role.cardId)
    if (cardToken) return { cardId: role.cardId, cardToken, label: role.label, phase: state.phase, steppedOut: role.steppedOut }
  }
  return null
}
