// The browser host: the kiosk without Electron. The session engine stays in Node; the built
// renderer is served over HTTP on 127.0.0.1, and a WebSocket at /bridge stands in for Electron's
// IPC (snapshots out, intents in). The page is as untrusted as an Electron renderer, so the same
// rules apply: one named protocol, every intent validated against the contract, nothing else.
//
// Who may connect:
// - The server listens on 127.0.0.1 only, and every request's Host must be 127.0.0.1:PORT or
//   localhost:PORT (421 otherwise), so a DNS-rebound name cannot reach it from a web page.
// - The WebSocket upgrade needs, before any WebSocket exists, an Origin that is exactly this
//   host's own origin (403 otherwise) and the per-start token (401 otherwise). The token comes
//   in the URL's fragment, which browsers never send, so the page passes it explicitly: as a
//   second Sec-WebSocket-Protocol entry next to the protocol name (the server answers with the
//   protocol name only). That lets the upgrade itself be refused with a plain HTTP status: no
//   unauthenticated socket ever exists, none waits for a hello, and there is no "before hello"
//   state in which messages must be ignored.
// - One renderer drives the kiosk at a time: a newly authenticated connection replaces the old
//   one, which is closed with REPLACED_CLOSE_CODE (the browser side does not reconnect after it,
//   so two tabs cannot push each other out forever). A replacement is not the renderer going
//   away: the session carries on and the newcomer is sent the current snapshot. Any other end of
//   the active connection (tab closed, crash, reload, navigation, a connection we closed for
//   misbehaving, the host closing) calls session.rendererGone(), which cancels the order and
//   forgets the parent: nothing on screen can be trusted to belong to them any more.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readdir, realpath, readFile, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, STATUS_CODES } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import type { RawData, WebSocket } from 'ws'
import { WebSocketServer } from 'ws'
import type { Intent, Snapshot } from '../../shared/contract'
import { intentSchema, MAX_INTENT_BYTES } from '../../shared/contract'
import { kioskContentSecurityPolicy } from '../csp'

/** What the host needs of the session: KioskSession fits as it is. */
export interface SessionPort {
  subscribe(listener: (s: Snapshot) => void): () => void
  dispatch(intent: Intent): void
  rendererGone(): void
}

export interface BrowserHostOptions {
  session: SessionPort
  /** The built renderer: index.html + assets/. */
  rendererDir: string
  /** 0 (the default) = any free port. */
  port?: number
  /**
   * The hand-off's locked view (handoff.allowedOrigins): the page's CSP lets it frame these origins
   * and nothing else. The service itself must allow being framed here (no X-Frame-Options: DENY,
   * and a frame-ancestors that admits this host), since a browser, unlike Electron, cannot be told
   * to overlook that.
   */
  frameOrigins?: readonly string[]
  log?: (level: 'info' | 'warn' | 'debug', event: string, fields?: Record<string, unknown>) => void
}

export interface BrowserHost {
  /** http://127.0.0.1:PORT/#token=TOKEN: what the kiosk's browser opens. */
  url: string
  /** http://127.0.0.1:PORT */
  origin: string
  close(): Promise<void>
}

// ---- the wire protocol (the renderer's src/renderer/src/bridge/websocket-kiosk.ts speaks it too) ----

export const BRIDGE_PATH = '/bridge'
/** The subprotocol the page asks for and the server answers with. */
export const BRIDGE_PROTOCOL = 'bankid-kiosk.v1'
/** The page's second subprotocol entry: this prefix and the token. Never echoed back. */
export const TOKEN_PROTOCOL_PREFIX = 'bankid-kiosk.token.'
/** Close code for a connection a newer renderer replaced: the page must not reconnect. */
export const REPLACED_CLOSE_CODE = 4001
/** Close code for a connection that kept sending what the contract does not allow. */
export const POLICY_CLOSE_CODE = 1008

