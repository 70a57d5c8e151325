// Where the kiosk window may go: its own pages, nowhere else (security checklist #13, #14).
import { APP_ORIGIN } from './app-protocol'

/**
 * Compared as a parsed URL: a prefix check would let app://kiosk.evil through. (Node gives a
 * custom scheme the origin "null", so scheme and host are compared instead.)
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN && parsed.username === '' && parsed.password === ''
  } catch {
    return false
  }
}
