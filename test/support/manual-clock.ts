import type { Clock } from '../../src/main/clock'

/** A Clock that only moves when a test says so. */
export class ManualClock implements Clock {
  #now: number
  constructor(start = 1_000_000) {
    this.#now = start
  }
  now(): number {
    return this.#now
  }
  advance(ms: number): void {
    this.#now += ms
  }
}
