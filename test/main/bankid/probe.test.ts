import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeBankId } from '../../../src/main/bankid/probe'
import type { BankIdClient } from '../../../src/main/bankid/client'
import { ManualClock } from '../../support/manual-clock'
import { startTestSimulator } from '../../support/simulator'
import type { TestSimulator } from '../../support/simulator'

let env: TestSimulator
let client: BankIdClient
beforeAll(async () => {
  env = await startTestSimulator()
  client = env.client()
})
afterAll(() => env.close())

describe('probeBankId', () => {
  it('finds BankID reachable when it says "No such order" for a random orderRef, and starts nothing', async () => {
    const result = await probeBankId(client, { clock: { now: () => performance.now() }, timeoutMs: 5_000 })
    expect(result).toMatchObject({ reachable: true })
    expect(result.latencyMs).toBeGreaterThanOrEqual(0)
    const requests = env.simulator.log.list()
    expect(requests.map((request) => request.endpoint)).toEqual(['collect'])
    expect(env.simulator.orders.list()).toEqual([])
  })

  it('reports what failed when BankID does not answer as it should', async () => {
    env.simulator.faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'internalError' } })
    expect(await probeBankId(client, { clock: new ManualClock(), timeoutMs: 5_000 })).toMatchObject({
      reachable: false,
      failure: { kind: 'bankid-error', errorCode: 'internalError' },
      description: 'BankID 500 internalError',
    })
  })

  it('measures the latency on the clock it is given', async () => {
    const clock = new ManualClock()
    const slow = {
      collect: async () => {
        clock.advance(37)
        return { ok: false as const, error: { kind: 'bankid-error' as const, errorCode: 'invalidParameters' as const, httpStatus: 400, details: 'No such order' } }
      },
    }
    expect(await probeBankId(slow, { clock, timeoutMs: 1_000 })).toEqual({ reachable: true, latencyMs: 37 })
  })

  it('does not trust an answer for an order that cannot exist', async () => {
    const odd = {
      collect: async (orderRef: string) => ({ ok: true as const, value: { orderRef, status: 'pending' as const, hintCode: 'outstandingTransaction' } }),
    }
    expect(await probeBankId(odd, { clock: new ManualClock(), timeoutMs: 1_000 })).toMatchObject({ reachable: false, failure: null })
  })
})
