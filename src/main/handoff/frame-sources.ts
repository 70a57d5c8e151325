// The CSP frame-src of the kiosk's page (browser host and Electron's app:// alike): exactly the
// hand-off's allowed origins, or 'none'. Each must be a canonical https origin, which cannot carry
// a ';' or ',' into the header.
import { canonicalOrigin, isHttpsOrigin } from './origins'

export function frameSources(origins: readonly string[]): string {
  if (origins.length === 0) return "'none'"
  for (const origin of origins) {
    if (!isHttpsOrigin(origin) || canonicalOrigin(origin) !== origin) throw new Error(`not a canonical https origin: ${origin}`)
  }
  return origins.join(' ')
}
