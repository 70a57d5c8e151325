// Many full sessions, one after another, with a seeded mix of every way a login can end: the soak
// tests and the soak/memory benchmarks drive the session engine (or the browser) with this.
//
// The plan (planMix) says, for session i, which path it takes and who the parent is: a fresh,
// Luhn-valid personnummer and a fresh name that no other session of the run uses, registered with
// the simulator (people.upsert) so that BankID "returns" exactly that name. runSessionMix plays
// the plan on a session engine on a ManualScheduler — minutes of BankID time in milliseconds —
// checking every screen on the way, and returns what it used (every personnummer and name, for
// the privacy audit) and how many sessions ended in each outcome (what the counters must say).
//
// Nothing here reaches into the engine: the parent's side is intents (what the renderer sends),
// the phone's side is the simulator (scan, security code, cancel in the app), time is the clock.
// A type-only import: erased, so vitest never loads Playwright through this file.
import type { CDPSession, Page } from '@playwright/test'
import type { SessionOutcome } from '../../src/main/counters/outcome-counters'
import type { SessionTiming } from '../../src/main/session/kiosk-session'
import type { SessionPort } from '../../src/main/session/unavailable-session'
import type { RunningSimulator } from '../../src/main/simulator/simulator'
import type { Intent, PersonnummerFault, Screen } from '../../src/shared/contract'
import type { ManualScheduler } from './manual-scheduler'
import { decodeQrSvg } from './qr-decode'

// ---- the mix -------------------------------------------------------------------------------

/** The paths a session can take. Each names what the parent (or BankID) does. */
export const MIX_KINDS = [
  'success',
  'cancel-keypad',
  'cancel-qr',
  'cancel-after-pickup',
  'cancelled-in-app',
  'blocked',
  'timeout',
  'scan-failed',
  'already-in-progress',
  'new-order-elsewhere',
  'failed-hint',
  'bankid-fault',
  'idle-keypad',
  'idle-waiting',
  'wrong-personnummer',
] as const
export type MixKind = (typeof MIX_KINDS)[number]

/** How often each path comes up, relative to the others: most parents simply log in. */
export const DEFAULT_WEIGHTS: Readonly<Record<MixKind, number>> = {
  success: 4,
  'cancel-keypad': 1,
  'cancel-qr': 1,
  'cancel-after-pickup': 1,
  'cancelled-in-app': 1,
  blocked: 1,
  timeout: 1,
  'scan-failed': 1,
  'already-in-progress': 1,
  'new-order-elsewhere': 1,
  'failed-hint': 1,
  'bankid-fault': 1,
  'idle-keypad': 1,
  'idle-waiting': 1,
  'wrong-personnummer': 1,
}

/** Variants within a path, picked by the same seeded generator. */
export const VARIANTS: Readonly<Record<MixKind, readonly string[]>> = {
  // how the number is typed; how the logged-in screen is left
  success: ['12 digits, Klar', 'YYYYMMDD-NNNN, Klar', '10 digits, Klar', 'YYMMDD-NNNN, screen times out'],
  'cancel-keypad': ['Avbryt at once', 'FAQ, back, then Avbryt'],
  'cancel-qr': ['Avbryt on the QR'],
  'cancel-after-pickup': ['Avbryt after the app opened the order'],
  'cancelled-in-app': ['then Till början', 'then Försök igen (same number, a new QR) and Avbryt'],
  blocked: ['four wrong codes'],
  timeout: ['BankID: expiredTransaction', 'our own limit (T-LIMIT)'],
  'scan-failed': [
    'startFailed restarts until the window ends; nobody answers its question',
    'same; the parent answers every question, then presses Till början',
  ],
  'already-in-progress': ['an order for this number elsewhere'],
  'new-order-elsewhere': ['a newer order for this number elsewhere'],
  'failed-hint': ['notSupportedByUserApp', 'transactionRiskBlocked', 'an unknown hint code'],
  'bankid-fault': ['500 on /auth', '503 on /auth, recovered by a silent retry', '503 on /auth until the retries give up', '500 on /collect', 'connection dropped on /collect'],
  'idle-keypad': ['walked away', '"Jag är kvar" once, then walked away'],
  'idle-waiting': ['walked away from the QR', 'walked away after the app opened the order'],
  'wrong-personnummer': ['wrong check digit, then Avbryt', 'no such date, corrected, logged in', 'too short, then walked away', 'not born yet, corrected, Avbryt on the QR'],
}

/** A fresh parent: the personnummer they type and the name their BankID carries. */
export interface MixPerson {
  personalNumber: string
  givenName: string
  surname: string
  securityCode: string
}

export interface MixSession {
  index: number
  kind: MixKind
  variant: string
  person: MixPerson
  /** A mistyped number (wrong-personnummer only): it must not be stored anywhere either. */
  typo: string | null
}

export interface MixPlanOptions {
  sessions: number
  seed?: number
  /** Index of the first session: a second run with the same seed and a later start uses new people. */
  start?: number
  weights?: Partial<Record<MixKind, number>>
  /** Leave out variants (e.g. the 503 give-up, which waits for real seconds with the default retry policy). */
  skipVariants?: readonly string[]
}

/** xorshift32 on top of a splitmix-style scramble: reproducible from (seed, index), nothing stored. */
function randomFor(seed: number, index: number, salt: number): () => number {
  let state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35) ^ Math.imul(salt, 0x27d4eb2f)) >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 0x1_0000_0000
  }
}

