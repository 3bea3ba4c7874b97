/** Dot votes: voter id → note id → number of dots. Plain data so it fits a Y.Map or a shape's meta. */
export type Votes = Record<string, Record<string, number>>

export type VoteResult = { ok: true; votes: Votes } | { ok: false; message: string }

export function votesUsed(votes: Votes, voterId: string): number {
  return Object.values(votes[voterId] ?? {}).reduce((sum, count) => sum + count, 0)
}

export function remainingVotes(votes: Votes, voterId: string, budget: number): number {
  return Math.max(0, budget - votesUsed(votes, voterId))
}

/** Adds one dot; refuses when the voter has spent the budget. Never mutates `votes`. */
export function castVote(votes: Votes, vote: { voterId: string; noteId: string }, budget: number): VoteResult {
  if (!Number.isInteger(budget) || budget < 1) return { ok: false, message: 'Het aantal stemmen per persoon moet minstens 1 zijn.' }
  if (remainingVotes(votes, vote.voterId, budget) === 0) {
    return { ok: false, message: `Je hebt al je ${budget} ${budget === 1 ? 'stem' : 'stemmen'} gebruikt. Haal ergens een stip weg om opnieuw te stemmen.` }
  }
  const mine = votes[vote.voterId] ?? {}
  return { ok: true, votes: { ...votes, [vote.voterId]: { ...mine, [vote.noteId]: (mine[vote.noteId] ?? 0) + 1 } } }
}

/** Takes one dot back; unchanged when there was none. Never mutates `votes`. */
export function removeVote(votes: Votes, vote: { voterId: string; noteId: string }): Votes {
  const mine = votes[vote.voterId]
  const count = mine?.[vote.noteId] ?? 0
  if (count === 0) return votes
  const { [vote.noteId]: _removed, ...rest } = mine
  const updated = count > 1 ? { ...rest, [vote.noteId]: count - 1 } : rest
  const { [vote.voterId]: _voter, ...others } = votes
  return Object.keys(updated).length > 0 ? { ...others, [vote.voterId]: updated } : others
}

/** Dots per note, over all voters. */
export function voteTotals(votes: Votes): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const perNote of Object.values(votes)) {
    for (const [noteId, count] of Object.entries(perNote)) totals[noteId] = (totals[noteId] ?? 0) + count
  }
  return totals
}
