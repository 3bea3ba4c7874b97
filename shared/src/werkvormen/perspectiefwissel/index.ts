export * from './alternatives.ts'
export * from './schema.ts'