export function luhnDigit(nineDigits: string): number {
  let sum = 0
  for (let i = 0; i < nineDigits.length; i++) {
    const product = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1)
    sum += product > 9 ? product - 9 : product
  }
  return (10 - (sum % 10)) % 10
}

const pad = (value: number, width: number) => String(value).padStart(width, '0')

// Every (date, serial) pair of adults born 1950–1999 on days 1–28: 16 800 dates × 1 000 serials.
// Session i gets pair number (offset + i × STRIDE) mod SPACE, a bijection (STRIDE is coprime with
// SPACE), so numbers never repeat within a run and nothing needs remembering.
const DATES = 50 * 12 * 28
const SPACE = DATES * 1000
const STRIDE = 7_368_787
/** The simulator's built-in people and the numbers other tests use (born 1990-01-01). */
const RESERVED_DATE = '19900101'

function personnummerFor(seed: number, index: number): string {
  for (let attempt = 0; ; attempt++) {
    const k = (((seed >>> 0) % SPACE) + (index + attempt * 9_999_991) * STRIDE) % SPACE
    const dateIndex = k % DATES
    const serial = Math.floor(k / DATES)
    const year = 1950 + Math.floor(dateIndex / 336)
    const month = 1 + Math.floor((dateIndex % 336) / 28)
    const day = 1 + (dateIndex % 28)
    const date = `${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}`
    if (date === RESERVED_DATE) continue
    const nine = `${date.slice(2)}${pad(serial, 3)}`
    return `${date.slice(0, 2)}${nine}${luhnDigit(nine)}`
  }
}

// Names made of syllables: 24⁴ given names, each used once per run (same bijection trick), with
// Swedish letters in some, so that both UTF-8 and Latin-1 are exercised by the search.
const SYLLABLES = ['ba', 'de', 'fi', 'go', 'ku', 'la', 'me', 'ni', 'po', 'ru', 'sa', 'te', 'vi', 'zo', 'ha', 'je', 'ly', 'mö', 'nå', 'rä', 'to', 'wi', 'ke', 'su']
const SURNAME_ENDINGS = ['sson', 'qvist', 'ström', 'berg', 'lund', 'dottir', 'oğlu', 'nen']
const NAME_SPACE = SYLLABLES.length ** 4
const NAME_STRIDE = 104_729

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

function nameFor(seed: number, index: number): { givenName: string; surname: string } {
  const m = ((((seed >>> 0) * 31) % NAME_SPACE) + index * NAME_STRIDE) % NAME_SPACE
  const s = SYLLABLES.length
  const given = [m % s, Math.floor(m / s) % s, Math.floor(m / s ** 2) % s, Math.floor(m / s ** 3) % s]
  const random = randomFor(seed, index, 7)
  const surname = [0, 1, 2].map(() => SYLLABLES[Math.floor(random() * s)]!).join('')
  return {
    givenName: capital(given.map((i) => SYLLABLES[i]!).join('')),
    surname: capital(surname) + SURNAME_ENDINGS[Math.floor(random() * SURNAME_ENDINGS.length)]!,
  }
}

export function mixPerson(seed: number, index: number): MixPerson {
  const random = randomFor(seed, index, 3)
  return {
    personalNumber: personnummerFor(seed, index),
    ...nameFor(seed, index),
    securityCode: pad(Math.floor(random() * 1_000_000), 6),
  }
}

/** Session `index` of the plan: its path, variant and parent, from the seed alone. */
export function mixSession(index: number, options: Omit<MixPlanOptions, 'sessions' | 'start'> = {}): MixSession {
  const seed = options.seed ?? 1
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights }
  const kinds = MIX_KINDS.filter((kind) => (weights[kind] ?? 0) > 0)
  if (kinds.length === 0) throw new Error('the mix has no paths with a weight above zero')
  const total = kinds.reduce((sum, kind) => sum + weights[kind], 0)
  const random = randomFor(seed, index, 1)
  let pick = random() * total
  let kind = kinds[kinds.length - 1]!
  for (const candidate of kinds) {
    pick -= weights[candidate]
    if (pick < 0) {
      kind = candidate
      break
    }
  }
  const variants = VARIANTS[kind].filter((variant) => !options.skipVariants?.includes(variant))
  const variant = variants.length ? variants[Math.floor(random() * variants.length)]! : VARIANTS[kind][0]!
  const person = mixPerson(seed, index)
  return { index, kind, variant, person, typo: kind === 'wrong-personnummer' ? typoFor(person.personalNumber, variant) : null }
}

export function planMix(options: MixPlanOptions): MixSession[] {
  const start = options.start ?? 0
  return Array.from({ length: options.sessions }, (_, i) => mixSession(start + i, options))
}

/** What the parent mistypes, per wrong-personnummer variant (each fails one check in main). */
function typoFor(personalNumber: string, variant: string): string {
  if (variant.startsWith('wrong check digit')) return `${personalNumber.slice(0, 11)}${(Number(personalNumber[11]) + 1) % 10}`
  if (variant.startsWith('no such date')) return `${personalNumber.slice(0, 4)}13${personalNumber.slice(6)}`
  if (variant.startsWith('too short')) return personalNumber.slice(0, 11)
  // Born in 2099: fails only because that date has not come yet.
  const nine = `991231${personalNumber.slice(8, 11)}`
  return `20${nine}${luhnDigit(nine)}`
}

