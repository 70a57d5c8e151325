import { describe, expect, it } from 'vitest'
import type { IpcMainLike, IpcSenderEvent } from '../../../src/main/ipc/kiosk-ipc'
import { checkIntent, isTrustedSender, registerKioskIpc } from '../../../src/main/ipc/kiosk-ipc'
import type { Intent, Snapshot } from '../../../src/shared/contract'
import { IPC_CHANNELS } from '../../../src/shared/ipc-channels'

const ORIGINS = ['app://kiosk']
const mainFrame = (origin = 'app://kiosk'): IpcSenderEvent => ({ senderFrame: { origin, parent: null } })

class FakeIpcMain implements IpcMainLike {
  listeners = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => void>()
  handlers = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => unknown>()
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void) {
    this.listeners.set(channel, listener)
  }
  removeListener(channel: string) {
    this.listeners.delete(channel)
  }
  handle(channel: string, handler: (event: IpcSenderEvent, ...args: unknown[]) => unknown) {
    this.handlers.set(channel, handler)
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel)
  }
}

function setup() {
  const ipcMain = new FakeIpcMain()
  const dispatched: Intent[] = []
  const logs: Array<[string, string, Record<string, unknown> | undefined]> = []
  const snapshot = { sequence: 7 } as Snapshot
  const unregister = registerKioskIpc({
    ipcMain,
    session: { snapshot: () => snapshot, dispatch: (intent) => dispatched.push(intent) },
    allowedOrigins: ORIGINS,
    log: (level, event, fields) => logs.push([level, event, fields]),
  })
  const sendIntent = (event: IpcSenderEvent, payload: unknown) => ipcMain.listeners.get(IPC_CHANNELS.intent)?.(event, payload)
  return { ipcMain, dispatched, logs, snapshot, unregister, sendIntent }
}

describe('isTrustedSender', () => {
  it('accepts only the main frame of an allowed origin', () => {
    expect(isTrustedSender(mainFrame(), ORIGINS)).toBe(true)
    expect(isTrustedSender(mainFrame('https://evil.example'), ORIGINS)).toBe(false)
    expect(isTrustedSender(mainFrame('null'), ORIGINS)).toBe(false)
    expect(isTrustedSender({ senderFrame: { origin: 'app://kiosk', parent: {} } }, ORIGINS)).toBe(false)
    expect(isTrustedSender({ senderFrame: null }, ORIGINS)).toBe(false)
  })
})

describe('checkIntent', () => {
  it.each<[string, unknown]>([
    ['an unknown type', { type: 'reboot' }],
    ['an extra key', { type: 'cancel', also: 1 }],
    ['a language outside the contract', { type: 'set-language', language: 'de' }],
    ['a number for the personnummer', { type: 'start', personnummer: 199001012385 }],
    ['not an object', 'cancel'],
    ['null', null],
    ['an oversized message', { type: 'start', personnummer: '1'.repeat(2_000) }],
  ])('rejects %s', (_name, payload) => {
    expect(checkIntent(payload).ok).toBe(false)
  })

  it('rejects something that cannot be serialised without throwing', () => {
    const cyclic: Record<string, unknown> = { type: 'cancel' }
    cyclic.self = cyclic
    expect(checkIntent(cyclic)).toEqual({ ok: false, reason: 'not serialisable' })
  })

  it('accepts every well-formed intent', () => {
    expect(checkIntent({ type: 'start', personnummer: '19900101-2385' })).toEqual({
      ok: true,
      intent: { type: 'start', personnummer: '19900101-2385' },
    })
    expect(checkIntent({ type: 'set-language', language: 'ar' }).ok).toBe(true)
  })
})

describe('registerKioskIpc', () => {
  it('passes a valid intent from the kiosk page to the session', () => {
    const { dispatched, sendIntent } = setup()
    sendIntent(mainFrame(), { type: 'begin' })
    expect(dispatched).toEqual([{ type: 'begin' }])
  })

  it('drops intents from another origin or a sub-frame, and says so in the log without the payload', () => {
    const { dispatched, logs, sendIntent } = setup()
    sendIntent(mainFrame('https://evil.example'), { type: 'begin', personnummer: 'x' })
    sendIntent({ senderFrame: { origin: 'app://kiosk', parent: {} } }, { type: 'begin' })
    expect(dispatched).toEqual([])
    expect(logs.map(([, event]) => event)).toEqual(['ipc.untrusted-sender', 'ipc.untrusted-sender'])
    expect(JSON.stringify(logs)).not.toContain('personnummer')
  })

  it('drops malformed intents and keeps working', () => {
    const { dispatched, logs, sendIntent } = setup()
    sendIntent(mainFrame(), { type: 'start', personnummer: '19900101-2385', extra: true })
    sendIntent(mainFrame(), { type: 'cancel' })
    expect(dispatched).toEqual([{ type: 'cancel' }])
    expect(logs[0]?.[1]).toBe('ipc.rejected')
    expect(JSON.stringify(logs)).not.toContain('19900101')
  })

  it('answers "current snapshot" only to the kiosk page', () => {
    const { ipcMain, snapshot } = setup()
    const current = ipcMain.handlers.get(IPC_CHANNELS.current)
    expect(current?.(mainFrame())).toBe(snapshot)
    expect(() => current?.(mainFrame('https://evil.example'))).toThrow('not allowed')
  })

  it('unregisters both channels', () => {
    const { ipcMain, unregister } = setup()
    unregister()
    expect(ipcMain.listeners.size).toBe(0)
    expect(ipcMain.handlers.size).toBe(0)
  })
})
