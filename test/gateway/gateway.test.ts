// The kiosk's session engine → the gateway → the simulator, through the real TLS stack both ways:
// the kiosk holds only its own kiosk certificate and the gateway's CA; the gateway holds the RP
// certificate. Every case ends with no order pending at the simulator.
import { writeFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshPersonalNumber } from '../support/simulator'
import { authBody } from '../support/gateway'
import { PARENT, Rig } from '../support/gateway-rig'

let rig: Rig
afterEach(async () => {
  expect(rig.pending(), 'orders left pending at the simulator').toEqual([])
  await rig.close()
})

describe('a login through the gateway', () => {
  beforeEach(async () => {
    rig = await Rig.start()
  })

  it('succeeds: the kiosk never sees BankID\'s orderRef, and the gateway logs the kiosk by name', async () => {
    const pnr = freshPersonalNumber()
    await rig.start(pnr)
    expect(rig.screen().name).toBe('waiting')
    const bankIdRef = rig.scan()
    await rig.step(2_000)
    expect(rig.sim.simulator.orders.enterSecurityCode(bankIdRef, PARENT.securityCode)).toMatchObject({ ok: true, value: { result: 'complete' } })
    await rig.step(2_000)
    expect(rig.screen()).toMatchObject({ name: 'logged-in', givenName: PARENT.givenName })

    // BankID saw the gateway's RP certificate, the gateway's endUserIp rule (the kiosk's address),
    // and Mobile BankID's policy is not added for the simulator.
    const order = rig.sim.simulator.orders.list().find((o) => o.orderRef === bankIdRef)
    expect(order?.endUserIp).toBe('127.0.0.1')
    const started = rig.gw.logger.entries().find((entry) => entry.event === 'gateway.order.started')
    expect(started).toMatchObject({ kioskId: 'reception-a', endpoint: 'auth' })
    expect(JSON.stringify(rig.gw.logger.entries())).not.toContain(bankIdRef)
    expect(rig.gw.logger.lines.join('\n')).not.toContain(pnr)
    expect(rig.gw.logger.lines.join('\n')).not.toContain(PARENT.givenName)
  })

  it('cancels at BankID when the parent presses Avbryt', async () => {
    await rig.start(freshPersonalNumber())
    expect(rig.pending()).toHaveLength(1)
    rig.session.dispatch({ type: 'cancel' })
    await rig.step(0)
    expect(rig.screen().name).toBe('welcome')
    expect(rig.sim.simulator.log.list({ endpoint: 'cancel' })).toHaveLength(1)
  })

  it('shows userCancel when the parent cancels in the app', async () => {
    await rig.start(freshPersonalNumber())
    const ref = rig.scan()
    await rig.step(2_000)
    expect(rig.sim.simulator.orders.cancelInApp(ref).ok).toBe(true)
    await rig.step(2_000)
    expect(rig.screen()).toMatchObject({ name: 'failure', cause: 'cancelled-in-app', reference: 'H-userCancel' })
  })

  it('restarts silently after startFailed with a fresh QR, through the gateway', async () => {
    await rig.start(freshPersonalNumber())
    const first = rig.pending()
    await rig.step(32_000, 500)
    expect(rig.screen().name).toBe('waiting')
    const second = rig.pending()
    expect(second).toHaveLength(1)
    expect(second).not.toEqual(first)
    rig.session.dispatch({ type: 'cancel' })
    await rig.step(0)
  })

  it('times out (expiredTransaction) when the parent never finishes in the app', async () => {
    await rig.start(freshPersonalNumber())
    rig.scan()
    await rig.step(200_000, 1_000)
    expect(rig.screen()).toMatchObject({ name: 'failure', cause: 'timeout' })
  })

  it('passes BankID\'s 503 and 500 on, and the kiosk is usable again', async () => {
    rig.sim.simulator.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'maintenance' } })
    await rig.start(freshPersonalNumber())
    expect(rig.screen()).toMatchObject({ name: 'failure', cause: 'bankid-unavailable', reference: 'B-503-maintenance' })
    rig.sim.simulator.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'internalError' } })
    rig.session.dispatch({ type: 'retry' })
    rig.session.dispatch({ type: 'start', personnummer: freshPersonalNumber() })
    await rig.step(0)
    expect(rig.screen()).toMatchObject({ name: 'failure', cause: 'bankid-unavailable', reference: 'B-500-internalError' })
    await rig.start(freshPersonalNumber())
    expect(rig.screen().name).toBe('waiting')
    rig.session.dispatch({ type: 'cancel' })
    await rig.step(0)
  })
})