/** Every outcome the counters must record for a session, in order. */
export function expectedOutcomes(session: MixSession): SessionOutcome[] {
  const first = expectedOutcome(session)
  // "Försök igen" starts a new order with the same number: Avbryt on its QR counts on its own.
  const retried = (session.kind === 'cancelled-in-app' && session.variant.includes('Försök igen')) || session.kind === 'new-order-elsewhere'
  return [...(first ? [first] : []), ...(retried ? (['cancelled'] as const) : [])]
}

/** The outcome the counters must record for a session's first attempt (null: nothing to count). */
export function expectedOutcome(session: MixSession): SessionOutcome | null {
  switch (session.kind) {
    case 'success':
      return 'success'
    case 'cancel-keypad':
    case 'idle-keypad':
      return null
    case 'cancel-qr':
    case 'cancel-after-pickup':
      return 'cancelled'
    case 'cancelled-in-app':
      return 'cancelled-in-app'
    case 'blocked':
      return 'blocked'
    case 'timeout':
      return 'timeout'
    case 'scan-failed':
      // Asked before the QR's time is up: only a parent who answers sees the failure.
      return session.variant.includes('Till början') ? 'scan-failed' : 'abandoned'
    case 'already-in-progress':
      return 'already-in-progress'
    case 'new-order-elsewhere':
      return 'cancelled-new-order'
    case 'failed-hint':
      return session.variant === 'notSupportedByUserApp' ? 'app-too-old' : session.variant === 'transactionRiskBlocked' ? 'risk-blocked' : 'unknown'
    case 'bankid-fault':
      if (session.variant.startsWith('503 on /auth, recovered')) return 'success'
      return session.variant.startsWith('connection dropped') ? 'network' : 'bankid-unavailable'
    case 'idle-waiting':
      return 'abandoned'
    case 'wrong-personnummer':
      if (session.variant.includes('logged in')) return 'success'
      return session.variant.includes('Avbryt on the QR') ? 'cancelled' : null
  }
}

// ---- what must never be written ------------------------------------------------------------

/** Every way a personnummer could show up: 12 and 10 digits, with and without the separator. */
export function personnummerForms(personalNumber: string): string[] {
  const p = personalNumber
  if (p.length !== 12) return [p]
  return [p, p.slice(2), `${p.slice(0, 8)}-${p.slice(8)}`, `${p.slice(2, 8)}-${p.slice(8)}`, Buffer.from(p).toString('base64')]
}

/** Every way a name could show up: given, surname, full, and the full name in Base64 and URL encoding. */
export function nameForms(person: Pick<MixPerson, 'givenName' | 'surname'>): string[] {
  const full = `${person.givenName} ${person.surname}`
  return [...new Set([person.givenName, person.surname, full, Buffer.from(full).toString('base64'), encodeURIComponent(full)])]
}

export interface Secrets {
  personnummer: string[]
  names: string[]
  /** Each secret with the session it belongs to, for a readable failure. */
  owner: Map<string, number>
}

export function secretsOf(sessions: readonly MixSession[]): Secrets {
  const personnummer: string[] = []
  const names: string[] = []
  const owner = new Map<string, number>()
  for (const session of sessions) {
    const numbers = [...personnummerForms(session.person.personalNumber), ...(session.typo ? [session.typo] : [])]
    const words = nameForms(session.person)
    for (const secret of numbers) owner.set(secret, session.index)
    for (const secret of words) owner.set(secret, session.index)
    personnummer.push(...numbers)
    names.push(...words)
  }
  return { personnummer, names, owner }
}

/**
 * Finds any of thousands of secrets in a large text without a scan per secret: the text is cut
 * into runs of letters, digits and the few signs the secrets contain (- + / = %), the distinct runs
 * are checked for every substring of each length a secret has, and a secret with a space (a full
 * name) is looked for with includes() only when all its words were found.
 */
export class SecretSearch {
  readonly #byLength = new Map<number, Set<string>>()
  readonly #spaced: string[] = []

  constructor(secrets: Iterable<string>) {
    for (const secret of secrets) {
      if (secret.length < 4) throw new Error(`a secret this short would match by chance: "${secret}"`)
      if (/\s/.test(secret)) {
        this.#spaced.push(secret)
        continue
      }
      let set = this.#byLength.get(secret.length)
      if (!set) this.#byLength.set(secret.length, (set = new Set()))
      set.add(secret)
    }
  }

