// A KioskSession wired to the real simulator over mutual TLS, on a manual clock shared by both.
import { hashOrderRef as hashRef } from '../../src/main/logging/logger'
import type { BankIdClient } from '../../src/main/bankid/client'
import { renderQrSvg } from '../../src/main/bankid/qr'
import type { SessionOutcome } from '../../src/main/counters/outcome-counters'
import type { BankIdPort, SessionSettings, SessionTiming } from '../../src/main/session/kiosk-session'
import { KioskSession } from '../../src/main/session/kiosk-session'
import type { Snapshot } from '../../src/shared/contract'
import { ManualScheduler } from './manual-scheduler'
import { startTestSimulator } from './simulator'
import type { TestSimulator } from './simulator'

export const TEST_TODAY = { year: 2026, month: 11, day: 24 }

export const TEST_TIMING: SessionTiming = {
  collectIntervalMs: 2_000,
  qrRestartWindowMs: 180_000,
  orderTimeoutMs: 180_000,
  idleMs: 60_000,
  waitingIdleMs: 180_000,
  idleWarningMs: 20_000,
  loggedInMs: 8_000,
  outOfServiceRetryMs: 30_000,
  serviceFailuresBeforeOutOfService: 3,
  cancelTimeoutMs: 3_000,
  requestTimeoutMs: 5_000,
}

export function testSettings(overrides: Partial<Omit<SessionSettings, 'timing'>> & { timing?: Partial<SessionTiming> } = {}): SessionSettings {
  const { timing, ...rest } = overrides
  return {
    mode: 'personnummer',
    languages: ['sv', 'en', 'ar', 'so', 'fi'],
    defaultLanguage: 'sv',
    schoolName: 'Testskolan',
    endUserIp: '127.0.0.1',
    intentText: 'Inloggning på Testskolan',
    branding: { primaryColor: '#1f3a5f', accentColor: '#ffd200' },
    banks: ['Testbanken'],
    installQrSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>',
    timing: { ...TEST_TIMING, ...timing },
    ...rest,
  }
}

export interface LogEntry {
  level: string
  event: string
  fields?: Record<string, unknown> | undefined
}

export interface SessionHarness {
  scheduler: ManualScheduler
  env: TestSimulator
  client: BankIdClient
  session: KioskSession
  snapshots: Snapshot[]
  logs: LogEntry[]
  outcomes: SessionOutcome[]
  latest(): Snapshot
  /** Moves the clock in small steps, letting every request the session makes finish on the way. */
  step(ms: number, by?: number): Promise<void>
  newSession(settings?: SessionSettings, bankId?: BankIdPort): KioskSession
  close(): Promise<void>
}

export async function startSessionHarness(settings: SessionSettings = testSettings()): Promise<SessionHarness> {
  const scheduler = new ManualScheduler()
  const env = await startTestSimulator({ clock: scheduler })
  const client = env.client({ clock: scheduler })
  const harness: SessionHarness = {
    scheduler,
    env,
    client,
    session: undefined as unknown as KioskSession,
    snapshots: [],
    logs: [],
    outcomes: [],
    latest() {
      const last = harness.snapshots.at(-1)
      if (!last) throw new Error('no snapshot yet')
      return last
    },
    async step(ms, by = 100) {
      await harness.session.whenIdle()
      for (let done = 0; done < ms; done += by) {
        scheduler.advance(Math.min(by, ms - done))
        await harness.session.whenIdle()
      }
    },
    newSession(sessionSettings = settings, bankId = client) {
      // The previous session stops at once (its timers and listeners go); its cancel runs on.
      void harness.session?.dispose()
      harness.snapshots.length = 0
      const session = new KioskSession({
        bankId,
        scheduler,
        renderQr: renderQrSvg,
        settings: sessionSettings,
        events: {
          log: (level, event, fields) => harness.logs.push({ level, event, fields }),
          outcome: (outcome) => harness.outcomes.push(outcome),
        },
        today: () => TEST_TODAY,
        hashOrderRef: hashRef,
      })
      session.subscribe((snapshot) => harness.snapshots.push(snapshot))
      harness.session = session
      return session
    },
    async close() {
      await harness.session.dispose()
      await env.close()
    },
  }
  harness.newSession()
  return harness
}
