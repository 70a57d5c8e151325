// The kiosk's log: structured JSON lines, one per event, in a size-rotated file (product.md §6).
// Every line is
//   {"level":"info","time":"2026-11-24T14:03:07.123Z","pid":4242,"event":"order.started",...fields}
// and every field (and the event name) has been through maskPersonalData first, so no personnummer
// and no name is ever written. Log the orderRef as `orderRefHash: hashOrderRef(orderRef)`; a field
// called `orderRef` is hashed and renamed to that anyway.
import { createJsonLogger, openRotatingFileLogger } from './core'
import type { FileLogger, FileLoggerOptions, KioskLogger } from './core'

export type { FileLogger, FileLoggerOptions, KioskLogger, LogLevel } from './core'
export { LOG_LEVELS } from './core'
export { hashOrderRef, maskPersonalData, ORDER_REF_HASH_KEY, PERSONNUMMER_MASK, REDACTED } from './mask'

/**
 * Logs to `<directory>/<fileName>` (created if missing), rotated when it reaches maxFileSizeMB;
 * rotated files are named `<stem>.<local time>.<ext>` and only the newest maxFiles of them are kept.
 * Throws a RangeError for a bad level, a size or count that is not a whole number of at least 1, or
 * a fileName with a directory in it.
 */
export function createFileLogger(options: FileLoggerOptions): FileLogger {
  if (!Number.isSafeInteger(options.maxFileSizeMB) || options.maxFileSizeMB < 1) {
    throw new RangeError(`maxFileSizeMB must be a whole number of at least 1, got ${String(options.maxFileSizeMB)}`)
  }
  return openRotatingFileLogger(options, `${options.maxFileSizeMB}M`)
}

export interface MemoryLogger extends KioskLogger {
  /** Every line written, as JSON text without the newline. */
  lines: string[]
  /** The lines, parsed. */
  entries(): Record<string, unknown>[]
}

/** The same lines as the file logger (same masking, same format), at level debug, kept in memory. */
export function createMemoryLogger(): MemoryLogger {
  const lines: string[] = []
  const logger = createJsonLogger({ write: (line: string) => void lines.push(line.replace(/\n$/, '')) }, 'debug')
  return {
    error: logger.error,
    warn: logger.warn,
    info: logger.info,
    debug: logger.debug,
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

const ignore = (): void => undefined

export const silentLogger: KioskLogger = { error: ignore, warn: ignore, info: ignore, debug: ignore }