  /** The secrets found in `text` (each once). */
  find(text: string): string[] {
    const found = new Set<string>()
    const runs = new Set(text.match(/[\p{L}\p{N}+/=%-]+/gu) ?? [])
    const lengths = [...this.#byLength.keys()]
    for (const run of runs) {
      for (const length of lengths) {
        if (run.length < length) continue
        const set = this.#byLength.get(length)!
        for (let i = 0; i + length <= run.length; i++) {
          const piece = run.slice(i, i + length)
          if (set.has(piece)) found.add(piece)
        }
      }
    }
    for (const secret of this.#spaced) {
      const words = secret.split(/\s+/)
      if (words.every((word) => found.has(word)) && text.includes(secret)) found.add(secret)
    }
    return [...found]
  }
}

// ---- running the mix -----------------------------------------------------------------------

/**
 * How the parent's side reaches the session. The engine's own (the default) dispatches intents
 * straight into it; browserUi() taps and types on the real page instead.
 */
export interface MixUi {
  /** Does on screen what the intent means, and waits until main has acted on it (`arrived`). */
  act(intent: Intent, arrived: () => boolean): Promise<void>
  /** A mistyped number is refused (`fault`: main's reason, where main is the one to check). */
  typo(typed: string, fault: PersonnummerFault): Promise<void>
  /** The QR payload as a phone would read it off the screen, or null to use the simulated camera. */
  readQr(): Promise<string | null>
  /** Waits until the page shows what the session shows. */
  sync(): Promise<void>
}

export interface MixTarget {
  session: SessionPort
  simulator: RunningSimulator
  scheduler: ManualScheduler
  /** The session's timing (the harness's settings, or sessionSettings() of the runtime's). */
  timing: SessionTiming
  /** The parent's side through a page; without it, intents go straight to the session. */
  ui?: MixUi
}

export interface MixOptions extends MixPlanOptions {
  /** Engine only: read the QR off the SVG (~10 ms) every n-th scan, the simulated camera otherwise. Default 20. */
  decodeEvery?: number
  /** Keep every session (person, path) in the result. Off for memory measurements. Default true. */
  record?: boolean
  /** Called after each session, e.g. to take a memory checkpoint. */
  afterSession?: (index: number, done: number) => void | Promise<void>
  /** 'continue': a session that goes wrong is recorded and the kiosk brought back to welcome. Default 'throw'. */
  onError?: 'throw' | 'continue'
}

export interface MixError {
  index: number
  kind: MixKind
  variant: string
  message: string
}

export interface MixResult {
  sessions: number
  /** The sessions played (empty when record is off). */
  played: MixSession[]
  kinds: Partial<Record<MixKind, number>>
  variants: Record<string, number>
  /** What the sessions ended in, as the engine counts them; sessions with nothing to count are not in it. */
  outcomes: Partial<Record<SessionOutcome, number>>
  /** Times three service failures in a row put the kiosk out of service (and it came back by itself). */
  outOfService: number
  /** Scans that read the QR off the screen rather than through the simulated camera. */
  decodedScans: number
  errors: MixError[]
  /** BankID time the run took, and real time. */
  simulatedMs: number
  elapsedMs: number
}

export class MixFailure extends Error {
  override name = 'MixFailure'
}

/** Every personnummer and name a run used, as the privacy audit searches for them. */
export function secretsOfResult(result: MixResult): Secrets {
  return secretsOf(result.played)
}

/** Settings under which every path of the mix can happen; throws with the reason otherwise. */
export function checkTiming(timing: SessionTiming): void {
  const problems: string[] = []
  if (timing.waitingIdleMs + timing.idleWarningMs >= timing.qrRestartWindowMs) {
    problems.push('waitingIdle + idleWarning must be shorter than the QR restart window (walking away from the QR)')
  }
  if (timing.waitingIdleMs + timing.idleWarningMs >= timing.orderTimeoutMs) {
    problems.push('waitingIdle + idleWarning must be shorter than the order timeout (walking away after pickup)')
  }
  if (problems.length) throw new Error(`timing unsuited to the mix: ${problems.join('; ')}`)
}

/**
 * Settings that make every path reachable and keep the long ones short, within the settings
 * file's limits: seconds for settings.json, milliseconds for the engine.
 */
export const MIX_TIMING_SECONDS = {
  collectIntervalSeconds: 2,
  qrRestartWindowSeconds: 40,
  orderTimeoutSeconds: 60,
  idleSeconds: 15,
  waitingIdleSeconds: 30,
  idleWarningSeconds: 5,
  loggedInSeconds: 3,
  outOfServiceRetrySeconds: 5,
  serviceFailuresBeforeOutOfService: 3,
} as const

export const MIX_TIMING: Omit<SessionTiming, 'cancelTimeoutMs' | 'requestTimeoutMs'> = {
  collectIntervalMs: 2_000,
  qrRestartWindowMs: 40_000,
  orderTimeoutMs: 60_000,
  idleMs: 15_000,
  waitingIdleMs: 30_000,
  idleWarningMs: 5_000,
  loggedInMs: 3_000,
  outOfServiceRetryMs: 5_000,
  serviceFailuresBeforeOutOfService: 3,
}

const FAULT_OF_TYPO: Record<string, PersonnummerFault> = {
  'wrong check digit': 'check-digit',
  'no such date': 'date',
  'too short': 'length',
  'not born yet': 'future-date',
}

export async function runSessionMix(target: MixTarget, options: MixOptions): Promise<MixResult> {
  checkTiming(target.timing)
  const { session, simulator: sim, scheduler, timing } = target
  const decodeEvery = Math.max(1, options.decodeEvery ?? 20)
  const record = options.record ?? true
  const result: MixResult = {
    sessions: 0,
    played: [],
    kinds: {},
    variants: {},
    outcomes: {},
    outOfService: 0,
    decodedScans: 0,
    errors: [],
    simulatedMs: 0,
    elapsedMs: 0,
  }
  const startedAt = performance.now()
  const clockAt = scheduler.now()
  let scans = 0
  let current: MixSession | null = null

  const screen = (): Screen => session.snapshot().screen
  const fail = (message: string): never => {
    const where = current ? `session ${current.index} (${current.kind}: ${current.variant})` : 'the mix'
    throw new MixFailure(`${where}: ${message}; the session shows ${JSON.stringify(session.snapshot().screen).slice(0, 300)}`)
  }
  const engineUi: MixUi = {
    async act(intent, arrived) {
      session.dispatch(intent)
      if (!arrived()) fail(`"${intent.type}" did not do what it should`)
    },
    async typo(typed, fault) {
      session.dispatch({ type: 'start', personnummer: typed })
      const now = screen()
      if (now.name !== 'keypad' || now.fault !== fault) fail(`main should refuse ${typed.length} digits with ${fault}`)
    },
    async readQr() {
      const now = screen()
      if (scans % decodeEvery !== 1 % decodeEvery || now.name !== 'waiting' || !now.qrSvg) return null
      return decodeQrSvg(now.qrSvg) ?? fail('the QR on screen does not decode')
    },
    async sync() {},
  }
  const ui = target.ui ?? engineUi
  const act = (intent: Intent, arrived: () => boolean) => ui.act(intent, arrived)
  const on = (name: Screen['name']) => () => screen().name === name
  const expectScreen = <N extends Screen['name']>(name: N, check?: (screen: Extract<Screen, { name: N }>) => boolean): Extract<Screen, { name: N }> => {
    const now = screen()
    if (now.name !== name || (check && !check(now as Extract<Screen, { name: N }>))) fail(`expected ${name}`)
    return now as Extract<Screen, { name: N }>
  }
  /** Moves the clock in steps until `done()` holds; a kiosk that never gets there is a hang. */
  const until = async (what: string, done: () => boolean, limitMs: number, by = 500): Promise<void> => {
    await session.whenIdle()
    const from = scheduler.now()
    while (!done()) {
      if (scheduler.now() - from >= limitMs) fail(`hung: no ${what} within ${limitMs / 1000} s of BankID time`)
      scheduler.advance(by)
      await session.whenIdle()
    }
  }
  /** Waits for BankID time to bring `done()`, the parent answering "are you still there?" with yes. */
  const waitThere = async (what: string, done: () => boolean, limitMs: number): Promise<void> => {
    const from = scheduler.now()
    for (;;) {
      await until(what, () => done() || session.snapshot().idleWarning !== null, limitMs - (scheduler.now() - from), 1_000)
      if (done()) return
      await act({ type: 'still-here' }, () => session.snapshot().idleWarning === null)
    }
  }
  const idleLimit = (ms: number) => ms + timing.idleWarningMs + 5_000
  const collectLimit = timing.collectIntervalMs * 2 + 1_000

  /** Welcome → keypad → the number typed (in `typed` form) → the QR on screen. */
  const startLogin = async (typed: string): Promise<void> => {
    if (screen().name === 'welcome') await act({ type: 'begin' }, on('keypad'))
    expectScreen('keypad')
    await act({ type: 'start', personnummer: typed }, () => screen().name !== 'keypad')
    await session.whenIdle()
    expectScreen('waiting', (waiting) => waiting.qrSvg !== null && waiting.maskedPersonnummer !== null)
  }
  /** Starts a login that BankID refuses at once (no QR). */
  const startRefused = async (typed: string): Promise<void> => {
    await act({ type: 'begin' }, on('keypad'))
    await act({ type: 'start', personnummer: typed }, () => screen().name !== 'keypad')
    await session.whenIdle()
  }
  /** The phone scans the QR on screen (off the page, or through the simulated camera). */
  const scan = async (person: MixPerson): Promise<string> => {
    expectScreen('waiting', (w) => w.qrSvg !== null)
    scans += 1
    let payload = await ui.readQr()
    if (payload !== null) result.decodedScans += 1
    else {
      const order =
        sim.orders.list().find((o) => o.status === 'pending' && o.requiredPersonalNumber === person.personalNumber) ??
        fail('no pending order at BankID for this parent')
      payload = sim.orders.currentQrPayload(order.orderRef) ?? fail('no QR for the order')
    }
    const scanned = sim.orders.scan(payload)
    if (!scanned.ok) return fail(`the simulated app refused the QR: ${scanned.error.details}`)
    // The next collect sees the pickup: the QR goes.
    await until('pickup on screen', () => {
      const now = screen()
      return now.name === 'waiting' && now.qrSvg === null
    }, collectLimit)
    return scanned.value.orderRef
  }
  const loginUntilPickup = async (person: MixPerson, typed = person.personalNumber): Promise<string> => {
    await startLogin(typed)
    return scan(person)
  }
  const enterCode = (orderRef: string, code: string) => {
    const entered = sim.orders.enterSecurityCode(orderRef, code)
    if (!entered.ok) fail(`the app could not enter the code: ${entered.error.details}`)
  }
  const awaitFailure = async (cause: string, reference: RegExp, limitMs = collectLimit) => {
    await until(`failure (${cause})`, () => screen().name === 'failure' || screen().name === 'out-of-service', limitMs)
    if (screen().name === 'out-of-service') {
      // The third service failure in a row: the kiosk says so and comes back by itself.
      result.outOfService += 1
      sim.faults.clear()
      await ui.sync()
      await until('the kiosk back in service', on('welcome'), timing.outOfServiceRetryMs * 3 + 5_000)
      return
    }
    expectScreen('failure', (failure) => failure.cause === cause && reference.test(failure.reference))
    await ui.sync()
  }
  const leaveFailure = async (how: 'to-start' | 'retry-then-cancel' | 'walk-away') => {
    if (screen().name === 'welcome') return // back from out of service already
    if (how === 'to-start') await act({ type: 'cancel' }, on('welcome'))
    else if (how === 'retry-then-cancel') {
      // The same number again, straight to a new order and QR.
      await act({ type: 'retry' }, () => screen().name === 'starting' || screen().name === 'waiting')
      await cancelled()
    } else await until('the idle reset from the failure screen', on('welcome'), idleLimit(timing.idleMs), 1_000)
  }
  const loggedInAs = async (person: MixPerson, leave: 'done' | 'wait') => {
    await until('logged in', on('logged-in'), collectLimit)
    expectScreen('logged-in', (loggedIn) => loggedIn.givenName === person.givenName)
    await ui.sync()
    if (leave === 'done') await act({ type: 'done' }, on('welcome'))
    else await until('the logged-in screen to close', on('welcome'), timing.loggedInMs + 2_000, 1_000)
  }
  const typedForm = (personalNumber: string, variant: string): string => {
    if (variant.startsWith('YYYYMMDD-NNNN')) return `${personalNumber.slice(0, 8)}-${personalNumber.slice(8)}`
    if (variant.startsWith('10 digits')) return personalNumber.slice(2)
    if (variant.startsWith('YYMMDD-NNNN')) return `${personalNumber.slice(2, 8)}-${personalNumber.slice(8)}`
    return personalNumber
  }
  const cancelled = async () => {
    await act({ type: 'cancel' }, on('welcome'))
    await session.whenIdle() // the cancel reaches BankID
  }

  async function play(s: MixSession): Promise<void> {
    const { person, variant } = s
    const pnr = person.personalNumber
    sim.people.upsert(person)
    if (screen().name !== 'welcome') fail('did not start on the welcome screen')
    switch (s.kind) {
      case 'success': {
        const orderRef = await loginUntilPickup(person, typedForm(pnr, variant))
        enterCode(orderRef, person.securityCode)
        return loggedInAs(person, variant.endsWith('times out') ? 'wait' : 'done')
      }
      case 'cancel-keypad':
        await act({ type: 'begin' }, on('keypad'))
        if (variant.startsWith('FAQ')) {
          await act({ type: 'open-faq' }, on('faq'))
          await act({ type: 'back' }, on('welcome'))
          await act({ type: 'begin' }, on('keypad'))
        }
        return act({ type: 'cancel' }, on('welcome'))
      case 'cancel-qr':
        await startLogin(pnr)
        // A QR second goes by before the parent thinks better of it.
        scheduler.advance(1_000)
        await session.whenIdle()
        return cancelled()
      case 'cancel-after-pickup':
        await loginUntilPickup(person)
        return cancelled()
      case 'cancelled-in-app': {
        sim.orders.cancelInApp(await loginUntilPickup(person))
        await awaitFailure('cancelled-in-app', /^H-userCancel$/)
        return leaveFailure(variant.includes('Försök igen') ? 'retry-then-cancel' : 'to-start')
      }
      case 'blocked': {
        const orderRef = await loginUntilPickup(person)
        const wrong = person.securityCode === '000000' ? '111111' : '000000'
        for (let i = 0; i < 4; i++) enterCode(orderRef, wrong)
        await awaitFailure('blocked', /^H-certificateErr$/)
        // The parent gets a new BankID from the bank: a fresh security code.
        sim.people.unblock(pnr)
        return leaveFailure('to-start')
      }
      case 'timeout': {
        const expired = variant.startsWith('BankID')
        const saved = sim.orders.timings
        // BankID's order lifetime well inside our own limit (expiredTransaction) or well past it (T-LIMIT).
        const lifetime = expired ? Math.max(5_000, Math.floor(timing.orderTimeoutMs / 3)) : timing.orderTimeoutMs + 60_000
        sim.orders.timings = { ...saved, orderLifetimeMs: lifetime }
        try {
          await loginUntilPickup(person)
          // The parent stays (and says so when asked); their phone never finishes.
          await waitThere('a timeout', on('failure'), timing.orderTimeoutMs + collectLimit)
        } finally {
          sim.orders.timings = saved
        }
        await awaitFailure('timeout', expired ? /^H-expiredTransaction$/ : /^T-LIMIT$/)
        return leaveFailure('to-start')
      }
      case 'scan-failed':
        await startLogin(pnr)
        // Nobody scans; the kiosk restarts the order at each startFailed until its window ends.
        if (variant.includes('Till början')) {
          // The parent stays and answers every question: the last one, as the window ends, gives the reason.
          await waitThere('the end of the restart window', on('failure'), timing.qrRestartWindowMs + collectLimit)
          await awaitFailure('scan-failed', /^T-WINDOW$/)
          return leaveFailure('to-start')
        }
        return until('nobody answering the question before the window ends', on('welcome'), idleLimit(timing.qrRestartWindowMs), 1_000)
      case 'already-in-progress': {
        const elsewhere = sim.orders.create({ type: 'auth', clientId: 'elsewhere', endUserIp: '10.1.1.1', requirement: { personalNumber: pnr }, returnRisk: false })
        if (!elsewhere.ok) fail('could not start the order elsewhere')
        await startRefused(pnr)
        await awaitFailure('already-in-progress', /^B-400-alreadyInProgress$/)
        return leaveFailure('to-start')
      }
      case 'new-order-elsewhere': {
        await loginUntilPickup(person)
        const elsewhere = sim.orders.create({ type: 'auth', clientId: 'elsewhere', endUserIp: '10.1.1.1', requirement: { personalNumber: pnr }, returnRisk: false })
        if (elsewhere.ok) fail('the order elsewhere should have been refused')
        await awaitFailure('cancelled-new-order', /^H-cancelled$/)
        return leaveFailure('retry-then-cancel')
      }
      case 'failed-hint': {
        const orderRef = await loginUntilPickup(person)
        const hint = variant === 'an unknown hint code' ? 'somethingNobodyKnows' : variant
        sim.orders.failOrder(orderRef, hint)
        await awaitFailure(expectedOutcome(s) ?? 'unknown', new RegExp(`^H-${hint}$`))
        return leaveFailure('to-start')
      }
      case 'bankid-fault': {
        if (variant.startsWith('500 on /auth') || variant.startsWith('503 on /auth until')) {
          const kind = variant.startsWith('500') ? 'internalError' : 'maintenance'
          // Enough 503s to outlast the client's silent retries.
          sim.faults.add({ endpoint: 'auth', times: kind === 'internalError' ? 1 : 20, fault: { kind } })
          await startRefused(pnr)
          sim.faults.clear()
          await awaitFailure('bankid-unavailable', kind === 'internalError' ? /^B-500-internalError$/ : /^B-503-maintenance$/)
          return leaveFailure('to-start')
        }
        if (variant.startsWith('503 on /auth, recovered')) {
          sim.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'maintenance' } })
          enterCode(await loginUntilPickup(person), person.securityCode)
          return loggedInAs(person, 'done')
        }
        await loginUntilPickup(person)
        const drop = variant.startsWith('connection dropped')
        sim.faults.add({ endpoint: 'collect', times: 1, fault: drop ? { kind: 'drop' } : { kind: 'internalError' } })
        await awaitFailure(drop ? 'network' : 'bankid-unavailable', drop ? /^N-/ : /^B-500-internalError$/)
        sim.faults.clear()
        return leaveFailure('to-start')
      }
      case 'idle-keypad':
        await act({ type: 'begin' }, on('keypad'))
        if (variant.includes('Jag är kvar')) {
          await until('"are you still there?"', () => session.snapshot().idleWarning !== null, timing.idleMs + 1_000, 1_000)
          await act({ type: 'still-here' }, () => screen().name === 'keypad' && session.snapshot().idleWarning === null)
        }
        return until('the idle reset from the keypad', on('welcome'), idleLimit(timing.idleMs), 1_000)
      case 'idle-waiting':
        if (variant.includes('after the app')) await loginUntilPickup(person)
        else await startLogin(pnr)
        await until('the idle reset while waiting', on('welcome'), idleLimit(timing.waitingIdleMs), 1_000)
        return session.whenIdle()
      case 'wrong-personnummer': {
        const typo = s.typo ?? fail('no typo planned')
        const fault = FAULT_OF_TYPO[Object.keys(FAULT_OF_TYPO).find((start) => variant.startsWith(start)) ?? ''] ?? fail('unknown typo')
        await act({ type: 'begin' }, on('keypad'))
        await ui.typo(typo, fault)
        if (variant.endsWith('then Avbryt')) return act({ type: 'cancel' }, on('welcome'))
        if (variant.endsWith('walked away')) return until('the idle reset from the keypad', on('welcome'), idleLimit(timing.idleMs), 1_000)
        if (variant.includes('logged in')) {
          enterCode(await loginUntilPickup(person), person.securityCode)
          return loggedInAs(person, 'done')
        }
        await startLogin(pnr)
        return cancelled()
      }
    }
  }

  /** After a session that went wrong: whatever it left is cleared and the kiosk is on welcome. */
  const recover = async () => {
    sim.faults.clear()
    session.rendererGone()
    await session.whenIdle()
    if (screen().name === 'out-of-service') await until('the kiosk back in service', on('welcome'), timing.outOfServiceRetryMs * 3 + 5_000)
    await ui.sync().catch(() => undefined)
  }

  const start = options.start ?? 0
  for (let i = 0; i < options.sessions; i++) {
    const s = mixSession(start + i, options)
    current = s
    try {
      await play(s)
      await session.whenIdle()
      if (screen().name !== 'welcome') fail('did not end on the welcome screen')
      await ui.sync()
      for (const outcome of expectedOutcomes(s)) result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1
    } catch (error) {
      if ((options.onError ?? 'throw') === 'throw') throw error
      result.errors.push({ index: s.index, kind: s.kind, variant: s.variant, message: error instanceof Error ? error.message : String(error) })
      await recover()
    }
    result.sessions += 1
    result.kinds[s.kind] = (result.kinds[s.kind] ?? 0) + 1
    const variantKey = `${s.kind}: ${s.variant}`
    result.variants[variantKey] = (result.variants[variantKey] ?? 0) + 1
    if (record) result.played.push(s)
    current = null
    await options.afterSession?.(s.index, i + 1)
  }
  result.simulatedMs = scheduler.now() - clockAt
  result.elapsedMs = performance.now() - startedAt
  return result
}

