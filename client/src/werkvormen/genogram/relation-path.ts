import type { LineStyle } from '@samenbord/shared/werkvormen/genogram/notation'

/** SVG path data for one relation line from (0,0) to (dx,dy), following the notation's line style. */
export function relationPaths(dx: number, dy: number, style: LineStyle, elbow: boolean, trim: number): { strokes: string[]; marks: string } {
  const length = Math.hypot(dx, dy) || 1
  const [ux, uy] = [dx / length, dy / length]
  // Perpendicular unit vector, for parallel strokes, zigzags and slashes.
  const [px, py] = [-uy, ux]
  const start = elbow ? [0, 0] : [ux * trim, uy * trim]
  const end = elbow ? [dx, dy] : [dx - ux * trim, dy - uy * trim]

  const lineAt = (offset: number): string => {
    const [sx, sy] = [start[0] + px * offset, start[1] + py * offset]
    const [ex, ey] = [end[0] + px * offset, end[1] + py * offset]
    if (elbow) {
      const midY = dy / 2
      return `M${sx} ${sy} V${midY} H${ex} V${ey}`
    }
    if (!style.zigzag) return `M${sx} ${sy} L${ex} ${ey}`
    const run = Math.hypot(ex - sx, ey - sy)
    const teeth = Math.max(2, Math.floor(run / 14))
    let d = `M${sx} ${sy}`
    for (let i = 1; i < teeth; i++) {
      const t = i / teeth
      const amp = (i % 2 ? 6 : -6)
      d += ` L${sx + (ex - sx) * t + px * amp} ${sy + (ey - sy) * t + py * amp}`
    }
    return `${d} L${ex} ${ey}`
  }
  const offsets = style.strokes === 1 ? [0] : style.strokes === 2 ? [-3.5, 3.5] : [-6, 0, 6]
  const strokes = offsets.map(lineAt)

  let marks = ''
  const [mx, my] = elbow ? [dx / 2, dy / 2] : [(start[0] + end[0]) / 2, (start[1] + end[1]) / 2]
  for (let i = 0; i < style.slashes; i++) {
    // Slashes lean across the line, a few units apart along it.
    const along = (i - (style.slashes - 1) / 2) * 8
    const [cx, cy] = [mx + ux * along, my + uy * along]
    marks += `M${cx - px * 12 - ux * 5} ${cy - py * 12 - uy * 5} L${cx + px * 12 + ux * 5} ${cy + py * 12 + uy * 5} `
  }
  if (style.arrow !== 'none' && !elbow) {
    const head = (x: number, y: number, dirX: number, dirY: number) =>
      `M${x - dirX * 14 + px * 7} ${y - dirY * 14 + py * 7} L${x} ${y} L${x - dirX * 14 - px * 7} ${y - dirY * 14 - py * 7} `
    marks += head(end[0], end[1], ux, uy)
    if (style.arrow === 'both') marks += head(start[0], start[1], -ux, -uy)
  }
  return { strokes, marks }
}

export function dashArray(dash: LineStyle['dash']): string | undefined {
  return dash === 'dashed' ? '10 7' : dash === 'dotted' ? '2 6' : undefined
}
