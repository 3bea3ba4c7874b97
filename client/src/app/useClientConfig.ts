import { useEffect, useState } from 'react'
import type { ClientConfigResponse } from '@samenbord/shared/api'
import { getClientConfig } from './api.ts'

let cached: Promise<ClientConfigResponse> | null = null

/** Runtime configuration (the tldraw licence key), so one build serves every deployment. */
export function useClientConfig(): ClientConfigResponse | null {
  const [config, setConfig] = useState<ClientConfigResponse | null>(null)
  useEffect(() => {
    cached ??= getClientConfig().catch(() => ({ tldrawLicenseKey: null, maxMessageBytes: 0 }))
    let live = true
    cached.then((c) => live && setConfig(c))
    return () => {
      live = false
    }
  }, [])
  return config
}
