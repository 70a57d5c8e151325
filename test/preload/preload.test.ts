// The preload exposes exactly one frozen API and never hands the renderer an IpcRendererEvent.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { KioskApi, Snapshot } from '../../src/shared/contract'
import { IPC_CHANNELS } from '../../src/shared/ipc-channels'

const exposed = new Map<string, unknown>()
const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>()
const sent: Array<[string, unknown]> = []
let current: Snapshot

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => listeners.set(channel, listener),
    removeListener: (channel: string) => listeners.delete(channel),
    send: (channel: string, payload: unknown) => sent.push([channel, payload]),
    invoke: (channel: string) =>
      channel === IPC_CHANNELS.current ? Promise.resolve(current) : Promise.reject(new Error(`unexpected ${channel}`)),
  },
}))

const snapshot = (sequence: number) => ({ sequence }) as Snapshot

beforeAll(async () => {
  current = snapshot(5)
  await import('../../src/preload/index')
})

describe('the preload', () => {
  it('exposes window.kiosk only, frozen, with subscribe and send', () => {
    expect([...exposed.keys()]).toEqual(['kiosk'])
    const api = exposed.get('kiosk') as KioskApi
    expect(Object.keys(api).sort()).toEqual(['send', 'subscribe'])
    expect(Object.isFrozen(api)).toBe(true)
  })

  it('delivers the current snapshot, then newer ones, with no IPC event attached', async () => {
    const api = exposed.get('kiosk') as KioskApi
    const received: unknown[][] = []
    const unsubscribe = api.subscribe((...args: unknown[]) => received.push(args))
    await Promise.resolve()
    const fakeEvent = { sender: 'the ipcRenderer itself' }
    listeners.get(IPC_CHANNELS.snapshot)?.(fakeEvent, snapshot(6))
    listeners.get(IPC_CHANNELS.snapshot)?.(fakeEvent, snapshot(4)) // late: dropped
    expect(received).toEqual([[snapshot(5)], [snapshot(6)]])
    expect(JSON.stringify(received)).not.toContain('ipcRenderer')
    unsubscribe()
    expect(listeners.has(IPC_CHANNELS.snapshot)).toBe(false)
  })

  it('sends intents on the intent channel only', () => {
    const api = exposed.get('kiosk') as KioskApi
    api.send({ type: 'cancel' })
    expect(sent).toEqual([[IPC_CHANNELS.intent, { type: 'cancel' }]])
  })
})
