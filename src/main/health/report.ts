// The kiosk's health report: what the health file holds and the heartbeat sends (product.md §6,
// issue 7 part 3). A pure function of plain facts, so the status rule can be tested with a clock
// in hand. Nothing in it is about a parent: counts, times, codes and the kiosk's own settings
// state. Its exact keys are pinned by a test, so a new field has to be looked at before it ships.
//
// The status rule (docs/deployment.md, "Health monitoring"):
//   down      — the settings are invalid, or the kiosk is out of service (the screen parents see
//               says so), or the last two BankID probes in a row both failed, or the kiosk is stopping;
//   degraded  — otherwise, if the last BankID probe failed, the RP certificate expires within
//               30 days, an error was logged in the last hour, or the screen (renderer) crashed
//               in the last hour;
//   ok        — otherwise.
// `reasons` lists every rule that holds, so a monitoring agent can say why.
import type { BankIdEnvironment } from '../bankid/environments'
import { SESSION_OUTCOMES } from '../counters/outcome-counters'
import type { SessionOutcome } from '../counters/outcome-counters'
import type { Snapshot } from '../../shared/contract'

/** Bumped when a key changes meaning or goes away; new keys come with a new format too. */
export const HEALTH_FORMAT = 1

export type HealthStatus = 'ok' | 'degraded' | 'down'

/** What the kiosk is doing, coarsely: never which screen a parent is on, let alone who. */
export type KioskActivity = 'idle' | 'in-use' | 'out-of-service'

export const HEALTH_REASONS = [
  'settings-invalid',
  'out-of-service',
  'bankid-unreachable',
  'stopped',
  'bankid-probe-failed',
  'certificate-expiring',
  'errors-last-hour',
  'renderer-crashes-last-hour',
] as const
export type HealthReason = (typeof HEALTH_REASONS)[number]

const DOWN_REASONS: ReadonlySet<HealthReason> = new Set(['settings-invalid', 'out-of-service', 'bankid-unreachable', 'stopped'])

/** The RP certificate counts as expiring this many days before it runs out (as the log's warning). */
export const CERTIFICATE_WARNING_DAYS = 30
/** Failed probes in a row that make BankID "unreachable" (one alone is a blip: degraded). */
export const PROBE_FAILURES_FOR_DOWN = 2
/** The settings' sentence is short already; this keeps a long path from bloating the report. */
export const MAX_PROBLEM_LENGTH = 200

export type ProbeOutcome =
  | { ok: true; latencyMs: number }
  | { ok: false; reference: string; message: string; latencyMs: number }

export interface HealthFacts {
  /** Wall-clock time of the report. */
  now: Date
  kioskId: string
  version: string
  startedAt: Date
  uptimeSeconds: number
  settings: { ok: true } | { ok: false; key: string | null; problem: string }
  /** null when the settings are invalid (no BankID is used). */
  environment: BankIdEnvironment | null
  /** The RP API's host (and port): BankID's, the simulator's or a gateway's; null when there is none. */
  endpoint: string | null
  /** The RP certificate's expiry; null for the simulator or without settings. */
  certificateNotAfter: Date | null
  /** The last BankID probe, with when it finished; null before the first. */
  probe: { at: Date; outcome: ProbeOutcome } | null
  probeFailuresInARow: number
  activity: KioskActivity
  /** The out-of-service screen's reference code (e.g. S-SETTINGS, N-ECONNREFUSED); null when in service. */
  outOfServiceReference: string | null
  errors: { sinceStart: number; lastHour: number }
  warnings: { sinceStart: number; lastHour: number }
  rendererCrashes: { sinceStart: number; lastHour: number }
  /** Local calendar day (YYYY-MM-DD) and the sessions that ended on it, per outcome. */
  today: { date: string; sessions: Partial<Record<SessionOutcome, number>> }
  lastSuccessfulLoginAt: Date | null
  stopping: boolean
}

export interface HealthReport {
  format: typeof HEALTH_FORMAT
  status: HealthStatus
  reasons: HealthReason[]
  updatedAt: string
  kiosk: { id: string; version: string; startedAt: string; uptimeSeconds: number }
  activity: KioskActivity
  outOfService: { reference: string } | null
  settings: { ok: boolean; key: string | null; problem: string | null }
  bankid: {
    environment: BankIdEnvironment | null
    endpoint: string | null
    certificateDaysLeft: number | null
    reachable: boolean | null
    latencyMs: number | null
    checkedAt: string | null
    reference: string | null
  }
  log: { errorsSinceStart: number; errorsLastHour: number; warningsSinceStart: number; warningsLastHour: number }
  rendererCrashes: { sinceStart: number; lastHour: number }
  today: { date: string; sessions: Record<SessionOutcome, number> }
  lastSuccessfulLoginAt: string | null
}

