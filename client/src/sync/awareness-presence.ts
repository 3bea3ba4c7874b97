import {
  InstancePresenceRecordType,
  createPresenceStateDerivation,
  react,
  type Signal,
  type TLInstancePresence,
  type TLStore,
  type TLUser,
} from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'

/**
 * Carries tldraw presence (cursor, selection, viewport, name, colour) over Yjs awareness,
 * so tldraw's own collaborator UI draws everyone else. Presence never enters the document.
 */
export function bindPresenceToAwareness(store: TLStore, awareness: Awareness, $user: Signal<TLUser | null>) {
  const ownPresenceId = presenceIdOf(awareness.clientID)
  const $presence = createPresenceStateDerivation($user, { instanceId: ownPresenceId })(store)

  let frame = 0
  const stopPublishing = react('publish presence', () => {
    const presence = $presence.get()
    // Cursor moves fire every frame; send at most one awareness update per frame.
    cancelAnimationFrame(frame)
    frame = requestAnimationFrame(() => awareness.setLocalStateField('presence', presence ?? null))
  })

  const onChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    const states = awareness.getStates()
    const toPut: TLInstancePresence[] = []
    const toRemove: TLInstancePresence['id'][] = []
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      const presence = states.get(clientId)?.presence as TLInstancePresence | null | undefined
      if (presence) toPut.push({ ...presence, id: presenceIdOf(clientId) })
      else toRemove.push(presenceIdOf(clientId))
    }
    for (const clientId of removed) toRemove.push(presenceIdOf(clientId))
    if (!toPut.length && !toRemove.length) return
    store.mergeRemoteChanges(() => {
      const gone = toRemove.filter((id) => store.has(id))
      if (gone.length) store.remove(gone)
      for (const presence of toPut) {
        try {
          store.put([presence])
        } catch {
          // A malformed presence from another client is ignored, not fatal.
        }
      }
    })
  }
  awareness.on('change', onChange)

  return () => {
    cancelAnimationFrame(frame)
    stopPublishing()
    awareness.off('change', onChange)
    awareness.setLocalStateField('presence', null)
  }
}

export function presenceIdOf(clientId: number): TLInstancePresence['id'] {
  return InstancePresenceRecordType.createId(String(clientId))
}
