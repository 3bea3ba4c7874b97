/**
 * The facilitation state of a board (lock, stiltemodus, agenda, ready marks, rugzak round, link
 * renewal), owned here for the HTTP routes and the relay alike: one parser, one compare-and-set
 * writer, so the relay's lock copy and the API never read the stored JSON two ways.
 */
import type { SessionAgenda } from '@samenbord/shared'
import type { TokenClaims } from './auth/tokens.ts'
import type { DocumentStore } from './storage/document-store.ts'

export interface FacilitationState {
  locked: boolean
  lockedFrames: string[]
  stiltemodus: boolean
  agenda: SessionAgenda
  /** Card id → when its holder marked it ready (ms since the epoch). Cards of an earlier session are ignored. */
  ready: Record<string, number>
  /** Card id → when its holder stepped out of the role. */
  steppedOut: Record<string, number>
  /** The rugzak variant's current round (server/src/http/rugzak.ts), or null. */
  rugzak: RugzakRound | null
  /** Board links issued before this moment (ms since the epoch) open nothing: the facilitator renewed them. 0: never. */
  linksValidFrom: number
}

export interface RugzakRound {
  /** Random per round: personal tokens of an earlier round open nothing in this one. */
  round: string
  carrier: string
  carrierClaimed: boolean
  helpers: { name: string; claimed: boolean; done: boolean }[]
  items: { id: string; byName: string; text: string; addedAt: number; helper: number }[]
  log: { at: number; action: 'erin' | 'eruit'; byName: string; text: string }[]
}

const EMPTY: FacilitationState = { locked: false, lockedFrames: [], stiltemodus: false, agenda: { steps: [], current: null }, ready: {}, steppedOut: {}, rugzak: null, linksValidFrom: 0 }
const MAX_ATTEMPTS = 8

/** The stored JSON as a state; anything unreadable counts as the empty state. */
export function parseFacilitation(json: string | null | undefined): FacilitationState {
  if (json === null) return { ...EMPTY }
  if (json === undefined) return { ...EMPTY }
  try {
    const raw = JSON.parse(json) as Partial<FacilitationState>
    return {
      locked: raw.locked === true,
      lockedFrames: Array.isArray(raw.lockedFrames) ? raw.lockedFrames.filter((id) => typeof id === 'string') : [],
      stiltemodus: raw.stiltemodus === true,
      agenda:
        typeof raw.agenda === 'object' && raw.agenda !== null && Array.isArray(raw.agenda.steps)
          ? { steps: raw.agenda.steps.filter((step) => typeof step === 'string'), current: typeof raw.agenda.current === 'number' ? raw.agenda.current : null }
          : { steps: [], current: null },
      ready: typeof raw.ready === 'object' && raw.ready !== null ? raw.ready : {},
      steppedOut: typeof raw.steppedOut === 'object' && raw.steppedOut !== null ? raw.steppedOut : {},
      // Written only by rugzak.ts, whole; an unreadable round counts as none.
      rugzak: typeof raw.rugzak === 'object' && raw.rugzak !== null && Array.isArray(raw.rugzak.helpers) ? raw.rugzak : null,
      linksValidFrom: typeof raw.linksValidFrom === 'number' && Number.isFinite(raw.linksValidFrom) ? raw.linksValidFrom : 0,
    }
  } catch {
    return { ...EMPTY }
  }
}

export async function readFacilitation(store: DocumentStore, boardId: string): Promise<FacilitationState> {
  return parseFacilitation((await store.getFacilitation(boardId))?.state)
}

/** Applies `change` to the stored state with compare-and-set, retrying on a concurrent write. */
export async function updateFacilitation(
  store: DocumentStore,
  boardId: string,
  change: (state: FacilitationState) => FacilitationState,
): Promise<FacilitationState> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await store.getFacilitation(boardId)
    const next = change(parseFacilitation(stored?.state))
    if (await store.setFacilitation(boardId, stored?.version ?? 0, JSON.stringify(next))) return next
  }
  throw new Error(`facilitation state of ${boardId} kept changing`)
}

/** True when `claims` are of a board link issued before the facilitator renewed the board's links. */
export function issuedBeforeRenewal(claims: TokenClaims, { linksValidFrom }: FacilitationState): boolean {
  return claims.card === undefined && (claims.iat ?? 0) < linksValidFrom
}

/** Reads the state and tells whether the link behind `claims` was renewed since it was issued. */
export async function linkRenewedSince(store: DocumentStore, boardId: string, claims: TokenClaims): Promise<boolean> {
  return claims.card === undefined && issuedBeforeRenewal(claims, await readFacilitation(store, boardId))
}
