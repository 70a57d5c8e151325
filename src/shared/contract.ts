// The contract between the main process (which owns the session) and the renderer (which shows
// it): the state snapshot main sends, and the intents the renderer may send back. Main validates
// every intent with these schemas before acting on it; the renderer imports only the types.
import { z } from 'zod'
import type { BankIdMessageKey } from './bankid-messages'
import type { Language } from './languages'
import { LANGUAGES } from './languages'

/** Why a login did not succeed; one failure screen each (product.md §2.5). */
export const FAILURE_CAUSES = [
  /** expiredTransaction, or our own time limit ran out. */
  'timeout',
  /** userCancel: the parent pressed cancel in the app. */
  'cancelled-in-app',
  /** cancelled: BankID received a newer order for the same person. */
  'cancelled-new-order',
  /** certificateErr: BankID blocked or the security code locked. */
  'blocked',
  /** alreadyInProgress: an order for this personnummer is already running. */
  'already-in-progress',
  /** startFailed after the restart window: the QR was never scanned. */
  'scan-failed',
  /** notSupportedByUserApp: the BankID app is too old. */
  'app-too-old',
  /** transactionRiskBlocked: BankID's risk check stopped it. */
  'risk-blocked',
  /** BankID answered 500, 503 (after retries) or 408. */
  'bankid-unavailable',
  /** No connection to BankID, or no answer in time. */
  'network',
  /** The TLS connection to BankID failed: certificate problems on either side. */
  'tls',
  /** BankID said complete, but the school's service did not take the login: ask the reception. */
  'handoff-failed',
  /** Anything else: unknown codes, nonsense answers, our own mistakes. Never shown raw. */
  'unknown',
] as const
export type FailureCause = (typeof FAILURE_CAUSES)[number]

/** Why a personnummer was refused; the keypad says which digits to check. */
export type PersonnummerFault = 'format' | 'length' | 'date' | 'check-digit' | 'future-date'

export type FlowMode = 'personnummer' | 'qr'

/** The screen under any overlay. */
export type Screen =
  | { name: 'welcome' }
  | { name: 'keypad'; fault: PersonnummerFault | null }
  | { name: 'starting'; maskedPersonnummer: string | null }
  | {
      name: 'waiting'
      /** The current QR frame as an SVG document; null once the app has picked the order up. */
      qrSvg: string | null
      messageKey: BankIdMessageKey
      /** Whole seconds until the kiosk gives up on this login. */
      secondsLeft: number
      /** ÅÅÅÅMMDD-•••• in personnummer mode, null in QR mode. */
      maskedPersonnummer: string | null
    }
  /** secondsTotal: the whole time the screen stays, for the bar that shows how much is left. */
  | { name: 'logged-in'; givenName: string; secondsLeft: number; secondsTotal: number }
  /** BankID said complete; the school's service is being told (product.md §5). */
  | { name: 'handing-off'; givenName: string }
  /** The school's service answered with a message for the parent, shown until "Klar" or secondsLeft runs out. */
  | { name: 'handoff-message'; givenName: string; message: string; secondsLeft: number }
  /** The school's service answered with a page: shown in a locked view with a permanent "Logga ut". */
  | { name: 'handoff-view'; url: string }
  | { name: 'failure'; cause: FailureCause; messageKey: BankIdMessageKey | null; reference: string }
  | { name: 'faq' }
  /** "Get Mobilt BankID": installQrSvg opens BankID's install page on the parent's phone. */
  | { name: 'guide'; installQrSvg: string }
  /** secondsToRetry: 0 while retrying; null when only staff can help (e.g. invalid settings). */
  | { name: 'out-of-service'; reference: string; staffMessage: string; secondsToRetry: number | null }

export type ScreenName = Screen['name']

export interface Snapshot {
  /** Increases with every snapshot, so a renderer can drop one that arrives late. */
  sequence: number
  screen: Screen
  /** "Are you still there?" over the screen, with the seconds before the kiosk resets. */
  idleWarning: { secondsLeft: number } | null
  language: Language
  languages: readonly Language[]
  /** "Low reach": every control in the lower half of the screen, for wheelchair users. */
  lowReach: boolean
  mode: FlowMode
  schoolName: string
  /** The school's colours, #rrggbb. */
  branding: { primaryColor: string; accentColor: string }
  /** The banks the guide names, from the settings. */
  banks: readonly string[]
  /** The staff screen over everything else, or null (product.md §2.10). */
  staff: StaffView | null
}