/** A connection that sends more invalid messages than this is closed. */
export const MAX_REJECTS = 20
/** Messages per second a connection may send; more are dropped (not dispatched). */
export const MAX_MESSAGES_PER_SECOND = 50
/** A renderer that does not read its snapshots is cut off before memory grows without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024
const MAX_URL_LENGTH = 2048

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
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
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

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
}

const HOST = '127.0.0.1'

type Log = NonNullable<BrowserHostOptions['log']>

interface Connection {
  id: number
  ws: WebSocket
  unsubscribe: (() => void) | null
  /** Closed because a newer renderer took over: not the renderer going away. */
  replaced: boolean
  ended: boolean
  rejects: number
  windowStartedAt: number
  messagesInWindow: number
  rateLimitLogged: boolean
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { session } = options
  const log: Log = options.log ?? (() => undefined)
  const root = await realpath(resolve(options.rendererDir))
  const pagePolicy = contentSecurityPolicy(options.frameOrigins ?? [])
  const token = randomBytes(32).toString('base64url')
  const tokenDigest = digest(token)

  // Filled in once the port is known.
  let allowedHosts: ReadonlySet<string> = new Set()
  let allowedOrigins: ReadonlySet<string> = new Set()

  let active: Connection | null = null
  let nextConnectionId = 1
  let closing = false

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_INTENT_BYTES,
    perMessageDeflate: false,
    clientTracking: true,
    // Answer with the protocol name only: never the token entry, whatever order it came in.
    handleProtocols: (protocols) => (protocols.has(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : false),
  })

  const server = createServer((req, res) => {
    void handleRequest(req, res).catch((error: unknown) => {
      log('warn', 'http.failed', { error: error instanceof Error ? error.name : 'unknown' })
      if (!res.headersSent) sendText(res, 500)
      else res.destroy()
    })
  })
  server.on('clientError', (_error, socket: Duplex) => refuseUpgrade(socket, 400))
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => onUpgrade(req, socket, head))

  // ---- HTTP: the built renderer, read-only ----------------------------------------------------

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req)) return sendText(res, 421)
    if (req.method !== 'GET') return sendText(res, 405, { Allow: 'GET' })
    const target = req.url ?? ''
    if (target.length > MAX_URL_LENGTH) return sendText(res, 414)
    const pathname = requestPath(target)
    if (pathname === null) return sendText(res, 400)
    if (pathname === BRIDGE_PATH) return sendText(res, 426, { Upgrade: 'websocket' })
    const file = await findFile(pathname)
    if (file === null) return sendText(res, 404)
    const body = file.endsWith('index.html') ? await withBridgePreload(file) : await readFile(file)
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': pagePolicy,
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body.length,
    })
    res.end(body)
  }

  /**
   * In a browser the page always needs the WebSocket bridge, which the renderer imports lazily (in
   * Electron it never does): tell the browser to fetch it with the page instead of after it.
   */
  async function withBridgePreload(indexFile: string): Promise<Buffer> {
    const html = await readFile(indexFile, 'utf8')
    const assets = await readdir(resolve(root, 'assets')).catch(() => [] as string[])
    const bridge = assets.find((name) => /^websocket-kiosk-[\w-]+\.js$/.test(name))
    if (!bridge || !html.includes('</head>')) return Buffer.from(html)
    return Buffer.from(html.replace('</head>', `  <link rel="modulepreload" href="./assets/${bridge}" />\n  </head>`))
  }

  /** The file under the renderer folder for a decoded path, or null: never anything outside it. */
  async function findFile(pathname: string): Promise<string | null> {
    const relative = pathname === '/' ? 'index.html' : pathname.slice(1)
    const segments = relative.split('/')
    // No "..", no dotfiles, no empty segments ("//etc/passwd"), no Windows separators or drives.
    if (segments.some((s) => s === '' || s.startsWith('.') || s.includes('\\') || s.includes(':'))) return null
    const candidate = resolve(root, ...segments)
    if (!contained(root, candidate)) return null
    try {
      const info = await stat(candidate)
      if (!info.isFile()) return null
      // A symlink in the folder must not lead out of it either.
      const real = await realpath(candidate)
      return contained(root, real) ? real : null
    } catch {
      return null
    }
  }

  // ---- the bridge -----------------------------------------------------------------------------

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined)
    if (closing) return refuseUpgrade(socket, 503)
    const refused = (status: number, reason: string): void => {
      log('warn', 'bridge.refused', { status, reason })
      refuseUpgrade(socket, status)
    }
    if (!hostAllowed(req)) return refused(421, 'host')
    if (requestPath(req.url ?? '') !== BRIDGE_PATH) return refused(404, 'path')
    const origin = req.headers.origin
    if (origin === undefined || !allowedOrigins.has(origin)) return refused(403, origin === undefined ? 'no-origin' : 'origin')
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
    const tokens = offered.filter((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
    if (tokens.length !== 1 || !offered.includes(BRIDGE_PROTOCOL)) return refused(401, 'no-token')
    const presented = tokens[0]!.slice(TOKEN_PROTOCOL_PREFIX.length)
    // Compare digests: equal length always, and constant time whatever was sent.
    if (!timingSafeEqual(digest(presented), tokenDigest)) return refused(401, 'token')
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (closing) return ws.terminate()
      onConnection(ws)
    })
  }

  function onConnection(ws: WebSocket): void {
    const connection: Connection = {
      id: nextConnectionId++,
      ws,
      unsubscribe: null,
      replaced: false,
      ended: false,
      rejects: 0,
      windowStartedAt: Date.now(),
      messagesInWindow: 0,
      rateLimitLogged: false,
    }
    const previous = active
    if (previous) {
      // One renderer at a time; the newer one is the one on screen (a reload whose old socket has
      // not closed yet, or the launcher reopening a hung page).
      previous.replaced = true
      stopSnapshots(previous)
      log('info', 'bridge.replaced', { connection: previous.id, by: connection.id })
      previous.ws.close(REPLACED_CLOSE_CODE, 'replaced')
    }
    active = connection
    log('info', 'bridge.connected', { connection: connection.id })

    ws.on('message', (data: RawData, isBinary: boolean) => onMessage(connection, data, isBinary))
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes the connection itself after this (1009 for an oversized message).
      const reason = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too-large' : 'protocol'
      // A frame behind the message that got the connection closed for garbage is not worth another line.
      if (connection.rejects > MAX_REJECTS) return
      log('warn', 'bridge.rejected', { connection: connection.id, reason, code: error.code ?? 'unknown' })
    })
    ws.on('close', (code: number) => onClose(connection, code))

    // The current snapshot at once (subscribe calls back with it), then every change.
    connection.unsubscribe = session.subscribe((snapshot) => sendSnapshot(connection, snapshot))
  }

  function sendSnapshot(connection: Connection, snapshot: Snapshot): void {
    const { ws } = connection
    if (ws.readyState !== ws.OPEN || active !== connection) return
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log('warn', 'bridge.slow', { connection: connection.id, buffered: ws.bufferedAmount })
      ws.terminate()
      return
    }
    ws.send(JSON.stringify({ type: 'snapshot', snapshot }))
  }

  function onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    // Nothing from a replaced connection, nor from one we are already closing.
    if (active !== connection || connection.ws.readyState !== connection.ws.OPEN) return
    const now = Date.now()
    if (now - connection.windowStartedAt >= 1000) {
      connection.windowStartedAt = now
      connection.messagesInWindow = 0
      connection.rateLimitLogged = false
    }
    connection.messagesInWindow += 1
    if (connection.messagesInWindow > MAX_MESSAGES_PER_SECOND) {
      // Dropped, but not counted as garbage: a renderer reporting every touch as activity is
      // clumsy, not hostile, and closing it would end a parent's login. Logged once a second.
      if (!connection.rateLimitLogged) log('warn', 'bridge.rejected', { connection: connection.id, reason: 'rate-limited' })
      connection.rateLimitLogged = true
      return
    }
    const parsed = parseIntent(data, isBinary)
    if (!parsed.ok) {
      connection.rejects += 1
      log('warn', 'bridge.rejected', { connection: connection.id, ...parsed.error })
      if (connection.rejects > MAX_REJECTS) {
        log('warn', 'bridge.closed-for-garbage', { connection: connection.id, rejects: connection.rejects })
        connection.ws.close(POLICY_CLOSE_CODE, 'too many invalid messages')
      }
      return
    }
    try {
      session.dispatch(parsed.value)
    } catch (error) {
      log('warn', 'bridge.dispatch-failed', { connection: connection.id, intent: parsed.value.type, error: errorName(error) })
    }
  }

  function onClose(connection: Connection, code: number): void {
    if (connection.ended) return
    connection.ended = true
    stopSnapshots(connection)
    log('info', 'bridge.closed', { connection: connection.id, code, replaced: connection.replaced })
    if (active !== connection) return
    active = null
    if (connection.replaced) return
    try {
      session.rendererGone()
    } catch (error) {
      log('warn', 'bridge.renderer-gone-failed', { error: errorName(error) })
    }
  }

  function stopSnapshots(connection: Connection): void {
    const unsubscribe = connection.unsubscribe
    connection.unsubscribe = null
    unsubscribe?.()
  }

  function hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host
    return host !== undefined && allowedHosts.has(host.toLowerCase())
  }

  // ---- start and stop -------------------------------------------------------------------------

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', rejectListen)
      resolveListen()
    })
  })
  const { port } = server.address() as AddressInfo
  allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`])
  allowedOrigins = new Set([`http://${HOST}:${port}`, `http://localhost:${port}`])
  const origin = `http://${HOST}:${port}`
  log('info', 'browser-host.started', { origin })

  let closed: Promise<void> | null = null
  return {
    url: `${origin}/#token=${token}`,
    origin,
    close() {
      closed ??= (async () => {
        closing = true
        const last = active
        for (const ws of wss.clients) ws.terminate()
        // terminate() reports 'close' asynchronously; the renderer is gone now, not later.
        if (last) onClose(last, 1001)
        await new Promise<void>((done) => wss.close(() => done()))
        const serverClosed = new Promise<void>((done) => server.close(() => done()))
        server.closeAllConnections()
        await serverClosed
        log('info', 'browser-host.closed')
      })()
      return closed
    },
  }
}

