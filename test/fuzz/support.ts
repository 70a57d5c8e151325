// Shared pieces of the fuzz suite: fixed seeds (overridable), and small independent checks that
// several properties use. Nothing here is taken from the code under test.
import type fc from 'fast-check'
import { z } from 'zod'
import type { FailureCause, PersonnummerFault, ScreenName, Snapshot } from '../../src/shared/contract'
import { FAILURE_CAUSES } from '../../src/shared/contract'
import { BANKID_MESSAGE_KEYS } from '../../src/shared/bankid-messages'
import { LANGUAGES } from '../../src/shared/languages'
import { renderQrSvg } from '../../src/main/bankid/qr'
import type { SessionOutcome } from '../../src/main/counters/outcome-counters'
import { hashOrderRef } from '../../src/main/logging/logger'
import type { SessionSettings } from '../../src/main/session/kiosk-session'
import { KioskSession } from '../../src/main/session/kiosk-session'
import type { ManualScheduler } from '../support/manual-scheduler'
import { TEST_TODAY } from '../support/session-harness'
import { ScriptedBankId } from './scripted-bankid'

/**
 * Every property runs with a fixed seed, so a failure is reproducible and the suite is stable.
 * FUZZ_SEED=<n> overrides all of them at once (to explore), FUZZ_RUNS=<factor> scales run counts.
 * fast-check prints the seed and the shrink path of any failure in its error message.
 */
export function fuzzOptions<T>(seed: number, numRuns: number, extra: Partial<fc.Parameters<T>> = {}): fc.Parameters<T> {
  const override = process.env.FUZZ_SEED
  const factor = Number(process.env.FUZZ_RUNS ?? '1')
  return {
    seed: override !== undefined && override !== '' ? Number(override) : seed,
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1))),
    endOnFailure: false,
    ...extra,
  }
}

/** Line breaks as a screen or a log viewer would honour them: \n, \r, NEL, LS, PS. */
export const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/

/** Resolves after ms with the value `timedOut`, or with the promise's own outcome. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed-out'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

// ---- the contract, restated independently ----------------------------------------------------


/** Every screen the contract names; the type check below fails if the contract gains one. */
export const SCREEN_NAMES = [
  'welcome',
  'keypad',
  'starting',
  'waiting',
  'logged-in',
  'failure',
  'faq',
  'guide',
  'out-of-service',
  'handing-off',
  'handoff-message',
  'handoff-view',
] as const satisfies readonly ScreenName[]
const screensExhaustive: [Exclude<ScreenName, (typeof SCREEN_NAMES)[number]>] extends [never] ? true : false = true
void screensExhaustive

const FAULTS = ['format', 'length', 'date', 'check-digit', 'future-date'] as const satisfies readonly PersonnummerFault[]
const seconds = z.number().int().nonnegative()
const masked = z.string().regex(/^\d{8}-••••$/)
const messageKey = z.enum(BANKID_MESSAGE_KEYS)
const svg = z.string().regex(/^<svg[\s\S]*<\/svg>$/)
const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/)

/** The Snapshot type as a strict schema, written from contract.ts's comments. */
export const snapshotSchema = z.strictObject({
  sequence: z.number().int().nonnegative(),
  screen: z.discriminatedUnion('name', [
    z.strictObject({ name: z.literal('welcome') }),
    z.strictObject({ name: z.literal('keypad'), fault: z.enum(FAULTS).nullable() }),
    z.strictObject({ name: z.literal('starting'), maskedPersonnummer: masked.nullable() }),
    z.strictObject({
      name: z.literal('waiting'),
      qrSvg: svg.nullable(),
      messageKey,
      secondsLeft: seconds,
      maskedPersonnummer: masked.nullable(),
    }),
    z.strictObject({ name: z.literal('logged-in'), givenName: z.string().min(1), secondsLeft: seconds, secondsTotal: seconds }),
    z.strictObject({
      name: z.literal('failure'),
      cause: z.enum(FAILURE_CAUSES as unknown as [FailureCause, ...FailureCause[]]),
      messageKey: messageKey.nullable(),
      reference: z.string().regex(/^[A-Z]+(-[A-Za-z0-9_]+)+$/),
    }),
    z.strictObject({ name: z.literal('faq') }),
    z.strictObject({ name: z.literal('guide'), installQrSvg: z.string().min(1) }),
    z.strictObject({
      name: z.literal('out-of-service'),
      reference: z.string().min(1),
      staffMessage: z.string(),
      secondsToRetry: seconds.nullable(),
    }),
    z.strictObject({ name: z.literal('handing-off'), givenName: z.string().min(1) }),
    z.strictObject({ name: z.literal('handoff-message'), givenName: z.string().min(1), message: z.string().min(1), secondsLeft: seconds }),
    z.strictObject({ name: z.literal('handoff-view'), url: z.url({ protocol: /^https$/ }) }),
  ]),
  idleWarning: z.strictObject({ secondsLeft: seconds }).nullable(),
  language: z.enum(LANGUAGES),
  languages: z.array(z.enum(LANGUAGES)).min(1),
  lowReach: z.boolean(),
  mode: z.enum(['personnummer', 'qr']),
  schoolName: z.string(),
  branding: z.strictObject({ primaryColor: colour, accentColor: colour }),
  banks: z.array(z.string()),
  // The session itself never opens the staff screen; the staff desk around it does.
  staff: z.null(),
})

