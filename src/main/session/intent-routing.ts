// Which intent means what on which screen. Pure: the session asks, then does what it is told.
// Anything not listed is ignored (and logged at debug), because a renderer that sends an intent the
// screen does not offer is either late (a double tap) or not the kiosk's own.
import type { Intent } from '../../shared/contract'
import type { Language } from '../../shared/languages'
import type { ScreenState } from './screen-state'
import { NOT_CANCELLABLE } from './screen-state'

export type ScreenName = ScreenState['name']

export type SessionAction =
  | { kind: 'ignore' }
  /** Touch only: the idle period restarts and a fresh snapshot goes out. */
  | { kind: 'refresh' }
  | { kind: 'set-language'; language: Language }
  | { kind: 'set-low-reach'; on: boolean }
  | { kind: 'show'; screen: ScreenState }
  /** A new login: with the typed number (checked again by the session) or QR only. */
  | { kind: 'start'; typed: string | undefined }
  | { kind: 'start-qr' }
  /** "Försök igen" with the number the parent typed for the attempt that just failed. */
  | { kind: 'start-again' }
  | { kind: 'cancel' }
  | { kind: 'welcome'; logout: boolean }

export interface RoutingContext {
  screen: ScreenName
  mode: 'qr' | 'personnummer'
  languages: readonly Language[]
  /** Main still holds the number of the attempt on the failure screen. */
  retryNumber: boolean
}

const HELP_FROM: ReadonlySet<ScreenName> = new Set(['welcome', 'keypad', 'failure', 'faq', 'guide'])
const BACK_FROM: ReadonlySet<ScreenName> = new Set(['keypad', 'faq', 'guide'])
const IGNORE: SessionAction = { kind: 'ignore' }

export function routeIntent(intent: Intent, { screen, mode, languages, retryNumber }: RoutingContext): SessionAction {
  const qr = mode === 'qr'
  switch (intent.type) {
    case 'activity':
    case 'still-here':
      return { kind: 'refresh' }
    case 'set-language':
      return languages.includes(intent.language) ? { kind: 'set-language', language: intent.language } : { kind: 'refresh' }
    case 'set-low-reach':
      return { kind: 'set-low-reach', on: intent.on }
    case 'begin':
      if (screen !== 'welcome') return IGNORE
      return qr ? { kind: 'start-qr' } : { kind: 'show', screen: { name: 'keypad', fault: null } }
    case 'start':
      if (qr) return screen === 'welcome' || screen === 'failure' ? { kind: 'start-qr' } : IGNORE
      return screen === 'keypad' ? { kind: 'start', typed: intent.personnummer } : IGNORE
    case 'cancel':
      return NOT_CANCELLABLE.has(screen) ? IGNORE : { kind: 'cancel' }
    case 'open-faq':
    case 'open-guide':
      if (!HELP_FROM.has(screen)) return IGNORE
      return { kind: 'show', screen: { name: intent.type === 'open-faq' ? 'faq' : 'guide' } }
    case 'back':
      return BACK_FROM.has(screen) ? { kind: 'show', screen: { name: 'welcome' } } : IGNORE
    case 'retry':
      if (screen !== 'failure') return IGNORE
      if (qr) return { kind: 'start-qr' }
      return retryNumber ? { kind: 'start-again' } : { kind: 'show', screen: { name: 'keypad', fault: null } }
    case 'done':
      return screen === 'logged-in' || screen === 'handoff-message' ? { kind: 'welcome', logout: false } : IGNORE
    case 'logout':
      return screen === 'handoff-view' ? { kind: 'welcome', logout: true } : IGNORE
    default:
      // Intents for the staff screen are the staff desk's, around the session.
      return IGNORE
  }
}
