// The content security policy of the kiosk's page, served by Electron's app:// protocol or by the
// browser host alike (no Electron here): its own scripts and styles, data: images (the QR codes),
// and frames only from the hand-off's allowed origins (none without a hand-off). The two differ in
// what the page may connect to: nothing over IPC, its own origin's WebSocket bridge in a browser.
import { frameSources } from './handoff/frame-sources'

export function kioskContentSecurityPolicy(connectSrc: "'none'" | "'self'", frameOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSrc}`,
    // Without a hand-off default-src 'none' forbids frames already.
    ...(frameOrigins.length === 0 ? [] : [`frame-src ${frameSources(frameOrigins)}`]),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ')
}
