// What the staff screen shows about the kiosk, gathered from the runtime's parts. Every value here
// is about the kiosk, never about a parent: the version, the settings, the certificate, how long it
// has run, the recent warnings (event names and codes only, see recent-errors.ts), and today's
// counts of sessions per outcome.
import type { Clock } from '../clock'
import type { OutcomeCounters } from '../counters/outcome-counters'
import { dayKey } from '../counters/outcome-counters'
import type { SettingsResult } from '../load-settings'
import type { KioskSettings } from '../settings/schema'
import type { StaffInfo } from '../../shared/contract'
import type { RecentErrors } from './recent-errors'

const DAY_MS = 24 * 60 * 60 * 1000

export interface CertificateSummary {
  subject: string
  notAfter: Date
}

export interface StaffInfoSources {
  version: string
  settings: SettingsResult
  /** The RP certificate in use (the simulator's own in simulator mode), or null if none. */
  certificate: CertificateSummary | null
  /** The RP API's host (never its path); null when there is none. */
  endpoint: string | null
  /** Monotonic: uptime is measured from `startedAt` on this clock. */
  clock: Clock
  startedAt: number
  now: () => Date
  recentErrors: RecentErrors
  counters: OutcomeCounters | null
}

export function collectStaffInfo(sources: StaffInfoSources): StaffInfo {
  const now = sources.now()
  const { settings } = sources
  const certificate = sources.certificate
  return {
    version: sources.version,
    settingsPath: settings.path,
    settingsProblem: settings.ok ? null : settings.problem,
    environment: settings.ok ? settings.settings.bankid.environment : null,
    endpoint: sources.endpoint,
    certificate: certificate
      ? {
          subject: certificate.subject,
          notAfter: certificate.notAfter.toISOString(),
          daysLeft: Math.floor((certificate.notAfter.getTime() - now.getTime()) / DAY_MS),
        }
      : null,
    uptimeSeconds: Math.max(0, Math.floor((sources.clock.now() - sources.startedAt) / 1000)),
    recentErrors: sources.recentErrors.list(),
    counters: todaysCounts(sources.counters, now),
    handoff: settings.ok ? handoffMode(settings.settings) : 'off',
  }
}

/** Only the outcomes that happened today, in the counters' own order. */
function todaysCounts(counters: OutcomeCounters | null, now: Date): Record<string, number> {
  if (!counters) return {}
  try {
    return Object.fromEntries(Object.entries(counters.day(dayKey(now))).filter(([, count]) => count > 0))
  } catch {
    return {}
  }
}

/** How completed logins are passed on to the school's service (product.md §5): off, HMAC-signed, or mutual TLS. */
export function handoffMode(settings: KioskSettings): StaffInfo['handoff'] {
  return settings.handoff.enabled ? settings.handoff.auth : 'off'
}
