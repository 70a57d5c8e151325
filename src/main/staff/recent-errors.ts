// The last few warnings and errors the kiosk logged, for the staff screen: when, which event, and a
// reference code if the line had one. Nothing else of a log line is kept: its other fields could
// describe a parent's session (the log masks personal data, but the staff screen should not even
// need to trust that). Event names and codes are checked against tight shapes; anything else is
// replaced, never shown.
import type { KioskLogger } from '../logging/logger'
import { maskPersonalData } from '../logging/logger'

export interface RecentError {
  /** ISO 8601, UTC. */
  at: string
  level: 'warn' | 'error'
  event: string
  reference: string | null
}

export const DEFAULT_RECENT_ERRORS = 20

/** Event names are code constants: `bankid.failure`, `settings.invalid`. */
const EVENT_SHAPE = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/i
/**
 * Internal reference codes: `B-503-maintenance`, `N-ECONNREFUSED`, `S-SETTINGS`. The staff screen shows
 * each beside its staffReference, the neutral reference the parent's screen showed for it.
 */
const REFERENCE_SHAPE = /^[A-Z]{1,4}(?:-[A-Za-z0-9_]+)+$/
const MAX_EVENT = 64
const MAX_REFERENCE = 48

export class RecentErrors {
  readonly #capacity: number
  readonly #now: () => Date
  readonly #entries: RecentError[] = []

  constructor(options: { capacity?: number; now?: () => Date } = {}) {
    this.#capacity = options.capacity ?? DEFAULT_RECENT_ERRORS
    this.#now = options.now ?? (() => new Date())
    if (!Number.isSafeInteger(this.#capacity) || this.#capacity < 1) throw new RangeError('capacity must be a whole number of at least 1')
  }

  record(level: 'warn' | 'error', event: string, fields?: Record<string, unknown>): void {
    const at = this.#now()
    this.#entries.push({
      at: Number.isNaN(at.getTime()) ? new Date(0).toISOString() : at.toISOString(),
      level,
      event: safeEvent(event),
      reference: safeReference(fields?.reference),
    })
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity)
  }

  /** Newest first. */
  list(): RecentError[] {
    return this.#entries.map((entry) => ({ ...entry })).reverse()
  }
}

/** A logger that also tells `recent` about every warning and error it is given. */
export function recordingErrors(logger: KioskLogger, recent: RecentErrors): KioskLogger {
  const remember = (level: 'warn' | 'error', event: string, fields?: Record<string, unknown>) => {
    try {
      recent.record(level, event, fields)
    } catch {
      // The staff screen's list must never break logging.
    }
  }
  return {
    error: (event, fields) => {
      remember('error', event, fields)
      logger.error(event, fields)
    },
    warn: (event, fields) => {
      remember('warn', event, fields)
      logger.warn(event, fields)
    },
    info: (event, fields) => logger.info(event, fields),
    debug: (event, fields) => logger.debug(event, fields),
  }
}

function safeEvent(event: unknown): string {
  const masked = maskPersonalData(String(event))
  return typeof masked === 'string' && masked.length <= MAX_EVENT && EVENT_SHAPE.test(masked) ? masked : 'other'
}

function safeReference(reference: unknown): string | null {
  if (typeof reference !== 'string') return null
  const masked = maskPersonalData(reference)
  return typeof masked === 'string' && masked.length <= MAX_REFERENCE && REFERENCE_SHAPE.test(masked) ? masked : null
}
