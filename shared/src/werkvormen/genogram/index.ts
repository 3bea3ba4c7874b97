export * from './notation.ts'
export * from './relations.ts'
export * from './layout.ts'
export * from './schema.ts'
