/** The digital stand-in for "ga zitten zoals je je voelt": a posture that says how the role feels. */
export const POSTURES = [
  { id: 'gespannen', label: 'Rechtop en gespannen' },
  { id: 'ineengedoken', label: 'Ineengedoken, klein' },
  { id: 'afwachtend', label: 'Achterover, afwachtend' },
  { id: 'betrokken', label: 'Voorovergebogen, betrokken' },
  { id: 'afgewend', label: 'Afgewend, op afstand' },
  { id: 'onrustig', label: 'Onrustig, kan niet stilzitten' },
  { id: 'moe', label: 'Moe, leunend' },
] as const

export function postureLabel(id: string | undefined): string {
  return POSTURES.find((p) => p.id === id)?.label ?? '—'
}
