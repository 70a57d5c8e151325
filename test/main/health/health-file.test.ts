// The health file: written atomically, refreshed every interval and at once on a status change,
// readable by the monitoring agent, quiet about repeated failures, and gone quiet after stop.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HealthFileWriter, nodeFileSystem } from '../../../src/main/health/health-file'
import type { HealthFileSystem } from '../../../src/main/health/health-file'
import { healthMetricsText } from '../../../src/main/health/metrics-text'
import { HealthMonitor } from '../../../src/main/health/monitor'
import { startHealthReporting } from '../../../src/main/health/service'
import type { HealthReport } from '../../../src/main/health/report'
import { DEFAULT_SETTINGS } from '../../../src/main/settings/schema'
import { ManualScheduler } from '../../support/manual-scheduler'

const START = new Date(2026, 10, 24, 10, 0, 0)

function setup(options: { fs?: HealthFileSystem; intervalMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-health-file-'))
  const file = join(dir, 'nested', 'health.json')
  const scheduler = new ManualScheduler()
  const zero = scheduler.now()
  const monitor = new HealthMonitor({
    scheduler,
    now: () => new Date(START.getTime() + scheduler.now() - zero),
    kioskId: 'reception-1',
    version: '1.0.0',
    settings: { ok: true },
    environment: 'simulator',
    certificateNotAfter: null,
    probe: null,
    probeIntervalMs: 300_000,
  })
  const logs: { level: string; event: string; fields?: Record<string, unknown> | undefined }[] = []
  const writer = new HealthFileWriter({
    file,
    intervalMs: options.intervalMs ?? 60_000,
    scheduler,
    report: () => monitor.report(),
    log: (level, event, fields) => logs.push({ level, event, fields }),
    ...(options.fs ? { fs: options.fs } : {}),
  })
  const read = () => JSON.parse(readFileSync(file, 'utf8')) as HealthReport
  const written = () => logs.filter((line) => line.event === 'health.written').length
  const settle = () => writer.idle()
  return { dir, file, scheduler, monitor, writer, logs, read, written, settle }
}

/** Waits (in real time) until the condition holds, up to 5 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000
  for (;;) {
    try {
      if (condition()) return
    } catch {
      // Not there yet (e.g. the file is not written yet).
    }
    if (Date.now() > deadline) throw new Error('the condition never held')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** The real file system, with every call recorded (and, where a test says so, failing). */
function recordingFs(fail: Partial<Record<keyof HealthFileSystem, (call: number) => string | null>> = {}) {
  const calls: string[] = []
  const counts: Record<string, number> = {}
  const maybeFail = (name: keyof HealthFileSystem) => {
    counts[name] = (counts[name] ?? 0) + 1
    const code = fail[name]?.(counts[name])
    if (code) throw Object.assign(new Error(`${name} failed`), { code })
  }
  const fs: HealthFileSystem = {
    mkdir: async (dir) => {
      calls.push(`mkdir ${dir}`)
      maybeFail('mkdir')
      return nodeFileSystem.mkdir(dir)
    },
    writeFile: async (file, data, mode) => {
      calls.push(`writeFile ${file}`)
      maybeFail('writeFile')
      return nodeFileSystem.writeFile(file, data, mode)
    },
    rename: async (from, to) => {
      calls.push(`rename ${from} -> ${to}`)
      maybeFail('rename')
      return nodeFileSystem.rename(from, to)
    },
    rm: async (file) => {
      calls.push(`rm ${file}`)
      return nodeFileSystem.rm(file)
    },
  }
  return { fs, calls }
}

describe('the health file', () => {
  it('is written at start, creating its folder, as the report in JSON', async () => {
    const { writer, monitor, read, file, settle } = setup()
    writer.start()
    await settle()
    expect(read()).toEqual(monitor.report())
    expect(readdirSync(join(file, '..'))).toEqual(['health.json', 'health.prom'])
    await writer.stop(false)
  })

  it('has the same report beside it as metrics text for a textfile collector (health.prom)', async () => {
    const { writer, monitor, file, settle } = setup()
    writer.start()
    await settle()
    expect(writer.metricsFile).toBe(join(file, '..', 'health.prom'))
    expect(readFileSync(writer.metricsFile, 'utf8')).toBe(healthMetricsText(monitor.report()))
    await writer.stop(false)
  })

  it.skipIf(process.platform === 'win32')('is readable by everyone on the machine (0644), whatever the umask', async () => {
    const previous = process.umask(0o077)
    try {
      const { writer, file, settle } = setup()
      writer.start()
      await settle()
      expect(statSync(file).mode & 0o777).toBe(0o644)
      await writer.stop(false)
    } finally {
      process.umask(previous)
    }
  })

  it('is replaced atomically: written to a temporary file beside it, then renamed over it', async () => {
    const { fs, calls } = recordingFs()
    const { writer, file, settle } = setup({ fs })
    writer.start()
    await settle()
    const temporary = join(file, '..', `.health.json.${process.pid}.tmp`)
    const metrics = join(file, '..', 'health.prom')
    const metricsTemporary = join(file, '..', `.health.prom.${process.pid}.tmp`)
    expect(calls).toEqual([
      `mkdir ${join(file, '..')}`,
      `writeFile ${temporary}`,
      `rename ${temporary} -> ${file}`,
      `writeFile ${metricsTemporary}`,
      `rename ${metricsTemporary} -> ${metrics}`,
    ])
    await writer.stop(false)
  })

  it('is refreshed every interval, with a new updatedAt', async () => {
    const { writer, read, written, scheduler, settle } = setup({ intervalMs: 60_000 })
    writer.start()
    await settle()
    const first = read().updatedAt
    scheduler.advance(59_999)
    await settle()
    expect(written()).toBe(1)
    scheduler.advance(1)
    await settle()
    expect(written()).toBe(2)
    expect(read().updatedAt).toBe(new Date(START.getTime() + 60_000).toISOString())
    expect(read().updatedAt).not.toBe(first)
    scheduler.advance(120_000)
    await settle()
    expect(written()).toBe(4)
    await writer.stop(false)
  })

  it('is rewritten at once when the status changes, and not for a mere count', async () => {
    const { writer, monitor, read, written, settle } = setup()
    monitor.subscribe(() => writer.statusChanged())
    writer.start()
    await settle()
    expect(read().status).toBe('ok')
    monitor.logged('warn')
    writer.statusChanged()
    await settle()
    expect(written()).toBe(1)
    monitor.logged('error')
    await settle()
    expect(written()).toBe(2)
    expect(read()).toMatchObject({ status: 'degraded', reasons: ['errors-last-hour'] })
    monitor.observe({ screen: { name: 'out-of-service', reference: 'N-TIMEOUT', staffMessage: '', secondsToRetry: 5 }, idleWarning: null })
    await settle()
    expect(written()).toBe(3)
    expect(read()).toMatchObject({ status: 'down', outOfService: { reference: 'N-TIMEOUT' } })
    await writer.stop(false)
  })

  it('never writes twice at once: writes asked for meanwhile become one more', async () => {
    let inFlight = 0
    let most = 0
    const slow: HealthFileSystem = {
      ...nodeFileSystem,
      writeFile: async (file, data, mode) => {
        inFlight++
        most = Math.max(most, inFlight)
        await new Promise((resolve) => setTimeout(resolve, 10))
        await nodeFileSystem.writeFile(file, data, mode)
        inFlight--
      },
    }
    const { writer, written } = setup({ fs: slow })
    await Promise.all([writer.write(), writer.write(), writer.write(), writer.write()])
    await writer.write()
    expect(most).toBe(1)
    expect(written()).toBe(3)
  })

  it('tries a rename again that Windows refuses for a moment (a reader has the file open)', async () => {
    const { fs } = recordingFs({ rename: (call) => (call <= 2 ? 'EPERM' : null) })
    const { writer, read, logs } = setup({ fs })
    await writer.write()
    expect(read().status).toBe('ok')
    expect(logs.map((line) => line.event)).toEqual(['health.written'])
  })

  it('logs a failure once per run of failures, without the report, and leaves no temporary file', async () => {
    let broken = true
    const { fs } = recordingFs({ writeFile: () => (broken ? 'ENOSPC' : null) })
    const { writer, logs, file } = setup({ fs })
    await writer.write()
    await writer.write()
    await writer.write()
    expect(logs).toEqual([{ level: 'warn', event: 'health.write-failed', fields: { file, code: 'ENOSPC' } }])
    broken = false
    await writer.write()
    broken = true
    await writer.write()
    expect(logs.map((line) => line.event)).toEqual(['health.write-failed', 'health.written', 'health.write-failed'])
    expect(readdirSync(join(file, '..'))).toEqual(['health.json', 'health.prom'])
  })

  it('stops: no timers left, one last report, and nothing written after', async () => {
    const { writer, monitor, scheduler, read, written, settle } = setup()
    writer.start()
    await settle()
    await monitor.stop()
    await writer.stop()
    expect(scheduler.pendingTimers).toBe(0)
    expect(read()).toMatchObject({ status: 'down', reasons: ['stopped'] })
    const count = written()
    writer.statusChanged()
    scheduler.advance(10 * 60_000)
    await settle()
    expect(written()).toBe(count)
  })
})

describe('health reporting as the runtime starts it', () => {
  it('writes the file where the settings say, and stops everything it started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-health-service-'))
    const scheduler = new ManualScheduler()
    const monitor = new HealthMonitor({
      scheduler,
      now: () => START,
      kioskId: 'k',
      version: '1',
      settings: { ok: true },
      environment: 'simulator',
      certificateNotAfter: null,
      probe: async () => ({ ok: true, latencyMs: 7 }),
      probeIntervalMs: 300_000,
    })
    const logs: string[] = []
    const health = await startHealthReporting({
      monitor,
      settings: { ...DEFAULT_SETTINGS.health, file: join(dir, 'health.json') },
      dataDir: dir,
      env: {},
      scheduler,
      now: () => START,
      version: '1',
      log: (_level, event) => logs.push(event),
    })
    expect(health.file).toBe(join(dir, 'health.json'))
    expect(health.heartbeat).toBeNull()
    scheduler.advance(5_000)
    await until(() => monitor.report().bankid.reachable === true)
    // The probe's answer changes no status: it is in the next regular write.
    scheduler.advance(55_000)
    await until(() => (JSON.parse(readFileSync(health.file, 'utf8')) as HealthReport).bankid.reachable === true)
    expect(JSON.parse(readFileSync(health.file, 'utf8'))).toMatchObject({ status: 'ok', bankid: { reachable: true, latencyMs: 7 } })
    health.rendererCrashed()
    await until(() => (JSON.parse(readFileSync(health.file, 'utf8')) as HealthReport).status === 'degraded')
    expect(JSON.parse(readFileSync(health.file, 'utf8'))).toMatchObject({ status: 'degraded', rendererCrashes: { sinceStart: 1 } })
    await health.stop()
    await health.stop()
    expect(scheduler.pendingTimers).toBe(0)
    expect(JSON.parse(readFileSync(health.file, 'utf8'))).toMatchObject({ status: 'down', reasons: ['stopped', 'renderer-crashes-last-hour'] })
    expect(logs).toContain('health.start')
  })

  it('puts the file in the data folder when the settings do not say', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-health-default-'))
    const scheduler = new ManualScheduler()
    const monitor = new HealthMonitor({
      scheduler,
      now: () => START,
      kioskId: 'k',
      version: '1',
      settings: { ok: false, key: null, problem: 'The settings file is not valid JSON.' },
      environment: null,
      certificateNotAfter: null,
      probe: null,
      probeIntervalMs: 300_000,
    })
    const health = await startHealthReporting({
      monitor,
      settings: DEFAULT_SETTINGS.health,
      dataDir: dir,
      env: {},
      scheduler,
      now: () => START,
      version: '1',
      log: () => undefined,
    })
    await until(() => existsSync(health.file))
    expect(health.file).toBe(join(dir, 'health.json'))
    expect(JSON.parse(readFileSync(health.file, 'utf8'))).toMatchObject({ status: 'down', reasons: ['settings-invalid'] })
    await health.stop()
    expect(scheduler.pendingTimers).toBe(0)
  })
})
