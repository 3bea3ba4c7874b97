import { randomBytes } from 'node:crypto'
import { PostgresDocumentStore } from '@samenbord/server/storage/postgres-store'
import { onDispose } from './helpers.ts'

/** postgres://… of a database the tests may create schemas in; unset means: skip those tests. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || null
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL?.trim() || null

export function skipMessage(what: string, missing: string[]): void {
  if (missing.length > 0) console.warn(`${what} overgeslagen: ${missing.join(' en ')} niet gezet`)
}

/** A fresh schema name per call, unique across concurrent test runs. */
export function uniqueSchema(): string {
  return `sb_test_${process.pid}_${randomBytes(4).toString('hex')}`
}

/**
 * Opens a store on a throw-away schema; the schema is dropped at dispose. Pass the same schema
 * again (a "restart") with `existingSchema`.
 */
export async function openTestPgStore(existingSchema?: string): Promise<PostgresDocumentStore> {
  if (TEST_DATABASE_URL === null) throw new Error('TEST_DATABASE_URL is not set')
  const schema = existingSchema ?? uniqueSchema()
  const store = await PostgresDocumentStore.open(TEST_DATABASE_URL, { schema, max: 4 })
  if (existingSchema === undefined) {
    onDispose(async () => {
      const cleaner = await PostgresDocumentStore.open(TEST_DATABASE_URL!, { schema, max: 1 })
      await cleaner.dropSchema()
      await cleaner.close()
    })
  }
  onDispose(() => store.close())
  return store
}
