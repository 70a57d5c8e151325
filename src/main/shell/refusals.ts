// What a page in the kiosk is never given, each with one log line (origins only, never a full URL:
// a query could carry anything):
// - no download: Electron asks where to save one with the operating system's Save dialog (a kiosk
//   escape), and the file would stay on the terminal. The locked view's frame is sandboxed without
//   allow-downloads, so Chromium already stops its downloads; this is the second lock, for the
//   kiosk page and anything else in the session;
// - no client certificate: without a handler Electron picks the first certificate in the machine's
//   store itself, and a page could learn who the terminal is; with one, the page gets none and no
//   picker is shown;
// - no HTTP authentication: Electron cancels it by default; this makes it explicit and logs it.
// Electron objects come in as parameters, so a test can hand in a recording stand-in.
import type { HardenLog } from './harden'
import { originOf } from './harden'

interface PreventableEvent {
  preventDefault(): void
}

/** The parts of Electron's Session this uses. */
export interface DownloadSession {
  on(event: 'will-download', listener: (event: PreventableEvent, item: { getURL(): string }) => void): unknown
}

/** The parts of Electron's App this uses. */
export interface AuthApp {
  on(
    event: 'select-client-certificate',
    listener: (event: PreventableEvent, webContents: unknown, url: string, certificateList: readonly unknown[], callback: () => void) => void,
  ): unknown
  on(
    event: 'login',
    listener: (
      event: PreventableEvent,
      webContents: unknown,
      details: { url: string },
      authInfo: { isProxy: boolean; scheme: string },
      callback: () => void,
    ) => void,
  ): unknown
}

/** A blob: URL's origin is its inner URL's; a data: URL has none worth more than its scheme. */
function downloadOrigin(url: string): string {
  if (url.startsWith('blob:')) return originOf(url.slice('blob:'.length))
  if (url.startsWith('data:')) return 'data:'
  return originOf(url)
}

export function refuseDownloads(session: DownloadSession, log: HardenLog): void {
  session.on('will-download', (event, item) => {
    event.preventDefault()
    log('download.blocked', { from: downloadOrigin(item.getURL()) })
  })
}

export function refuseClientCertificates(app: AuthApp, log: HardenLog): void {
  app.on('select-client-certificate', (event, _webContents, url, certificateList, callback) => {
    // preventDefault: Electron would otherwise use the first certificate; callback(): continue without one.
    event.preventDefault()
    callback()
    log('client-certificate.refused', { to: originOf(url), offered: certificateList.length })
  })
}

export function refuseHttpAuth(app: AuthApp, log: HardenLog): void {
  app.on('login', (event, _webContents, details, authInfo, callback) => {
    // callback() without credentials cancels: the page gets the 401/407, nobody is asked.
    event.preventDefault()
    callback()
    log('http-auth.refused', { to: originOf(details.url), scheme: authInfo.scheme, proxy: authInfo.isProxy })
  })
}
