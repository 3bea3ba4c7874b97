import { useEffect, useState } from 'react'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { atom, react, type TLAssetStore, type TLStore } from 'tldraw'
import { SYNC_PATH } from '@samenbord/shared/protocol'
import { canWrite, isRole, type Role } from '@samenbord/shared/roles'
import { bindStoreToYDoc } from '../sync/yjs-store-binding.ts'
import { bindPresenceToAwareness } from '../sync/awareness-presence.ts'
import { ticketSocketClass } from '../sync/ticket-socket.ts'
import { createBoardStore } from '../werkvormen/index.ts'
import type { BoardIdentity } from './identity.ts'

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline'

export interface Participant {
  clientId: number
  name: string
  color: string
  role: Role
  isSelf: boolean
  /** tldraw user id ('user:…') of this participant's presence, for following their view. */
  userId: string
  /** A facilitator asking everyone to follow their view ("Volg mij"). */
  leading: boolean
  /** The perspectiefwissel role this person plays right now (role badge), or null. */
  inRole: string | null
  /** A facilitator's latest "breng iedereen hier": where everyone's view should jump to, once. */
  summon: Summon | null
}

export interface Summon {
  /** New for every request, so the same place can be asked twice. */
  id: string
  pageId: string
  x: number
  y: number
  w: number
  h: number
}

export interface BoardSession {
  status: ConnectionStatus
  /** Set when the server refused or ended the connection for good (44xx close code). */
  closed: { code: number; reason: string } | null
  /** The bound store, available once the first sync with the server completed. */
  store: TLStore | null
  participants: Participant[]
  schemaTooNew: boolean
  /** Facilitator only: ask everyone to follow (or stop following) this view. */
  setLeading(leading: boolean): void
  /** The facilitator locked the board for this link: the editor turns read-only (the relay refuses writes anyway). */
  setWriteLocked(locked: boolean): void
  /** Shows (or clears) this person's role badge in everyone's people list. */
  setInRole(label: string | null): void
  /** Facilitator only: every other screen jumps to this view, once ("breng iedereen hier"). */
  summonEveryone(target: Omit<Summon, 'id'>): void
}

export interface BoardSessionOptions {
  /** Bumped to start over with a fresh document (after the relay refused a write on a locked board). */
  generation?: number
  /** Asked when the board document is bound: a locked board is never seeded or migrated by this link. */
  isWriteLocked?: () => boolean
  /** Where pasted pictures and files go (see bounded-asset-store.ts); tldraw's default otherwise. */
  assets?: TLAssetStore
}

function syncUrl(): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${protocol}//${location.host}${SYNC_PATH}`
}

/**
 * One live board: Y.Doc + y-websocket provider + tldraw store, torn down on unmount.
 * Created inside an effect (not useMemo) so React's StrictMode double-mount does not leave
 * a second provider behind.
 */
