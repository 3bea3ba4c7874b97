import { type TimelineAxis, xForDate } from './axis.ts'
import type { Lane } from './lanes.ts'

export interface LayoutCard {
  id: string
  /** Resolved date range in fractional years (see resolveDate). */
  start: number
  end: number
  lane: Lane
  /** Where the card was last laid out; its row is kept when still free. */
  previous?: { x: number; y: number }
}

export interface LayoutOptions {
  cardWidth: number
  cardHeight: number
  /** Space between cards, and between the axis line and the first row. */
  gap: number
}

/**
 * Places event cards around the axis line (y = 0). Returns the top-left corner of each card in
 * the axis' coordinate space (x = 0 at the start of `axis.startYear`).
 *
 * - x: the card is centred on the midpoint of its date range.
 * - y: cards stack in rows away from the line, upwards for 'boven', downwards for 'onder'.
 * - No two cards overlap, with at least `gap` between cards in the same row.
 * - Deterministic: the result depends on the set of cards, not on their order.
 * - Stable: a card keeps its previous row when that row still has room at its x, so adding a
 *   card never moves cards it does not overlap (it takes the nearest free row instead).
 */
export function layoutTimeline(
  axis: TimelineAxis,
  cards: readonly LayoutCard[],
  options: LayoutOptions,
): Map<string, { x: number; y: number }> {
  const { cardWidth, cardHeight, gap } = options
  const rowPitch = cardHeight + gap
  const positioned = cards
    .map((card) => ({ card, x: xForDate(axis, (card.start + card.end) / 2) - cardWidth / 2 }))
    .sort((a, b) => a.x - b.x || (a.card.id < b.card.id ? -1 : a.card.id > b.card.id ? 1 : 0))

  const occupied = { boven: [] as number[][], onder: [] as number[][] }
  const fits = (lane: Lane, row: number, x: number) =>
    (occupied[lane][row] ?? []).every((other) => x + cardWidth + gap <= other || other + cardWidth + gap <= x)
  const take = (lane: Lane, row: number, x: number) => {
    while (occupied[lane].length <= row) occupied[lane].push([])
    occupied[lane][row].push(x)
  }
  const yForRow = (lane: Lane, row: number) => (lane === 'boven' ? -(row + 1) * rowPitch : gap + row * rowPitch)

  const rows = new Map<string, number>()
  // First pass: keep previous rows. Sorted order makes conflicts (after a date edit) resolve the same way every time.
  for (const { card, x } of positioned) {
    const row = card.previous ? previousRow(card.lane, card.previous.y, rowPitch, gap) : null
    if (row !== null && fits(card.lane, row, x)) {
      take(card.lane, row, x)
      rows.set(card.id, row)
    }
  }
  // Second pass: everything else goes to the row closest to the line that has room.
  for (const { card, x } of positioned) {
    if (rows.has(card.id)) continue
    let row = 0
    while (!fits(card.lane, row, x)) row++
    take(card.lane, row, x)
    rows.set(card.id, row)
  }

  const result = new Map<string, { x: number; y: number }>()
  for (const { card, x } of positioned) result.set(card.id, { x, y: yForRow(card.lane, rows.get(card.id) as number) })
  return result
}

// The row a previous y belonged to, or null when it lay in the other lane or off the grid.
function previousRow(lane: Lane, y: number, rowPitch: number, gap: number): number | null {
  if (!Number.isFinite(y)) return null
  const row = lane === 'boven' ? Math.round(-y / rowPitch) - 1 : Math.round((y - gap) / rowPitch)
  return row >= 0 && row < 1000 ? row : null
}
