export * from './clusters.ts'
export * from './votes.ts'