export function useBoardSession(boardId: string, token: string, role: Role, identity: BoardIdentity, options: BoardSessionOptions = {}): BoardSession {
  const { generation = 0 } = options
  const isWriteLocked = options.isWriteLocked
  const [session, setSession] = useState<BoardSession>({
    status: 'connecting',
    closed: null,
    store: null,
    participants: [],
    schemaTooNew: false,
    setLeading: () => {},
    setWriteLocked: () => {},
    setInRole: () => {},
    summonEveryone: () => {},
  })

  useEffect(() => {
    const update = (patch: Partial<BoardSession>) => setSession((s) => ({ ...s, ...patch }))
    // A fresh start (new generation) forgets the previous connection's end and store.
    update({ closed: null, store: null, status: 'connecting' })
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(syncUrl(), boardId, doc, {
      // The display name goes into the board's audit log of who joined (never any content).
      params: { name: identity.currentUser.userPreferences.get().name ?? '' },
      // No token in the socket URL (proxies log URLs): every (re)connection fetches a fresh ticket with it.
      WebSocketPolyfill: ticketSocketClass({ token }),
      // Cross-tab BroadcastChannel would let a viewer tab's state leak into a writer tab.
      disableBc: true,
    })
    const awareness = provider.awareness
    const $status = atom<'online' | 'offline'>('connection', 'offline')
    const $mode = atom<'readonly' | 'readwrite'>('mode', canWrite(role) ? 'readwrite' : 'readonly')
    const store = createBoardStore({
      ...(options.assets ? { assets: options.assets } : {}),
      users: identity.userStore,
      collaboration: { status: $status, mode: $mode },
    })

    let everConnected = false
    let disposeBinding: (() => void) | null = null
    let disposePresence: (() => void) | null = null

    const onStatus = ({ status }: { status: 'connected' | 'connecting' | 'disconnected' }) => {
      if (status === 'connected') {
        everConnected = true
        $status.set('online')
        update({ status: 'connected' })
      } else {
        $status.set('offline')
        update({ status: !navigator.onLine ? 'offline' : everConnected ? 'reconnecting' : 'connecting' })
      }
    }
    const onSynced = (synced: boolean) => {
      if (!synced || disposeBinding) return
      const binding = bindStoreToYDoc(store, doc, {
        canWrite: canWrite(role) && !(isWriteLocked?.() ?? false),
        onSchemaTooNew: () => update({ schemaTooNew: true }),
        onRejectedRecord: (id, error) => console.warn(`Samenbord: record ${id} skipped`, error),
      })
      disposeBinding = () => binding.dispose()
      disposePresence = bindPresenceToAwareness(store, awareness, identity.userStore.currentUser)
      update({ store })
    }
    const onClosed = ({ code, reason }: { code: number; reason: string }) => {
      $status.set('offline')
      update({ closed: { code, reason } })
    }
    let inRole: string | null = null
    let summon: Summon | null = null
    let leading = false
    const publishUser = () => {
      const prefs = identity.currentUser.userPreferences.get()
      awareness.setLocalStateField('user', { name: prefs.name ?? '', color: prefs.color ?? '#333', role, userId: `user:${prefs.id}`, leading, inRole, summon })
    }
    update({
      setLeading: (next: boolean) => {
        leading = next && role === 'facilitator'
        publishUser()
      },
      setWriteLocked: (locked: boolean) => {
        if (canWrite(role)) $mode.set(locked ? 'readonly' : 'readwrite')
      },
      summonEveryone: (target: Omit<Summon, 'id'>) => {
        if (role !== 'facilitator') return
        summon = { ...target, id: Math.random().toString(36).slice(2) }
        publishUser()
      },
      setInRole: (label: string | null) => {
        if (label === inRole) return
        inRole = label
        publishUser()
      },
    })
    const onAwareness = () => {
      const participants: Participant[] = []
      awareness.getStates().forEach((state, clientId) => {
        const user = state.user as { name?: string; color?: string; role?: unknown; userId?: string; leading?: boolean; inRole?: unknown; summon?: unknown } | undefined
        if (!user?.name) return
        // The relay stamps the role of the sender's link into its state (a viewer cannot claim
        // more); only a facilitator-stamped state may make this screen follow or jump.
        const stampedRole: Role = isRole(user.role) ? user.role : 'participant'
        const byFacilitator = stampedRole === 'facilitator'
        participants.push({
          clientId,
          name: user.name,
          color: user.color ?? '#333',
          role: stampedRole,
          isSelf: clientId === awareness.clientID,
          userId: user.userId ?? '',
          leading: !!user.leading && byFacilitator,
          inRole: typeof user.inRole === 'string' && user.inRole.length > 0 ? user.inRole.slice(0, 80) : null,
          summon: byFacilitator ? summonOf(user.summon) : null,
        })
      })
      participants.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name))
      update({ participants })
    }
    const onBrowserOffline = () => update({ status: 'offline' })

    provider.on('status', onStatus)
    provider.on('sync', onSynced)
    provider.on('closed', onClosed)
    awareness.on('change', onAwareness)
    window.addEventListener('offline', onBrowserOffline)
    // Re-published whenever the name or colour changes.
    const stopUserWatch = react('publish user to awareness', publishUser)

    return () => {
      stopUserWatch()
      window.removeEventListener('offline', onBrowserOffline)
      disposePresence?.()
      disposeBinding?.()
      provider.destroy()
      doc.destroy()
      store.dispose()
    }
  }, [boardId, token, role, identity, generation])

  return session
}

function summonOf(value: unknown): Summon | null {
  if (typeof value !== 'object' || value === null) return null
  const { id, pageId, x, y, w, h } = value as Record<string, unknown>
  if (typeof id !== 'string' || typeof pageId !== 'string') return null
  if (![x, y, w, h].every((n) => typeof n === 'number' && Number.isFinite(n)) || (w as number) <= 0 || (h as number) <= 0) return null
  return { id, pageId, x: x as number, y: y as number, w: w as number, h: h as number }
}
