export * from './protocol.ts'
export * from './roles.ts'
export * from './board-doc.ts'
