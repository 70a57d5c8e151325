// The one kiosk window, locked down (security checklist #2–#4, #6, #8–#12): a sandboxed,
// context-isolated renderer without Node, in an in-memory session, with developer tools only in a
// developer's build.
import type { BrowserWindowConstructorOptions } from 'electron'

/** No "persist:" prefix: the window's session lives in memory and dies with the app. */
export const KIOSK_PARTITION = 'kiosk'

export function kioskWindowOptions(options: { isPackaged: boolean; preloadPath: string }): BrowserWindowConstructorOptions {
  return {
    show: false,
    kiosk: options.isPackaged,
    fullscreen: options.isPackaged,
    autoHideMenuBar: true,
    backgroundColor: '#f3f4f6',
    title: 'BankID Kiosk',
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !options.isPackaged,
      partition: KIOSK_PARTITION,
    },
  }
}
