// Runs every gateway row of the fault matrix (gateway-fault-matrix.ts): a kiosk session in gateway
// mode on a manual clock, the real gateway, the simulator behind it, real TLS everywhere (and a
// real HAProxy for the instance-loss row). Each case asserts the parent's screen, what happened to
// the order at BankID, and that the kiosk is usable again with a full login; none leaves an order
// pending at the simulator.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BankIdClient } from '../../../src/main/bankid/client'
import type { BankIdPort } from '../../../src/main/session/kiosk-session'
import { createHttpsTransport } from '../../../src/main/bankid/transport'
import { issueCertificate, issuerFromPem, newKeyPair, pkcs8, toPem } from '../../../src/main/pki/issue'
import { ManualScheduler } from '../../support/manual-scheduler'
import { testSettings } from '../../support/session-harness'
import { freshPersonalNumber, startTestSimulator } from '../../support/simulator'
import type { TestSimulator } from '../../support/simulator'
import { startTestGateway } from '../../support/gateway'
import type { TestGateway } from '../../support/gateway'
import { Rig } from '../../support/gateway-rig'
import { ensureHaproxy } from '../../../scripts/haproxy'
import { startTcpLoadBalancer } from '../../support/haproxy'
import type { GatewayFaultCase } from './gateway-fault-matrix'
import { GATEWAY_FAULT_MATRIX } from './gateway-fault-matrix'

