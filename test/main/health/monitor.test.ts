// The health report's contents and its status rule, on a clock moved by hand.
import { describe, expect, it } from 'vitest'
import { SESSION_OUTCOMES } from '../../../src/main/counters/outcome-counters'
import { HealthMonitor } from '../../../src/main/health/monitor'
import type { HealthMonitorOptions } from '../../../src/main/health/monitor'
import { activityOf, healthReport, MAX_PROBLEM_LENGTH } from '../../../src/main/health/report'
import type { ProbeOutcome } from '../../../src/main/health/report'
import type { Screen } from '../../../src/shared/contract'
import { ManualScheduler } from '../../support/manual-scheduler'

const START = new Date(2026, 10, 24, 9, 58, 30)
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

function setup(overrides: Partial<HealthMonitorOptions> = {}) {
  const scheduler = new ManualScheduler()
  const zero = scheduler.now()
  const now = () => new Date(START.getTime() + (scheduler.now() - zero))
  const probes: { resolve: (outcome: ProbeOutcome) => void }[] = []
  const logs: { level: string; event: string; fields: Record<string, unknown> | undefined }[] = []
  const monitor = new HealthMonitor({
    scheduler,
    now,
    kioskId: 'reception-1',
    version: '1.2.3',
    settings: { ok: true },
    environment: 'production',
    certificateNotAfter: null,
    probe: () => new Promise<ProbeOutcome>((resolve) => probes.push({ resolve })),
    probeIntervalMs: 5 * MINUTE,
    probeRetryMs: 30_000,
    firstProbeMs: 5_000,
    log: (level, event, fields) => logs.push({ level, event, fields }),
    ...overrides,
  })
  monitor.start()
  /** Moves time and lets settled probes' callbacks run. */
  const advance = async (ms: number) => {
    scheduler.advance(ms)
    await Promise.resolve()
    await new Promise((resolve) => setImmediate(resolve))
  }
  const answer = async (outcome: ProbeOutcome) => {
    const probe = probes.shift()
    if (!probe) throw new Error('no probe is waiting for an answer')
    probe.resolve(outcome)
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { scheduler, monitor, probes, logs, advance, answer, now }
}

const screen = (name: 'welcome' | 'faq' | 'keypad', idleWarning: { secondsLeft: number } | null = null) => ({
  screen: (name === 'keypad' ? { name, fault: null } : { name }) as Screen,
  idleWarning,
})
const outOfService = (reference: string) => ({
  screen: { name: 'out-of-service', reference, staffMessage: 'BankID cannot be reached', secondsToRetry: 30 } as Screen,
  idleWarning: null,
})
const zeros = Object.fromEntries(SESSION_OUTCOMES.map((outcome) => [outcome, 0]))

describe('the health report', () => {
  it('says, for a kiosk just started, everything a monitoring agent needs and nothing more', async () => {
    const { monitor, advance } = setup()
    await advance(90_000)
    expect(monitor.report()).toEqual({
      format: 1,
      status: 'ok',
      reasons: [],
      updatedAt: new Date(START.getTime() + 90_000).toISOString(),
      kiosk: { id: 'reception-1', version: '1.2.3', startedAt: START.toISOString(), uptimeSeconds: 90 },
      activity: 'idle',
      outOfService: null,
      settings: { ok: true, key: null, problem: null },
      bankid: { environment: 'production', endpoint: null, certificateDaysLeft: null, reachable: null, latencyMs: null, checkedAt: null, reference: null },
      log: { errorsSinceStart: 0, errorsLastHour: 0, warningsSinceStart: 0, warningsLastHour: 0 },
      rendererCrashes: { sinceStart: 0, lastHour: 0 },
      today: { date: '2026-11-24', sessions: zeros },
      lastSuccessfulLoginAt: null,
    })
  })

  it('is down with the key and the sentence when the settings are invalid, and shortens a long sentence', () => {
    const problem = `Setting "school.name" must be text of 1 to 80 characters ${'x'.repeat(300)}`
    const { monitor } = setup({ settings: { ok: false, key: 'school.name', problem }, environment: null, probe: null })
    const report = monitor.report()
    expect(report.status).toBe('down')
    expect(report.reasons).toEqual(['settings-invalid'])
    expect(report.settings.key).toBe('school.name')
    expect(report.settings.problem).toHaveLength(MAX_PROBLEM_LENGTH)
    expect(report.settings.problem?.endsWith('…')).toBe(true)
    expect(report.bankid.environment).toBeNull()
  })

  it('knows the activity from the screen only: idle, in use, or out of service with its code', () => {
    expect(activityOf(screen('welcome'))).toEqual({ activity: 'idle', reference: null })
    expect(activityOf(screen('welcome', { secondsLeft: 10 }))).toEqual({ activity: 'in-use', reference: null })
    expect(activityOf(screen('keypad'))).toEqual({ activity: 'in-use', reference: null })
    expect(activityOf(screen('faq'))).toEqual({ activity: 'in-use', reference: null })
    const { monitor } = setup()
    monitor.observe(outOfService('N-ECONNREFUSED'))
    expect(monitor.report()).toMatchObject({
      status: 'down',
      reasons: ['out-of-service'],
      activity: 'out-of-service',
      outOfService: { reference: 'N-ECONNREFUSED' },
    })
    monitor.observe(screen('welcome'))
    expect(monitor.report()).toMatchObject({ status: 'ok', activity: 'idle', outOfService: null })
  })

  it('is degraded after one failed BankID probe, down after two in a row, and ok again after a good one', async () => {
    const { monitor, advance, answer, now } = setup()
    await advance(5_000)
    await answer({ ok: false, reference: 'N-ECONNREFUSED', message: 'network ECONNREFUSED', latencyMs: 3.4 })
    expect(monitor.report()).toMatchObject({
      status: 'degraded',
      reasons: ['bankid-probe-failed'],
      bankid: { reachable: false, latencyMs: 3, reference: 'N-ECONNREFUSED', checkedAt: now().toISOString() },
    })
    await advance(30_000)
    await answer({ ok: false, reference: 'N-TIMEOUT', message: 'timeout', latencyMs: 10_000 })
    expect(monitor.report()).toMatchObject({ status: 'down', reasons: ['bankid-unreachable', 'bankid-probe-failed'] })
    await advance(30_000)
    await answer({ ok: true, latencyMs: 41.6 })
    expect(monitor.report()).toMatchObject({
      status: 'ok',
      reasons: [],
      bankid: { reachable: true, latencyMs: 42, reference: null },
    })
  })

  it('is degraded when the RP certificate has fewer than 30 days left, counting down while it runs', async () => {
    const { monitor, advance } = setup({ certificateNotAfter: new Date(START.getTime() + 31 * DAY + HOUR) })
    expect(monitor.report()).toMatchObject({ status: 'ok', bankid: { certificateDaysLeft: 31 } })
    await advance(2 * DAY)
    expect(monitor.report()).toMatchObject({
      status: 'degraded',
      reasons: ['certificate-expiring'],
      bankid: { certificateDaysLeft: 29 },
    })
  })

  it('counts warnings and errors since start and in the last hour; an error degrades it for an hour', async () => {
    const { monitor, advance } = setup({ probe: null })
    monitor.logged('warn')
    monitor.logged('info')
    monitor.logged('debug')
    expect(monitor.report()).toMatchObject({ status: 'ok', log: { warningsSinceStart: 1, warningsLastHour: 1, errorsSinceStart: 0 } })
    monitor.logged('error')
    await advance(30 * MINUTE)
    monitor.logged('error')
    expect(monitor.report()).toMatchObject({
      status: 'degraded',
      reasons: ['errors-last-hour'],
      log: { errorsSinceStart: 2, errorsLastHour: 2 },
    })
    await advance(30 * MINUTE)
    expect(monitor.report().log).toEqual({ errorsSinceStart: 2, errorsLastHour: 1, warningsSinceStart: 1, warningsLastHour: 0 })
    await advance(30 * MINUTE)
    expect(monitor.report()).toMatchObject({ status: 'ok', log: { errorsSinceStart: 2, errorsLastHour: 0 } })
  })

  it('counts renderer crashes; one in the last hour is degraded', async () => {
    const { monitor, advance } = setup({ probe: null })
    monitor.rendererCrashed()
    monitor.rendererCrashed()
    expect(monitor.report()).toMatchObject({
      status: 'degraded',
      reasons: ['renderer-crashes-last-hour'],
      rendererCrashes: { sinceStart: 2, lastHour: 2 },
    })
    await advance(HOUR)
    expect(monitor.report()).toMatchObject({ status: 'ok', rendererCrashes: { sinceStart: 2, lastHour: 0 } })
  })

  it('lists every reason that holds, and down wins over degraded', () => {
    const { monitor } = setup({ certificateNotAfter: new Date(START.getTime() + 3 * DAY) })
    monitor.logged('error')
    monitor.rendererCrashed()
    monitor.observe(outOfService('B-503-maintenance'))
    expect(monitor.report()).toMatchObject({
      status: 'down',
      reasons: ['out-of-service', 'certificate-expiring', 'errors-last-hour', 'renderer-crashes-last-hour'],
    })
  })

  it('counts today\'s sessions per outcome (every outcome listed), starting afresh each day', async () => {
    const { monitor, advance } = setup({ probe: null })
    monitor.sessionEnded('success')
    monitor.sessionEnded('timeout')
    monitor.sessionEnded('success')
    expect(monitor.report().today).toEqual({ date: '2026-11-24', sessions: { ...zeros, success: 2, timeout: 1 } })
    await advance(DAY)
    expect(monitor.report().today).toEqual({ date: '2026-11-25', sessions: zeros })
  })

  it('asks the counters\' store for today when given one, and survives a store that throws', () => {
    const { monitor } = setup({ probe: null })
    const asked: string[] = []
    monitor.countSessionsWith((day) => {
      asked.push(day)
      return { success: 7, blocked: 1 }
    })
    expect(monitor.report().today.sessions).toEqual({ ...zeros, success: 7, blocked: 1 })
    expect(asked).toEqual(['2026-11-24'])
    monitor.countSessionsWith(() => {
      throw new Error('store unreadable')
    })
    expect(monitor.report().today.sessions).toEqual(zeros)
  })

  it('keeps the time of the last successful login to the minute, and nothing about who', async () => {
    const { monitor, advance } = setup({ probe: null })
    await advance(75_000)
    monitor.sessionEnded('cancelled')
    expect(monitor.report().lastSuccessfulLoginAt).toBeNull()
    monitor.sessionEnded('success')
    expect(monitor.report().lastSuccessfulLoginAt).toBe(new Date(2026, 10, 24, 9, 59, 0).toISOString())
  })

  it('tells subscribers when the status changes, not when a count does', () => {
    const { monitor } = setup({ probe: null })
    const heard: string[] = []
    monitor.subscribe((status) => heard.push(status))
    monitor.logged('warn')
    monitor.logged('error')
    monitor.logged('error')
    monitor.observe(outOfService('S-SETTINGS'))
    monitor.observe(outOfService('S-SETTINGS'))
    monitor.observe(screen('welcome'))
    expect(heard).toEqual(['degraded', 'down', 'degraded'])
  })

  it('is pure: the same facts give the same report', () => {
    const facts = {
      now: START,
      kioskId: 'k',
      version: 'v',
      startedAt: START,
      uptimeSeconds: 1.9,
      settings: { ok: true } as const,
      environment: 'simulator' as const,
      endpoint: '127.0.0.1:7443',
      certificateNotAfter: null,
      probe: null,
      probeFailuresInARow: 0,
      activity: 'idle' as const,
      outOfServiceReference: null,
      errors: { sinceStart: 0, lastHour: 0 },
      warnings: { sinceStart: 0, lastHour: 0 },
      rendererCrashes: { sinceStart: 0, lastHour: 0 },
      today: { date: '2026-11-24', sessions: { success: -1, timeout: 1.5 } },
      lastSuccessfulLoginAt: null,
      stopping: false,
    }
    expect(healthReport(facts)).toEqual(healthReport(facts))
    expect(healthReport(facts).kiosk.uptimeSeconds).toBe(1)
    // Only whole, positive counts: anything else from a damaged store is 0.
    expect(healthReport(facts).today.sessions).toEqual(zeros)
  })
})

describe('the BankID probe schedule', () => {
  it('probes first after a few seconds, then every interval, and sooner again after a failure', async () => {
    const { probes, advance, answer } = setup()
    await advance(4_999)
    expect(probes).toHaveLength(0)
    await advance(1)
    expect(probes).toHaveLength(1)
    await answer({ ok: true, latencyMs: 20 })
    await advance(5 * MINUTE - 1)
    expect(probes).toHaveLength(0)
    await advance(1)
    expect(probes).toHaveLength(1)
    await answer({ ok: false, reference: 'N-TIMEOUT', message: 'timeout', latencyMs: 10_000 })
    await advance(30_000)
    expect(probes).toHaveLength(1)
  })

  it('never probes while a parent uses the kiosk: it waits until the kiosk is idle again', async () => {
    const { monitor, probes, advance, answer } = setup()
    monitor.observe(screen('keypad'))
    await advance(10 * MINUTE)
    expect(probes).toHaveLength(0)
    monitor.observe(screen('welcome'))
    await advance(30_000)
    expect(probes).toHaveLength(1)
    await answer({ ok: true, latencyMs: 5 })
    // Out of service is not "in use": BankID is probed then too.
    monitor.observe(outOfService('N-ECONNREFUSED'))
    await advance(5 * MINUTE)
    expect(probes).toHaveLength(1)
  })

  it('takes an isBusy callback instead of the screen, if given', async () => {
    let busy = true
    const { probes, advance } = setup({ isBusy: () => busy })
    await advance(5 * MINUTE)
    expect(probes).toHaveLength(0)
    busy = false
    await advance(30_000)
    expect(probes).toHaveLength(1)
  })

  it('runs one probe at a time, and a probe that throws counts as a failure', async () => {
    let calls = 0
    const { monitor } = setup({
      probe: () => {
        calls++
        return Promise.reject(new Error('boom'))
      },
    })
    await Promise.all([monitor.probeNow(), monitor.probeNow()])
    expect(calls).toBe(1)
    expect(monitor.report().bankid).toMatchObject({ reachable: false, reference: 'M-PROBE' })
  })

  it('logs each probe: debug when BankID answers, warn with the code when not', async () => {
    const { logs, advance, answer } = setup()
    await advance(5_000)
    await answer({ ok: true, latencyMs: 12 })
    await advance(5 * MINUTE)
    await answer({ ok: false, reference: 'TLS-CERT_HAS_EXPIRED', message: 'tls CERT_HAS_EXPIRED', latencyMs: 30 })
    expect(logs).toEqual([
      { level: 'debug', event: 'health.probe', fields: { reachable: true, latencyMs: 12 } },
      {
        level: 'warn',
        event: 'health.probe',
        fields: { reachable: false, reference: 'TLS-CERT_HAS_EXPIRED', latencyMs: 30, failuresInARow: 1 },
      },
    ])
  })

  it('starts probing when the probe is set later, and stops cleanly: no timers left, the report says stopped', async () => {
    const { scheduler, monitor, probes, advance, answer } = setup({ probe: null })
    monitor.start()
    expect(scheduler.pendingTimers).toBe(0)
    monitor.setProbe(() => new Promise<ProbeOutcome>((resolve) => probes.push({ resolve })))
    await advance(5_000)
    expect(probes).toHaveLength(1)
    const stopped = monitor.stop()
    await answer({ ok: true, latencyMs: 1 })
    await stopped
    expect(scheduler.pendingTimers).toBe(0)
    expect(monitor.report()).toMatchObject({ status: 'down', reasons: ['stopped'] })
    await advance(HOUR)
    expect(probes).toHaveLength(0)
  })
})
