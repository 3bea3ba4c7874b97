/** Domain logic and prop validators for the werkvormen (working methods) on a Samenbord board. */
export * from './check.ts'
export * from './personen/index.ts'
export * from './tijdlijn/index.ts'
export * from './genogram/index.ts'
export * from './themaclusters/index.ts'
export * from './sjablonen/index.ts'
export * from './perspectiefwissel/index.ts'
export * from './verslag/index.ts'
