// Health reporting as the runtime starts it: the monitor (made first, so that every warning and
// error from the start on is counted), then the health file and, if an address is set, the
// heartbeat. stop() ends all three and leaves one last file saying "stopped".
import { readFile, stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import path, { join } from 'node:path'
import type { BankIdClient } from '../bankid/client'
import { probeBankId } from '../bankid/probe'
import { monotonicClock } from '../clock'
import type { Scheduler } from '../scheduler'
import { referenceFor } from '../session/kiosk-session'
import type { SettingsResult } from '../load-settings'
import type { KioskSettings } from '../settings/schema'
import { DEFAULT_SETTINGS, settingsSchema } from '../settings/schema'
import { HealthFileWriter } from './health-file'
import type { HealthFileSystem } from './health-file'
import { HeartbeatSender } from './heartbeat'
import { loadHeartbeatCredentials } from './heartbeat-credentials'
import { HealthMonitor } from './monitor'
import type { HealthLog } from './monitor'
import type { HealthReport, ProbeOutcome } from './report'

export const DEFAULT_HEALTH_FILE_NAME = 'health.json'

/** Where the health file goes: the setting, or health.json in the data folder. */
export function healthFilePath(settings: KioskSettings['health'], dataDir: string): string {
  return settings.file ?? join(dataDir, DEFAULT_HEALTH_FILE_NAME)
}

/**
 * The health section alone, for a kiosk whose settings are invalid elsewhere: the monitoring agent
 * still finds "down, settings-invalid" where it looks, and the heartbeat still goes out. Anything
 * wrong here too (or unreadable) gives the defaults: the data folder, no heartbeat.
 */
export async function readHealthSettings(
  file: string,
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): Promise<KioskSettings['health']> {
  const defaults = DEFAULT_SETTINGS.health
  try {
    if (file === '' || (await stat(file)).size > 1024 * 1024) return defaults
    const value: unknown = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''))
    if (typeof value !== 'object' || value === null || !('health' in value)) return defaults
    const parsed = settingsSchema.shape.health.safeParse((value as { health: unknown }).health)
    if (!parsed.success) return defaults
    const paths = platform === 'win32' ? path.win32 : path.posix
    const resolve = (relative: string) => paths.resolve(paths.dirname(file), relative)
    const { secret, ca } = parsed.data.heartbeat
    const health: KioskSettings['health'] = {
      ...parsed.data,
      ...(parsed.data.file === undefined ? {} : { file: resolve(parsed.data.file) }),
      heartbeat: {
        ...parsed.data.heartbeat,
        ...(secret === undefined ? {} : { secret: 'file' in secret ? { file: resolve(secret.file) } : secret }),
        ...(ca === undefined ? {} : { ca: resolve(ca) }),
      },
    }
    return (await loadHeartbeatCredentials(health.heartbeat, env)).ok ? health : defaults
  } catch {
    return defaults
  }
}

/**
 * The monitor for a runtime with these settings. BankID is probed every
 * `health.heartbeat.intervalMinutes` (whether or not the heartbeat is on), never during a login;
 * the probe itself is set once the runtime has a BankID client (setProbe).
 */
export function healthMonitorFor(
  settings: SettingsResult,
  effective: KioskSettings,
  options: { scheduler: Scheduler; now: () => Date; version: string; log: HealthLog; kioskId?: string },
): HealthMonitor {
  return new HealthMonitor({
    scheduler: options.scheduler,
    now: options.now,
    kioskId: options.kioskId ?? hostname(),
    version: options.version,
    settings: settings.ok ? { ok: true } : { ok: false, key: settings.key, problem: settings.problem },
    environment: settings.ok ? effective.bankid.environment : null,
    certificateNotAfter: settings.ok ? (settings.certificate?.notAfter ?? null) : null,
    probe: null,
    probeIntervalMs: effective.health.heartbeat.intervalMinutes * 60_000,
    log: options.log,
  })
}

/** The health probe: one collect of an order that cannot exist (bankid/probe.ts), timed in real time. */
export function bankIdProbe(client: Pick<BankIdClient, 'collect'>, timeoutMs: number): () => Promise<ProbeOutcome> {
  return async () => {
    const result = await probeBankId(client, { clock: monotonicClock, timeoutMs })
    if (result.reachable) return { ok: true, latencyMs: result.latencyMs }
    return {
      ok: false,
      reference: result.failure ? referenceFor(result.failure) : 'P-UNEXPECTED',
      message: result.description,
      latencyMs: result.latencyMs,
    }
  }
}

/** What the Electron root and the browser host may ask of health reporting. */
export interface KioskHealth {
  readonly file: string
  readonly heartbeat: HeartbeatSender | null
  readonly monitor: HealthMonitor
  /** The renderer process is gone (not a clean exit): counted, and the status may turn degraded. */
  rendererCrashed(): void
  report(): HealthReport
  stop(): Promise<void>
}

export interface HealthReportingOptions {
  monitor: HealthMonitor
  settings: KioskSettings['health']
  dataDir: string
  env: NodeJS.ProcessEnv
  scheduler: Scheduler
  now: () => Date
  version: string
  log: HealthLog
  fs?: HealthFileSystem
  /** Heartbeat only: its first beat this long after start. Default 10 s. */
  firstBeatMs?: number
}

export async function startHealthReporting(options: HealthReportingOptions): Promise<KioskHealth> {
  const { monitor, settings, scheduler, log } = options
  const writer = new HealthFileWriter({
    file: healthFilePath(settings, options.dataDir),
    intervalMs: settings.intervalSeconds * 1000,
    scheduler,
    report: () => monitor.report(),
    log,
    ...(options.fs ? { fs: options.fs } : {}),
  })
  const unsubscribe = monitor.subscribe(() => writer.statusChanged())

  let heartbeat: HeartbeatSender | null = null
  const beat = settings.heartbeat
  if (beat.url !== undefined) {
    // Checked when the settings were loaded; read again here, in case a file went meanwhile.
    const credentials = await loadHeartbeatCredentials(beat, options.env)
    if (credentials.ok) {
      heartbeat = new HeartbeatSender({
        url: beat.url,
        intervalMs: beat.intervalMinutes * 60_000,
        timeoutMs: beat.timeoutSeconds * 1000,
        secret: credentials.secret,
        caPem: credentials.caPem,
        scheduler,
        now: options.now,
        body: () => monitor.report(),
        log,
        userAgent: `bankid-kiosk/${options.version}`,
        ...(options.firstBeatMs === undefined ? {} : { firstBeatMs: options.firstBeatMs }),
      })
    } else {
      log('error', 'heartbeat.off', { key: credentials.key, problem: credentials.problem })
    }
  }

  monitor.start()
  writer.start()
  heartbeat?.start()
  log('info', 'health.start', {
    file: writer.file,
    intervalSeconds: settings.intervalSeconds,
    heartbeat: heartbeat === null ? 'off' : `every ${beat.intervalMinutes} min${beat.secret ? ', signed' : ''}`,
  })

  let stopping: Promise<void> | null = null
  return {
    file: writer.file,
    heartbeat,
    monitor,
    rendererCrashed: () => monitor.rendererCrashed(),
    report: () => monitor.report(),
    stop: () =>
      (stopping ??= (async () => {
        unsubscribe()
        await heartbeat?.stop()
        await monitor.stop()
        await writer.stop()
      })()),
  }
}
