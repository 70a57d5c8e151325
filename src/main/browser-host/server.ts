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
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { realpath } from 'node:fs/promises'
import type { Duplex } from 'node:stream'
import { accessPolicy, HOST, hostAllowed, newToken, upgradeRefusal } from './access'
import type { SessionPort } from './bridge'
import { createBridge } from './bridge'
import { contentSecurityPolicy, refuseUpgrade, sendText } from './http'
import { serveStatic } from './static-files'

// The modules: access.ts (Host, Origin and token checks), static-files.ts (HTTP: the renderer),
// bridge.ts (the WebSocket bridge), protocol.ts (its wire format), http.ts (headers and errors).
// Everything they export that the tests and the renderer rely on is exported here as before.
export type { SessionPort } from './bridge'
export { MAX_MESSAGES_PER_SECOND, MAX_REJECTS } from './bridge'
export { CONTENT_SECURITY_POLICY, contentSecurityPolicy } from './http'
export { BRIDGE_PATH, BRIDGE_PROTOCOL, POLICY_CLOSE_CODE, REPLACED_CLOSE_CODE, TOKEN_PROTOCOL_PREFIX } from './protocol'

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

type Log = NonNullable<BrowserHostOptions['log']>

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const log: Log = options.log ?? (() => undefined)
  const site = {
    root: await realpath(resolve(options.rendererDir)),
    pagePolicy: contentSecurityPolicy(options.frameOrigins ?? []),
  }
  const token = newToken()
  // Nothing is allowed until the port is known.
  let policy = accessPolicy(null, token)
  const bridge = createBridge(options.session, log)

  const server = createServer((req, res) => {
    void handleRequest(req, res).catch((error: unknown) => {
      log('warn', 'http.failed', { error: error instanceof Error ? error.name : 'unknown' })
      if (!res.headersSent) sendText(res, 500)
      else res.destroy()
    })
  })
  server.on('clientError', (_error, socket: Duplex) => refuseUpgrade(socket, 400))
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => onUpgrade(req, socket, head))

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, policy)) return sendText(res, 421)
    return serveStatic(req, res, site)
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined)
    if (bridge.closing) return refuseUpgrade(socket, 503)
    const refusal = upgradeRefusal(req, policy)
    if (refusal) {
      log('warn', 'bridge.refused', { status: refusal.status, reason: refusal.reason })
      return refuseUpgrade(socket, refusal.status)
    }
    bridge.accept(req, socket, head)
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', rejectListen)
      resolveListen()
    })
  })
  const { port } = server.address() as AddressInfo
  policy = accessPolicy(port, token)
  const origin = `http://${HOST}:${port}`
  log('info', 'browser-host.started', { origin })

  let closed: Promise<void> | null = null
  return {
    url: `${origin}/#token=${token}`,
    origin,
    close() {
      closed ??= (async () => {
        await bridge.close()
        const serverClosed = new Promise<void>((done) => server.close(() => done()))
        server.closeAllConnections()
        await serverClosed
        log('info', 'browser-host.closed')
      })()
      return closed
    },
  }
}