/** A port whose client can be swapped while the session runs (the "usable again" fixes). */
class SwitchablePort implements BankIdPort {
  constructor(public current: BankIdPort) {}
  auth: BankIdClient['auth'] = (...args) => this.current.auth(...args)
  collect: BankIdClient['collect'] = (...args) => this.current.collect(...args)
  cancel: BankIdClient['cancel'] = (...args) => this.current.cancel(...args)
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function waitUntil(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = performance.now() + ms
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function kioskClient(scheduler: ManualScheduler, baseUrl: string, caPem: string, credentials: TestGateway['pki']['kiosks']['a']['credentials']): BankIdClient {
  const client = new BankIdClient({
    clock: scheduler,
    maintenanceRetry: { maxRetries: 0, initialDelayMs: 5, maxDelayMs: 20 },
    timeoutMs: 5_000,
    transport: createHttpsTransport({ baseUrl, caPem, credentials }),
  })
  cleanups.push(async () => client.close())
  return client
}

interface Case {
  rig: Rig
  port: SwitchablePort
  /** Requests the simulator has logged (the gateway's probe included) when the case begins. */
  simRequestsBefore: number
}

async function setUp(c: GatewayFaultCase): Promise<Case> {
  const scheduler = new ManualScheduler()
  const sim = await startTestSimulator({ clock: scheduler })
  cleanups.push(() => sim.close())
  let gw: TestGateway
  if (c.disturbance === 'gateway-certificate-expired') {
    const pki = (await import('../../support/gateway')).gatewayTestPki
    const dir = (await pki()).dir
    const issuer = issuerFromPem(readFileSync(join(dir, 'gateway-ca.pem'), 'utf8'), readFileSync(join(dir, 'gateway-ca.key'), 'utf8'))
    const keys = await newKeyPair()
    const day = 86_400_000
    const expired = issueCertificate('localhost', 'server', keys, issuer, { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) }, { organization: 'BankID Gateway' })
    gw = await startTestGateway({ simulator: sim.simulator, serverCredentials: { kind: 'pem', cert: toPem(expired), key: pkcs8(keys.privateKey) } })
  } else {
    gw = await startTestGateway({ simulator: sim.simulator, settings: { listen: { keepAliveSeconds: 1 } } })
  }
  cleanups.push(() => gw.close())
  const good = kioskClient(scheduler, gw.gateway.url, gw.pki.gatewayCaPem, gw.pki.kiosks.a.credentials)
  const first =
    c.disturbance === 'kiosk-wrong-ca'
      ? kioskClient(scheduler, gw.gateway.url, sim.simulator.pki.serverCaPem, gw.pki.kiosks.a.credentials)
      : c.disturbance === 'foreign-kiosk-certificate'
        ? kioskClient(scheduler, gw.gateway.url, gw.pki.gatewayCaPem, gw.pki.foreign.credentials)
        : good
  const port = new SwitchablePort(first)
  const rig = new Rig(scheduler, sim, gw, port, testSettings())
  cleanups.push(() => rig.session.dispose())
  // Kept for the "usable again" check.
  ;(port as SwitchablePort & { good?: BankIdClient }).good = good
  return { rig, port, simRequestsBefore: sim.simulator.log.list().length }
}

/** Starts the login and brings it to the case's stage. */
async function toStage(k: Case, c: GatewayFaultCase): Promise<string | null> {
  await k.rig.start(freshPersonalNumber())
  if (c.stage === 'start') return null
  const [bankIdRef] = k.rig.pending()
  if (bankIdRef === undefined) throw new Error('no order at the simulator')
  if (c.stage === 'after-pickup') {
    k.rig.scan()
    await k.rig.step(2_000)
  }
  return bankIdRef
}

async function fullLogin(k: Case): Promise<void> {
  const screen = k.rig.screen()
  if (screen.name === 'failure') k.rig.session.dispatch({ type: 'cancel' }) // "Till början"
  await k.rig.step(0)
  await k.rig.start(freshPersonalNumber())
  expect(k.rig.screen().name, 'usable again: the QR').toBe('waiting')
  const ref = k.rig.scan()
  await k.rig.step(2_000)
  k.rig.approve(ref)
  await k.rig.step(2_000)
  expect(k.rig.screen(), 'usable again: logged in').toMatchObject({ name: 'logged-in' })
}

const kioskLogged = (k: Case, event: string) => k.rig.logs.filter((entry) => entry.event === event)

async function run(c: GatewayFaultCase): Promise<void> {
  if (c.disturbance === 'instance-lost') return runInstanceLost(c)
  const k = await setUp(c)
  const { rig } = k
  const bankIdRef = await toStage(k, c)

  switch (c.disturbance) {
    case 'kiosk-wrong-ca':
    case 'gateway-certificate-expired':
    case 'foreign-kiosk-certificate':
      break
    case 'kiosk-revoked': {
      writeFileSync(rig.gw.revocationFile, `serial:${rig.gw.pki.kiosks.a.serialNumber}\n`)
      await waitUntil(() => rig.pending().length === 0, 'the gateway cancels the revoked kiosk\'s order')
      await rig.step(2_000)
      break
    }
    case 'bankid-down': {
      const rpPort = Number(new URL(rig.sim.simulator.rpBaseUrl).port)
      await rig.sim.close()
      await rig.step(2_000)
      // BankID comes back (an empty order book); the kiosk's retried cancel finds no order.
      rig.sim = await startTestSimulator({ clock: rig.scheduler, rpPort })
      cleanups.push(() => rig.sim.close())
      break
    }
    case 'bankid-network-loss': {
      const rule = rig.sim.simulator.faults.add({ endpoint: '*', fault: { kind: 'drop' } })
      await rig.step(2_000)
      expect(rig.screen()).toMatchObject({ name: 'failure' })
      rig.sim.simulator.faults.remove(rule.id)
      break
    }
    case 'gateway-down': {
      const gatewayPort = rig.gw.gateway.port
      rig.sim.simulator.faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'hang' } })
      const collects = rig.sim.simulator.log.list({ endpoint: 'collect' }).length
      rig.scheduler.advance(2_000)
      await waitUntil(() => rig.sim.simulator.log.list({ endpoint: 'collect' }).length > collects, 'the collect hangs at BankID')
      await rig.gw.close()
      await rig.session.whenIdle()
      // The gateway starts again at the same address.
      rig.gw = await startTestGateway({ simulator: rig.sim.simulator, start: { listen: { port: gatewayPort } } })
      cleanups.push(() => rig.gw.close())
      break
    }
  }

  // The parent's screen.
  const expected = c.expect.screen
  expect(rig.screen()).toMatchObject(expected)

  // The order at BankID.
  switch (c.expect.order) {
    case 'unreached':
      expect(rig.sim.simulator.log.list().slice(k.simRequestsBefore)).toEqual([])
      expect(rig.sim.simulator.orders.list()).toEqual([])
      break
    case 'cancelled-by-gateway': {
      const cancels = rig.sim.simulator.log.list({ endpoint: 'cancel', orderRef: bankIdRef ?? '' })
      expect(cancels.map((record) => record.status)).toEqual([200])
      expect(rig.gw.logger.entries().some((entry) => entry.event === 'gateway.order.cancelled' && entry.why === 'revoked')).toBe(true)
      break
    }
    case 'gone-with-bankid':
    case 'cancel-retried': {
      expect(kioskLogged(k, 'order.cancel-failed')[0]?.fields).toMatchObject({ willRetry: true })
      await rig.step(6_000, 500)
      if (c.expect.order === 'cancel-retried') {
        expect(rig.sim.simulator.log.list({ endpoint: 'cancel', orderRef: bankIdRef ?? '' }).at(-1)?.status).toBe(200)
        expect(kioskLogged(k, 'order.cancelled')).toHaveLength(1)
      } else {
        expect(kioskLogged(k, 'order.cancel-unneeded')).toHaveLength(1)
      }
      expect(rig.sim.simulator.orders.list().find((order) => order.orderRef === bankIdRef)?.status ?? 'gone').not.toBe('pending')
      break
    }
    case 'completes':
      throw new Error('only the instance-loss row completes')
  }

  // Usable again.
  switch (c.disturbance) {
    case 'kiosk-wrong-ca':
    case 'foreign-kiosk-certificate':
      k.port.current = (k.port as SwitchablePort & { good: BankIdClient }).good
      break
    case 'gateway-certificate-expired': {
      await rig.gw.close()
      rig.gw = await startTestGateway({ simulator: rig.sim.simulator, start: { listen: { port: Number(new URL(rig.gw.gateway.url).port) } } })
      cleanups.push(() => rig.gw.close())
      break
    }
    case 'kiosk-revoked':
      writeFileSync(rig.gw.revocationFile, '# none\n')
      await waitUntil(() => rig.gw.gateway.revocations?.current().serials.size === 0, 'the list is reloaded')
      break
    default:
      break
  }
  await fullLogin(k)
  expect(rig.pending()).toEqual([])
}

