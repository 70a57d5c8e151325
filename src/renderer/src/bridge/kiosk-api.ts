// The renderer's one way to the session: Electron's preload API if there is one, else the browser
// host's WebSocket bridge. The bridge is imported dynamically, so it is a chunk of its own that a
// renderer running in Electron never loads.
import type { KioskApi } from '../../../shared/contract'

let api: Promise<KioskApi> | null = null

/** The same object for every caller: a second bridge connection would replace the first. */
export async function getKioskApi(): Promise<KioskApi> {
  api ??= resolveKioskApi()
  return api
}

async function resolveKioskApi(): Promise<KioskApi> {
  const provided: unknown = window.kiosk
  if (provided !== undefined) {
    // In Electron the preload is the only way: a wrong shape is a broken build, not a browser.
    if (!isKioskApi(provided)) throw new Error('window.kiosk is not a KioskApi (subscribe and send)')
    return provided
  }
  const { connectWebSocketKiosk } = await import('./websocket-kiosk')
  return connectWebSocketKiosk(window.location)
}

function isKioskApi(value: unknown): value is KioskApi {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string, unknown>
  return typeof candidate.subscribe === 'function' && typeof candidate.send === 'function'
}
