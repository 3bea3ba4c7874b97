import { useEffect, useState } from 'react'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { SYNC_PATH } from '@samenbord/shared/protocol'
import { ticketSocketClass } from './ticket-socket.ts'

export interface SharedMap {
  values: Record<string, unknown>
  /** Undefined while connecting; false when the server refused or closed for good. */
  open: boolean | undefined
  set(key: string, value: unknown): void
}

/**
 * One `Y.Map` in a small document of its own next to the board (`<boardId>.<kind>.<id>`), for
 * records whose access the server decides per link (the consent record: only the facilitator
 * writes). No awareness: nobody needs to see who is typing here.
 */
export function useSharedMap(docName: string, mapName: string, token: string | null): SharedMap {
  const [values, setValues] = useState<Record<string, unknown>>({})
  const [open, setOpen] = useState<boolean | undefined>(undefined)
  const [map, setMap] = useState<Y.Map<unknown> | null>(null)

  useEffect(() => {
    if (!token) return
    const doc = new Y.Doc()
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SYNC_PATH}`
    // The token pays for a ticket per connection; it never goes into the socket URL.
    const provider = new WebsocketProvider(url, docName, doc, { WebSocketPolyfill: ticketSocketClass({ token }), disableBc: true })
    provider.awareness.setLocalState(null)
    const shared = doc.getMap<unknown>(mapName)
    const read = () => setValues(shared.toJSON())
    shared.observe(read)
    provider.on('sync', (synced: boolean) => synced && (setOpen(true), read()))
    provider.on('closed', () => setOpen(false))
    setMap(shared)
    return () => {
      shared.unobserve(read)
      provider.destroy()
      doc.destroy()
      setMap(null)
      setOpen(undefined)
    }
  }, [docName, mapName, token])

  return {
    values,
    open,
    set(key, value) {
      map?.set(key, value)
    },
  }
}
