// The machinery behind logger.ts, kept apart so that the public module exports only the API.
// Tests import openRotatingFileLogger from here to rotate at a few kilobytes instead of megabytes.
//
// pino formats the lines and writes them synchronously to a plain Writable (an in-memory sink, or
// a rotating-file-stream): no worker-thread transport, which breaks inside a packaged Electron app.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import pino from 'pino'
import type { DestinationStream, Logger } from 'pino'
import { createStream } from 'rotating-file-stream'
import { maskPersonalData, maskText } from './mask'

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface KioskLogger {
  error(event: string, fields?: Record<string, unknown>): void
  warn(event: string, fields?: Record<string, unknown>): void
  info(event: string, fields?: Record<string, unknown>): void
  debug(event: string, fields?: Record<string, unknown>): void
}

export interface FileLoggerOptions {
  directory: string
  level: LogLevel
  maxFileSizeMB: number
  maxFiles: number
  /** Default 'kiosk.log'. */
  fileName?: string
}

export interface FileLogger {
  logger: KioskLogger
  /** Writes out everything logged so far and closes the file; later log calls are dropped. */
  close(): Promise<void>
}

export const DEFAULT_LOG_FILE_NAME = 'kiosk.log'

/** Keys every line has; a caller's field with one of these names is written as `field_<name>`. */
const RESERVED_KEYS = new Set(['time', 'level', 'event', 'pid'])

/** The object pino writes after its own `level`, `time` and `pid`: the event first, then the fields. */
export function buildEntry(event: string, fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const entry: Record<string, unknown> = { event: maskText(String(event)) }
  if (fields === undefined) return entry
  const masked = maskPersonalData(fields)
  if (masked === null || typeof masked !== 'object' || Array.isArray(masked)) {
    entry.fields = masked
    return entry
  }
  for (const [key, value] of Object.entries(masked)) {
    const outKey = RESERVED_KEYS.has(key) ? `field_${key}` : key
    Object.defineProperty(entry, outKey, { value, enumerable: true, writable: true, configurable: true })
  }
  return entry
}

/** A KioskLogger writing JSON lines to `destination`: `{"level","time","pid","event",...fields}`. */
export function createJsonLogger(
  destination: DestinationStream,
  level: LogLevel,
  isOpen: () => boolean = () => true,
): KioskLogger {
  const pinoLogger: Logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Everything arrives already masked and serialised. pino would otherwise run a field named
      // `err` through its error serializer (adding "type":"Object") and copy err.message into a
      // `msg` field; it does the latter only when the message key is missing, and `event` never is.
      messageKey: 'event',
      serializers: { err: (value: unknown) => value },
    },
    destination,
  )
  const method =
    (lineLevel: LogLevel) =>
    (event: string, fields?: Record<string, unknown>): void => {
      if (!isOpen() || !pinoLogger.isLevelEnabled(lineLevel)) return
      let entry: Record<string, unknown>
      try {
        entry = buildEntry(event, fields)
      } catch {
        // maskPersonalData does not throw; this is the last line of defence. Nothing unmasked.
        entry = { event: 'log.unserializable' }
      }
      try {
        pinoLogger[lineLevel](entry)
      } catch {
        // Logging must never break the caller.
      }
    }
  return { error: method('error'), warn: method('warn'), info: method('info'), debug: method('debug') }
}

export function assertLogLevel(level: unknown): asserts level is LogLevel {
  if (!(LOG_LEVELS as readonly unknown[]).includes(level)) {
    throw new RangeError(`log level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`)
  }
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a whole number of at least 1, got ${String(value)}`)
  }
}

/**
 * A file logger rotating at `size`, in rotating-file-stream's units ('10M', '2K', '300B').
 * createFileLogger passes `${maxFileSizeMB}M`; tests pass kilobytes.
 */
export function openRotatingFileLogger(options: FileLoggerOptions, size: string): FileLogger {
  assertLogLevel(options.level)
  assertPositiveInteger('maxFiles', options.maxFiles)
  const fileName = options.fileName ?? DEFAULT_LOG_FILE_NAME
  if (fileName === '' || fileName === '.' || fileName === '..' || path.basename(fileName) !== fileName) {
    throw new RangeError(`fileName must be a plain file name without a directory, got ${JSON.stringify(fileName)}`)
  }
  mkdirSync(options.directory, { recursive: true })

  const stream = createStream(rotatedName(fileName), {
    path: options.directory,
    size,
    // Rotated files beyond this many are deleted after each rotation. rotating-file-stream keeps
    // the list of rotated files in `<fileName>.txt` next to the log.
    maxFiles: options.maxFiles,
  })
  // An unhandled 'error' would crash the main process; a failing log must not take the kiosk down.
  stream.on('error', (error) => reportStreamProblem('log.stream-error', error))
  stream.on('warning', (error) => reportStreamProblem('log.stream-warning', error))

  let closing: Promise<void> | undefined
  const logger = createJsonLogger(stream, options.level, () => closing === undefined && !stream.destroyed)
  return {
    logger,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        if (stream.destroyed || stream.writableFinished) {
          resolve()
          return
        }
        // 'finish' comes after rotating-file-stream has written every chunk (rotating as needed)
        // and closed the file handle.
        stream.end(() => resolve())
      })),
  }
}

/**
 * The file name generator: `kiosk.log` while written, `kiosk.2026-11-24T14-03-07.123.log` once
 * rotated (local time, no ':' so Windows accepts it), `-2`, `-3`… if that name is taken.
 */
function rotatedName(fileName: string): (time: number | Date | null, index?: number) => string {
  const extension = path.extname(fileName)
  const stem = fileName.slice(0, fileName.length - extension.length)
  return (time, index) => {
    if (time === null) return fileName
    const at = new Date(time)
    const pad = (value: number, width = 2): string => String(value).padStart(width, '0')
    const stamp =
      `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` +
      `T${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`
    const suffix = index === undefined || index <= 1 ? '' : `-${index}`
    return `${stem}.${stamp}${suffix}${extension}`
  }
}

/** The log file itself is what failed, so the report goes to stderr, in the same (masked) format. */
function reportStreamProblem(event: string, error: Error): void {
  try {
    const line = JSON.stringify({
      level: event === 'log.stream-error' ? 'error' : 'warn',
      time: new Date().toISOString(),
      pid: process.pid,
      ...buildEntry(event, { err: error }),
    })
    process.stderr.write(`${line}\n`)
  } catch {
    // Nothing left to tell.
  }
}
