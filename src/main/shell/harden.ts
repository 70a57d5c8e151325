// The handlers every web contents gets as it is created: no navigation away, no new windows, no
// webviews, no shortcuts that leave the flow, no zoom. Electron objects come in as parameters, so
// a test can hand in a recording stand-in.
import { isAppUrl } from './navigation'
import type { KeyInput } from './shortcuts'
import { isBlockedShortcut } from './shortcuts'

interface PreventableEvent {
  preventDefault(): void
}

/** The parts of Electron's WebContents this uses. */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown
  on(event: 'before-input-event', listener: (event: PreventableEvent, input: KeyInput) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
  setVisualZoomLevelLimits(minimumLevel: number, maximumLevel: number): Promise<void>
}

export type HardenLog = (event: string, fields: Record<string, unknown>) => void

/** Only the scheme and host of a URL go to the log: a query could carry anything. */
function originOf(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}`
  } catch {
    return 'unparseable'
  }
}

export function hardenWebContents(contents: HardenableContents, isPackaged: boolean, log: HardenLog): void {
  const refuseNavigation = (kind: string) => (event: PreventableEvent, url: string) => {
    if (isAppUrl(url)) return
    event.preventDefault()
    log('navigation.blocked', { kind, to: originOf(url) })
  }
  contents.on('will-navigate', refuseNavigation('navigate'))
  contents.on('will-redirect', refuseNavigation('redirect'))
  contents.setWindowOpenHandler(({ url }) => {
    log('window-open.blocked', { to: originOf(url) })
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    log('webview.blocked', {})
  })
  contents.on('before-input-event', (event, input) => {
    if (isBlockedShortcut(input, isPackaged)) event.preventDefault()
  })
  // Pinch and Ctrl+wheel zoom would break the layout on a touchscreen.
  void contents.setVisualZoomLevelLimits(1, 1).catch(() => undefined)
}
