// The orders this gateway instance started and has not seen end: remembered only to enforce the RP
// rules (one pending order per personnummer) and to cancel a revoked kiosk's orders. Nothing of
// the person is kept but a keyed hash of the personnummer.

/** An order this instance started. */
export interface PendingOrder {
  /** The kiosk's certificate fingerprint. */
  kiosk: string
  kioskId: string
  serialNumber: string
  /** The personnummer's keyed hash, if the order named one. */
  pnrKey: string | null
  /** Monotonic ms. */
  startedAt: number
}

/** BankID forgets an unscanned order after 30 s and a scanned one after about 3 min. */
export const PENDING_FORGOTTEN_AFTER_MS = 4 * 60 * 1000
/** How many cancelled-for-revocation orders are remembered (the oldest go first). */
export const MAX_REVOKED_AND_CANCELLED = 10_000

export class PendingOrders {
  readonly #pending = new Map<string, PendingOrder>()
  readonly #byPnr = new Map<string, string>()
  /** Orders this instance cancelled for a revoked kiosk: not cancelled again when that kiosk asks. */
  readonly #revokedAndCancelled = new Set<string>()
  readonly #onSize: (size: number) => void

  /** `onSize` hears the number pending after every change (the pending-orders gauge). */
  constructor(onSize: (size: number) => void = () => undefined) {
    this.#onSize = onSize
  }

  get size(): number {
    return this.#pending.size
  }

  add(bankIdOrderRef: string, order: PendingOrder): void {
    this.#pending.set(bankIdOrderRef, order)
    if (order.pnrKey !== null) this.#byPnr.set(order.pnrKey, bankIdOrderRef)
    this.#onSize(this.#pending.size)
  }

  /** BankID's orderRef of the latest pending order for this personnummer hash. */
  refFor(pnrKey: string): string | undefined {
    return this.#byPnr.get(pnrKey)
  }

  /** Every pending order, oldest first. */
  entries(): [string, PendingOrder][] {
    return [...this.#pending]
  }

  forget(bankIdOrderRef: string): void {
    const order = this.#pending.get(bankIdOrderRef)
    if (!order) return
    this.#pending.delete(bankIdOrderRef)
    if (order.pnrKey !== null && this.#byPnr.get(order.pnrKey) === bankIdOrderRef) this.#byPnr.delete(order.pnrKey)
    this.#onSize(this.#pending.size)
  }

  /** Forgets the orders BankID has certainly forgotten by `now` (monotonic ms). */
  forgetOld(now: number): void {
    const cutoff = now - PENDING_FORGOTTEN_AFTER_MS
    for (const [ref, order] of this.#pending) {
      if (order.startedAt >= cutoff) break // insertion order is start order
      this.forget(ref)
    }
  }

  markRevokedAndCancelled(bankIdOrderRef: string): void {
    this.#revokedAndCancelled.add(bankIdOrderRef)
    if (this.#revokedAndCancelled.size > MAX_REVOKED_AND_CANCELLED) {
      this.#revokedAndCancelled.delete(this.#revokedAndCancelled.values().next().value as string)
    }
  }

  wasRevokedAndCancelled(bankIdOrderRef: string): boolean {
    return this.#revokedAndCancelled.has(bankIdOrderRef)
  }
}
