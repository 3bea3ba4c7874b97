import type { BaseRecord, RecordId, TLShape } from 'tldraw'
import type { ClusterFrameProps } from '@samenbord/shared/werkvormen/themaclusters/clusters'
import { THEMACLUSTER_TYPE, type VOTE_RECORD_TYPE } from '@samenbord/shared/werkvormen/themaclusters/schema'

// The type id is the board schema's own (shared/src/werkvormen/themaclusters/schema.ts).
export { THEMACLUSTER_TYPE }

declare module 'tldraw' {
  interface TLGlobalShapePropsMap {
    [THEMACLUSTER_TYPE]: ClusterFrameProps
  }
  interface TLGlobalRecordPropsMap {
    [VOTE_RECORD_TYPE]: TLVoteRecord
  }
}

export type ThemaclusterShape = TLShape<typeof THEMACLUSTER_TYPE>

/**
 * One voter's dots, as its own record (`stem:<voter>`): only that voter ever writes it, so two
 * people voting at the same moment never overwrite each other.
 */
export interface TLVoteRecord extends BaseRecord<typeof VOTE_RECORD_TYPE, RecordId<TLVoteRecord>> {
  voterName: string
  /** note shape id → dots */
  dots: Record<string, number>
}
