// Puts the staff desk in front of the runtime's session: what the staff screen shows, the BankID
// connectivity test, and the staff settings, even when the rest of the settings file is invalid
// (the staff screen is most useful exactly then). The PIN lockout is kept in the data folder
// (lockout-store.ts), so restarting the kiosk does not reset it.
import { X509Certificate } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import type { BankIdClient } from '../bankid/client'
import { probeBankId } from '../bankid/probe'
import type { Clock } from '../clock'
import type { OutcomeCounters } from '../counters/outcome-counters'
import type { KioskLogger } from '../logging/logger'
import type { Scheduler } from '../scheduler'
import { referenceFor } from '../session/kiosk-session'
import type { SessionPort } from '../session/unavailable-session'
import type { SettingsResult } from '../load-settings'
import type { KioskSettings } from '../settings/schema'
import { settingsSchema } from '../settings/schema'
import type { ConnectivityResult } from '../../shared/contract'
import type { CertificateSummary } from './info'
import { collectStaffInfo } from './info'
import { openLockoutStore } from './lockout-store'
import type { RecentErrors } from './recent-errors'
import { StaffDesk } from './staff-desk'

export type StaffSettings = KioskSettings['staff']

export interface StaffWiring {
  session: SessionPort
  scheduler: Scheduler
  settings: SettingsResult
  /** The staff section: from the settings, or read on its own when the settings are invalid. */
  staff: StaffSettings
  version: string
  /** The kiosk's data folder: the PIN lockout is kept there (staff-lockout.json). */
  dataDir: string
  /** The wall clock: the stored lockout's times are written in it. */
  now: () => Date
  logger: KioskLogger
  recentErrors: RecentErrors
  counters: OutcomeCounters | null
  certificate: CertificateSummary | null
  /** The host of the RP API in use (BankID's, the simulator's or a gateway's); null when there is none. */
  endpoint?: string | null
  /** The BankID client for the connectivity test; null when there is none (invalid settings). */
  bankId: Pick<BankIdClient, 'collect'> | null
  requestTimeoutMs: number
  /** Measures the test's latency in real time. */
  latencyClock: Clock
  exit?: (() => void) | undefined
}

export function withStaffDesk(wiring: StaffWiring): StaffDesk {
  const startedAt = wiring.scheduler.now()
  const { bankId } = wiring
  return new StaffDesk({
    session: wiring.session,
    scheduler: wiring.scheduler,
    pinHash: wiring.staff.pinHash,
    allowExit: wiring.staff.allowExit,
    exit: wiring.exit,
    lockoutStore: openLockoutStore(wiring.dataDir),
    wallNow: () => wiring.now().getTime(),
    log: (level, event, fields) => wiring.logger[level](event, fields),
    info: () =>
      collectStaffInfo({
        version: wiring.version,
        settings: wiring.settings,
        certificate: wiring.certificate,
        endpoint: wiring.endpoint ?? null,
        clock: wiring.scheduler,
        startedAt,
        now: wiring.now,
        recentErrors: wiring.recentErrors,
        counters: wiring.counters,
      }),
    testConnection: async (): Promise<Exclude<ConnectivityResult, { state: 'running' }>> => {
      if (!bankId) return { state: 'failed', reference: 'S-SETTINGS', message: 'the settings are invalid: no BankID connection' }
      const probe = await probeBankId(bankId, { clock: wiring.latencyClock, timeoutMs: wiring.requestTimeoutMs })
      if (probe.reachable) return { state: 'ok', latencyMs: probe.latencyMs }
      return {
        state: 'failed',
        reference: probe.failure ? referenceFor(probe.failure) : 'P-UNEXPECTED',
        message: probe.description,
      }
    },
  })
}

/** Subject (one line, most specific last as in the settings messages) and expiry of a PEM certificate. */
export function certificateSummary(pem: string | Buffer): CertificateSummary | null {
  try {
    const certificate = new X509Certificate(pem)
    return { subject: certificate.subject.split('\n').join(', '), notAfter: new Date(certificate.validTo) }
  } catch {
    return null
  }
}

const NO_STAFF: StaffSettings = { allowExit: false }

/**
 * The staff section of a settings file that is invalid elsewhere: if the file is JSON and its
 * `staff` section is valid on its own, staff can still open the staff screen and read what is
 * wrong. Anything less, and the staff screen stays closed.
 */
export async function readStaffSettings(file: string): Promise<StaffSettings> {
  try {
    if (file === '' || (await stat(file)).size > 1024 * 1024) return NO_STAFF
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '')
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null || !('staff' in value)) return NO_STAFF
    const parsed = settingsSchema.shape.staff.safeParse((value as { staff: unknown }).staff)
    return parsed.success ? parsed.data : NO_STAFF
  } catch {
    return NO_STAFF
  }
}