describe('the gateway\'s rules, whatever a kiosk sends', () => {
  beforeEach(async () => {
    rig = await Rig.start()
  })

  it('refuses a forged, a damaged and another kiosk\'s orderRef without asking BankID', async () => {
    const a = rig.gw.kioskClient('a')
    const b = rig.gw.kioskClient('b')
    const started = await a.auth(authBody())
    if (!started.ok) throw new Error(JSON.stringify(started.error))
    const token = started.value.response.orderRef
    expect(token.startsWith('g1.')).toBe(true)
    const collectsBefore = rig.sim.simulator.log.list({ endpoint: 'collect' }).length

    const swapped = await b.collect(token)
    expect(swapped).toMatchObject({ ok: false, error: { kind: 'bankid-error', errorCode: 'invalidParameters', details: 'No such order' } })
    const flipped = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA')
    expect(await a.collect(flipped)).toMatchObject({ ok: false, error: { errorCode: 'invalidParameters' } })
    expect(await a.collect('131daac9-16c6-4618-beb0-365768f37288')).toMatchObject({ ok: false, error: { errorCode: 'invalidParameters' } })
    expect(rig.sim.simulator.log.list({ endpoint: 'collect' })).toHaveLength(collectsBefore)
    const refusals = rig.gw.logger.entries().filter((entry) => entry.event === 'gateway.order-token.refused')
    expect(refusals.map((entry) => entry.kioskId)).toEqual(['reception-b', 'reception-a', 'reception-a'])

    expect(await a.cancel(token)).toMatchObject({ ok: true })
  })

  it('never collects after a final status, even for a modified kiosk', async () => {
    const raw = rig.gw.kioskClient('a')
    const pnr = freshPersonalNumber()
    rig.sim.simulator.people.upsert({ personalNumber: pnr, ...PARENT })
    const started = await raw.auth(authBody(pnr))
    if (!started.ok) throw new Error('auth failed')
    const token = started.value.response.orderRef
    const bankIdRef = rig.pending()[0] as string
    rig.sim.simulator.orders.scan(rig.sim.simulator.orders.currentQrPayload(bankIdRef) ?? '')
    rig.sim.simulator.orders.enterSecurityCode(bankIdRef, PARENT.securityCode)
    expect(await raw.collect(token)).toMatchObject({ ok: true, value: { status: 'complete' } })
    const collects = rig.sim.simulator.log.list({ endpoint: 'collect', orderRef: bankIdRef }).length

    // A client without the kiosk's own "order finished" memory asks again.
    const modified = rig.gw.kioskClient('a')
    expect(await modified.collect(token)).toMatchObject({ ok: false, error: { errorCode: 'invalidParameters', details: 'No such order' } })
    expect(rig.sim.simulator.log.list({ endpoint: 'collect', orderRef: bankIdRef })).toHaveLength(collects)
    expect(rig.gw.logger.entries().some((entry) => entry.event === 'gateway.collect-after-final')).toBe(true)
  })

  it('allows one pending order per personnummer, and a new one once it has ended', async () => {
    const a = rig.gw.kioskClient('a')
    const b = rig.gw.kioskClient('b')
    const pnr = freshPersonalNumber()
    const first = await a.auth(authBody(pnr))
    if (!first.ok) throw new Error('auth failed')
    const authsAtBankId = rig.sim.simulator.log.list({ endpoint: 'auth' }).length
    expect(await b.auth(authBody(pnr))).toMatchObject({ ok: false, error: { errorCode: 'alreadyInProgress' } })
    // Refused by the gateway: BankID never saw the second order.
    expect(rig.sim.simulator.log.list({ endpoint: 'auth' })).toHaveLength(authsAtBankId)
    expect(await a.cancel(first.value.response.orderRef)).toMatchObject({ ok: true })
    const second = await b.auth(authBody(pnr))
    expect(second.ok).toBe(true)
    if (second.ok) await b.cancel(second.value.response.orderRef)
  })

  it('checks request shapes before BankID sees them, with BankID\'s own words', async () => {
    const raw = rig.gw.kioskClient('a')
    const authsBefore = rig.sim.simulator.log.list({ endpoint: 'auth' }).length
    // The kiosk's client refuses to send these; a modified one would.
    for (const [body, details] of [
      [{ endUserIp: '127.0.0.1', personalNumber: '199001012385' }, 'Invalid parameter: personalNumber'],
      [{ endUserIp: 'nope' }, 'Invalid endUserIp'],
      [{ endUserIp: '127.0.0.1', requirement: { personalNumber: '123' } }, 'Incorrect personalNumber'],
    ] as const) {
      const answer = await postRaw(rig, raw, 'auth', body)
      expect(answer, JSON.stringify(body)).toEqual({ status: 400, body: { errorCode: 'invalidParameters', details } })
    }
    expect(rig.sim.simulator.log.list({ endpoint: 'auth' })).toHaveLength(authsBefore)
  })
})

