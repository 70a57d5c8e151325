// Whether the kiosk is quiet enough for maintenance (installing an update): on the welcome screen,
// with nobody having touched it for a while.
import type { Snapshot } from '../../shared/contract'

export class QuietTime {
  readonly #quietForMs: number
  #welcomeSince: number | null = null
  #lastSequence = -1

  constructor(quietForMs: number) {
    this.#quietForMs = quietForMs
  }

  /** Every snapshot: any change (a touch resets the idle timer and publishes one) restarts the wait. */
  observe(snapshot: Snapshot, now: number): void {
    if (snapshot.sequence === this.#lastSequence) return
    this.#lastSequence = snapshot.sequence
    this.#welcomeSince = snapshot.screen.name === 'welcome' && snapshot.idleWarning === null ? now : null
  }

  isQuiet(now: number): boolean {
    return this.#welcomeSince !== null && now - this.#welcomeSince >= this.#quietForMs
  }
}
