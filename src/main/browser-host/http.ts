// What every answer of the browser host shares: the security headers, the page's policy, plain-text
// error responses (to requests and to refused upgrades alike) and reading a request target.
import type { ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { kioskContentSecurityPolicy } from '../csp'

/**
 * The page's policy: its own scripts and styles, data: images (the QR codes), the bridge on its own
 * origin, and frames only from the hand-off's allowed origins (none without a hand-off).
 */
export function contentSecurityPolicy(frameOrigins: readonly string[] = []): string {
  return kioskContentSecurityPolicy("'self'", frameOrigins)
}

/** The policy without a hand-off (and of every response that is not the page). */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy()

/** Sent with every response, errors and refused upgrades included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  // No Cross-Origin-Opener-Policy: the kiosk opens no windows, and on this page it made Chromium
  // swap renderer processes on every load, doubling the time to the first screen (bench/).
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=()',
}

/**
 * The decoded path of an origin-form request target ("/a/b?q"), or null for anything else:
 * absolute-form, "*", bad percent-encoding, NUL or other control characters.
 */
export function requestPath(target: string): string | null {
  if (!target.startsWith('/')) return null
  const raw = target.split(/[?#]/, 1)[0] ?? ''
  let decoded: string
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    return null
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return null
  return decoded
}

/** A plain-text "STATUS Reason" answer with the security headers. */
export function sendText(res: ServerResponse, status: number, extra: Record<string, string> = {}): void {
  const body = `${status} ${STATUS_CODES[status] ?? ''}\n`
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  })
  res.end(body)
}

/** Answers an upgrade with an HTTP status and closes the socket: no WebSocket is made. */
export function refuseUpgrade(socket: Duplex, status: number): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const body = `${status} ${STATUS_CODES[status] ?? ''}\n`
  const headers = {
    ...SECURITY_HEADERS,
    Connection: 'close',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  }
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${body}`)
  // Do not wait for a peer that keeps its side open.
  setTimeout(() => socket.destroy(), 1000).unref()
}
