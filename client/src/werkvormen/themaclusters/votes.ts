import type { Editor } from 'tldraw'
import { castVote, removeVote, voteTotals, type Votes } from '@samenbord/shared/werkvormen/themaclusters/votes'
import type { TLVoteRecord } from './cluster-shapes.ts'

export const DEFAULT_VOTE_BUDGET = 3

function voteRecordId(voterId: string) {
  return `stem:${voterId}` as TLVoteRecord['id']
}

export function allVotes(editor: Editor): Votes {
  const records = editor.store.query.records('stem').get() as TLVoteRecord[]
  return Object.fromEntries(records.map((r) => [r.id, r.dots]))
}

export function voteBudget(editor: Editor): number {
  const budget = (editor.getDocumentSettings().meta as { voteBudget?: unknown }).voteBudget
  return typeof budget === 'number' && budget >= 1 ? budget : DEFAULT_VOTE_BUDGET
}

export function setVoteBudget(editor: Editor, budget: number) {
  editor.updateDocumentSettings({ meta: { ...editor.getDocumentSettings().meta, voteBudget: budget } })
}

/** The current user's key in the vote table: their own record id. */
export function myVoterKey(editor: Editor): string {
  return voteRecordId(editor.user.getExternalId())
}

export function vote(editor: Editor, noteId: string, direction: 1 | -1): { ok: true } | { ok: false; message: string } {
  const key = myVoterKey(editor)
  const votes = allVotes(editor)
  let next: Votes
  if (direction === 1) {
    const result = castVote(votes, { voterId: key, noteId }, voteBudget(editor))
    if (!result.ok) return result
    next = result.votes
  } else {
    next = removeVote(votes, { voterId: key, noteId })
  }
  editor.store.put([{ id: key as TLVoteRecord['id'], typeName: 'stem', voterName: editor.user.getName(), dots: next[key] ?? {} }])
  return { ok: true }
}

export function totalsByNote(editor: Editor): Record<string, number> {
  return voteTotals(allVotes(editor))
}
