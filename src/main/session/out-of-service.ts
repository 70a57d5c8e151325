// The out-of-service screen's life: entered after a run of service failures, a probe of BankID
// when its countdown ends, back to the welcome screen once BankID answers as it should.
import type { Clock } from '../clock'
import { staffReference } from '../../shared/staff-reference'
import type { ScreenState } from './screen-state'
import type { ServiceWatch } from './service-watch'
import type { LogLevel } from './session-types'

export interface OutOfServiceOptions {
  service: Pick<ServiceWatch, 'probe' | 'answered'>
  retryMs: number
  scheduler: Clock
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void
  track<T>(promise: Promise<T>): Promise<T>
  /** Puts a screen up (clearing "Are you still there?"). */
  show(screen: ScreenState): void
  /** The out-of-service screen is still the one up: a late probe answer changes nothing otherwise. */
  isShowing(): boolean
  backInService(): void
}

export class OutOfService {
  readonly #o: OutOfServiceOptions

  constructor(options: OutOfServiceOptions) {
    this.#o = options
  }

  enter(reference: string, staffMessage: string): void {
    const retryAt = this.#o.scheduler.now() + this.#o.retryMs
    this.#o.log('error', 'service.out', { reference, staffReference: staffReference(reference), staffMessage })
    this.#o.show({ name: 'out-of-service', reference, staffMessage, retryAt })
  }

  probe(): void {
    const { service, track, log } = this.#o
    void track(service.probe()).then((result) => {
      if (!this.#o.isShowing()) return
      if (!result.reachable) return this.enter(result.reference, result.staffMessage)
      service.answered()
      log('info', 'service.back')
      this.#o.backInService()
    })
  }
}
