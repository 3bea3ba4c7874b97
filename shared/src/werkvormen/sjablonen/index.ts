export * from './templates.ts'
export * from './demo-case.ts'
