// The WebSocket bridge on its own: createBridge behind a bare HTTP server that accepts every
// upgrade (the access checks are access.test.ts's), with a stand-in session that records calls.
import type { Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Bridge, SessionPort } from '../../../src/main/browser-host/bridge'
import { createBridge, MAX_MESSAGES_PER_SECOND, MAX_REJECTS } from '../../../src/main/browser-host/bridge'
import { BRIDGE_PROTOCOL, POLICY_CLOSE_CODE, REPLACED_CLOSE_CODE } from '../../../src/main/browser-host/protocol'
import type { Intent, Snapshot } from '../../../src/shared/contract'
import { sleep } from '../../support/bridge-client'

interface FakeSession extends SessionPort {
  dispatched: Intent[]
  rendererGone: () => void
  gone: number
  listeners: Set<(s: Snapshot) => void>
  publish(snapshot: Snapshot): void
}

const snapshot = (sequence: number) => ({ sequence, screen: { name: 'welcome' } }) as unknown as Snapshot

function fakeSession(): FakeSession {
  let current = snapshot(1)
  const session: FakeSession = {
    dispatched: [],
    gone: 0,
    listeners: new Set(),
    subscribe(listener) {
      session.listeners.add(listener)
      listener(current)
      return () => session.listeners.delete(listener)
    },
    dispatch: (intent) => void session.dispatched.push(intent),
    rendererGone: () => void (session.gone += 1),
    publish(next) {
      current = next
      for (const listener of session.listeners) listener(next)
    },
  }
  return session
}

let session: FakeSession
let bridge: Bridge
let server: Server
let url: string
let logs: { event: string; fields?: Record<string, unknown> | undefined }[]
const sockets: WebSocket[] = []

beforeEach(async () => {
  session = fakeSession()
  logs = []
  bridge = createBridge(session, (_level, event, fields) => logs.push({ event, fields }))
  server = createServer((_req, res) => res.end())
  server.on('upgrade', (req, socket, head) => bridge.accept(req, socket, head))
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()))
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/bridge`
})
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate()
  await bridge.close()
  server.closeAllConnections()
  await new Promise<void>((done) => server.close(() => done()))
})

/** An open client with its received snapshots. */
async function client(protocols: string[] = [BRIDGE_PROTOCOL]) {
  const ws = new WebSocket(url, protocols)
  sockets.push(ws)
  const snapshots: Snapshot[] = []
  ws.on('message', (data) => snapshots.push((JSON.parse(String(data)) as { snapshot: Snapshot }).snapshot))
  const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)))
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done())
    ws.once('error', fail)
  })
  return { ws, snapshots, closed }
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(5)
  }
}

const send = (ws: WebSocket, intent: unknown) => ws.send(JSON.stringify({ type: 'intent', intent }))

describe('the bridge', () => {
  it('answers with the protocol name only, sends the current snapshot at once and then every change', async () => {
    const c = await client([BRIDGE_PROTOCOL, 'bankid-kiosk.token.secret'])
    expect(c.ws.protocol).toBe(BRIDGE_PROTOCOL)
    await until(() => c.snapshots.length === 1)
    session.publish(snapshot(2))
    await until(() => c.snapshots.length === 2)
    expect(c.snapshots.map((s) => s.sequence)).toEqual([1, 2])
  })

  it('dispatches valid intents and logs invalid ones by reason only', async () => {
    const c = await client()
    send(c.ws, { type: 'begin' })
    c.ws.send('nonsense')
    await until(() => session.dispatched.length === 1 && logs.some((l) => l.event === 'bridge.rejected'))
    expect(session.dispatched).toEqual([{ type: 'begin' }])
    expect(logs.find((l) => l.event === 'bridge.rejected')?.fields).toMatchObject({ reason: 'json' })
  })

  it('a session that throws on dispatch is logged, and the connection stays', async () => {
    session.dispatch = () => {
      throw new TypeError('boom')
    }
    const c = await client()
    send(c.ws, { type: 'begin' })
    await until(() => logs.some((l) => l.event === 'bridge.dispatch-failed'))
    expect(logs.find((l) => l.event === 'bridge.dispatch-failed')?.fields).toMatchObject({ intent: 'begin', error: 'TypeError' })
    expect(c.ws.readyState).toBe(WebSocket.OPEN)
  })

  it(`closes with ${POLICY_CLOSE_CODE} after more than ${MAX_REJECTS} invalid messages`, async () => {
    const c = await client()
    for (let i = 0; i <= MAX_REJECTS; i++) c.ws.send('nonsense')
    expect(await c.closed).toBe(POLICY_CLOSE_CODE)
    expect(logs.some((l) => l.event === 'bridge.closed-for-garbage')).toBe(true)
    await until(() => session.gone === 1)
  })

  it(`drops messages beyond ${MAX_MESSAGES_PER_SECOND} a second, logged once`, async () => {
    const c = await client()
    for (let i = 0; i < MAX_MESSAGES_PER_SECOND + 10; i++) send(c.ws, { type: 'activity' })
    await until(() => session.dispatched.length === MAX_MESSAGES_PER_SECOND)
    await sleep(100)
    expect(session.dispatched).toHaveLength(MAX_MESSAGES_PER_SECOND)
    expect(logs.filter((l) => l.fields?.reason === 'rate-limited')).toHaveLength(1)
    expect(c.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('a newer connection replaces the older: closed with the replaced code, not the renderer gone', async () => {
    const first = await client()
    const second = await client()
    expect(await first.closed).toBe(REPLACED_CLOSE_CODE)
    await until(() => second.snapshots.length === 1)
    expect(session.gone).toBe(0)
    expect(session.listeners.size).toBe(1)
    session.publish(snapshot(2))
    await until(() => second.snapshots.length === 2)
    expect(first.snapshots).toHaveLength(1)
    second.ws.close()
    await until(() => session.gone === 1)
    expect(session.listeners.size).toBe(0)
  })

  it('close() ends the active connection as the renderer gone, at once, and accepts no more', async () => {
    const c = await client()
    await bridge.close()
    expect(bridge.closing).toBe(true)
    expect(session.gone).toBe(1)
    expect(session.listeners.size).toBe(0)
    expect(await c.closed).toBe(1006)
    await expect(client()).rejects.toThrow()
    expect(session.gone).toBe(1)
  })
})
