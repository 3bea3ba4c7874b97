import { T } from '@tldraw/validate'

/** Outcome of a domain check: either fine, or a Dutch message the UI can show as is. */
export type Check = { ok: true } | { ok: false; message: string }

export const OK: Check = { ok: true }

export function fail(message: string): { ok: false; message: string } {
  return { ok: false, message }
}

/** Thrown inside validators so the server and client share one Dutch explanation. */
export function refuse(message: string): never {
  throw new T.ValidationError(message)
}

// tldraw's own validators explain themselves in English; these cover the cases a user can cause.
function dutchReason(rawMessage: string): string | null {
  if (rawMessage.startsWith('Unexpected property')) return 'dit veld is onbekend'
  if (/^Expected (a )?string/.test(rawMessage)) return 'verwacht tekst'
  if (/^Expected (a )?(finite )?number|^Expected an integer/.test(rawMessage)) return 'verwacht een getal'
  if (/^Expected (a )?boolean/.test(rawMessage)) return 'verwacht ja of nee'
  if (/^Expected object/.test(rawMessage)) return 'dit veld ontbreekt of is geen geheel'
  if (/^Expected (an )?array/.test(rawMessage)) return 'verwacht een lijst'
  if (/^Expected .* or /.test(rawMessage) || /^Expected "/.test(rawMessage)) return 'kies een van de toegestane waarden'
  if (/^Expected a positive/.test(rawMessage)) return 'verwacht een getal groter dan nul'
  if (/^Expected /.test(rawMessage)) return 'ongeldige waarde'
  // Our own refusals are already Dutch sentences that name their field.
  return null
}

/**
 * Runs a tldraw validator and turns a failure into a Dutch message that names the field.
 * `fieldLabels` maps the first path segment (a prop name) to its Dutch name.
 */
export function checkWith(
  validator: { validate(value: unknown): unknown },
  value: unknown,
  fieldLabels: Record<string, string>,
): Check {
  try {
    validator.validate(value)
    return OK
  } catch (error) {
    if (error instanceof T.ValidationError) {
      const field = error.path.find((segment) => typeof segment === 'string' && !segment.startsWith('('))
      const label = typeof field === 'string' ? (fieldLabels[field] ?? field) : null
      const reason = dutchReason(error.rawMessage)
      if (reason === null) return fail(capitalise(error.rawMessage))
      return fail(label ? `${capitalise(label)}: ${reason}` : capitalise(reason))
    }
    throw error
  }
}

export function capitalise(text: string): string {
  return text.length === 0 ? text : text[0].toUpperCase() + text.slice(1)
}

/** A string validator with Dutch length bounds; `label` names the field in the message. */
export function boundedText(label: string, min: number, max: number) {
  return T.string.check((value) => {
    const length = value.trim().length
    if (min > 0 && length < min) refuse(min === 1 ? `${label} mag niet leeg zijn` : `${label} moet minstens ${min} tekens hebben`)
    if (value.length > max) refuse(`${label} mag hoogstens ${max} tekens hebben (nu ${value.length})`)
  })
}

/** Whole year within the range the boards support. */
export const MIN_YEAR = 1850
export const MAX_YEAR = 2100

export function yearValidator(label: string) {
  return T.number.check((value) => {
    if (!Number.isInteger(value)) refuse(`${label} moet een heel jaartal zijn`)
    if (value < MIN_YEAR || value > MAX_YEAR) refuse(`${label} moet tussen ${MIN_YEAR} en ${MAX_YEAR} liggen`)
  })
}

/** Shape width/height in tldraw page units. */
export const shapeSizeValidator = T.number.check((value) => {
  if (!Number.isFinite(value) || value <= 0) refuse('Breedte en hoogte moeten groter dan nul zijn')
  if (value > 20_000) refuse('Breedte of hoogte is te groot')
})

/** Ids of shapes, persons and relations: 1–80 of letters, digits, ':', '_' and '-'. */
export const ID_PATTERN = /^[A-Za-z0-9:_-]{1,80}$/

export function idValidator(label: string) {
  return T.string.check((value) => {
    if (!ID_PATTERN.test(value)) refuse(`${label} heeft geen geldige id`)
  })
}
