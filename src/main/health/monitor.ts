// Keeps what the health report says: fed by the runtime (snapshots, session outcomes, log events,
// renderer crashes) and by its own BankID probe, which runs on a schedule but never while a parent
// is using the kiosk. Electron-free: time, timers and the probe come in as parameters.
import type { BankIdEnvironment } from '../bankid/environments'
import { dayKey } from '../counters/outcome-counters'
import type { SessionOutcome } from '../counters/outcome-counters'
import type { Scheduler, TimerHandle } from '../scheduler'
import type { Snapshot } from '../../shared/contract'
import { activityOf, healthReport, healthStatus } from './report'
import type { HealthFacts, HealthReport, HealthStatus, KioskActivity, ProbeOutcome } from './report'

export type HealthLog = (level: 'error' | 'warn' | 'info' | 'debug', event: string, fields?: Record<string, unknown>) => void

export interface HealthMonitorOptions {
  /** Monotonic time and timers (the runtime's scheduler). */
  scheduler: Scheduler
  /** Wall-clock time, for the report's timestamps and today's date. */
  now: () => Date
  kioskId: string
  version: string
  settings: { ok: true } | { ok: false; key: string | null; problem: string }
  environment: BankIdEnvironment | null
  certificateNotAfter: Date | null
  /** One harmless BankID request that proves reachability; null: no probing (yet: see setProbe). */
  probe: (() => Promise<ProbeOutcome>) | null
  /** How often BankID is probed while nobody uses the kiosk. */
  probeIntervalMs: number
  /** After a failed probe, or when the kiosk was busy, the next try comes this soon. Default 30 s. */
  probeRetryMs?: number
  /** The first probe this long after start(). Default 5 s. */
  firstProbeMs?: number
  /** A parent is mid-login: no probe now. Default: the last snapshot was not idle or out of service. */
  isBusy?: () => boolean
  /** The sessions that ended on `day` (YYYY-MM-DD), per outcome; default: counted in memory since start. */
  todayCounts?: (day: string) => Partial<Record<SessionOutcome, number>>
  log?: HealthLog
}

const HOUR_MS = 3_600_000
/** A flood of errors should not grow memory: beyond this many in an hour the count stays put. */
const MAX_REMEMBERED = 10_000

/** Events in the last hour (by monotonic time) and since start. */
class HourCount {
  #times: number[] = []
  sinceStart = 0

  add(at: number): void {
    this.sinceStart++
    this.#times.push(at)
    if (this.#times.length > MAX_REMEMBERED) this.#times.splice(0, this.#times.length - MAX_REMEMBERED)
  }

  lastHour(now: number): number {
    const firstRecent = this.#times.findIndex((at) => now - at < HOUR_MS)
    this.#times = firstRecent === -1 ? [] : this.#times.slice(firstRecent)
    return this.#times.length
  }

  counts(now: number): { sinceStart: number; lastHour: number } {
    return { sinceStart: this.sinceStart, lastHour: this.lastHour(now) }
  }
}

export class HealthMonitor {
  readonly #options: HealthMonitorOptions
  #todayCounts: ((day: string) => Partial<Record<SessionOutcome, number>>) | null
  #probeFn: (() => Promise<ProbeOutcome>) | null
  readonly #startedAt: Date
  readonly #startedMono: number
  readonly #listeners = new Set<(status: HealthStatus) => void>()
  readonly #errors = new HourCount()
  readonly #warnings = new HourCount()
  readonly #crashes = new HourCount()
  readonly #sessions = new Map<string, Map<SessionOutcome, number>>()
  #activity: KioskActivity = 'idle'
  #outOfServiceReference: string | null = null
  #probe: { at: Date; outcome: ProbeOutcome } | null = null
  #endpoint: string | null = null
  #probeFailuresInARow = 0
  #probing: Promise<void> | null = null
  #probeTimer: TimerHandle | null = null
  #lastSuccess: Date | null = null
  #lastStatus: HealthStatus
  #started = false
  #stopped = false

  constructor(options: HealthMonitorOptions) {
    this.#options = options
    this.#probeFn = options.probe
    this.#todayCounts = options.todayCounts ?? null
    this.#startedAt = options.now()
    this.#startedMono = options.scheduler.now()
    this.#lastStatus = healthStatus(this.#facts(false)).status
  }

  /** Starts the probe schedule (the first probe after firstProbeMs). */
  start(): void {
    if (this.#started || this.#stopped) return
    this.#started = true
    this.#scheduleProbe(this.#options.firstProbeMs ?? 5_000)
  }

  /** The RP API's host, once the connection is known (reported, never a path). */
  setEndpoint(host: string): void {
    this.#endpoint = host
  }

  /** The probe, once there is a BankID client to probe with; scheduled if the monitor has started. */
  setProbe(probe: () => Promise<ProbeOutcome>): void {
    this.#probeFn = probe
    if (this.#started && this.#probeTimer === null && this.#probing === null) {
      this.#scheduleProbe(this.#options.firstProbeMs ?? 5_000)
    }
  }

  /** Today's counts from the counters' store (which outlives a restart) instead of from memory. */
  countSessionsWith(todayCounts: (day: string) => Partial<Record<SessionOutcome, number>>): void {
    this.#todayCounts = todayCounts
  }

  /**
   * Stops the schedule; the report then says "stopped". A probe on its way is not waited for (it
   * ends when the runtime closes the BankID client) and changes nothing when it comes back.
   */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#options.scheduler.clearTimeout(this.#probeTimer)
    this.#probeTimer = null
    this.#changed()
    return Promise.resolve()
  }

