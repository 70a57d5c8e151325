// Timers as the session engine sees them: a Clock plus one-shot timers. The real one wraps the
// global timers; tests use a manual one and move time by hand.
import type { Clock } from './clock'
import { monotonicClock } from './clock'

export type TimerHandle = { readonly id: number }

export interface Scheduler extends Clock {
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle | null | undefined): void
}

export function createRealScheduler(clock: Clock = monotonicClock): Scheduler {
  const timers = new Map<number, NodeJS.Timeout>()
  let nextId = 1
  return {
    now: () => clock.now(),
    setTimeout(callback, ms) {
      const id = nextId++
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id)
          callback()
        }, Math.max(0, ms)),
      )
      return { id }
    },
    clearTimeout(handle) {
      if (!handle) return
      clearTimeout(timers.get(handle.id))
      timers.delete(handle.id)
    },
  }
}
