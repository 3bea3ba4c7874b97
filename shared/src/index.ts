export * from './protocol.ts'
export * from './roles.ts'
export * from './board-doc.ts'
export * from './api.ts'
