// The renderer is served from app://kiosk/…, not file:// (security checklist #18): a page from
// file:// may read any file on the machine, and an origin of its own lets IPC check who is talking.
// Here: which file a request maps to (never one outside the renderer folder) and the headers it
// gets, the content security policy among them (a header, which a page cannot override).
import { extname, resolve, sep } from 'node:path'
import { kioskContentSecurityPolicy } from '../csp'

export const APP_SCHEME = 'app'
export const APP_HOST = 'kiosk'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * The renderer talks to main over IPC only: it may load its own scripts, styles and data: images
 * (the QR codes) and nothing else — no network at all. With a hand-off, it may also frame the
 * allowed origins (the locked view); what the framed page loads is that page's own business.
 */
export function contentSecurityPolicy(frameOrigins: readonly string[] = []): string {
  return kioskContentSecurityPolicy("'none'", frameOrigins)
}

/** The policy without a hand-off. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy()

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
}

export type AppRequest = { ok: true; file: string; headers: Record<string, string> } | { ok: false; status: 400 | 404 }

/** Maps an app:// URL to a file under rendererDir, or refuses it; frameOrigins go into the CSP. */
export function resolveAppRequest(url: string, rendererDir: string, frameOrigins: readonly string[] = []): AppRequest {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { ok: false, status: 400 }
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { ok: false, status: 404 }
  let pathname: string
  try {
    pathname = decodeURIComponent(parsed.pathname)
  } catch {
    return { ok: false, status: 400 }
  }
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '')
  const segments = relative.split('/')
  // No "..", no dotfiles, no empty segments, no backslashes or drive letters, no NUL.
  if (segments.some((s) => s === '' || s.startsWith('.') || /[\\:\0]/.test(s))) return { ok: false, status: 404 }
  const root = resolve(rendererDir)
  const file = resolve(root, ...segments)
  if (!file.startsWith(root + sep)) return { ok: false, status: 404 }
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()]
  if (!contentType) return { ok: false, status: 404 }
  return {
    ok: true,
    file,
    headers: {
      'Content-Type': contentType,
      'Content-Security-Policy': contentSecurityPolicy(frameOrigins),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  }
}
