// Who may reach the browser host (the rules are in server.ts's header): the Host of every request,
// and for the bridge's upgrade the path, the Origin and the per-start token, all checked before any
// WebSocket exists.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { requestPath } from './http'
import { BRIDGE_PATH, BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from './protocol'

/** The only address the host listens on. */
export const HOST = '127.0.0.1'

export interface AccessPolicy {
  /** Host header values accepted (lower case): 127.0.0.1:PORT and localhost:PORT. */
  hosts: ReadonlySet<string>
  /** The page's own origins: the only Origin an upgrade may carry. */
  origins: ReadonlySet<string>
  /** SHA-256 of the per-start token. */
  tokenDigest: Buffer
}

/** Why an upgrade was refused: the HTTP status it is answered with and a reason for the log. */
export interface Refusal {
  status: number
  reason: 'host' | 'path' | 'origin' | 'no-origin' | 'no-token' | 'token'
}

type Request = Pick<IncomingMessage, 'headers' | 'url'>

/** A fresh per-start token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** What is allowed once the host listens on `port`; null (not listening yet) allows nothing. */
export function accessPolicy(port: number | null, token: string): AccessPolicy {
  return {
    hosts: new Set(port === null ? [] : [`${HOST}:${port}`, `localhost:${port}`]),
    origins: new Set(port === null ? [] : [`http://${HOST}:${port}`, `http://localhost:${port}`]),
    tokenDigest: digest(token),
  }
}

/** Whether the request's Host names this host (a DNS-rebound name does not). */
export function hostAllowed(req: Pick<IncomingMessage, 'headers'>, policy: AccessPolicy): boolean {
  const host = req.headers.host
  return host !== undefined && policy.hosts.has(host.toLowerCase())
}

/** Null if the upgrade may become the bridge, else why not: host, path, origin, then token. */
export function upgradeRefusal(req: Request, policy: AccessPolicy): Refusal | null {
  if (!hostAllowed(req, policy)) return { status: 421, reason: 'host' }
  if (requestPath(req.url ?? '') !== BRIDGE_PATH) return { status: 404, reason: 'path' }
  const origin = req.headers.origin
  if (origin === undefined || !policy.origins.has(origin)) return { status: 403, reason: origin === undefined ? 'no-origin' : 'origin' }
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
  const tokens = offered.filter((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
  if (tokens.length !== 1 || !offered.includes(BRIDGE_PROTOCOL)) return { status: 401, reason: 'no-token' }
  const presented = tokens[0]!.slice(TOKEN_PROTOCOL_PREFIX.length)
  // Compare digests: equal length always, and constant time whatever was sent.
  if (!timingSafeEqual(digest(presented), policy.tokenDigest)) return { status: 401, reason: 'token' }
  return null
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}