// ---- the parent's side through the real page -----------------------------------------------


/**
 * The parent's side on the kiosk page, as a parent does it: taps on the buttons by their Swedish
 * names, digits on the keyboard (the keypad takes them), the QR read off the screen. Every
 * action first waits until the page shows what the session shows, and afterwards until main has
 * acted on it. The session must be the one the page is connected to.
 */
export function browserUi(page: Page, session: SessionPort, timeoutMs = 10_000): MixUi {
  const button = (name: string) => page.getByRole('button', { name, exact: true })
  const arrival = async (what: string, arrived: () => boolean) => {
    const deadline = performance.now() + timeoutMs
    while (!arrived()) {
      if (performance.now() > deadline) throw new MixFailure(`the page's "${what}" did not reach the session within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  }
  const sync = async () => {
    const snapshot = session.snapshot()
    const screen = snapshot.screen
    const checks = [`root && root.getAttribute('data-screen') === '${screen.name}'`]
    if (screen.name === 'failure') checks.push(`document.querySelector('.screen.failure[data-cause="${screen.cause}"]') !== null`)
    if (screen.name === 'waiting') checks.push(`(document.querySelector('img.qr') !== null) === ${screen.qrSvg !== null}`)
    checks.push(`(document.querySelector('[role="alertdialog"]') !== null) === ${snapshot.idleWarning !== null}`)
    // Polled over CDP (page.evaluate), not page.waitForFunction: that one runs its string with eval
    // in the page, which the kiosk's CSP (script-src 'self') rightly refuses.
    const shown = `(() => { const root = document.querySelector('.kiosk'); return ${checks.join(' && ')} })()`
    const deadline = performance.now() + timeoutMs
    while (!(await page.evaluate<boolean>(shown))) {
      if (performance.now() > deadline) throw new MixFailure(`the page did not show ${screen.name} within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    if (screen.name === 'logged-in') {
      const text = (await page.locator('.kiosk').textContent()) ?? ''
      if (!text.includes(screen.givenName)) throw new MixFailure('the logged-in screen does not greet the parent by name')
    }
  }
  return {
    sync,
    async act(intent, arrived) {
      await sync()
      if (intent.type !== 'still-here' && session.snapshot().idleWarning !== null) {
        // "Are you still there?" covers the screen: the parent answers it first.
        await button('Jag är kvar').click()
        await arrival('still-here', () => session.snapshot().idleWarning === null)
        await sync()
      }
      const screen = session.snapshot().screen.name
      switch (intent.type) {
        case 'begin':
          await button('Logga in med Mobilt BankID').click()
          break
        case 'start':
          await page.keyboard.press('Delete') // Rensa: whatever was typed before goes
          await page.keyboard.type((intent.personnummer ?? '').replace(/\D/g, ''))
          await button('Nästa').click()
          break
        case 'cancel':
          await button(screen === 'failure' ? 'Till början' : 'Avbryt').click()
          break
        case 'retry':
          await button('Försök igen').click()
          break
        case 'done':
          await button('Klar').click()
          break
        case 'open-faq':
          await button('Frågor och svar').click()
          break
        case 'back':
          await button('Tillbaka').click()
          break
        case 'still-here':
          await button('Jag är kvar').click()
          break
        default:
          throw new MixFailure(`browserUi cannot do "${intent.type}"`)
      }
      await arrival(intent.type, arrived)
    },
    async typo(typed) {
      await sync()
      await page.keyboard.press('Delete')
      await page.keyboard.type(typed)
      // The keypad checks the number itself: Nästa stays off, so main never sees it. Polled over
      // CDP like sync(), not with page.waitForFunction: that one makes Playwright inject its script
      // into the page's own world, and it adds 13 listeners to window there (its hit-target
      // interceptors), which the soak and the renderer-memory bench would count as the page's.
      const typedShown = `document.querySelector('output#pnr .typed')?.textContent.replace(/\\D/g, '').length === ${typed.length}`
      const deadline = performance.now() + timeoutMs
      while (!(await page.evaluate<boolean>(typedShown))) {
        if (performance.now() > deadline) throw new MixFailure(`the keypad did not show the ${typed.length} digits typed within ${timeoutMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      if (await button('Nästa').isEnabled()) throw new MixFailure(`the keypad lets "${typed.length} digits" through`)
      await page.keyboard.press('Delete')
    },
    async readQr() {
      await sync()
      const src = (await page.locator('img.qr').getAttribute('src')) ?? ''
      const prefix = 'data:image/svg+xml;charset=utf-8,'
      if (!src.startsWith(prefix)) throw new MixFailure('the QR is not an SVG data URL')
      const payload = decodeQrSvg(decodeURIComponent(src.slice(prefix.length)))
      if (!payload) throw new MixFailure('the QR on screen does not decode')
      return payload
    },
  }
}

/**
 * Follows the snapshots the page is sent over the bridge (CDP reports every WebSocket frame the
 * page receives, from the task that hands it to the page's handler), and returns a wait until the
 * page has the session's newest. browserUi.sync() compares screens, not snapshots: without this,
 * a check right after a session can pass on the page still showing the previous welcome screen
 * while that session's snapshots (keypad, "are you still there?", welcome) are on their way, and
 * count or search the keypad instead of what the session left.
 */
export async function followSnapshots(cdp: CDPSession, session: { snapshot(): { sequence: number } }, received = -1): Promise<(timeoutMs?: number) => Promise<void>> {
  cdp.on('Network.webSocketFrameReceived', ({ response }) => {
    if (response.opcode !== 1) return
    try {
      const message = JSON.parse(response.payloadData) as { type?: unknown; snapshot?: { sequence?: unknown } }
      if (message.type === 'snapshot' && typeof message.snapshot?.sequence === 'number') received = message.snapshot.sequence
    } catch {
      // not a bridge message
    }
  })
  await cdp.send('Network.enable')
  return async (timeoutMs = 10_000) => {
    const deadline = performance.now() + timeoutMs
    while (received < session.snapshot().sequence) {
      if (performance.now() > deadline) throw new Error(`the page was sent snapshot ${received}, the session is at ${session.snapshot().sequence} (waited ${timeoutMs} ms)`)
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  }
}

/** browserUi, each step taken only once the page has everything the session showed. */
export function followingUi(ui: MixUi, caughtUp: () => Promise<void>): MixUi {
  return {
    act: async (intent, arrived) => {
      await caughtUp()
      await ui.act(intent, arrived)
    },
    typo: async (typed, fault) => {
      await caughtUp()
      await ui.typo(typed, fault)
    },
    readQr: async () => {
      await caughtUp()
      return ui.readQr()
    },
    sync: async () => {
      await caughtUp()
      await ui.sync()
    },
  }
}
