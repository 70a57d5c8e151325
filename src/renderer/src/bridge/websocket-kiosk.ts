// window.kiosk for an ordinary browser: the same KioskApi as Electron's preload, over the browser
// host's WebSocket at /bridge (src/main/browser-host/server.ts speaks the other end; the constants
// below must match its own). Tiny and dependency-free: it ships in the renderer bundle, as its own
// chunk that Electron never loads.
//
// The token: the kiosk URL carries it in the fragment (#token=…), which the browser never sends
// to a server. It is read once, removed from the address bar (history.replaceState, so no
// screenshot or shoulder shows it), and kept in sessionStorage so that a reload, or the reload
// after a renderer crash, can authenticate again. sessionStorage because it is per tab and per
// origin (port included, unlike cookies), survives reloads and crashes (the browser process keeps
// it), dies with the tab, and is never sent anywhere by itself. The token changes with every
// start of the host, so a stored one is only good for this run.
import type { Intent, KioskApi, Snapshot } from '../../../shared/contract'

const BRIDGE_PATH = '/bridge'
const BRIDGE_PROTOCOL = 'bankid-kiosk.v1'
const TOKEN_PROTOCOL_PREFIX = 'bankid-kiosk.token.'
/** The server closed us because a newer renderer took over. */
const REPLACED_CLOSE_CODE = 4001
const TOKEN_STORAGE_KEY = 'bankid-kiosk.bridge-token'
const FIRST_RETRY_MS = 250
const MAX_RETRY_MS = 5_000
/** Intents kept while (re)connecting; the oldest go first. */
const MAX_QUEUED_INTENTS = 32

export interface WebSocketKioskOptions {
  WebSocketImpl?: typeof WebSocket
}

export function connectWebSocketKiosk(location: Location, options: WebSocketKioskOptions = {}): KioskApi {
  const WebSocketImpl = options.WebSocketImpl ?? WebSocket
  const fromFragment = tokenInFragment(location)
  const token = fromFragment ?? storedToken()
  if (token === null) console.error('kiosk bridge: no token; open the URL the browser host printed (…/#token=…)')
  const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${BRIDGE_PATH}`

  const listeners = new Set<(snapshot: Snapshot) => void>()
  const queue: string[] = []
  let latest: Snapshot | null = null
  /** The newest sequence seen on the current connection; null until its first snapshot. */
  let lastSequence: number | null = null
  let socket: WebSocket | null = null
  let retryMs = FIRST_RETRY_MS
  let stopped = false

  function connect(): void {
    if (stopped || token === null) return
    lastSequence = null
    let ws: WebSocket
    try {
      ws = new WebSocketImpl(url, [BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token])
    } catch {
      return retry()
    }
    socket = ws
    ws.onopen = () => {
      for (const message of queue.splice(0)) ws.send(message)
    }
    ws.onmessage = (event: MessageEvent) => {
      if (socket !== ws || typeof event.data !== 'string') return
      const snapshot = readSnapshot(event.data)
      if (!snapshot) return
      // Back-off starts over only once the server is really serving us, not merely accepting.
      retryMs = FIRST_RETRY_MS
      deliver(snapshot)
    }
    ws.onclose = (event: CloseEvent) => {
      if (socket !== ws) return
      socket = null
      if (event.code === REPLACED_CLOSE_CODE) {
        // Another window is the kiosk now. Reconnecting would push it out (and it us, forever),
        // and a frozen screen that ignores touches, perhaps still showing a parent's name, is
        // the worst thing a kiosk can show: leave the page.
        stopped = true
        queue.length = 0
        location.replace('about:blank')
        return
      }
      retry()
    }
  }

  function retry(): void {
    if (stopped) return
    const delay = retryMs
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)
    setTimeout(connect, delay)
  }

  function deliver(snapshot: Snapshot): void {
    // Within one connection snapshots only move forward. The first after a (re)connect is taken
    // whatever its number: it is the server's current state, and a restarted session counts from
    // the start again.
    if (lastSequence !== null && snapshot.sequence <= lastSequence) return
    lastSequence = snapshot.sequence
    latest = snapshot
    for (const listener of [...listeners]) call(listener, snapshot)
  }

  connect()
  // Only now, with the socket on its way: storage and history cost the first screen a frame's
  // worth of main-thread time in a fresh tab, and the handshake need not wait for them.
  if (fromFragment !== null) keepToken(location, fromFragment)

  return {
    subscribe(listener) {
      listeners.add(listener)
      if (latest) call(listener, latest)
      return () => {
        listeners.delete(listener)
      }
    },
    send(intent: Intent) {
      const message = JSON.stringify({ type: 'intent', intent })
      if (socket && socket.readyState === WebSocketImpl.OPEN) return socket.send(message)
      if (stopped || token === null) return
      queue.push(message)
      if (queue.length > MAX_QUEUED_INTENTS) queue.shift()
    },
  }
}

function tokenInFragment(location: Location): string | null {
  return new URLSearchParams(location.hash.slice(1)).get('token') || null
}

/** The token this tab kept, for a reload or the reload after a crash. */
function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY)
  } catch {
    return null
  }
}

/** Kept for a reload, and gone from the address bar. */
function keepToken(location: Location, token: string): void {
  try {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, token)
  } catch {
    // Storage disabled: this page works, a reload will not.
  }
  try {
    history.replaceState(history.state, '', location.pathname + location.search)
  } catch {
    // Not a page that can rewrite its address: nothing to hide.
  }
}

function readSnapshot(text: string): Snapshot | null {
  try {
    const message: unknown = JSON.parse(text)
    if (typeof message !== 'object' || message === null) return null
    const { type, snapshot } = message as { type?: unknown; snapshot?: unknown }
    if (type !== 'snapshot' || typeof snapshot !== 'object' || snapshot === null) return null
    const candidate = snapshot as Partial<Snapshot>
    if (typeof candidate.sequence !== 'number' || typeof candidate.screen !== 'object' || candidate.screen === null) return null
    return snapshot as Snapshot
  } catch {
    return null
  }
}

/** One listener throwing must not stop the others; the error still reaches the console. */
function call(listener: (snapshot: Snapshot) => void, snapshot: Snapshot): void {
  try {
    listener(snapshot)
  } catch (error) {
    queueMicrotask(() => {
      throw error
    })
  }
}