// ---- helpers ----------------------------------------------------------------------------------

type Parsed = { ok: true; value: Intent } | { ok: false; error: { reason: string; issues?: string[] } }

/** An intent from a message, or why not. Never returns or logs anything of the payload itself. */
function parseIntent(data: RawData, isBinary: boolean): Parsed {
  const reject = (reason: string, issues?: string[]): Parsed => ({ ok: false, error: issues ? { reason, issues } : { reason } })
  if (isBinary) return reject('binary')
  let message: unknown
  try {
    message = JSON.parse(rawText(data))
  } catch {
    return reject('json')
  }
  if (!isPlainObject(message)) return reject('not-object')
  if (message.type !== 'intent') return reject('unknown-type')
  const keys = Object.keys(message)
  if (keys.length !== 2 || !('intent' in message)) return reject('envelope')
  const intent = intentSchema.safeParse(message.intent)
  // Issue codes only: messages and paths can repeat what was sent (an unknown key's name).
  if (!intent.success) return reject('intent', intent.error.issues.slice(0, 5).map((issue) => issue.code))
  return { ok: true, value: intent.data }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The decoded path of an origin-form request target ("/a/b?q"), or null for anything else:
 * absolute-form, "*", bad percent-encoding, NUL or other control characters.
 */
function requestPath(target: string): string | null {
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

function contained(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

function sendText(res: ServerResponse, status: number, extra: Record<string, string> = {}): void {
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
function refuseUpgrade(socket: Duplex, status: number): void {
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

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown'
}
