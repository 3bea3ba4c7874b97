import fp from 'fastify-plugin'
import type { DocumentStore } from './document-store.ts'
import { SqliteDocumentStore } from './sqlite-store.ts'
import type { SchemaMigrationResult } from './schema-migrator.ts'

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
    // An upgrade of existing data is worth a line in the operator's log; a new database is not.
    const migration = (store as { schemaMigration?: SchemaMigrationResult }).schemaMigration
    if (migration && migration.to !== migration.from && (migration.from > 0 || migration.unversioned)) {
      app.log.info({ from: migration.unversioned ? 'unversioned' : migration.from, to: migration.to }, 'database schema upgraded')
    }
    app.decorate('store', store)
    app.addHook('onClose', async () => {
      await store.close()
    })
  },
  { name: 'samenbord-storage', fastify: '5.x' },
)
