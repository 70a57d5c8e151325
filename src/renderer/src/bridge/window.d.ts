// window.kiosk: provided by Electron's preload; absent in a browser, where the WebSocket bridge
// stands in for it (see kiosk-api.ts).
import type { KioskApi } from '../../../shared/contract'

declare global {
  interface Window {
    kiosk?: KioskApi
  }
}

export {}
