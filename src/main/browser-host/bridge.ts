// The WebSocket bridge: Electron's IPC for the browser host. Snapshots out, intents in, for one
// renderer at a time (the rules are in server.ts's header). Upgrades reach accept() only once
// access.ts has let them through; every message is checked against the contract (protocol.ts).
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { RawData, WebSocket } from 'ws'
import { WebSocketServer } from 'ws'
import type { Intent, Snapshot } from '../../shared/contract'
import { MAX_INTENT_BYTES } from '../../shared/contract'
import { BRIDGE_PROTOCOL, parseIntent, POLICY_CLOSE_CODE, REPLACED_CLOSE_CODE } from './protocol'

/** What the host needs of the session: KioskSession fits as it is. */
export interface SessionPort {
  subscribe(listener: (s: Snapshot) => void): () => void
  dispatch(intent: Intent): void
  rendererGone(): void
}

export type BridgeLog = (level: 'info' | 'warn' | 'debug', event: string, fields?: Record<string, unknown>) => void

/** A connection that sends more invalid messages than this is closed. */
export const MAX_REJECTS = 20
/** Messages per second a connection may send; more are dropped (not dispatched). */
export const MAX_MESSAGES_PER_SECOND = 50
/** A renderer that does not read its snapshots is cut off before memory grows without bound. */
export const MAX_BUFFERED_BYTES = 1024 * 1024

export interface Bridge {
  /** Makes an upgrade that passed the access checks the active connection. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** True from close() on: no new connection is accepted. */
  readonly closing: boolean
  /** Ends every connection at once (the renderer gone, if one was active) and stops accepting. */
  close(): Promise<void>
}

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

export function createBridge(session: SessionPort, log: BridgeLog): Bridge {
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

  return {
    accept(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (closing) return ws.terminate()
        onConnection(ws)
      })
    },
    get closing() {
      return closing
    },
    async close() {
      closing = true
      const last = active
      for (const ws of wss.clients) ws.terminate()
      // terminate() reports 'close' asynchronously; the renderer is gone now, not later.
      if (last) onClose(last, 1001)
      await new Promise<void>((done) => wss.close(() => done()))
    },
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown'
}
