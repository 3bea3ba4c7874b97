import fp from 'fastify-plugin'
import type { DocumentStore } from './document-store.ts'
import { SqliteDocumentStore } from './sqlite-store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    store: DocumentStore
  }
}

export interface StoragePluginOptions {
  dataDir: string
  /** Use this store instead of opening SQLite in dataDir (tests, a future PostgreSQL store). */
  store?: DocumentStore
}

/** Decorates `app.store`; the store closes last, after the sync plugin flushed into it. */
export const storagePlugin = fp<StoragePluginOptions>(
  async (app, options) => {
    const store = options.store ?? new SqliteDocumentStore(options.dataDir)
    app.decorate('store', store)
    app.addHook('onClose', async () => {
      await store.close()
    })
  },
  { name: 'samenbord-storage', fastify: '5.x' },
)
