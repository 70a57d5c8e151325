// The hand-off done by the gateway (handoff.auth "gateway" on the kiosk): the gateway signs the
// login with its own secret, the school's service verifies it exactly as it verifies a kiosk's
// today (the example receiver's own verifyRequest), and the kiosk, which holds no hand-off secret,
// shows only what the service answered. One login is delivered at most once, whichever instance
// delivers it.
import { createServer } from 'node:https'
import type { Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { certificatesFromPem } from '../../examples/handoff-receiver/bankid-proof.mjs'
import { NonceStore, ORDER_REF_TTL_SECONDS, verifyRequest } from '../../examples/handoff-receiver/receiver.mjs'
import { gatewayHandoffPort } from '../../src/main/handoff/gateway-port'
import { loadOrCreateSimulatorPki } from '../../src/main/simulator/certificates'
import type { SimulatorPki } from '../../src/main/simulator/certificates'
import { SECRET, SECRET_TEXT } from '../support/handoff'
import { authBody, startTestGateway } from '../support/gateway'
import { PARENT, Rig } from '../support/gateway-rig'
import { TEST_PKI_DIR, freshPersonalNumber } from '../support/simulator'

/** The school's service: the example receiver's checks, recording what it accepted. */
interface School {
  url: string
  origin: string
  accepted: Record<string, unknown>[]
  statuses: number[]
  answer: Record<string, unknown>
  close(): Promise<void>
}

let pki: SimulatorPki
let school: School

async function startSchool(): Promise<School> {
  const seen = new NonceStore()
  // The gateway signs nothing of BankID's: the simulator behind it does, under its signing root.
  const bankid = { roots: certificatesFromPem(pki.proof.rootCertPem), environments: ['simulator' as const], orderRefs: new NonceStore(ORDER_REF_TTL_SECONDS) }
  const accepted: Record<string, unknown>[] = []
  const statuses: number[] = []
  const state = { answer: { message: 'Välkommen till föräldraportalen.' } as Record<string, unknown> }
  const server: Server = createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const verified = verifyRequest({ headers: req.headers, body: Buffer.concat(chunks), secret: SECRET, nowSeconds: Date.now() / 1000, seen, bankid })
      if (!verified.ok) {
        statuses.push(verified.status)
        res.writeHead(verified.status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: verified.reason }))
        return
      }
      seen.add(verified.payload.nonce, Date.now() / 1000)
      accepted.push(verified.payload)
      statuses.push(200)
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(state.answer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}/kiosk/login`,
    origin: `https://127.0.0.1:${port}`,
    accepted,
    statuses,
    get answer() {
      return state.answer
    },
    set answer(value) {
      state.answer = value
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

beforeAll(async () => {
  pki = await loadOrCreateSimulatorPki(TEST_PKI_DIR)
  school = await startSchool()
})
afterAll(() => school.close())

const handoffSettings = () => ({
  enabled: true,
  demo: true,
  url: school.url,
  auth: 'hmac',
  secret: { file: 'handoff-secret.txt' },
  ca: pki.serverCaPath,
  allowedOrigins: [school.origin],
})

let rig: Rig
afterEach(async () => {
  expect(rig.pending()).toEqual([])
  await rig.close()
})

async function logIn(): Promise<string> {
  const pnr = freshPersonalNumber()
  await rig.start(pnr)
  const ref = rig.scan()
  await rig.step(2_000)
  rig.approve(ref)
  await rig.step(2_000)
  return pnr
}

describe('the gateway hands the login off', () => {
  beforeAll(() => {
    school.accepted.length = 0
  })

  it('signed with the gateway\'s secret; the kiosk shows the service\'s message and holds no secret', async () => {
    rig = await Rig.start({
      gateway: { handoff: handoffSettings() },
      files: { 'handoff-secret.txt': SECRET_TEXT },
      handoff: gatewayHandoffPort({ allowedOrigins: [school.origin], messageMs: 15_000 }),
    })
    school.answer = { message: 'Välkommen till föräldraportalen.' }
    const before = school.accepted.length
    const pnr = await logIn()
    expect(rig.screen()).toMatchObject({ name: 'handoff-message', givenName: PARENT.givenName, message: 'Välkommen till föräldraportalen.' })
    expect(school.accepted).toHaveLength(before + 1)
    // The service sees which reception it came from (the kiosk certificate's name) and BankID's proof.
    expect(school.accepted.at(-1)).toMatchObject({ kioskId: 'reception-a', environment: 'simulator', personnummer: pnr, givenName: PARENT.givenName })
    expect(String(school.accepted.at(-1)?.signature).length).toBeGreaterThan(20)
    const logged = rig.gw.logger.entries().find((entry) => entry.event === 'gateway.handoff.message')
    expect(logged).toMatchObject({ kioskId: 'reception-a', status: 200, tries: 1 })
    expect(rig.gw.logger.lines.join('\n')).not.toContain(pnr)
  })

  it('a page answer opens in the locked view; a page elsewhere is refused (HO-ORIGIN)', async () => {
    rig = await Rig.start({
      gateway: { handoff: { ...handoffSettings(), allowedOrigins: [school.origin, 'https://elsewhere.example'] } },
      files: { 'handoff-secret.txt': SECRET_TEXT },
      handoff: gatewayHandoffPort({ allowedOrigins: [school.origin], messageMs: 15_000 }),
    })
    school.answer = { url: `${school.origin}/portal/once-7f3a` }
    await logIn()
    expect(rig.screen()).toEqual({ name: 'handoff-view', url: `${school.origin}/portal/once-7f3a` })
    rig.session.dispatch({ type: 'logout' })
    await rig.step(0)

    // The gateway allows elsewhere.example, the kiosk does not: the kiosk's own list decides what it shows.
    school.answer = { url: 'https://elsewhere.example/portal' }
    await logIn()
    expect(rig.screen()).toMatchObject({ name: 'failure', cause: 'handoff-failed', reference: 'HO-ORIGIN' })
  })

  it('delivers one login at most once, even when another instance is asked again', async () => {
    rig = await Rig.start({
      gateway: { handoff: handoffSettings() },
      files: { 'handoff-secret.txt': SECRET_TEXT },
    })
    // A second instance with the same state secret, as behind a load balancer.
    const other = await startTestGateway({
      simulator: rig.sim.simulator,
      settings: { handoff: handoffSettings() },
      files: { 'handoff-secret.txt': SECRET_TEXT },
    })
    try {
      school.answer = { message: 'Hej' }
      const a = rig.gw.kioskClient('a')
      const pnr = freshPersonalNumber()
      rig.sim.simulator.people.upsert({ personalNumber: pnr, ...PARENT })
      const started = await a.auth(authBody(pnr))
      if (!started.ok) throw new Error('auth failed')
      const ref = rig.pending()[0] as string
      rig.sim.simulator.orders.scan(rig.sim.simulator.orders.currentQrPayload(ref) ?? '')
      rig.approve(ref)
      const accepted = school.accepted.length
      const first = await a.collect(started.value.response.orderRef)
      expect(first).toMatchObject({ ok: true, value: { status: 'complete', handoff: { message: 'Hej' } } })
      // A modified kiosk asks the other instance, which does not know the order ended: BankID still
      // says complete, the other instance hands off with the same nonce, and the service refuses it.
      const again = await other.kioskClient('a').collect(started.value.response.orderRef)
      expect(again).toMatchObject({ ok: true, value: { status: 'complete', handoff: { error: 'HO-HTTP-409' } } })
      expect(school.accepted).toHaveLength(accepted + 1)
      expect(school.statuses.at(-1)).toBe(409)
    } finally {
      await other.close()
    }
  })

  it('a service that is down fails the hand-off with its code, and the kiosk says so', async () => {
    rig = await Rig.start({
      gateway: { handoff: { ...handoffSettings(), url: 'https://127.0.0.1:1/kiosk/login' } },
      files: { 'handoff-secret.txt': SECRET_TEXT },
      handoff: gatewayHandoffPort({ allowedOrigins: [school.origin], messageMs: 15_000 }),
    })
    await logIn()
    expect(rig.screen()).toMatchObject({ name: 'failure', cause: 'handoff-failed', reference: 'HO-NETWORK' })
    expect(rig.gw.logger.entries().some((entry) => entry.event === 'gateway.handoff.failed' && entry.reference === 'HO-NETWORK')).toBe(true)
  })
})
