// Web origins for the hand-off: the administrator's allow-list (handoff.allowedOrigins), the URL a
// school's service answers with, and the frames the kiosk may show. One place decides what "on the
// allow-list" means, so the settings, the hand-off client, the CSP and Electron's frame policy agree.

export { canonicalOrigin, isHttpsOrigin } from '../settings/origins'

/** The origin of an https URL without credentials, or null for anything else. */
export function httpsOriginOf(value: string): string | null {
  if (!URL.canParse(value)) return null
  const url = new URL(value)
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.hostname === '') return null
  return url.origin
}

/** True when `url` is an https URL (no user name or password) on one of `origins` (canonical). */
export function isOnAllowedOrigins(url: string, origins: readonly string[]): boolean {
  const origin = httpsOriginOf(url)
  return origin !== null && origins.includes(origin)
}
