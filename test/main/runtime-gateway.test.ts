// The kiosk's own runtime, configured as IT would configure a terminal in gateway mode: the kiosk
// settings the gateway's issue command writes (bankid.environment "custom", the gateway's URL and
// CA, the kiosk certificate and its passphrase file) and handoff.auth "gateway". A parent logs in
// through the real gateway; the staff screen and the health report name the endpoint's host.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCounterStore } from '../../src/main/counters/outcome-counters'
import { startRuntime } from '../../src/main/runtime'
import type { KioskRuntime } from '../../src/main/runtime'
import { hashPin } from '../../src/main/staff/pin-hash'
import type { Intent, Snapshot } from '../../src/shared/contract'
import { issuerFromPem } from '../../src/main/pki/issue'
import { issueKioskCertificate } from '../../src/gateway/pki'
import { ManualScheduler } from '../support/manual-scheduler'
import { decodeQrSvg } from '../support/qr-decode'
import { freshPersonalNumber, startTestSimulator } from '../support/simulator'
import type { TestSimulator } from '../support/simulator'
import { startTestGateway } from '../support/gateway'
import type { TestGateway } from '../support/gateway'

const PERSON = { givenName: 'Yusuf', surname: 'Aden', securityCode: '314159' }
const PIN = '593716'
const FAST = { N: 2 ** 14, r: 8, p: 1 }

let runtime: KioskRuntime | null = null
let gw: TestGateway | null = null
let sim: TestSimulator | null = null
afterEach(async () => {
  await runtime?.close()
  await gw?.close()
  await sim?.close()
  runtime = gw = sim = null
})

describe('a kiosk in gateway mode', () => {
  it('logs a parent in through the gateway with only its kiosk certificate, and reports the endpoint', async () => {
    const scheduler = new ManualScheduler()
    sim = await startTestSimulator({ clock: scheduler })
    gw = await startTestGateway({ simulator: sim.simulator, settings: { handoff: { enabled: false } } })

    // What IT does: issue the terminal's certificate and settings with the gateway's command.
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-gateway-mode-'))
    const issuer = issuerFromPem(readFileSync(gw.pki.kioskCaPath, 'utf8'), readFileSync(join(gw.pki.dir, 'kiosk-ca.key'), 'utf8'))
    const issued = await issueKioskCertificate({
      name: 'reception-hus-b',
      issuer,
      outDir: join(dataDir, 'kiosk'),
      gateway: { url: gw.gateway.url, caPem: gw.pki.gatewayCaPem },
    })
    const kioskSettings = JSON.parse(readFileSync(issued.settingsPath, 'utf8')) as Record<string, Record<string, unknown>>
    const settingsPath = join(dataDir, 'kiosk', 'settings.json')
    writeFileSync(
      settingsPath,
      JSON.stringify({ ...kioskSettings, staff: { pinHash: await hashPin(PIN, FAST) }, health: { intervalSeconds: 60 } }),
    )
    // What the terminal holds: its own certificate, its passphrase, the gateway's CA and the settings.
    expect(readdirSync(join(dataDir, 'kiosk')).sort()).toEqual(
      ['gateway-ca.pem', 'reception-hus-b-passphrase.txt', 'reception-hus-b-settings.json', 'reception-hus-b.p12', 'settings.json'].sort(),
    )

    runtime = await startRuntime({
      argv: ['--settings', settingsPath],
      env: {},
      platform: process.platform,
      resourcesDir: 'resources',
      dataDir,
      openCounterStore: () => openCounterStore(dataDir),
      scheduler,
      version: '9.9.9',
    })
    expect(runtime.settings).toMatchObject({ ok: true })
    expect(runtime.simulator).toBeNull()
    const session = runtime.session
    let latest: Snapshot = session.snapshot()
    session.subscribe((snapshot) => (latest = snapshot))
    const send = async (intent: Intent) => {
      session.dispatch(intent)
      await session.whenIdle()
    }
    const step = async (ms: number) => {
      await session.whenIdle()
      for (let done = 0; done < ms; done += 250) {
        scheduler.advance(250)
        await session.whenIdle()
      }
    }

    const pnr = freshPersonalNumber()
    sim.simulator.people.upsert({ personalNumber: pnr, ...PERSON })
    await send({ type: 'begin' })
    await send({ type: 'start', personnummer: pnr })
    await step(500)
    const screen = latest.screen
    if (screen.name !== 'waiting' || !screen.qrSvg) throw new Error(`no QR: ${JSON.stringify(screen).slice(0, 200)}`)
    const scanned = sim.simulator.orders.scan(decodeQrSvg(screen.qrSvg) ?? '')
    if (!scanned.ok) throw new Error(scanned.error.details)
    await step(2_000)
    sim.simulator.orders.enterSecurityCode(scanned.value.orderRef, PERSON.securityCode)
    await step(2_000)
    expect(latest.screen).toMatchObject({ name: 'logged-in', givenName: PERSON.givenName })
    // The gateway knew the terminal by its certificate.
    expect(gw.logger.entries().find((entry) => entry.event === 'gateway.order.started')).toMatchObject({ kioskId: 'reception-hus-b' })

    await send({ type: 'staff-open' })
    await send({ type: 'staff-pin', pin: PIN })
    const staff = latest.staff
    if (staff?.stage !== 'open') throw new Error('staff screen not open')
    const host = new URL(gw.gateway.url).host
    expect(staff.info).toMatchObject({ environment: 'custom', endpoint: host, handoff: 'off' })
    expect(staff.info.certificate?.subject).toContain('CN=reception-hus-b')
    await send({ type: 'staff-test-connection' })
    expect(latest.staff).toMatchObject({ stage: 'open', connectivity: { state: 'ok' } })
    await send({ type: 'staff-close' })

    const report = JSON.parse(readFileSync(join(dataDir, 'health.json'), 'utf8')) as { bankid: Record<string, unknown> }
    expect(report.bankid).toMatchObject({ environment: 'custom', endpoint: host })
    expect(sim.simulator.orders.list().filter((order) => order.status === 'pending')).toEqual([])
  })
})
