import { describe, expect, it } from 'vitest'
import type { PowerSaveBlockerLike } from '../../../src/main/shell/display-sleep'
import { PreventDisplaySleepService } from '../../../src/main/shell/display-sleep'
import { ParentBoundary } from '../../../src/main/shell/parent-boundary'
import { isPermissionAllowed } from '../../../src/main/shell/permissions'
import { QuietTime } from '../../../src/main/shell/quiet-time'
import { kioskWindowOptions, KIOSK_PARTITION } from '../../../src/main/shell/window-options'
import type { Snapshot } from '../../../src/shared/contract'

class FakePowerSaveBlocker implements PowerSaveBlockerLike {
  started = new Map<number, string>()
  #next = 1
  start(type: 'prevent-display-sleep' | 'prevent-app-suspension'): number {
    const id = this.#next++
    this.started.set(id, type)
    return id
  }
  stop(id: number): void {
    this.started.delete(id)
  }
  isStarted(id: number): boolean {
    return this.started.has(id)
  }
}

const snapshotOf = (name: Snapshot['screen']['name'], sequence: number, idle = false) =>
  ({ sequence, screen: { name }, idleWarning: idle ? { secondsLeft: 5 } : null }) as Snapshot

describe('PreventDisplaySleepService', () => {
  it('starts one display-sleep blocker however often it is enabled, and stops it', () => {
    const blocker = new FakePowerSaveBlocker()
    const service = new PreventDisplaySleepService(blocker)
    service.enable()
    service.enable()
    expect([...blocker.started.values()]).toEqual(['prevent-display-sleep'])
    expect(service.enabled).toBe(true)
    service.disable()
    expect(blocker.started.size).toBe(0)
    expect(service.enabled).toBe(false)
  })
})

describe('ParentBoundary', () => {
  it('is crossed when welcome comes back after another screen, not at start or on welcome updates', () => {
    const boundary = new ParentBoundary()
    expect(boundary.crossed(snapshotOf('welcome', 1))).toBe(false)
    expect(boundary.crossed(snapshotOf('welcome', 2))).toBe(false)
    expect(boundary.crossed(snapshotOf('keypad', 3))).toBe(false)
    expect(boundary.crossed(snapshotOf('waiting', 4))).toBe(false)
    expect(boundary.crossed(snapshotOf('welcome', 5))).toBe(true)
    expect(boundary.crossed(snapshotOf('welcome', 6))).toBe(false)
  })
})

describe('QuietTime', () => {
  it('is quiet only after the welcome screen has been untouched long enough', () => {
    const quiet = new QuietTime(120_000)
    quiet.observe(snapshotOf('keypad', 1), 0)
    expect(quiet.isQuiet(500_000)).toBe(false)
    quiet.observe(snapshotOf('welcome', 2), 10_000)
    expect(quiet.isQuiet(129_999)).toBe(false)
    expect(quiet.isQuiet(130_000)).toBe(true)
    quiet.observe(snapshotOf('welcome', 3), 140_000) // a touch
    expect(quiet.isQuiet(200_000)).toBe(false)
    quiet.observe(snapshotOf('welcome', 4, true), 300_000)
    expect(quiet.isQuiet(900_000)).toBe(false)
  })
})

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'midiSysex', 'openExternal', 'fullscreen', 'clipboard-read', 'hid', 'fileSystem', 'toString'])(
    'refuses %s',
    (permission) => expect(isPermissionAllowed(permission)).toBe(false),
  )
})

describe('kioskWindowOptions', () => {
  it('locks the renderer down, packaged or not', () => {
    for (const isPackaged of [true, false]) {
      const { webPreferences } = kioskWindowOptions({ isPackaged, preloadPath: '/app/preload.cjs' })
      expect(webPreferences).toMatchObject({
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        preload: '/app/preload.cjs',
        partition: KIOSK_PARTITION,
        devTools: !isPackaged,
      })
      expect(webPreferences?.partition).not.toMatch(/^persist:/)
    }
  })
  it('is a fullscreen kiosk only when packaged', () => {
    expect(kioskWindowOptions({ isPackaged: true, preloadPath: 'p' })).toMatchObject({ kiosk: true, fullscreen: true })
    expect(kioskWindowOptions({ isPackaged: false, preloadPath: 'p' })).toMatchObject({ kiosk: false, fullscreen: false })
  })
})
