// Cancels of BankID orders, best effort and bounded in time. When BankID cannot be reached the
// cancel is tried again (5, 10, 20, 30, 30… s) until it answers or the order must have expired
// there, so a parent who walked away never leaves an order open behind them.
import type { BankIdFailure } from '../bankid/failure'
import { describeFailure } from '../bankid/failure'
import type { Scheduler, TimerHandle } from '../scheduler'
import type { BankIdPort, Log, Track } from './session-types'

export interface CancelRetriesOptions {
  bankId: Pick<BankIdPort, 'cancel'>
  scheduler: Scheduler
  cancelTimeoutMs: number
  hashOrderRef: (orderRef: string) => string
  log: Log
  track: Track
  /** After dispose no retry is scheduled any more. */
  isDisposed: () => boolean
}

interface UnconfirmedCancel {
  tries: number
  /** Scheduler time after which BankID has expired the order by itself. */
  giveUpAt: number
  timer: TimerHandle | null
}

export const CANCEL_RETRY_FIRST_MS = 5_000
export const CANCEL_RETRY_MAX_MS = 30_000
/** BankID ends an order by itself within minutes (product.md §7: 3-minute collect window, 5 with signing). */
export const CANCEL_RETRY_LIMIT_MS = 6 * 60_000

/** A failure after which BankID may never have seen the cancel, or could not act on it: worth trying again. */
export function isUnanswered(failure: BankIdFailure): boolean {
  if (failure.kind === 'network' || failure.kind === 'timeout' || failure.kind === 'malformed-response') return true
  return failure.kind === 'bankid-error' && ['internalError', 'maintenance', 'requestTimeout'].includes(failure.errorCode)
}

export class CancelRetries {
  readonly #o: CancelRetriesOptions
  /** Orders whose cancel did not reach BankID, by orderRef: tried again until BankID answers. */
  readonly #unconfirmed = new Map<string, UnconfirmedCancel>()

  constructor(options: CancelRetriesOptions) {
    this.#o = options
  }

  cancel(orderRef: string): Promise<void> {
    const { scheduler, log } = this.#o
    const orderRefHash = this.#o.hashOrderRef(orderRef)
    const pending = this.#unconfirmed.get(orderRef)
    if (pending) scheduler.clearTimeout(pending.timer)
    const tries = (pending?.tries ?? 0) + 1
    const giveUpAt = pending?.giveUpAt ?? scheduler.now() + CANCEL_RETRY_LIMIT_MS
    this.#unconfirmed.set(orderRef, { tries, giveUpAt, timer: null })
    const cancelling = this.#o.bankId.cancel(orderRef, { timeoutMs: this.#o.cancelTimeoutMs })
    return this.#o.track(cancelling).then((result) => {
      if (result.ok) {
        this.#unconfirmed.delete(orderRef)
        return log('info', 'order.cancelled', { orderRefHash, tries })
      }
      const failure = result.error
      if (failure.kind === 'bankid-error' && failure.errorCode === 'invalidParameters' && tries > 1) {
        // After an earlier try went unanswered: BankID no longer knows the order, which is what we wanted.
        this.#unconfirmed.delete(orderRef)
        return log('info', 'order.cancel-unneeded', { orderRefHash, tries })
      }
      const retryIn = Math.min(CANCEL_RETRY_FIRST_MS * 2 ** (tries - 1), CANCEL_RETRY_MAX_MS)
      const willRetry = isUnanswered(failure) && !this.#o.isDisposed() && scheduler.now() + retryIn < giveUpAt
      log('warn', 'order.cancel-failed', { orderRefHash, failure: describeFailure(failure), tries, willRetry })
      if (!willRetry) {
        this.#unconfirmed.delete(orderRef)
        return
      }
      const timer = scheduler.setTimeout(() => void this.cancel(orderRef), retryIn)
      this.#unconfirmed.set(orderRef, { tries, giveUpAt, timer })
    })
  }

  /** Every unconfirmed cancel, tried now instead of at its timer. */
  retryNow(): Promise<void>[] {
    return [...this.#unconfirmed.entries()]
      .filter(([, pending]) => pending.timer !== null)
      .map(([orderRef]) => this.cancel(orderRef))
  }
}