const DAY_MS = 86_400_000

/** Whole days from now until notAfter (negative once expired), as the settings loader counts them. */
export function certificateDaysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS)
}

export function healthStatus(facts: HealthFacts): { status: HealthStatus; reasons: HealthReason[] } {
  const holds: Record<HealthReason, boolean> = {
    'settings-invalid': !facts.settings.ok,
    'out-of-service': facts.activity === 'out-of-service',
    'bankid-unreachable': facts.probeFailuresInARow >= PROBE_FAILURES_FOR_DOWN,
    stopped: facts.stopping,
    'bankid-probe-failed': facts.probe !== null && !facts.probe.outcome.ok,
    'certificate-expiring':
      facts.certificateNotAfter !== null &&
      certificateDaysLeft(facts.certificateNotAfter, facts.now) < CERTIFICATE_WARNING_DAYS,
    'errors-last-hour': facts.errors.lastHour > 0,
    'renderer-crashes-last-hour': facts.rendererCrashes.lastHour > 0,
  }
  const reasons = HEALTH_REASONS.filter((reason) => holds[reason])
  const status: HealthStatus = reasons.some((reason) => DOWN_REASONS.has(reason))
    ? 'down'
    : reasons.length > 0
      ? 'degraded'
      : 'ok'
  return { status, reasons }
}

export function healthReport(facts: HealthFacts): HealthReport {
  const { status, reasons } = healthStatus(facts)
  const probe = facts.probe
  const sessions = Object.fromEntries(
    SESSION_OUTCOMES.map((outcome) => [outcome, wholeCount(facts.today.sessions[outcome])]),
  ) as Record<SessionOutcome, number>
  return {
    format: HEALTH_FORMAT,
    status,
    reasons,
    updatedAt: facts.now.toISOString(),
    kiosk: {
      id: facts.kioskId,
      version: facts.version,
      startedAt: facts.startedAt.toISOString(),
      uptimeSeconds: Math.max(0, Math.floor(facts.uptimeSeconds)),
    },
    activity: facts.activity,
    outOfService: facts.activity === 'out-of-service' ? { reference: facts.outOfServiceReference ?? 'unknown' } : null,
    settings: facts.settings.ok
      ? { ok: true, key: null, problem: null }
      : { ok: false, key: facts.settings.key, problem: shorten(facts.settings.problem) },
    bankid: {
      environment: facts.environment,
      endpoint: facts.endpoint,
      certificateDaysLeft:
        facts.certificateNotAfter === null ? null : certificateDaysLeft(facts.certificateNotAfter, facts.now),
      reachable: probe === null ? null : probe.outcome.ok,
      latencyMs: probe === null ? null : Math.round(probe.outcome.latencyMs),
      checkedAt: probe === null ? null : probe.at.toISOString(),
      reference: probe === null || probe.outcome.ok ? null : probe.outcome.reference,
    },
    log: {
      errorsSinceStart: facts.errors.sinceStart,
      errorsLastHour: facts.errors.lastHour,
      warningsSinceStart: facts.warnings.sinceStart,
      warningsLastHour: facts.warnings.lastHour,
    },
    rendererCrashes: { ...facts.rendererCrashes },
    today: { date: facts.today.date, sessions },
    lastSuccessfulLoginAt: facts.lastSuccessfulLoginAt === null ? null : facts.lastSuccessfulLoginAt.toISOString(),
  }
}

/** The kiosk's activity as a snapshot shows it: the welcome screen with nobody at it is idle. */
export function activityOf(snapshot: Pick<Snapshot, 'screen' | 'idleWarning'>): {
  activity: KioskActivity
  reference: string | null
} {
  const screen = snapshot.screen
  if (screen.name === 'out-of-service') return { activity: 'out-of-service', reference: screen.reference }
  if (screen.name === 'welcome' && snapshot.idleWarning === null) return { activity: 'idle', reference: null }
  return { activity: 'in-use', reference: null }
}

const wholeCount = (value: number | undefined): number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0

function shorten(text: string): string {
  return text.length <= MAX_PROBLEM_LENGTH ? text : `${text.slice(0, MAX_PROBLEM_LENGTH - 1)}…`
}
