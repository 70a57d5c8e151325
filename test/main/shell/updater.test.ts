import { describe, expect, it } from 'vitest'
import type { Timers, UpdaterLike } from '../../../src/main/shell/updater'
import { INSTALL_RETRY_MS, KioskUpdateService } from '../../../src/main/shell/updater'

class FakeUpdater implements UpdaterLike {
  autoDownload = false
  autoInstallOnAppQuit = true
  feed: { provider: 'generic'; url: string } | null = null
  checks = 0
  installs: Array<[boolean | undefined, boolean | undefined]> = []
  listeners = new Map<string, (arg: never) => void>()
  setFeedURL(options: { provider: 'generic'; url: string }) {
    this.feed = options
  }
  checkForUpdates() {
    this.checks += 1
    return Promise.resolve(null)
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean) {
    this.installs.push([isSilent, isForceRunAfter])
  }
  on(event: string, listener: (arg: never) => void) {
    this.listeners.set(event, listener)
    return this
  }
  emit(event: string, arg: unknown) {
    this.listeners.get(event)?.(arg as never)
  }
}

class FakeTimers implements Timers {
  now = 0
  #next = 1
  pending: Array<{ id: number; at: number; callback: () => void }> = []
  setTimeout(callback: () => void, ms: number) {
    const timer = { id: this.#next++, at: this.now + ms, callback }
    this.pending.push(timer)
    return { id: timer.id }
  }
  clearTimeout(handle: { id: number } | null) {
    this.pending = this.pending.filter((timer) => timer.id !== handle?.id)
  }
  advance(ms: number) {
    this.now += ms
    for (const timer of this.pending.filter((t) => t.at <= this.now)) {
      this.pending = this.pending.filter((t) => t !== timer)
      timer.callback()
    }
  }
}

function setup(settings: { enabled: boolean; url?: string; checkIntervalMinutes: number }) {
  const updater = new FakeUpdater()
  const timers = new FakeTimers()
  const state = { idle: false, woundDown: 0 }
  const logs: string[] = []
  const service = new KioskUpdateService({
    updater,
    settings,
    timers,
    isIdle: () => state.idle,
    beforeInstall: () => {
      state.woundDown += 1
      return Promise.resolve()
    },
    log: (_level, event) => logs.push(event),
  })
  return { service, updater, timers, state, logs }
}

describe('KioskUpdateService', () => {
  it('does nothing unless the settings turn updates on', () => {
    const { service, updater, logs } = setup({ enabled: false, checkIntervalMinutes: 60 })
    service.start()
    expect(updater.checks).toBe(0)
    expect(updater.feed).toBeNull()
    expect(logs).toEqual(['updates.off'])
  })

  it('checks the generic server at start and on its interval', () => {
    const { service, updater, timers } = setup({ enabled: true, url: 'https://updates.example.se/kiosk/', checkIntervalMinutes: 30 })
    service.start()
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.example.se/kiosk/' })
    expect(updater.autoInstallOnAppQuit).toBe(false)
    expect(updater.checks).toBe(1)
    timers.advance(30 * 60_000)
    expect(updater.checks).toBe(2)
  })

  it('installs a downloaded update only once the kiosk is idle, after winding the app down', async () => {
    const { service, updater, timers, state } = setup({ enabled: true, url: 'https://u.example.se/', checkIntervalMinutes: 60 })
    service.start()
    updater.emit('update-downloaded', { version: '1.2.0' })
    expect(updater.installs).toEqual([])
    timers.advance(INSTALL_RETRY_MS)
    expect(updater.installs).toEqual([])
    state.idle = true
    timers.advance(INSTALL_RETRY_MS)
    await Promise.resolve()
    await Promise.resolve()
    expect(state.woundDown).toBe(1)
    expect(updater.installs).toEqual([[true, true]])
  })
})
