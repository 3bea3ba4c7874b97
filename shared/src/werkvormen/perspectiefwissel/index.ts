export * from './alternatives.ts'