/** Why a staff PIN was refused: wrong, or too many wrong ones (locked for lockedSeconds). */
export type StaffPinFault = 'wrong' | 'locked'

export type StaffView =
  /** lockedSeconds > 0 only while locked; attemptsLeft: wrong PINs still allowed before the lock. */
  | { stage: 'pin'; fault: StaffPinFault | null; lockedSeconds: number; attemptsLeft: number }
  | { stage: 'open'; info: StaffInfo; connectivity: ConnectivityResult | null; canExit: boolean }

/** What staff see: nothing about any parent. */
export interface StaffInfo {
  version: string
  settingsPath: string
  /** The settings' one-sentence problem when the kiosk is out of service because of them. */
  settingsProblem: string | null
  /** The BankID the kiosk uses; null when the settings are invalid. "custom": a gateway (product.md §9). */
  environment: 'simulator' | 'test' | 'production' | 'custom' | null
  /** The host (and port) of the RP API in use, never a path; null when there is none. */
  endpoint: string | null
  /** The RP certificate (the simulator's own in simulator mode); notAfter is ISO 8601. */
  certificate: { subject: string; notAfter: string; daysLeft: number } | null
  uptimeSeconds: number
  /** Newest first: when, which event, and the reference code if any. */
  recentErrors: readonly { at: string; level: 'warn' | 'error'; event: string; reference: string | null }[]
  /** Today's logins per outcome. */
  counters: Readonly<Record<string, number>>
  handoff: 'off' | 'hmac' | 'mtls' | 'gateway'
}

export type ConnectivityResult =
  | { state: 'running' }
  | { state: 'ok'; latencyMs: number }
  | { state: 'failed'; reference: string; message: string }

const personnummerInput = z.string().max(32)

export const intentSchema = z.discriminatedUnion('type', [
  /** Welcome's primary action: the keypad in personnummer mode, straight to the QR in QR mode. */
  z.strictObject({ type: z.literal('begin') }),
  /** "Nästa" on the keypad (with the number), or a start in QR mode (without). */
  z.strictObject({ type: z.literal('start'), personnummer: personnummerInput.optional() }),
  z.strictObject({ type: z.literal('cancel') }),
  z.strictObject({ type: z.literal('still-here') }),
  z.strictObject({ type: z.literal('set-language'), language: z.enum(LANGUAGES) }),
  z.strictObject({ type: z.literal('set-low-reach'), on: z.boolean() }),
  z.strictObject({ type: z.literal('open-faq') }),
  z.strictObject({ type: z.literal('open-guide') }),
  /** Back to the welcome screen from FAQ, guide or keypad. */
  z.strictObject({ type: z.literal('back') }),
  /** "Försök igen" on a failure screen. */
  z.strictObject({ type: z.literal('retry') }),
  /** "Klar" on the logged-in screen. */
  z.strictObject({ type: z.literal('done') }),
  /** The parent touched the screen: resets the idle timer. */
  z.strictObject({ type: z.literal('activity') }),
  /** "Logga ut" in the hand-off view: wipe it and go back to welcome. */
  z.strictObject({ type: z.literal('logout') }),
  /** The hidden staff gesture was completed: ask for the PIN. */
  z.strictObject({ type: z.literal('staff-open') }),
  z.strictObject({ type: z.literal('staff-pin'), pin: z.string().regex(/^[0-9]{4,12}$/) }),
  z.strictObject({ type: z.literal('staff-test-connection') }),
  /** Leave the kiosk (only if the settings allow it). */
  z.strictObject({ type: z.literal('staff-exit') }),
  z.strictObject({ type: z.literal('staff-close') }),
])
export type Intent = z.infer<typeof intentSchema>

/** Largest intent message accepted from a renderer, in bytes of JSON. */
export const MAX_INTENT_BYTES = 1_024

/** What the renderer sees as `window.kiosk`, from the preload in Electron or the bridge in a browser. */
export interface KioskApi {
  /** Calls back with every new snapshot (and the current one at once); returns an unsubscribe. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void
  send(intent: Intent): void
}
