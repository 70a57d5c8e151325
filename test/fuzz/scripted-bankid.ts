// A deterministic BankID for model-based tests: orders get predictable references and QR secrets,
// and the test moves each order along (picked up, completed, failed) or makes the next request fail.
// Two sessions, each with its own ScriptedBankId, given the same intents, clock and bank events,
// must therefore produce identical snapshots, byte for byte (the simulator cannot promise that:
// every order it makes has a random QR secret).
import type { AuthRequest, CollectResponse } from '../../src/main/bankid/api-types'
import type { CallOptions, StartedOrder } from '../../src/main/bankid/client'
import type { BankIdFailure, Result } from '../../src/main/bankid/failure'
import type { Scheduler } from '../../src/main/scheduler'
import type { BankIdPort } from '../../src/main/session/kiosk-session'

interface ScriptedOrder {
  personalNumber: string | null
  state: 'pending' | 'picked-up' | 'complete' | 'failed'
  hint: string
}

export type BankEvent =
  | { kind: 'pick-up' }
  | { kind: 'complete' }
  | { kind: 'fail'; hint: string }
  | { kind: 'pending-hint'; hint: string }
  | { kind: 'next-request-fails'; failure: BankIdFailure }
  /** Every request fails like this until the outage ends (null). */
  | { kind: 'outage'; failure: BankIdFailure | null }

export class ScriptedBankId implements BankIdPort {
  readonly #scheduler: Scheduler
  readonly #orders = new Map<string, ScriptedOrder>()
  #created = 0
  #nextFailure: BankIdFailure | null = null
  #outage: BankIdFailure | null = null
  #pendingHint = 'outstandingTransaction'

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler
  }

  async auth(request: AuthRequest, _options?: CallOptions): Promise<Result<StartedOrder>> {
    const failure = this.#takeFailure()
    if (failure) return { ok: false, error: failure }
    const n = ++this.#created
    const orderRef = `order-${n}`
    this.#orders.set(orderRef, { personalNumber: request.requirement?.personalNumber ?? null, state: 'pending', hint: '' })
    return {
      ok: true,
      value: {
        response: { orderRef, autoStartToken: `auto-${n}`, qrStartToken: `token-${n}`, qrStartSecret: `secret-${n}` },
        receivedAt: this.#scheduler.now(),
      },
    }
  }

  async collect(orderRef: string, _options?: CallOptions): Promise<Result<CollectResponse>> {
    const failure = this.#takeFailure()
    if (failure) return { ok: false, error: failure }
    const order = this.#orders.get(orderRef)
    if (!order) {
      return { ok: false, error: { kind: 'bankid-error', errorCode: 'invalidParameters', httpStatus: 400, details: 'No such order' } }
    }
    switch (order.state) {
      case 'pending':
        return { ok: true, value: { orderRef, status: 'pending', hintCode: this.#pendingHint } }
      case 'picked-up':
        return { ok: true, value: { orderRef, status: 'pending', hintCode: 'userSign' } }
      case 'failed':
        return { ok: true, value: { orderRef, status: 'failed', hintCode: order.hint } }
      case 'complete':
        return {
          ok: true,
          value: {
            orderRef,
            status: 'complete',
            completionData: {
              user: { personalNumber: order.personalNumber ?? '199001012385', name: 'Anna Andersson', givenName: 'Anna', surname: 'Andersson' },
              device: { ipAddress: '127.0.0.1' },
              signature: 'c2lnbmF0dXJl',
              ocspResponse: 'b2NzcA==',
            },
          },
        }
    }
  }

  async cancel(orderRef: string, _options?: CallOptions): Promise<Result<void>> {
    this.#orders.delete(orderRef)
    return { ok: true, value: undefined }
  }

  /** Applies an event to the newest order still open (or to the next request). */
  apply(event: BankEvent): void {
    if (event.kind === 'next-request-fails') {
      this.#nextFailure = event.failure
      return
    }
    if (event.kind === 'outage') {
      this.#outage = event.failure
      return
    }
    if (event.kind === 'pending-hint') {
      this.#pendingHint = event.hint
      return
    }
    const open = [...this.#orders.values()].filter((o) => o.state === 'pending' || o.state === 'picked-up').at(-1)
    if (!open) return
    if (event.kind === 'pick-up') open.state = 'picked-up'
    else if (event.kind === 'complete') open.state = 'complete'
    else {
      open.state = 'failed'
      open.hint = event.hint
    }
  }

  #takeFailure(): BankIdFailure | null {
    const failure = this.#nextFailure ?? this.#outage
    this.#nextFailure = null
    return failure
  }
}
