import { describe, expect, it } from 'vitest'
import { THEME_PRESETS, clusterHint, clusterTitle, parseClusterTitle, validateClusterFrameProps } from './clusters.ts'
import { type Votes, castVote, remainingVotes, removeVote, voteTotals } from './votes.ts'

describe('belevingsthema clusters', () => {
  it('titles a cluster as feeling > need', () => {
    expect(clusterTitle('onzekerheid', 'duidelijkheid')).toBe('Onzekerheid > behoefte aan duidelijkheid')
    expect(clusterTitle('eenzaamheid', 'verlangen naar verbondenheid')).toBe('Eenzaamheid > verlangen naar verbondenheid')
    expect(clusterTitle('Machteloosheid', 'Behoefte aan controle of invloed')).toBe('Machteloosheid > behoefte aan controle of invloed')
  })

  it('reads a typed title back, and round-trips every preset', () => {
    expect(parseClusterTitle('Onzekerheid > behoefte aan duidelijkheid')).toEqual({ feeling: 'onzekerheid', need: 'duidelijkheid' })
    expect(parseClusterTitle('angst -> veiligheid')).toEqual({ feeling: 'angst', need: 'veiligheid' })
    expect(parseClusterTitle('zomaar een titel')).toBeNull()
    for (const preset of THEME_PRESETS) {
      const title = clusterTitle(preset.feeling, preset.need)
      expect(parseClusterTitle(title)).toEqual(preset)
    }
  })

  it('hints only when there are clearly too many clusters', () => {
    expect(clusterHint(3)).toBeNull()
    expect(clusterHint(7)).toBeNull()
    expect(clusterHint(9)).toMatch(/9 thema's/)
  })

  it('validates the cluster frame', () => {
    expect(validateClusterFrameProps({ w: 400, h: 300, feeling: 'onzekerheid', need: 'duidelijkheid' })).toEqual({ ok: true })
    const check = validateClusterFrameProps({ w: 400, h: 300, feeling: '', need: 'duidelijkheid' })
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.message).toMatch(/gevoel/i)
  })
})

describe('dot voting', () => {
  it('counts dots and refuses once the budget is spent', () => {
    let votes: Votes = {}
    for (const noteId of ['a', 'a', 'b']) {
      const result = castVote(votes, { voterId: 'sam', noteId }, 3)
      if (!result.ok) throw new Error(result.message)
      votes = result.votes
    }
    expect(remainingVotes(votes, 'sam', 3)).toBe(0)
    const refused = castVote(votes, { voterId: 'sam', noteId: 'c' }, 3)
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.message).toMatch(/3 stemmen/)
    const other = castVote(votes, { voterId: 'kim', noteId: 'b' }, 3)
    if (!other.ok) throw new Error(other.message)
    expect(voteTotals(other.votes)).toEqual({ a: 2, b: 2 })
  })

  it('removes a dot without touching the original', () => {
    const votes: Votes = { sam: { a: 2, b: 1 } }
    const fewer = removeVote(votes, { voterId: 'sam', noteId: 'b' })
    expect(fewer).toEqual({ sam: { a: 2 } })
    expect(votes).toEqual({ sam: { a: 2, b: 1 } })
    expect(removeVote(fewer, { voterId: 'sam', noteId: 'b' })).toBe(fewer)
    expect(remainingVotes(fewer, 'sam', 3)).toBe(1)
    expect(removeVote(removeVote(fewer, { voterId: 'sam', noteId: 'a' }), { voterId: 'sam', noteId: 'a' })).toEqual({})
  })
})
