// What a KioskSession is given: its BankID and hand-off ports, the clock, the settings, and where
// its log lines and outcomes go. Nothing here knows Electron.
import type { BankIdClient } from '../bankid/client'
import type { SessionOutcome } from '../counters/outcome-counters'
import type { HandoffCompletion, HandoffResult } from '../handoff/client'
import type { Scheduler } from '../scheduler'
import type { FlowMode } from '../../shared/contract'
import type { Language } from '../../shared/languages'
import type { CalendarDate } from '../../shared/personnummer'

export type BankIdPort = Pick<BankIdClient, 'auth' | 'collect' | 'cancel'>

export interface SessionTiming {
  collectIntervalMs: number
  qrRestartWindowMs: number
  orderTimeoutMs: number
  idleMs: number
  waitingIdleMs: number
  idleWarningMs: number
  loggedInMs: number
  outOfServiceRetryMs: number
  serviceFailuresBeforeOutOfService: number
  /** How long a best-effort cancel may take before we stop waiting for it. */
  cancelTimeoutMs: number
  requestTimeoutMs: number
}

export interface SessionSettings {
  mode: FlowMode
  languages: readonly Language[]
  defaultLanguage: Language
  schoolName: string
  endUserIp: string
  /** Shown in the BankID app, so the parent sees what they are identifying for. */
  intentText: string
  certificatePolicies?: string[]
  branding: { primaryColor: string; accentColor: string }
  banks: readonly string[]
  /** The QR on the guide screen that opens BankID's install page (rendered once at start). */
  installQrSvg: string
  timing: SessionTiming
}

export type LogLevel = 'info' | 'warn' | 'error' | 'debug'
export type Log = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void

export interface SessionEvents {
  log: Log
  outcome(outcome: SessionOutcome): void
}

/** The school's service (product.md §5): given the completion, it answers with a message, a page or a failure. */
export interface HandoffPort {
  deliver(completion: HandoffCompletion, options: { signal: AbortSignal }): Promise<HandoffResult>
  /** How long a message from the service stays up (handoff.messageSeconds). */
  readonly messageMs: number
}

export interface SessionDependencies {
  bankId: BankIdPort
  /** Absent: no hand-off, the kiosk is a check-in point. */
  handoff?: HandoffPort
  scheduler: Scheduler
  renderQr: (payload: string) => Promise<string>
  settings: SessionSettings
  events: SessionEvents
  today: () => CalendarDate
  hashOrderRef: (orderRef: string) => string
}

/** Keeps a promise in the session's set of work under way (whenIdle waits for it). */
export type Track = <T>(promise: Promise<T>) => Promise<T>
