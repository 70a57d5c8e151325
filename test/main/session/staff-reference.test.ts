// The internal reference code stays in the snapshot and the log; the log also carries the neutral
// staffReference the parent's screen shows for it, so staff can find what the parent read.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Intent, Screen } from '../../../src/shared/contract'
import { staffReference } from '../../../src/shared/staff-reference'
import { decodeQrSvg } from '../../support/qr-decode'
import { freshPersonalNumber } from '../../support/simulator'
import { startSessionHarness } from '../../support/session-harness'
import type { SessionHarness } from '../../support/session-harness'

let h: SessionHarness

beforeAll(async () => {
  h = await startSessionHarness()
})
afterAll(() => h.close())
beforeEach(() => {
  h.newSession()
  h.logs.length = 0
})
afterEach(async () => {
  await h.session.dispose()
  h.env.simulator.faults.clear()
})

const send = (intent: Intent) => h.session.dispatch(intent)
const screen = (): Screen => h.latest().screen
const logged = (event: string) => h.logs.filter((entry) => entry.event === event)

async function startWith(personalNumber: string): Promise<void> {
  send({ type: 'begin' })
  send({ type: 'start', personnummer: personalNumber })
  await h.step(0)
}

describe('staff references in the log', () => {
  it('a failed hint: the snapshot keeps H-userCancel, failure.shown carries it and its staff reference', async () => {
    await startWith(freshPersonalNumber())
    const waiting = screen()
    if (waiting.name !== 'waiting' || !waiting.qrSvg) throw new Error(`not waiting with a QR: ${JSON.stringify(waiting)}`)
    const scanned = h.env.simulator.orders.scan(decodeQrSvg(waiting.qrSvg) ?? '')
    if (!scanned.ok) throw new Error('scan refused')
    h.env.simulator.orders.cancelInApp(scanned.value.orderRef)
    await h.step(2_000)

    expect(screen()).toMatchObject({ name: 'failure', cause: 'cancelled-in-app', reference: 'H-userCancel' })
    const [shown, ...more] = logged('failure.shown')
    expect(more).toEqual([])
    expect(shown).toMatchObject({
      level: 'info',
      fields: { cause: 'cancelled-in-app', reference: 'H-userCancel', staffReference: staffReference('H-userCancel') },
    })
  })

  it('a BankID error: bankid.failure (a warning, so on the staff screen) and failure.shown carry both', async () => {
    h.env.simulator.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'internalError' } })
    await startWith(freshPersonalNumber())
    expect(screen()).toMatchObject({ name: 'failure', reference: 'B-500-internalError' })
    const both = { reference: 'B-500-internalError', staffReference: staffReference('B-500-internalError') }
    expect(logged('bankid.failure')).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining(both) })])
    expect(logged('failure.shown')).toEqual([expect.objectContaining({ level: 'info', fields: expect.objectContaining(both) })])
  })

  it('out of service: service.out carries the staff reference of the code on the screen', async () => {
    h.env.simulator.faults.add({ endpoint: '*', fault: { kind: 'maintenance' } })
    for (let i = 0; i < 2; i++) {
      await startWith(freshPersonalNumber())
      expect(screen()).toMatchObject({ name: 'failure', cause: 'bankid-unavailable' })
      send({ type: 'cancel' })
    }
    await startWith(freshPersonalNumber())
    expect(screen()).toMatchObject({ name: 'out-of-service', reference: 'B-503-maintenance' })
    expect(logged('service.out')).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ reference: 'B-503-maintenance', staffReference: staffReference('B-503-maintenance') }),
      }),
    ])
  })
})
