// A scripted renderer for the browser host's WebSocket bridge, and raw HTTP requests to the host:
// Node's ws client with the headers a browser would send (Origin, Host, the subprotocols), or
// deliberately wrong ones.
import type { IncomingHttpHeaders } from 'node:http'
import http from 'node:http'
import WebSocket from 'ws'
import type { Snapshot } from '../../src/shared/contract'

export const BRIDGE_PROTOCOL = 'bankid-kiosk.v1'
export const TOKEN_PROTOCOL_PREFIX = 'bankid-kiosk.token.'

export function tokenOf(url: string): string {
  const token = new URL(url).hash.match(/^#token=([A-Za-z0-9_-]+)$/)?.[1]
  if (!token) throw new Error(`no token in ${url}`)
  return token
}

export interface BridgeOptions {
  /** The token to present; null sends no token entry at all. Default: the right one. */
  token?: string | null
  /** The Origin header; null sends none. Default: the host's own origin. */
  origin?: string | null
  /** The Host header. Default: 127.0.0.1:PORT. */
  host?: string
  /** Replaces the subprotocol list entirely. */
  protocols?: string[]
}

export interface Closed {
  code: number
  reason: string
}

export interface BridgeClient {
  ws: WebSocket
  snapshots: Snapshot[]
  /** Every text message, as received. */
  messages: string[]
  /** Resolves when open, or with the HTTP status the upgrade was refused with. */
  outcome: Promise<{ open: true } | { open: false; status: number; headers: IncomingHttpHeaders }>
  closed: Promise<Closed>
  /** The first snapshot (already received or still to come) that matches. */
  waitFor(predicate: (snapshot: Snapshot) => boolean, timeoutMs?: number): Promise<Snapshot>
  sendJson(value: unknown): void
  sendRaw(data: string | Buffer): void
  close(): Promise<Closed>
}

export function connectBridge(hostUrl: string, options: BridgeOptions = {}): BridgeClient {
  const origin = new URL(hostUrl).origin
  const port = new URL(hostUrl).port
  const token = options.token === undefined ? tokenOf(hostUrl) : options.token
  const protocols = options.protocols ?? [BRIDGE_PROTOCOL, ...(token === null ? [] : [TOKEN_PROTOCOL_PREFIX + token])]
  const wsOptions: WebSocket.ClientOptions = { headers: { Host: options.host ?? `127.0.0.1:${port}` } }
  const sentOrigin = options.origin === undefined ? origin : options.origin
  if (sentOrigin !== null) wsOptions.origin = sentOrigin

  const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, protocols, wsOptions)
  const snapshots: Snapshot[] = []
  const messages: string[] = []
  const waiters = new Set<() => void>()

  const outcome = new Promise<Awaited<BridgeClient['outcome']>>((resolve, reject) => {
    ws.once('open', () => resolve({ open: true }))
    ws.once('unexpected-response', (req, res) => {
      resolve({ open: false, status: res.statusCode ?? 0, headers: res.headers })
      res.resume()
      req.destroy()
    })
    ws.once('error', (error) => reject(error))
  })
  // A refused upgrade also emits an error; the outcome has already said what happened.
  ws.on('error', () => undefined)
  const closed = new Promise<Closed>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
  })

  ws.on('message', (data, isBinary) => {
    if (isBinary) return
    const text = (data as Buffer).toString('utf8')
    messages.push(text)
    const message = JSON.parse(text) as { type: string; snapshot: Snapshot }
    if (message.type === 'snapshot') snapshots.push(message.snapshot)
    for (const wake of waiters) wake()
  })

  return {
    ws,
    snapshots,
    messages,
    outcome,
    closed,
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = snapshots.find(predicate)
          if (!found) return false
          waiters.delete(check)
          clearTimeout(timer)
          resolve(found)
          return true
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          const last = snapshots.at(-1)
          reject(new Error(`no matching snapshot within ${timeoutMs} ms; last: ${JSON.stringify(last?.screen)}`))
        }, timeoutMs)
        if (!check()) waiters.add(check)
      })
    },
    sendJson(value) {
      ws.send(JSON.stringify(value))
    },
    sendRaw(data) {
      ws.send(data)
    },
    async close() {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close()
      return closed
    },
  }
}

export interface RawHttpResponse {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/** One HTTP/1.1 request with the path sent byte for byte (no normalisation of "..", "%2e"). */
export function rawHttp(
  origin: string,
  request: { path: string; method?: string; headers?: Record<string, string> },
): Promise<RawHttpResponse> {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname,
        port,
        path: request.path,
        method: request.method ?? 'GET',
        headers: request.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
