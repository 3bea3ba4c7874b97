import { MAX_YEAR, MIN_YEAR, type Check, OK, fail } from '../check.ts'
import { MONTH_SHORT_NAMES } from './dates.ts'

/** The horizontal time axis. x = 0 is the start of `startYear`; units are tldraw page units. */
export interface TimelineAxis {
  startYear: number
  /** Exclusive: the axis ends at the start of this year. */
  endYear: number
  pixelsPerYear: number
}

export const MIN_PIXELS_PER_YEAR = 10
export const MAX_PIXELS_PER_YEAR = 5000
export const MAX_AXIS_YEARS = 150
/** Width of one flip-over sheet ("flap") in page units; the axis grows by whole flaps. */
export const FLAP_WIDTH = 1200

export function validateAxis(axis: TimelineAxis): Check {
  const { startYear, endYear, pixelsPerYear } = axis
  if (!Number.isInteger(startYear) || !Number.isInteger(endYear)) return fail('Begin- en eindjaar van de tijdlijn moeten hele jaren zijn')
  if (startYear < MIN_YEAR || endYear > MAX_YEAR + 1) return fail(`De tijdlijn moet tussen ${MIN_YEAR} en ${MAX_YEAR} liggen`)
  if (endYear <= startYear) return fail('Het eindjaar van de tijdlijn moet na het beginjaar liggen')
  if (endYear - startYear > MAX_AXIS_YEARS) return fail(`Een tijdlijn kan hoogstens ${MAX_AXIS_YEARS} jaar beslaan`)
  if (!Number.isFinite(pixelsPerYear) || pixelsPerYear < MIN_PIXELS_PER_YEAR || pixelsPerYear > MAX_PIXELS_PER_YEAR) {
    return fail(`De schaal moet tussen ${MIN_PIXELS_PER_YEAR} en ${MAX_PIXELS_PER_YEAR} punten per jaar liggen`)
  }
  return OK
}

export function xForDate(axis: TimelineAxis, fractionalYear: number): number {
  return (fractionalYear - axis.startYear) * axis.pixelsPerYear
}

export function dateForX(axis: TimelineAxis, x: number): number {
  return axis.startYear + x / axis.pixelsPerYear
}

export function axisWidth(axis: TimelineAxis): number {
  return (axis.endYear - axis.startYear) * axis.pixelsPerYear
}

export interface AxisTick {
  x: number
  /** Fractional year of the tick. */
  at: number
  label: string
  /** Year ticks are major; month ticks minor. */
  major: boolean
}

/** Labels closer together than this (page units) would collide. */
const MIN_LABEL_SPACING = 60
const YEAR_STEPS = [1, 2, 5, 10, 25, 50]

/**
 * Ticks for the axis: years (thinned out to every 2, 5, 10… years when zoomed out) and,
 * when a month gets at least MIN_LABEL_SPACING / 2 of room, month ticks in between.
 */
export function axisTicks(axis: TimelineAxis): AxisTick[] {
  const ticks: AxisTick[] = []
  const step = YEAR_STEPS.find((s) => s * axis.pixelsPerYear >= MIN_LABEL_SPACING) ?? 100
  const showMonths = axis.pixelsPerYear / 12 >= MIN_LABEL_SPACING / 2
  for (let year = axis.startYear; year <= axis.endYear; year++) {
    if (year % step === 0 || year === axis.startYear) {
      ticks.push({ x: xForDate(axis, year), at: year, label: String(year), major: true })
    }
    if (showMonths && year < axis.endYear) {
      for (let month = 2; month <= 12; month++) {
        const at = year + (month - 1) / 12
        ticks.push({ x: xForDate(axis, at), at, label: MONTH_SHORT_NAMES[month - 1], major: false })
      }
    }
  }
  return ticks
}

/** The axis grown by one flap (rounded up to whole years) at the end or the start. */
export function extendAxis(axis: TimelineAxis, side: 'start' | 'end' = 'end', flapWidth = FLAP_WIDTH): TimelineAxis {
  const years = Math.max(1, Math.ceil(flapWidth / axis.pixelsPerYear))
  if (side === 'end') return { ...axis, endYear: Math.min(MAX_YEAR + 1, axis.endYear + years) }
  return { ...axis, startYear: Math.max(MIN_YEAR, axis.startYear - years) }
}

/** Smallest axis (whole years, one year margin) that shows every given date range. */
export function axisCovering(ranges: readonly { start: number; end: number }[], pixelsPerYear: number): TimelineAxis | null {
  if (ranges.length === 0) return null
  const start = Math.min(...ranges.map((range) => range.start))
  const end = Math.max(...ranges.map((range) => range.end))
  return {
    startYear: Math.max(MIN_YEAR, Math.floor(start) - 1),
    endYear: Math.min(MAX_YEAR + 1, Math.ceil(end) + 1),
    pixelsPerYear,
  }
}
