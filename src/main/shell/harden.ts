// The handlers every web contents gets as it is created: no navigation away, no new windows, no
// webviews, no shortcuts that leave the flow, no zoom. Electron objects come in as parameters, so
// a test can hand in a recording stand-in. Frames (the hand-off's locked view) may show only the
// allowed origins (frame-policy.ts); the window itself never leaves the app.
import { isAllowedFrameUrl } from './frame-policy'
import { isAppUrl } from './navigation'
import type { KeyInput } from './shortcuts'
import { isBlockedShortcut } from './shortcuts'

interface PreventableEvent {
  preventDefault(): void
}

/** Electron's navigation events carry these details on the event itself. */
interface NavigationEvent extends PreventableEvent {
  url?: string
  isMainFrame?: boolean
}

/** The parts of Electron's WebContents this uses. */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent, url: string) => void): unknown
  on(event: 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown
  on(event: 'before-input-event', listener: (event: PreventableEvent, input: KeyInput) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
  setVisualZoomLevelLimits(minimumLevel: number, maximumLevel: number): Promise<void>
}

export type HardenLog = (event: string, fields: Record<string, unknown>) => void

/** Only the scheme and host of a URL go to the log: a query could carry anything. */
export function originOf(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}`
  } catch {
    return 'unparseable'
  }
}

/**
 * frameOrigins: the hand-off's allowed origins, asked at each navigation (the settings are read
 * after the first web contents exists); none means no frame may show anything.
 */
export function hardenWebContents(
  contents: HardenableContents,
  isPackaged: boolean,
  log: HardenLog,
  frameOrigins: () => readonly string[] = () => [],
): void {
  const refuseNavigation = (kind: string) => (event: NavigationEvent, url: string) => {
    const target = event.url ?? url
    // A redirect inside the locked view is the frame's: judged by the frame policy.
    if (event.isMainFrame === false) return refuseFrame(kind)(event, target)
    if (isAppUrl(target)) return
    event.preventDefault()
    log('navigation.blocked', { kind, to: originOf(target) })
  }
  const refuseFrame = (kind: string) => (event: NavigationEvent, url: string | undefined) => {
    const target = url ?? ''
    if (isAllowedFrameUrl(target, frameOrigins())) return
    event.preventDefault()
    log('frame-navigation.blocked', { kind, to: originOf(target) })
  }
  contents.on('will-navigate', refuseNavigation('navigate'))
  contents.on('will-redirect', refuseNavigation('redirect'))
  // Every frame's navigations (will-navigate sees the main frame's only).
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame === false) refuseFrame('frame')(event, event.url)
  })
  // From the kiosk page and from any frame in it alike: the locked view opens no windows.
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