  /** Called on a status change (not on every change of a count): the health file is rewritten then. */
  subscribe(listener: (status: HealthStatus) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** A snapshot the session published: only its coarse activity is kept. */
  observe(snapshot: Pick<Snapshot, 'screen' | 'idleWarning'>): void {
    const { activity, reference } = activityOf(snapshot)
    if (activity === this.#activity && reference === this.#outOfServiceReference) return
    this.#activity = activity
    this.#outOfServiceReference = reference
    this.#changed()
  }

  /** A line the kiosk logged: warnings and errors are counted, nothing of the line is kept. */
  logged(level: string): void {
    if (level === 'error') this.#errors.add(this.#options.scheduler.now())
    else if (level === 'warn') this.#warnings.add(this.#options.scheduler.now())
    else return
    this.#changed()
  }

  /** The Electron root calls this when the renderer process is gone (not a clean exit). */
  rendererCrashed(): void {
    this.#crashes.add(this.#options.scheduler.now())
    this.#changed()
  }

  /** A session ended: counted per day (unless the counters' store is asked), and a success's time kept, to the minute. */
  sessionEnded(outcome: SessionOutcome): void {
    const now = this.#options.now()
    const day = safeDayKey(now)
    if (day !== null) {
      const counts = this.#sessions.get(day) ?? new Map<SessionOutcome, number>()
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
      this.#sessions.clear()
      this.#sessions.set(day, counts)
    }
    if (outcome === 'success') {
      const minute = new Date(now.getTime())
      minute.setSeconds(0, 0)
      this.#lastSuccess = minute
    }
  }

  /** Probes BankID now (waiting for one already running instead of starting a second). */
  probeNow(): Promise<void> {
    this.#probing ??= this.#runProbe().finally(() => (this.#probing = null))
    return this.#probing
  }

  report(): HealthReport {
    return healthReport(this.#facts())
  }

  status(): HealthStatus {
    return healthStatus(this.#facts(false)).status
  }

  /** The facts now; today's counts (a read of the counters' store) only when the report needs them. */
  #facts(withToday = true): HealthFacts {
    const options = this.#options
    const mono = options.scheduler.now()
    const now = options.now()
    const date = safeDayKey(now) ?? '0000-00-00'
    let sessions: Partial<Record<SessionOutcome, number>> = {}
    try {
      if (withToday) sessions = this.#todayCounts ? this.#todayCounts(date) : Object.fromEntries(this.#sessions.get(date) ?? [])
    } catch {
      // The counters' store is unreadable: the report goes out without today's counts.
    }
    return {
      now,
      kioskId: options.kioskId,
      version: options.version,
      startedAt: this.#startedAt,
      uptimeSeconds: (mono - this.#startedMono) / 1000,
      settings: options.settings,
      environment: options.environment,
      endpoint: this.#endpoint,
      certificateNotAfter: options.certificateNotAfter,
      probe: this.#probe,
      probeFailuresInARow: this.#probeFailuresInARow,
      activity: this.#activity,
      outOfServiceReference: this.#outOfServiceReference,
      errors: this.#errors.counts(mono),
      warnings: this.#warnings.counts(mono),
      rendererCrashes: this.#crashes.counts(mono),
      today: { date, sessions },
      lastSuccessfulLoginAt: this.#lastSuccess,
      stopping: this.#stopped,
    }
  }

  #changed(): void {
    const status = this.status()
    if (status === this.#lastStatus) return
    this.#lastStatus = status
    for (const listener of this.#listeners) {
      try {
        listener(status)
      } catch {
        // A listener's failure is its own business.
      }
    }
  }

  #busy(): boolean {
    return this.#options.isBusy ? this.#options.isBusy() : this.#activity === 'in-use'
  }

  #scheduleProbe(ms: number): void {
    if (this.#stopped || this.#probeFn === null) return
    this.#options.scheduler.clearTimeout(this.#probeTimer)
    this.#probeTimer = this.#options.scheduler.setTimeout(() => {
      this.#probeTimer = null
      if (this.#busy()) {
        this.#scheduleProbe(this.#retryMs())
        return
      }
      void this.probeNow()
    }, ms)
  }

  #retryMs(): number {
    return Math.min(this.#options.probeRetryMs ?? 30_000, this.#options.probeIntervalMs)
  }

  async #runProbe(): Promise<void> {
    const probe = this.#probeFn
    if (probe === null || this.#stopped) return
    let outcome: ProbeOutcome
    try {
      outcome = await probe()
    } catch (error) {
      outcome = { ok: false, reference: 'M-PROBE', message: error instanceof Error ? error.message : 'probe failed', latencyMs: 0 }
    }
    // Stopped meanwhile: the client is closing, so a failure now says nothing about BankID.
    if (this.#stopped) return
    this.#probe = { at: this.#options.now(), outcome }
    this.#probeFailuresInARow = outcome.ok ? 0 : this.#probeFailuresInARow + 1
    if (outcome.ok) {
      this.#options.log?.('debug', 'health.probe', { reachable: true, latencyMs: Math.round(outcome.latencyMs) })
    } else {
      this.#options.log?.('warn', 'health.probe', {
        reachable: false,
        reference: outcome.reference,
        latencyMs: Math.round(outcome.latencyMs),
        failuresInARow: this.#probeFailuresInARow,
      })
    }
    this.#changed()
    this.#scheduleProbe(outcome.ok ? this.#options.probeIntervalMs : this.#retryMs())
  }
}

function safeDayKey(date: Date): string | null {
  try {
    return dayKey(date)
  } catch {
    return null
  }
}
