// A KioskLogger that tells a listener the level and event of each line before passing it on, so
// the health monitor can count warnings and errors. The fields are not passed to the listener:
// nothing of what was logged is kept, only that something was.
import type { KioskLogger, LogLevel } from '../logging/logger'

export type LogListener = (level: LogLevel, event: string) => void

export function tapLogger(inner: KioskLogger, listener: LogListener): KioskLogger {
  const method =
    (level: LogLevel) =>
    (event: string, fields?: Record<string, unknown>): void => {
      inner[level](event, fields)
      try {
        listener(level, event)
      } catch {
        // Counting must never break logging, nor the caller.
      }
    }
  return { error: method('error'), warn: method('warn'), info: method('info'), debug: method('debug') }
}
