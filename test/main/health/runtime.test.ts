// Health reporting as part of the runtime: started with it (valid settings or not), fed by the
// session and the log, and stopped on close with nothing left running.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { HealthReport } from '../../../src/main/health/report'
import { openCounterStore } from '../../../src/main/counters/outcome-counters'
import { startRuntime } from '../../../src/main/runtime'
import { startHttpsReceiver } from '../../support/https-receiver'
import { ManualScheduler } from '../../support/manual-scheduler'

const NOW = () => new Date(2026, 10, 24, 10, 0, 0)

async function start(settings: unknown) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-health-runtime-'))
  const settingsPath = join(dataDir, 'settings.json')
  writeFileSync(settingsPath, typeof settings === 'string' ? settings : JSON.stringify(settings))
  const scheduler = new ManualScheduler()
  const runtime = await startRuntime({
    argv: ['--settings', settingsPath],
    env: {},
    platform: process.platform,
    resourcesDir: 'resources',
    dataDir,
    openCounterStore: () => openCounterStore(dataDir),
    scheduler,
    now: NOW,
    version: '9.9.9',
  })
  const read = () => JSON.parse(readFileSync(runtime.health.file, 'utf8')) as HealthReport
  const until = async (condition: () => boolean) => {
    const deadline = Date.now() + 5_000
    for (;;) {
      try {
        if (condition()) return
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error('the condition never held')
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  return { dataDir, scheduler, runtime, read, until }
}

describe('health reporting in the runtime', () => {
  it('with invalid settings: a health file in the data folder that says down, and why', async () => {
    const { dataDir, runtime, read, until } = await start({ timing: { idleSeconds: 1 } })
    expect(runtime.settings.ok).toBe(false)
    expect(runtime.health.file).toBe(join(dataDir, 'health.json'))
    expect(runtime.health.heartbeat).toBeNull()
    await until(() => read().settings.ok === false)
    expect(read()).toMatchObject({
      status: 'down',
      reasons: ['settings-invalid', 'out-of-service', 'errors-last-hour'],
      activity: 'out-of-service',
      outOfService: { reference: 'S-SETTINGS' },
      settings: { ok: false, key: 'timing.idleSeconds' },
      bankid: { environment: null, reachable: null },
      log: { errorsSinceStart: 1 },
    })
    await runtime.close()
    expect(read().reasons).toContain('stopped')
  })

  it('with invalid settings elsewhere: the health section still says where the file goes, and the heartbeat goes out', async () => {
    const receiver = await startHttpsReceiver()
    try {
      const dir = mkdtempSync(join(tmpdir(), 'kiosk-health-ca-'))
      writeFileSync(join(dir, 'ca.pem'), receiver.caPem)
      const { dataDir, scheduler, runtime, read, until } = await start({
        school: { nam: 'typo' },
        health: { file: 'monitored/health.json', heartbeat: { url: receiver.url, ca: join(dir, 'ca.pem') } },
      })
      expect(runtime.settings.ok).toBe(false)
      expect(runtime.health.file).toBe(join(dataDir, 'monitored', 'health.json'))
      await until(() => read().status === 'down')
      expect(read().settings).toMatchObject({ ok: false, key: 'school.nam' })
      scheduler.advance(10_000)
      await receiver.waitForRequests(1)
      expect(JSON.parse(receiver.requests[0]?.body ?? '')).toMatchObject({ status: 'down', reasons: expect.arrayContaining(['settings-invalid']) })
      await runtime.close()
    } finally {
      await receiver.close()
    }
  })

  it('with an invalid health section: the defaults (the data folder, no heartbeat)', async () => {
    const { dataDir, runtime } = await start({ health: { file: 'x.json', heartbeat: { url: 'http://not-https.example/' } } })
    expect(runtime.settings.ok).toBe(false)
    expect(runtime.health.file).toBe(join(dataDir, 'health.json'))
    expect(runtime.health.heartbeat).toBeNull()
    await runtime.close()
  })

  it('with valid settings: probes the simulator, counts the log\'s errors, and stops with the runtime', async () => {
    const { scheduler, runtime, read, until } = await start({ health: { intervalSeconds: 10 } })
    expect(runtime.settings.ok).toBe(true)
    scheduler.advance(5_000)
    await until(() => runtime.health.report().bankid.reachable === true)
    scheduler.advance(5_000)
    await until(() => read().bankid.reachable === true)
    expect(read()).toMatchObject({ status: 'ok', activity: 'idle', kiosk: { version: '9.9.9' }, bankid: { environment: 'simulator' } })
    runtime.logger.error('something.broke', { reference: 'M-500' })
    await until(() => read().status === 'degraded')
    expect(read().log.errorsSinceStart).toBe(1)
    runtime.health.rendererCrashed()
    expect(runtime.health.report().rendererCrashes.sinceStart).toBe(1)
    await runtime.close()
    expect(read()).toMatchObject({ status: 'down', reasons: expect.arrayContaining(['stopped']) })
    const written = readFileSync(runtime.health.file, 'utf8')
    scheduler.advance(60 * 60_000)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(readFileSync(runtime.health.file, 'utf8')).toBe(written)
  })
})
