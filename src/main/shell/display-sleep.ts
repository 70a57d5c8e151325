// Keeps the screen on while the kiosk runs (a reception terminal that dims looks broken).
// Shaped like Signal Desktop's PreventDisplaySleepService: Electron's blocker comes in as a
// parameter, so this is tested with a fake.

export interface PowerSaveBlockerLike {
  start(type: 'prevent-display-sleep' | 'prevent-app-suspension'): number
  stop(id: number): void
  isStarted(id: number): boolean
}

export class PreventDisplaySleepService {
  readonly #blocker: PowerSaveBlockerLike
  #id: number | null = null

  constructor(blocker: PowerSaveBlockerLike) {
    this.#blocker = blocker
  }

  /** Idempotent: a second call does not start a second blocker. */
  enable(): void {
    if (this.#id !== null && this.#blocker.isStarted(this.#id)) return
    this.#id = this.#blocker.start('prevent-display-sleep')
  }

  disable(): void {
    if (this.#id === null) return
    if (this.#blocker.isStarted(this.#id)) this.#blocker.stop(this.#id)
    this.#id = null
  }

  get enabled(): boolean {
    return this.#id !== null && this.#blocker.isStarted(this.#id)
  }
}
