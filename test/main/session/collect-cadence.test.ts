// BankID's rule for collect: never more often than once a second, retries included. The session
// against the real simulator, with a BankID client whose silent 503 retries wait on the manual
// clock (as they wait on the wall clock in production, 500 ms then 1 s then 2 s), so that the
// simulator's request log shows the spacing the kiosk really has.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BankIdClient } from '../../../src/main/bankid/client'
import { DEFAULT_MAINTENANCE_RETRY } from '../../../src/main/bankid/client'
import type { BankIdPort } from '../../../src/main/session/kiosk-session'
import type { FaultSpec } from '../../../src/main/simulator/faults'
import { freshPersonalNumber } from '../../support/simulator'
import { startSessionHarness, testSettings } from '../../support/session-harness'
import type { SessionHarness } from '../../support/session-harness'

/** BankID: "collect … never more often than once a second". */
const MIN_COLLECT_GAP_MS = 1_000

let h: SessionHarness
beforeAll(async () => {
  h = await startSessionHarness()
})
afterAll(() => h.close())
afterEach(async () => {
  await h.session.dispose()
  h.env.simulator.faults.clear()
  h.env.simulator.log.clear()
})

/**
 * A session whose client retries 503 maintenance like production's (DEFAULT_MAINTENANCE_RETRY),
 * sleeping on the manual clock. settle() waits (wall clock) until every BankID call is either
 * answered or asleep in a retry, so time can be moved on without a request in flight.
 */
function cadenceSession(): { run(ms: number): Promise<void> } {
  let calls = 0
  let sleeping = 0
  const client: BankIdClient = h.env.client({
    clock: h.scheduler,
    maintenanceRetry: DEFAULT_MAINTENANCE_RETRY,
    sleep: (ms, signal) =>
      new Promise<boolean>((resolve) => {
        let done = false
        sleeping += 1
        const finish = (woke: boolean) => {
          if (done) return
          done = true
          sleeping -= 1
          resolve(woke)
        }
        const timer = h.scheduler.setTimeout(() => finish(true), ms)
        signal?.addEventListener('abort', () => {
          h.scheduler.clearTimeout(timer)
          finish(false)
        }, { once: true })
      }),
  })
  const counted = <T>(promise: Promise<T>): Promise<T> => {
    calls += 1
    return promise.finally(() => (calls -= 1))
  }
  const port: BankIdPort = {
    auth: (...args) => counted(client.auth(...args)),
    collect: (...args) => counted(client.collect(...args)),
    cancel: (...args) => counted(client.cancel(...args)),
  }
  h.newSession(testSettings(), port)
  const settle = async () => {
    do await new Promise((resolve) => setTimeout(resolve, 1))
    while (calls > sleeping)
  }
  return {
    async run(ms) {
      await settle()
      for (let done = 0; done < ms; done += 50) {
        h.scheduler.advance(50)
        await settle()
      }
    },
  }
}

/** Starts a login and returns the order, with its first collect not yet sent. */
async function startOrder(run: (ms: number) => Promise<void>): Promise<string> {
  const personalNumber = freshPersonalNumber()
  h.session.dispatch({ type: 'begin' })
  h.session.dispatch({ type: 'start', personnummer: personalNumber })
  await run(0)
  const [order] = h.env.simulator.orders.list().filter((o) => o.status === 'pending')
  if (!order) throw new Error('no order started')
  return order.orderRef
}

/** The gaps between consecutive collects of the order, on the simulator's clock. */
function collectGaps(orderRef: string): number[] {
  const at = h.env.simulator.log.list({ endpoint: 'collect', orderRef }).map((record) => record.at)
  return at.slice(1).map((time, i) => time - (at[i] as number))
}

async function collectsAround(fault: FaultSpec | null, times: number): Promise<{ gaps: number[]; statuses: (number | null)[] }> {
  const { run } = cadenceSession()
  const orderRef = await startOrder(run)
  await run(4_000) // two ordinary collects
  if (fault) h.env.simulator.faults.add({ endpoint: 'collect', orderRef, times, fault })
  await run(12_000)
  const statuses = h.env.simulator.log.list({ endpoint: 'collect', orderRef }).map((record) => record.status)
  return { gaps: collectGaps(orderRef), statuses }
}

describe('collect cadence: never two collects of an order less than 1 s apart', () => {
  it('without faults: one collect per interval, measured from the start of the last', async () => {
    const { gaps } = await collectsAround(null, 0)
    expect(gaps.length).toBeGreaterThan(5)
    expect(gaps.every((gap) => gap === testSettings().timing.collectIntervalMs), JSON.stringify(gaps)).toBe(true)
  })

  it('after 503s that the client retried: the collect after the success is ≥ 1 s after the last retry', async () => {
    const { gaps, statuses } = await collectsAround({ kind: 'maintenance' }, 3)
    // 200, 200, then the 503s the client retries silently, then 200 again.
    const firstOk = statuses.indexOf(503) + 3
    expect(statuses.slice(0, firstOk + 2)).toEqual([200, 200, 503, 503, 503, 200, 200])
    const afterSuccess = gaps[firstOk]
    expect(afterSuccess, `gaps ${JSON.stringify(gaps)}`).toBeGreaterThanOrEqual(MIN_COLLECT_GAP_MS)
  })

  // The client's own 503 retry (src/main/bankid/client.ts) sits below the session's port: its
  // first wait is a second, so the retries are as far apart as BankID allows, not closer.
  it('after 503s: the client\'s silent retries are ≥ 1 s apart', async () => {
    const { gaps } = await collectsAround({ kind: 'maintenance' }, 3)
    expect(gaps.every((gap) => gap >= MIN_COLLECT_GAP_MS), JSON.stringify(gaps)).toBe(true)
  })

  it('after a network error or a timeout: no collect of that order follows too soon (the order is cancelled)', async () => {
    for (const fault of [{ kind: 'drop' }, { kind: 'internalError' }] as const) {
      const { gaps, statuses } = await collectsAround(fault, 1)
      expect(statuses.at(-1), fault.kind).not.toBe(200)
      expect(gaps.every((gap) => gap >= MIN_COLLECT_GAP_MS), `${fault.kind}: ${JSON.stringify(gaps)}`).toBe(true)
      await h.session.dispose()
      h.env.simulator.log.clear()
    }
  })
})