describe('kiosk identity', () => {
  beforeEach(async () => {
    rig = await Rig.start()
  })

  it('refuses a certificate from another CA with BankID\'s 401 body, logging its fingerprint', async () => {
    const foreign = rig.gw.kioskClient(rig.gw.pki.foreign.credentials)
    expect(await foreign.auth(authBody())).toMatchObject({ ok: false, error: { kind: 'bankid-error', errorCode: 'unauthorized', httpStatus: 401 } })
    const refused = rig.gw.logger.entries().find((entry) => entry.event === 'gateway.refused')
    expect(refused).toMatchObject({ reason: 'untrusted-certificate' })
    expect(String(refused?.fingerprint)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  })

  it('shuts a revoked kiosk out within moments, without a restart, and cancels its pending order', async () => {
    const a = rig.gw.kioskClient('a')
    const b = rig.gw.kioskClient('b')
    const started = await a.auth(authBody(freshPersonalNumber()))
    if (!started.ok) throw new Error('auth failed')
    expect(rig.pending()).toHaveLength(1)
    const { serialNumber } = rig.gw.pki.kiosks.a
    await writeFile(rig.gw.revocationFile, `# reception A was stolen\nserial:${serialNumber}\n`)
    await until(() => rig.pending().length === 0, 'the revoked kiosk\'s order is cancelled')
    expect(await a.collect(started.value.response.orderRef)).toMatchObject({ ok: false, error: { errorCode: 'unauthorized' } })
    expect(await a.auth(authBody())).toMatchObject({ ok: false, error: { errorCode: 'unauthorized' } })
    // Kiosk B is untouched.
    const other = await b.auth(authBody())
    expect(other.ok).toBe(true)
    if (other.ok) await b.cancel(other.value.response.orderRef)
    expect(rig.gw.logger.entries().some((entry) => entry.event === 'gateway.refused' && entry.reason === 'revoked')).toBe(true)
  })

  it('keeps the last good list when the revocation file turns to garbage', async () => {
    const a = rig.gw.kioskClient('a')
    await writeFile(rig.gw.revocationFile, `sha256:${rig.gw.pki.kiosks.a.fingerprint256}\n`)
    await until(() => rig.gw.gateway.revocations?.current().fingerprints.size === 1, 'the list is reloaded')
    await writeFile(rig.gw.revocationFile, 'this is not a revocation list\n')
    await until(() => !rig.gw.gateway.readiness().checks.revocations.ok, 'the broken file is noticed')
    expect(await a.auth(authBody())).toMatchObject({ ok: false, error: { errorCode: 'unauthorized' } })
  })
})

describe('the rate limit on starting orders', () => {
  beforeEach(async () => {
    rig = await Rig.start({ gateway: { kiosks: { authPerMinute: 1, authBurst: 2 } } })
  })

  it('lets an honest burst through and then answers 429 with a log line, per kiosk', async () => {
    const a = rig.gw.kioskClient('a')
    const refs: string[] = []
    for (let i = 0; i < 2; i++) {
      const started = await a.auth(authBody())
      if (!started.ok) throw new Error('auth failed')
      refs.push(started.value.response.orderRef)
    }
    expect(await a.auth(authBody())).toMatchObject({ ok: false, error: { kind: 'unknown-error-code', errorCode: 'tooManyRequests', httpStatus: 429 } })
    expect(rig.gw.logger.entries().filter((entry) => entry.event === 'gateway.refused' && entry.reason === 'rate-limited')).toHaveLength(1)
    // Another kiosk has its own bucket.
    const b = rig.gw.kioskClient('b')
    const other = await b.auth(authBody())
    expect(other.ok).toBe(true)
    if (other.ok) await b.cancel(other.value.response.orderRef)
    for (const ref of refs) await a.cancel(ref)
  })
})

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = performance.now() + ms
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A POST as a modified kiosk would send it, past the kiosk client's own checks. */
async function postRaw(r: Rig, _client: unknown, endpoint: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const { request } = await import('node:https')
  const credentials = r.gw.pki.kiosks.a.credentials
  if (credentials.kind !== 'pkcs12') throw new Error('pkcs12 expected')
  return new Promise((resolve, reject) => {
    const req = request(new URL(endpoint, r.gw.gateway.url), {
      method: 'POST',
      ca: r.gw.pki.gatewayCaPem,
      pfx: credentials.pfx,
      ...(credentials.passphrase === undefined ? {} : { passphrase: credentials.passphrase }),
      headers: { 'Content-Type': 'application/json' },
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}
