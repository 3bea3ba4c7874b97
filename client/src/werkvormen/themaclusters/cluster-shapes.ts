import type { BaseRecord, RecordId, TLShape } from 'tldraw'
import type { ClusterFrameProps } from '@samenbord/shared/werkvormen/themaclusters/clusters'

export const THEMACLUSTER_TYPE = 'themacluster'

declare module 'tldraw' {
  interface TLGlobalShapePropsMap {
    [THEMACLUSTER_TYPE]: ClusterFrameProps
  }
  interface TLGlobalRecordPropsMap {
    stem: TLVoteRecord
  }
}

export type ThemaclusterShape = TLShape<typeof THEMACLUSTER_TYPE>

/**
 * One voter's dots, as its own record (`stem:<voter>`): only that voter ever writes it, so two
 * people voting at the same moment never overwrite each other.
 */
export interface TLVoteRecord extends BaseRecord<'stem', RecordId<TLVoteRecord>> {
  voterName: string
  /** note shape id → dots */
  dots: Record<string, number>
}
