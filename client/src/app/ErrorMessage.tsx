import type { ReactNode } from 'react'

/** A form's or panel's error, announced to screen readers; nothing while there is none. */
export function ErrorMessage({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === false || children === '') return null
  return (
    <p role="alert" className="sb-error">
      {children}
    </p>
  )
}
