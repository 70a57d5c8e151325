// The kiosk's runtime as the privacy tests start it: the settings file given, counters in an
// electron-store under dataDir, the clock on `scheduler`, and 24 November 2026, 10:00 as "now".
import { startRuntime } from '../../src/main/runtime'
import type { KioskRuntime } from '../../src/main/runtime'
import type { ManualScheduler } from './manual-scheduler'

export interface TestRuntimeOptions {
  settingsPath: string
  dataDir: string
  scheduler: ManualScheduler
  version: string
}

export async function startTestRuntime({ settingsPath, dataDir, scheduler, version }: TestRuntimeOptions): Promise<KioskRuntime> {
  const { default: ElectronStore } = await import('electron-store')
  return startRuntime({
    argv: ['--settings', settingsPath],
    env: {},
    platform: process.platform,
    resourcesDir: 'resources',
    dataDir,
    openCounterStore: () => new ElectronStore<Record<string, unknown>>({ cwd: dataDir, name: 'counters' }),
    scheduler,
    now: () => new Date(2026, 10, 24, 10, 0, 0),
    version,
  })
}
