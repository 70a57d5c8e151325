// close() as a rolling update or SIGTERM calls it: the gateway stops taking connections at once,
// lets a request in flight get its answer, and, for one that would never end, gives up after the
// grace period so that the kiosk hears a connection error rather than waiting forever.
import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FaultSpec } from '../../src/main/simulator/faults'
import { authBody, startTestGateway } from '../support/gateway'
import type { TestGateway } from '../support/gateway'
import { jsonOf, postJson } from '../support/raw-https'
import type { RawTls } from '../support/raw-https'
import { startTestSimulator } from '../support/simulator'
import type { TestSimulator } from '../support/simulator'

let sim: TestSimulator
let gw: TestGateway

beforeEach(async () => {
  sim = await startTestSimulator()
  gw = await startTestGateway({ simulator: sim.simulator })
})
afterEach(async () => {
  await gw.close()
  await sim.close()
})

/** Kiosk A as a plain HTTPS client: one request, one connection of its own. */
function kioskTls(): RawTls {
  const credentials = gw.pki.kiosks.a.credentials
  if (credentials.kind !== 'pkcs12') throw new Error('pkcs12 expected')
  return { ca: gw.pki.gatewayCaPem, pfx: credentials.pfx, ...(credentials.passphrase === undefined ? {} : { passphrase: credentials.passphrase }) }
}

/** Starts an order through the gateway, makes BankID misbehave on its next collect, and sends that collect. */
async function collectWithFault(fault: FaultSpec) {
  const started = await gw.kioskClient('a').auth(authBody())
  if (!started.ok) throw new Error(JSON.stringify(started.error))
  const token = started.value.response.orderRef
  const bankIdRef = sim.simulator.orders.list().find((order) => order.status === 'pending')?.orderRef
  if (bankIdRef === undefined) throw new Error('no order at the simulator')
  // Bound to this order, so that the gateway's readiness probe (a collect too) cannot take it.
  sim.simulator.faults.add({ endpoint: 'collect', orderRef: bankIdRef, times: 1, fault })
  const answer = postJson(new URL('collect', gw.gateway.url).toString(), kioskTls(), { orderRef: token })
  // Settled (either way) is recorded, so that a rejection is never unhandled.
  const outcome = answer.then(
    (response) => ({ ok: true as const, response, at: performance.now() }),
    (error: NodeJS.ErrnoException) => ({ ok: false as const, error, at: performance.now() }),
  )
  await until(() => sim.simulator.log.list({ endpoint: 'collect', orderRef: bankIdRef }).length === 1, 'the collect reaches BankID')
  return { token, outcome, atBankId: performance.now() }
}

/** Whether a new TCP connection to the kiosks' port is accepted: the error code if not. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}

describe('close()', () => {
  it('lets a collect in flight get its answer, refuses new connections meanwhile, and resolves', async () => {
    expect(await tryConnect(gw.gateway.port)).toBe('connected')
    const { token, outcome, atBankId } = await collectWithFault({ kind: 'slow', delayMs: 300 })
    const closeStarted = performance.now()
    let closedAt: number | null = null
    const closing = gw.gateway.close(10_000).then(() => (closedAt = performance.now()))

    expect(await tryConnect(gw.gateway.port)).toBe('ECONNREFUSED')
    await expect(postJson(new URL('auth', gw.gateway.url).toString(), kioskTls(), authBody())).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(gw.gateway.readiness().checks.stopping).toBe(true)
    expect(closedAt).toBeNull()

    const collected = await outcome
    if (!collected.ok) throw collected.error
    expect(collected.response.status).toBe(200)
    expect(jsonOf(collected.response)).toEqual({ orderRef: token, status: 'pending', hintCode: 'outstandingTransaction' })

    await closing
    // It waited for BankID's slow answer (300 ms from when the collect reached it), not for the whole grace period.
    expect(closedAt).not.toBeNull()
    expect((closedAt ?? 0) - atBankId).toBeGreaterThanOrEqual(250)
    expect((closedAt ?? 0) - closeStarted).toBeLessThan(5_000)
    expect(gw.logger.entries().map((entry) => entry.event)).toEqual(expect.arrayContaining(['gateway.stopping', 'gateway.stop']))
  })

  it('gives up on a request that hangs after the grace period: the kiosk gets a connection error, not a hang', async () => {
    const { outcome } = await collectWithFault({ kind: 'hang' })
    const graceMs = 250
    const closeStarted = performance.now()
    await gw.gateway.close(graceMs)
    const closeTook = performance.now() - closeStarted
    expect(closeTook).toBeGreaterThanOrEqual(graceMs - 5)
    expect(closeTook).toBeLessThan(graceMs + 2_000)

    const settled = await Promise.race([outcome, new Promise<'still hanging'>((resolve) => setTimeout(() => resolve('still hanging'), 2_000))])
    if (settled === 'still hanging') throw new Error('the hung kiosk request never ended')
    expect(settled.ok).toBe(false)
    if (!settled.ok) expect(['ECONNRESET', 'EPIPE']).toContain(settled.error.code)
    expect(settled.at - closeStarted).toBeLessThan(graceMs + 2_000)
    expect(await tryConnect(gw.gateway.port)).toBe('ECONNREFUSED')
  })
})

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = performance.now() + ms
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