export interface Limits {
  /** The longest countdowns the settings allow, in whole seconds. */
  waitingSeconds: number
  idleWarningSeconds: number
  loggedInSeconds: number
  retrySeconds: number
}

/**
 * Everything a snapshot must be, whatever happened before: valid against the schema, counters
 * within their settings, the language one of those offered, and no personnummer but the masked form
 * (no run of ten or more digits anywhere outside the SVG documents, none of `secrets` at all).
 */
export function checkSnapshot(snapshot: Snapshot, limits: Limits, secrets: readonly string[] = []): void {
  const parsed = snapshotSchema.safeParse(snapshot)
  if (!parsed.success) {
    throw new Error(`snapshot breaks the contract: ${JSON.stringify(parsed.error.issues)}\n${JSON.stringify(snapshot).slice(0, 500)}`)
  }
  if (!(SCREEN_NAMES as readonly string[]).includes(snapshot.screen.name)) throw new Error(`unknown screen ${snapshot.screen.name}`)
  if (!snapshot.languages.includes(snapshot.language)) throw new Error(`language ${snapshot.language} is not offered`)
  const s = snapshot.screen
  const over = (what: string, value: number, max: number) => {
    if (value > max) throw new Error(`${what} ${value} > ${max}`)
  }
  if (s.name === 'waiting') over('waiting.secondsLeft', s.secondsLeft, limits.waitingSeconds)
  if (s.name === 'logged-in') {
    over('logged-in.secondsLeft', s.secondsLeft, s.secondsTotal)
    over('logged-in.secondsTotal', s.secondsTotal, limits.loggedInSeconds)
  }
  if (s.name === 'out-of-service' && s.secondsToRetry !== null) over('secondsToRetry', s.secondsToRetry, limits.retrySeconds)
  if (snapshot.idleWarning) over('idleWarning.secondsLeft', snapshot.idleWarning.secondsLeft, limits.idleWarningSeconds)
  if (snapshot.mode === 'qr' && 'maskedPersonnummer' in s && s.maskedPersonnummer !== null) {
    throw new Error('a personnummer on screen in QR mode')
  }
  const text = JSON.stringify({
    ...snapshot,
    screen: { ...s, ...('qrSvg' in s ? { qrSvg: null } : {}), ...('installQrSvg' in s ? { installQrSvg: null } : {}) },
  })
  const run = /\d{10,}/.exec(text)
  if (run) throw new Error(`a run of ${run[0].length} digits in a snapshot: ${text.slice(0, 300)}`)
  const whole = JSON.stringify(snapshot)
  for (const secret of secrets) {
    if (secret.length >= 4 && whole.includes(secret)) throw new Error(`a personnummer in a snapshot: ${secret}`)
  }
}

/** Checks a stream of snapshots as a renderer receives it: each one valid, sequences increasing. */
export function checkStream(snapshots: readonly Snapshot[], from: number, limits: Limits, secrets: readonly string[] = []): void {
  for (let i = from; i < snapshots.length; i++) {
    const snapshot = snapshots[i] as Snapshot
    checkSnapshot(snapshot, limits, secrets)
    const previous = snapshots[i - 1]
    if (previous && snapshot.sequence <= previous.sequence) {
      throw new Error(`sequence went from ${previous.sequence} to ${snapshot.sequence}`)
    }
  }
}

// ---- which intents are valid, written from the contract's comments ---------------------------

const NO_FIELDS = new Set(['begin', 'cancel', 'still-here', 'open-faq', 'open-guide', 'back', 'retry', 'done', 'activity'])

