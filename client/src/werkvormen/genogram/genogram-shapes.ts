import type { TLBinding, TLShape } from 'tldraw'
import type { PersonSymbolProps, RelationProps } from '@samenbord/shared/werkvormen/genogram/relations'
import { GENOGRAM_ANKER_TYPE, GENOGRAM_PERSOON_TYPE, GENOGRAM_RELATIE_TYPE } from '@samenbord/shared/werkvormen/genogram/schema'

// The type ids are the board schema's own (shared/src/werkvormen/genogram/schema.ts).
export { GENOGRAM_ANKER_TYPE, GENOGRAM_PERSOON_TYPE, GENOGRAM_RELATIE_TYPE }

export interface GenogramAnchorProps {
  /** Which end of the relation line is tied to the shape. */
  terminal: 'start' | 'end'
}

declare module 'tldraw' {
  interface TLGlobalShapePropsMap {
    [GENOGRAM_PERSOON_TYPE]: PersonSymbolProps
    [GENOGRAM_RELATIE_TYPE]: RelationProps
  }
  interface TLGlobalBindingPropsMap {
    [GENOGRAM_ANKER_TYPE]: GenogramAnchorProps
  }
}

export type GenogramPersoonShape = TLShape<typeof GENOGRAM_PERSOON_TYPE>
export type GenogramRelatieShape = TLShape<typeof GENOGRAM_RELATIE_TYPE>
export type GenogramAnkerBinding = TLBinding<typeof GENOGRAM_ANKER_TYPE>

/** Room under a symbol for the name. */
export const NAME_HEIGHT = 40

/** Where the line's far end sits, relative to the shape's x/y; kept in `meta` by the anchor binding. */
export interface RelationEnd {
  dx: number
  dy: number
}

export function relationEnd(shape: GenogramRelatieShape): RelationEnd {
  const meta = shape.meta as Partial<RelationEnd>
  return { dx: typeof meta.dx === 'number' ? meta.dx : 100, dy: typeof meta.dy === 'number' ? meta.dy : 0 }
}
