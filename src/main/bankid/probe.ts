// Is BankID there, and does it accept us? Asks for the status of an order that cannot exist (a
// fresh random orderRef): BankID answers 400 invalidParameters ("No such order"), which proves in
// one harmless request that the network, the TLS handshake both ways (our RP certificate
// included) and BankID itself all work. Nothing is started at BankID and no parent is involved.
import { randomUUID } from 'node:crypto'
import type { Clock } from '../clock'
import type { BankIdClient } from './client'
import type { BankIdFailure } from './failure'
import { describeFailure } from './failure'

export type BankIdProbeResult =
  | { reachable: true; latencyMs: number }
  | {
      reachable: false
      latencyMs: number
      /** What went wrong; null when BankID answered, but not as it must for an unknown order. */
      failure: BankIdFailure | null
      /** Short, non-personal, for logs and staff. */
      description: string
    }

export interface BankIdProbeOptions {
  /** Measures the latency: a real monotonic clock, even where timers are simulated. */
  clock: Clock
  timeoutMs: number
  signal?: AbortSignal
}

export async function probeBankId(
  bankId: Pick<BankIdClient, 'collect'>,
  options: BankIdProbeOptions,
): Promise<BankIdProbeResult> {
  const started = options.clock.now()
  const result = await bankId.collect(randomUUID(), { timeoutMs: options.timeoutMs, signal: options.signal })
  const latencyMs = Math.max(0, Math.round(options.clock.now() - started))
  if (result.ok) return { reachable: false, latencyMs, failure: null, description: 'unexpected answer: an unknown order was found' }
  const failure = result.error
  if (failure.kind === 'bankid-error' && failure.errorCode === 'invalidParameters') return { reachable: true, latencyMs }
  return { reachable: false, latencyMs, failure, description: describeFailure(failure) }
}
