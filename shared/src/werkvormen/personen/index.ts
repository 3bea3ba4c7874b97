export * from './person.ts'
export * from './schema.ts'
