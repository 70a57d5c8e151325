// The hidden way to the staff screen: five taps on the school's name in the header within three
// seconds (touch, pen or mouse), or Ctrl+Alt+S on a keyboard. A parent tapping the name once or
// twice, or tapping around the screen, never gets there; a slow fifth tap starts counting afresh.

export const STAFF_TAPS = 5
export const STAFF_TAP_WINDOW_MS = 3_000

/** Counts taps; true on the tap that completes the gesture (and the count starts over). */
export class TapCounter {
  readonly #needed: number
  readonly #windowMs: number
  #taps: number[] = []

  constructor(needed = STAFF_TAPS, windowMs = STAFF_TAP_WINDOW_MS) {
    this.#needed = needed
    this.#windowMs = windowMs
  }

  tap(at: number): boolean {
    this.#taps = [...this.#taps.filter((time) => at - time < this.#windowMs && at >= time), at]
    if (this.#taps.length < this.#needed) return false
    this.#taps = []
    return true
  }

  reset(): void {
    this.#taps = []
  }
}

/** The element a tap must land on: the school's name in the header. */
export const STAFF_TARGET_SELECTOR = '[data-staff-gesture]'

/** A primary pointer's press (any finger's first touch, the pen, the left mouse button) on the target. */
export function isStaffTap(event: Pick<PointerEvent, 'isPrimary' | 'button' | 'target'>): boolean {
  if (!event.isPrimary || event.button !== 0) return false
  const target = event.target
  return typeof Element !== 'undefined' && target instanceof Element && target.closest(STAFF_TARGET_SELECTOR) !== null
}

/** Ctrl+Alt+S (by the key's position, so any keyboard layout), for staff with a keyboard. */
export function isStaffShortcut(event: Pick<KeyboardEvent, 'ctrlKey' | 'altKey' | 'metaKey' | 'shiftKey' | 'code' | 'repeat'>): boolean {
  return event.ctrlKey && event.altKey && !event.metaKey && !event.shiftKey && !event.repeat && event.code === 'KeyS'
}
