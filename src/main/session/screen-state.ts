// The session's own screen state, and the Snapshot the renderer sees, built from it. Pure: the
// time is a parameter.
import type { FailureCause, Screen, Snapshot } from '../../shared/contract'
import type { BankIdMessageKey } from '../../shared/bankid-messages'
import type { Language } from '../../shared/languages'
import { maskPersonnummer } from '../../shared/personnummer'
import type { Attempt } from './bankid-order'
import type { SessionSettings } from './session-types'

export type ScreenState =
  | { name: 'welcome' | 'faq' | 'guide' }
  | { name: 'keypad'; fault: Extract<Screen, { name: 'keypad' }>['fault'] }
  | { name: 'starting' }
  | { name: 'waiting' }
  | { name: 'logged-in'; givenName: string; until: number }
  | { name: 'handing-off'; givenName: string }
  | { name: 'handoff-message'; givenName: string; message: string; until: number }
  | { name: 'handoff-view'; url: string }
  | { name: 'failure'; cause: FailureCause; messageKey: BankIdMessageKey | null; reference: string }
  | { name: 'out-of-service'; reference: string; staffMessage: string; retryAt: number | null }

/** Screens on which "Avbryt" means nothing: nothing to cancel, or past the point of cancelling. */
export const NOT_CANCELLABLE: ReadonlySet<ScreenState['name']> = new Set([
  'welcome',
  'out-of-service',
  'logged-in',
  'handing-off',
  'handoff-message',
  'handoff-view',
])

/**
 * Screens without "Are you still there?": they end by themselves (a countdown, the hand-off's
 * bounded POST) or only staff can end them. The locked view is not among them: a parent who walks
 * away from the school's page must not leave it open for the next one.
 */
export const NO_IDLE: ReadonlySet<ScreenState['name']> = new Set(['out-of-service', 'logged-in', 'handing-off', 'handoff-message'])

/** Screens with a one-second countdown of their own: logged in, the service's message, out of service. */
export function hasCountdown(screen: ScreenState): boolean {
  return screen.name === 'logged-in' || screen.name === 'handoff-message' || (screen.name === 'out-of-service' && screen.retryAt !== null)
}

/** What the countdown's second does now: count on, end on welcome, or probe BankID again. */
export function countdownStep(screen: ScreenState, now: number): 'none' | 'tick' | 'welcome' | 'probe' {
  switch (screen.name) {
    case 'logged-in':
    case 'handoff-message':
      return now >= screen.until ? 'welcome' : 'tick'
    case 'out-of-service':
      if (screen.retryAt === null) return 'none'
      return now >= screen.retryAt ? 'probe' : 'tick'
    default:
      return 'none'
  }
}

export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000))
}

export interface SnapshotParts {
  sequence: number
  screen: ScreenState
  attempt: Attempt | null
  warningDeadline: number | null
  language: Language
  lowReach: boolean
  settings: SessionSettings
  now: number
}

export function buildSnapshot(parts: SnapshotParts): Snapshot {
  const { settings, now } = parts
  return {
    sequence: parts.sequence,
    screen: publicScreen(parts.screen, parts.attempt, settings, now),
    idleWarning: parts.warningDeadline === null ? null : { secondsLeft: secondsUntil(parts.warningDeadline, now) },
    language: parts.language,
    languages: settings.languages,
    lowReach: parts.lowReach,
    mode: settings.mode,
    schoolName: settings.schoolName,
    branding: settings.branding,
    banks: settings.banks,
    staff: null,
  }
}

/** What the renderer may see of the screen: the personnummer only masked, times as seconds left. */
export function publicScreen(screen: ScreenState, attempt: Attempt | null, settings: SessionSettings, now: number): Screen {
  const masked = attempt?.personnummer ? maskPersonnummer(attempt.personnummer) : null
  switch (screen.name) {
    case 'welcome':
    case 'faq':
      return { name: screen.name }
    case 'guide':
      return { name: 'guide', installQrSvg: settings.installQrSvg }
    case 'keypad':
      return { name: 'keypad', fault: screen.fault }
    case 'starting':
      return { name: 'starting', maskedPersonnummer: masked }
    case 'waiting': {
      const limit = attempt?.deadline ?? attempt?.windowEndsAt ?? now
      return {
        name: 'waiting',
        qrSvg: attempt?.qrSvg ?? null,
        messageKey: attempt?.messageKey ?? 'bankid.rfa1',
        secondsLeft: secondsUntil(limit, now),
        maskedPersonnummer: masked,
      }
    }
    case 'logged-in':
      return {
        name: 'logged-in',
        givenName: screen.givenName,
        secondsLeft: secondsUntil(screen.until, now),
        secondsTotal: Math.ceil(settings.timing.loggedInMs / 1000),
      }
    case 'handing-off':
      return { name: 'handing-off', givenName: screen.givenName }
    case 'handoff-message':
      return {
        name: 'handoff-message',
        givenName: screen.givenName,
        message: screen.message,
        secondsLeft: secondsUntil(screen.until, now),
      }
    case 'handoff-view':
      return { name: 'handoff-view', url: screen.url }
    case 'failure':
      return { name: 'failure', cause: screen.cause, messageKey: screen.messageKey, reference: screen.reference }
    case 'out-of-service':
      return {
        name: 'out-of-service',
        reference: screen.reference,
        staffMessage: screen.staffMessage,
        secondsToRetry: screen.retryAt === null ? null : secondsUntil(screen.retryAt, now),
      }
  }
}
