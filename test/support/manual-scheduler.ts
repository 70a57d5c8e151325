import type { Scheduler, TimerHandle } from '../../src/main/scheduler'

interface Pending {
  id: number
  at: number
  callback: () => void
}

/**
 * A Scheduler whose time only moves when a test calls advance(). Due timers fire in time order,
 * each seeing `now()` equal to its due time; a timer set by a callback fires in the same advance
 * if it falls due within it.
 */
export class ManualScheduler implements Scheduler {
  #now: number
  #nextId = 1
  #pending: Pending[] = []
  /**
   * Off by default. When set, each timer's callback first reads the clock this much before the
   * timer's time, as Node's timers can fire early (libuv's loop clock counts whole milliseconds and
   * is read once a loop turn); the clock's next reading is the timer's time again. Timers set in
   * that callback count from the early time, as Node's count from its loop clock.
   */
  wakeEarlyMs = 0
  #earlyReading: number | null = null
  #timerBase: number | null = null

  constructor(start = 1_000_000) {
    this.#now = start
  }

  now(): number {
    const early = this.#earlyReading
    this.#earlyReading = null
    return early ?? this.#now
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.#nextId++, at: (this.#timerBase ?? this.#now) + Math.max(0, ms), callback }
    this.#pending.push(timer)
    return { id: timer.id }
  }

  clearTimeout(handle: TimerHandle | null | undefined): void {
    if (!handle) return
    this.#pending = this.#pending.filter((timer) => timer.id !== handle.id)
  }

  /** Moves time forward by ms, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.#now + ms
    for (;;) {
      const next = this.#pending
        .filter((timer) => timer.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!next) break
      this.#pending = this.#pending.filter((timer) => timer !== next)
      this.#now = next.at
      this.#earlyReading = this.wakeEarlyMs > 0 ? next.at - this.wakeEarlyMs : null
      this.#timerBase = this.#earlyReading
      next.callback()
      this.#earlyReading = null
      this.#timerBase = null
    }
    this.#now = end
  }

  /** Number of timers waiting: a test can assert that nothing was left behind. */
  get pendingTimers(): number {
    return this.#pending.length
  }
}
