import type { SerializedSchema, StoreSnapshot, TLRecord, TLStore } from 'tldraw'
import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { META_MAP, META_SCHEMA_KEY, RECORDS_ARRAY } from '@samenbord/shared/board-doc'

/**
 * Binds a tldraw store to a board's Y.Doc (layout: docs/document-layout.md).
 *
 * - Only document-scoped records travel; camera, selection and instance state stay local.
 *   `user` records stay local too: presence already carries names, and a record per tab
 *   would grow the board for ever.
 * - Records are whole values in a YKeyValue, so dragging a shape back and forth replaces one
 *   entry instead of growing a Y.Map's history.
 * - Remote changes enter through `mergeRemoteChanges`, so tldraw's undo only ever undoes
 *   the local user's own edits and the listener below never echoes them back.
 * - A record that fails tldraw's validation (a foreign or broken client) is skipped with a
 *   warning instead of aborting the whole batch.
 */

/** Transaction origin of writes made by this binding, to tell them apart from remote ones. */
export const LOCAL_ORIGIN = Symbol('samenbord-local-store')

export type RecordsKeyValue = YKeyValue<TLRecord>

export interface StoreBinding {
  /** Stop syncing in both directions. */
  dispose(): void
}

export interface BindOptions {
  /** Called for records that could not be applied (schema validation failed). */
  onRejectedRecord?(id: string, error: unknown): void
  /** Called when the document was written by a newer schema than this client knows. */
  onSchemaTooNew?(): void
  /** False for viewers: never seed or migrate the shared document. */
  canWrite?: boolean
}

export function getRecordsKeyValue(doc: Y.Doc): RecordsKeyValue {
  return new YKeyValue<TLRecord>(doc.getArray(RECORDS_ARRAY))
}

function isSyncedRecord(store: TLStore, record: TLRecord): boolean {
  if (record.typeName === 'user') return false
  return store.scopedTypes.document.has(record.typeName)
}

/**
 * Call once the provider has synced with the server (so an existing board is not
 * overwritten by this client's empty default page).
 */
export function bindStoreToYDoc(store: TLStore, doc: Y.Doc, options: BindOptions = {}): StoreBinding {
  const { onRejectedRecord, onSchemaTooNew, canWrite = true } = options
  const records = getRecordsKeyValue(doc)
  const meta = doc.getMap<SerializedSchema>(META_MAP)

  const putRemote = (toPut: TLRecord[], toRemove: TLRecord['id'][]) => {
    if (toPut.length === 0 && toRemove.length === 0) return
    store.mergeRemoteChanges(() => {
      if (toRemove.length) store.remove(toRemove.filter((id) => store.has(id)))
      try {
        if (toPut.length) store.put(toPut)
      } catch {
        // One bad record must not drop the good ones: retry one by one.
        for (const record of toPut) {
          try {
            store.put([record])
          } catch (error) {
            onRejectedRecord?.(record.id, error)
          }
        }
      }
    })
  }

  // 1. Initial load: the shared document wins; an empty document is seeded from the store.
  if (records.map.size === 0) {
    if (canWrite) {
      doc.transact(() => {
        for (const record of store.allRecords()) {
          if (isSyncedRecord(store, record)) records.set(record.id, record)
        }
        meta.set(META_SCHEMA_KEY, store.schema.serialize())
      }, LOCAL_ORIGIN)
    }
  } else {
    const theirSchema = meta.get(META_SCHEMA_KEY) ?? store.schema.serialize()
    const snapshot: StoreSnapshot<TLRecord> = {
      schema: theirSchema,
      store: Object.fromEntries(Array.from(records.map.values(), ({ key, val }) => [key, val])) as StoreSnapshot<TLRecord>['store'],
    }
    const migrated = store.schema.migrateStoreSnapshot(snapshot)
    if (migrated.type === 'error') {
      onSchemaTooNew?.()
      return { dispose() {} }
    }
    const incoming = Object.values(migrated.value) as TLRecord[]
    const incomingIds = new Set(incoming.map((r) => r.id))
    const stale = store
      .allRecords()
      .filter((r) => isSyncedRecord(store, r) && !incomingIds.has(r.id))
      .map((r) => r.id)
    putRemote(incoming, stale)
    // An older board is upgraded once, by the first client that can write.
    const ourSchema = store.schema.serialize()
    if (canWrite && JSON.stringify(theirSchema) !== JSON.stringify(ourSchema)) {
      doc.transact(() => {
        for (const record of incoming) {
          const current = records.get(record.id)
          if (JSON.stringify(current) !== JSON.stringify(record)) records.set(record.id, record)
        }
        meta.set(META_SCHEMA_KEY, ourSchema)
      }, LOCAL_ORIGIN)
    }
  }

  // 2. Local edits → Y.Doc, one transaction per tldraw history batch.
  const stopListening = store.listen(
    ({ changes }) => {
      doc.transact(() => {
        for (const record of Object.values(changes.added)) {
          if (isSyncedRecord(store, record)) records.set(record.id, record)
        }
        for (const [, record] of Object.values(changes.updated)) {
          if (isSyncedRecord(store, record)) records.set(record.id, record)
        }
        for (const record of Object.values(changes.removed)) {
          if (isSyncedRecord(store, record)) records.delete(record.id)
        }
      }, LOCAL_ORIGIN)
    },
    { source: 'user', scope: 'document' }
  )

  // 3. Remote edits → store.
  const onRecordsChange = (
    changes: Map<string, { action: 'add' | 'update' | 'delete' }>,
    transaction: Y.Transaction
  ) => {
    if (transaction.origin === LOCAL_ORIGIN) return
    const toPut: TLRecord[] = []
    const toRemove: TLRecord['id'][] = []
    changes.forEach((change, id) => {
      if (change.action === 'delete') {
        toRemove.push(id as TLRecord['id'])
      } else {
        const record = records.get(id)
        if (record) toPut.push(record)
      }
    })
    putRemote(toPut, toRemove)
  }
  records.on('change', onRecordsChange)

  // A client with a newer schema upgraded the board: this tab must reload.
  const onMetaChange = () => {
    const theirSchema = meta.get(META_SCHEMA_KEY)
    if (!theirSchema) return
    const result = store.schema.getMigrationsSince(theirSchema)
    if (!result.ok) onSchemaTooNew?.()
  }
  meta.observe(onMetaChange)

  return {
    dispose() {
      stopListening()
      records.off('change', onRecordsChange)
      meta.unobserve(onMetaChange)
    },
  }
}
