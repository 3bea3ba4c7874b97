/** A padlock drawn in SVG: emoji fonts are not on every projector laptop. */
export function LockIcon({ open = false }: { open?: boolean }) {
  return (
    <svg className="sb-lock-icon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={open ? 'M7 11V7a5 5 0 0 1 9.6-2' : 'M7 11V7a5 5 0 0 1 10 0v4'} fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
      <rect x="4" y="11" width="16" height="11" rx="2.5" fill="currentColor" />
    </svg>
  )
}
