// Whether BankID is usable: the run of service failures that sends the kiosk out of service, and
// the probe that finds BankID again. The screens are the session's.
import { randomUUID } from 'node:crypto'
import { describeFailure } from '../bankid/failure'
import type { FailureCause } from '../../shared/contract'
import { referenceFor } from './references'
import type { BankIdPort } from './session-types'

export type ProbeResult = { reachable: true } | { reachable: false; reference: string; staffMessage: string }

export const isServiceCause = (cause: FailureCause): boolean =>
  cause === 'bankid-unavailable' || cause === 'network' || cause === 'tls'

export class ServiceWatch {
  readonly #bankId: Pick<BankIdPort, 'collect'>
  readonly #failuresBeforeOut: number
  readonly #requestTimeoutMs: number
  #failures = 0

  constructor(options: { bankId: Pick<BankIdPort, 'collect'>; failuresBeforeOut: number; requestTimeoutMs: number }) {
    this.#bankId = options.bankId
    this.#failuresBeforeOut = options.failuresBeforeOut
    this.#requestTimeoutMs = options.requestTimeoutMs
  }

  /** BankID answered as it should: the run of service failures is over. */
  answered(): void {
    this.#failures = 0
  }

  /** A login failed with this cause; true when that makes enough service failures in a row to go out of service. */
  failed(cause: FailureCause): boolean {
    const isService = isServiceCause(cause)
    this.#failures = isService ? this.#failures + 1 : 0
    return isService && this.#failures >= this.#failuresBeforeOut
  }

  /** Asks BankID about an order that cannot exist: "No such order" proves it is reachable and trusts us. */
  probe(): Promise<ProbeResult> {
    return this.#bankId.collect(randomUUID(), { timeoutMs: this.#requestTimeoutMs }).then((result): ProbeResult => {
      const reachable = !result.ok && result.error.kind === 'bankid-error' && result.error.errorCode === 'invalidParameters'
      if (reachable) return { reachable: true }
      return result.ok
        ? { reachable: false, reference: 'P-UNEXPECTED', staffMessage: 'unexpected answer' }
        : { reachable: false, reference: referenceFor(result.error), staffMessage: describeFailure(result.error) }
    })
  }
}