/** Two instances behind HAProxy; collects alternate between them; one stops mid-order. */
async function runInstanceLost(c: GatewayFaultCase): Promise<void> {
  await ensureHaproxy()
  const scheduler = new ManualScheduler()
  const sim: TestSimulator = await startTestSimulator({ clock: scheduler })
  cleanups.push(() => sim.close())
  // A short keep-alive: each collect (2 s apart) opens a new connection, which round robin spreads.
  const gateways = [
    await startTestGateway({ simulator: sim.simulator, settings: { listen: { keepAliveSeconds: 1 } } }),
    await startTestGateway({ simulator: sim.simulator, settings: { listen: { keepAliveSeconds: 1 } } }),
  ]
  for (const gw of gateways) cleanups.push(() => gw.close())
  const balancer = await startTcpLoadBalancer({
    backends: gateways.map((gw, i) => ({ host: '127.0.0.1', port: gw.gateway.port, name: `gateway-${i + 1}` })),
    // Checked on each instance's operations port, as a real deployment checks /readyz.
    healthCheck: { port: (_backend, i) => Number(new URL((gateways[i] as TestGateway).gateway.operationsUrl).port), intervalMs: 500 },
  })
  cleanups.push(() => balancer.stop())
  const [one, two] = gateways as [TestGateway, TestGateway]
  const client = kioskClient(scheduler, `https://127.0.0.1:${balancer.port}/rp/v6.0/`, one.pki.gatewayCaPem, one.pki.kiosks.a.credentials)
  const rig = new Rig(scheduler, sim, one, client, testSettings())
  cleanups.push(() => rig.session.dispose())

  const collectsAt = async (gw: TestGateway) =>
    (await gw.gateway.metrics.requests.get()).values.filter((value) => value.labels.endpoint === 'collect').reduce((sum, value) => sum + value.value, 0)

  await rig.start(freshPersonalNumber())
  const bankIdRef = rig.scan()
  // A few collects with a pause longer than the keep-alive between them: they alternate.
  for (let i = 0; i < 4; i++) {
    await rig.step(2_000)
    await new Promise((resolve) => setTimeout(resolve, 1_100))
  }
  const [before1, before2] = [await collectsAt(one), await collectsAt(two)]
  expect(before1, 'instance 1 served collects').toBeGreaterThan(0)
  expect(before2, 'instance 2 served collects').toBeGreaterThan(0)

  // Instance 1 goes away mid-order; the parent enters the code; the login still completes.
  await one.close()
  rig.approve(bankIdRef)
  await rig.step(2_000)
  expect(rig.screen()).toMatchObject(c.expect.screen)
  expect(await collectsAt(two)).toBeGreaterThan(before2)
  expect(rig.pending()).toEqual([])

  // Usable again: the next login goes through the instance that is left.
  rig.session.dispatch({ type: 'done' })
  await rig.step(0)
  await rig.start(freshPersonalNumber())
  const next = rig.scan()
  await rig.step(2_000)
  rig.approve(next)
  await rig.step(2_000)
  expect(rig.screen()).toMatchObject({ name: 'logged-in' })
  expect(rig.pending()).toEqual([])
}

describe('the fault matrix through the gateway', () => {
  for (const c of GATEWAY_FAULT_MATRIX) {
    it(`${c.id}: ${c.fault}`, () => run(c), c.disturbance === 'instance-lost' ? 240_000 : 30_000)
  }

  it('has unique ids, one row per gateway disturbance', () => {
    expect(new Set(GATEWAY_FAULT_MATRIX.map((c) => c.id)).size).toBe(GATEWAY_FAULT_MATRIX.length)
    expect(new Set(GATEWAY_FAULT_MATRIX.map((c) => c.disturbance)).size).toBe(GATEWAY_FAULT_MATRIX.length)
  })
})