/**
 * An intent is a plain object (or one without a prototype) whose own keys are exactly those of its
 * type: start may carry a personnummer of at most 32 characters, set-language one of the five
 * languages, set-low-reach a boolean. Nothing else is an intent, and a message over 1 024
 * characters of JSON never is.
 */
export function isValidIntent(payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return false
  const proto: unknown = Object.getPrototypeOf(payload)
  if (proto !== Object.prototype && proto !== null) return false
  const record = payload as Record<string, unknown>
  const keys = Object.keys(record)
  const type = Object.hasOwn(record, 'type') ? record.type : undefined
  if (typeof type !== 'string') return false
  let shapeOk: boolean
  if (NO_FIELDS.has(type)) shapeOk = keys.length === 1
  else if (type === 'start') {
    const extra = keys.filter((k) => k !== 'type')
    const p = record.personnummer
    shapeOk =
      extra.every((k) => k === 'personnummer') && (p === undefined || (typeof p === 'string' && p.length <= 32))
  } else if (type === 'set-language') {
    shapeOk = keys.length === 2 && (LANGUAGES as readonly unknown[]).includes(record.language)
  } else if (type === 'set-low-reach') {
    shapeOk = keys.length === 2 && typeof record.on === 'boolean'
  } else shapeOk = false
  if (!shapeOk) return false
  try {
    return (JSON.stringify(payload)?.length ?? 0) <= 1024
  } catch {
    return false
  }
}

/** The longest countdowns `settings` allow (checkSnapshot's limits). */
export const limitsOf = (settings: SessionSettings): Limits => ({
  waitingSeconds: Math.ceil(Math.max(settings.timing.qrRestartWindowMs, settings.timing.orderTimeoutMs) / 1000),
  idleWarningSeconds: Math.ceil(settings.timing.idleWarningMs / 1000),
  loggedInSeconds: Math.ceil(settings.timing.loggedInMs / 1000),
  retrySeconds: Math.ceil(settings.timing.outOfServiceRetryMs / 1000),
})

/** Personal numbers the session accepts, in each way one may be typed. */
export const VALID_PNRS = ['199001012385', '19900101-2385', '9001012385', '900101-2385', '121212+1212', '197010632391', '20261124-1239']

/** One side of a model-based comparison: a real session on a deterministic BankID, and all it emitted. */
export interface Side {
  session: KioskSession
  bank: ScriptedBankId
  snapshots: Snapshot[]
  logs: unknown[]
  outcomes: SessionOutcome[]
}

export function side(scheduler: ManualScheduler, settings: SessionSettings): Side {
  const bank = new ScriptedBankId(scheduler)
  const s: Side = { session: undefined as unknown as KioskSession, bank, snapshots: [], logs: [], outcomes: [] }
  s.session = new KioskSession({
    bankId: bank,
    scheduler,
    renderQr: renderQrSvg,
    settings,
    events: { log: (level, event, fields) => s.logs.push([level, event, fields]), outcome: (o) => s.outcomes.push(o) },
    today: () => TEST_TODAY,
    hashOrderRef,
  })
  s.session.subscribe((snapshot) => s.snapshots.push(snapshot))
  return s
}

/** An own, enumerable property, even for "__proto__": it is written out as a key. */
export const defineOwn = (target: object, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })

/** What can be done to one field of an intent. */
export type FieldMutation =
  | { kind: 'drop' }
  | { kind: 'add'; key: string; value: unknown }
  | { kind: 'rename'; key: string }
  | { kind: 'retype'; value: unknown }
  | { kind: 'type'; type: string }

/** Applies `m` to `record` in place; `pick` chooses the field that is dropped or renamed. */
export function mutateFields(record: Record<string, unknown>, m: FieldMutation, pick: number): void {
  const keys = Object.keys(record)
  const key = keys.length === 0 ? undefined : keys[pick % keys.length]
  switch (m.kind) {
    case 'drop':
      if (key !== undefined) delete record[key]
      break
    case 'add':
      defineOwn(record, m.key, m.value)
      break
    case 'rename':
      if (key !== undefined) {
        const value = record[key]
        delete record[key]
        defineOwn(record, m.key, value)
      }
      break
    case 'retype':
      // the field that carries data if there is one, else the type itself
      defineOwn(record, keys.find((k) => k !== 'type') ?? 'type', m.value)
      break
    case 'type':
      record.type = m.type
      break
  }
}
