export * from './clusters.ts'
export * from './votes.ts'
export * from './schema.ts'
