// How many sessions ended in each outcome, per local day: the only thing about sessions the kiosk
// keeps on disk (product.md §4, §6). Stored under one key as
//   { "counts": { "2026-11-24": { "success": 3, "timeout": 1 } } }
// Only known outcomes and YYYY-MM-DD days are accepted (anything else is a programming error and
// throws), so no free text, and so no personal data, can ever reach the store. What is read back
// is validated entry by entry: whatever is not that shape (hand-edited, corrupted) is ignored, and
// dropped from the file at the next record().
import Conf from 'conf'
import { FAILURE_CAUSES } from '../../shared/contract'

/** success; abandoned (walked away: idle, renderer gone, quit); cancelled (Avbryt on the kiosk); or a failure cause. */
export const SESSION_OUTCOMES = ['success', 'abandoned', 'cancelled', ...FAILURE_CAUSES] as const
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number]

/** The part of electron-store and conf the counters use. */
export interface KeyValueStore {
  get(key: string): unknown
  set(key: string, value: unknown): void
}

export interface OutcomeCountersOptions {
  /** Days kept, counting the day being recorded; older days are dropped on record(). Default 90. */
  keepDays?: number
}

/** The store key the counts live under. */
export const COUNTS_KEY = 'counts'
export const DEFAULT_KEEP_DAYS = 90

const DAY_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

type DayCounts = Map<SessionOutcome, number>

/** Days since 1970-01-01 for a real calendar date written YYYY-MM-DD (years 0100–9999), else undefined. */
function dayNumber(day: string): number | undefined {
  const match = DAY_SHAPE.exec(day)
  if (!match) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const date = Number(match[3])
  const time = Date.UTC(year, month - 1, date)
  const check = new Date(time)
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) {
    return undefined
  }
  return Math.round(time / MS_PER_DAY)
}

function isOutcome(value: unknown): value is SessionOutcome {
  return (SESSION_OUTCOMES as readonly unknown[]).includes(value)
}

function assertOutcome(outcome: unknown): asserts outcome is SessionOutcome {
  if (!isOutcome(outcome)) {
    throw new TypeError(`unknown session outcome; expected one of ${SESSION_OUTCOMES.join(', ')}`)
  }
}

function assertDay(day: unknown): number {
  const number = typeof day === 'string' ? dayNumber(day) : undefined
  if (number === undefined) throw new TypeError('day must be a calendar date written YYYY-MM-DD')
  return number
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The local calendar date of `date`, as YYYY-MM-DD. */
export function dayKey(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('dayKey needs a valid Date')
  const pad = (value: number, width: number): string => String(value).padStart(width, '0')
  const key = `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1, 2)}-${pad(date.getDate(), 2)}`
  if (dayNumber(key) === undefined) throw new RangeError('dayKey needs a year between 100 and 9999')
  return key
}

export class OutcomeCounters {
  private readonly keepDays: number

  constructor(
    private readonly store: KeyValueStore,
    options: OutcomeCountersOptions = {},
  ) {
    const keepDays = options.keepDays ?? DEFAULT_KEEP_DAYS
    if (!Number.isSafeInteger(keepDays) || keepDays < 1) {
      throw new RangeError(`keepDays must be a whole number of at least 1, got ${String(keepDays)}`)
    }
    this.keepDays = keepDays
  }

  /**
   * Adds one session that ended in `outcome` on `day` (local YYYY-MM-DD, see dayKey), and drops
   * days that are keepDays or more before `day`. Throws a TypeError for an unknown outcome or a
   * malformed day; an error from the store's set() (disk full…) is passed on.
   */
  record(outcome: SessionOutcome, day: string): void {
    assertOutcome(outcome)
    const today = assertDay(day)
    const counts = this.read()
    const dayCounts: DayCounts = counts.get(day) ?? new Map()
    dayCounts.set(outcome, Math.min((dayCounts.get(outcome) ?? 0) + 1, Number.MAX_SAFE_INTEGER))
    counts.set(day, dayCounts)
    for (const stored of counts.keys()) {
      const number = dayNumber(stored)
      if (number !== undefined && today - number >= this.keepDays) counts.delete(stored)
    }
    this.store.set(COUNTS_KEY, serialize(counts))
  }

  /** Every outcome's count on `day`, zero where nothing was recorded. */
  day(day: string): Record<SessionOutcome, number> {
    assertDay(day)
    const dayCounts = this.read().get(day)
    const result = {} as Record<SessionOutcome, number>
    for (const outcome of SESSION_OUTCOMES) result[outcome] = dayCounts?.get(outcome) ?? 0
    return result
  }

  /** The days with at least one count, oldest first. */
  days(): string[] {
    return [...this.read().keys()].sort()
  }

  /** The valid part of what the store holds; never throws. */
  private read(): Map<string, DayCounts> {
    const counts = new Map<string, DayCounts>()
    let raw: unknown
    try {
      raw = this.store.get(COUNTS_KEY)
    } catch {
      return counts
    }
    if (!isRecord(raw)) return counts
    for (const [day, value] of Object.entries(raw)) {
      if (dayNumber(day) === undefined || !isRecord(value)) continue
      const dayCounts: DayCounts = new Map()
      for (const [outcome, count] of Object.entries(value)) {
        if (isOutcome(outcome) && typeof count === 'number' && Number.isSafeInteger(count) && count > 0) {
          dayCounts.set(outcome, count)
        }
      }
      if (dayCounts.size > 0) counts.set(day, dayCounts)
    }
    return counts
  }
}

/** Days in date order, outcomes in SESSION_OUTCOMES order, zeros left out: the file is predictable. */
function serialize(counts: Map<string, DayCounts>): Record<string, Partial<Record<SessionOutcome, number>>> {
  const result: Record<string, Partial<Record<SessionOutcome, number>>> = {}
  for (const day of [...counts.keys()].sort()) {
    const dayCounts = counts.get(day)
    if (dayCounts === undefined) continue
    const entry: Partial<Record<SessionOutcome, number>> = {}
    for (const outcome of SESSION_OUTCOMES) {
      const count = dayCounts.get(outcome)
      if (count !== undefined && count > 0) entry[outcome] = count
    }
    result[day] = entry
  }
  return result
}

/** Options shared by both hosts' stores: a corrupted file is started afresh, keys are literal. */
const STORE_OPTIONS = { clearInvalidConfig: true, accessPropertiesByDotNotation: false } as const

function adapt(store: { get(key: string): unknown; set(key: string, value: unknown): void }): KeyValueStore {
  return { get: (key) => store.get(key), set: (key, value) => store.set(key, value) }
}

/** The counters' store for the browser host (no Electron): `<directory>/counters.json`, via conf. */
export function openCounterStore(directory: string): KeyValueStore {
  return adapt(
    new Conf<Record<string, unknown>>({
      cwd: directory,
      configName: 'counters',
      projectName: 'bankid-kiosk',
      ...STORE_OPTIONS,
    }),
  )
}

/**
 * The counters' store inside Electron: `counters.json` in the app's userData directory, via
 * electron-store. Only valid in Electron's main process (electron-store imports electron).
 */
export async function openElectronCounterStore(): Promise<KeyValueStore> {
  const [{ default: ElectronStore }, { default: electron }] = await Promise.all([import('electron-store'), import('electron')])
  const store = new ElectronStore<Record<string, unknown>>({ name: 'counters', ...STORE_OPTIONS })
  // electron-store answers renderers on a channel of its own; ours never use it, and main listens
  // to nothing but the kiosk contract's channels.
  electron.ipcMain.removeAllListeners('electron-store-get-data')
  return adapt(store)
}
