// The staff desk as the runtime wires it: the real simulator, the real log and counters, a
// parent's full login with a known personnummer and name; then the staff screen, which must show
// the kiosk's facts and nothing of the parent.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openCounterStore } from '../../../src/main/counters/outcome-counters'
import { startRuntime } from '../../../src/main/runtime'
import type { KioskRuntime } from '../../../src/main/runtime'
import { hashPin } from '../../../src/main/staff/pin-hash'
import type { Intent, Snapshot } from '../../../src/shared/contract'
import { ManualScheduler } from '../../support/manual-scheduler'
import { decodeQrSvg } from '../../support/qr-decode'

const PERSON = { personalNumber: '198112189389', givenName: 'Leila', surname: 'Bergström-Nour', securityCode: '192837' }
const PIN = '593716'
const FAST = { N: 2 ** 14, r: 8, p: 1 }

/** Every way the parent could show up in text. */
const personalForms = (): string[] => {
  const p = PERSON.personalNumber
  return [p, p.slice(2), `${p.slice(0, 8)}-${p.slice(8)}`, p.slice(0, 8), p.slice(8), PERSON.givenName, PERSON.surname]
}

let runtime: KioskRuntime | null = null
afterEach(async () => {
  await runtime?.close()
  runtime = null
})

async function start(settings: Record<string, unknown>, exit?: () => void, dataDir = mkdtempSync(join(tmpdir(), 'kiosk-staff-'))) {
  const settingsPath = join(dataDir, 'settings.json')
  writeFileSync(settingsPath, JSON.stringify(settings))
  const scheduler = new ManualScheduler()
  runtime = await startRuntime({
    argv: ['--settings', settingsPath],
    env: {},
    platform: process.platform,
    resourcesDir: 'resources',
    dataDir,
    openCounterStore: () => openCounterStore(dataDir),
    scheduler,
    now: () => new Date(2026, 10, 24, 10, 0, 0),
    version: '9.8.7',
    ...(exit ? { exit } : {}),
  })
  const session = runtime.session
  let latest: Snapshot = session.snapshot()
  const sequences: number[] = []
  session.subscribe((snapshot) => {
    latest = snapshot
    sequences.push(snapshot.sequence)
  })
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
  return { runtime, dataDir, settingsPath, send, step, latest: () => latest, sequences }
}

describe('the staff screen in the runtime', () => {
  it('shows the kiosk’s facts and none of the parent who just logged in', async () => {
    const k = await start({ staff: { pinHash: await hashPin(PIN, FAST) }, logging: { level: 'debug' } })
    const simulator = k.runtime.simulator
    if (!simulator) throw new Error('expected the built-in simulator')
    simulator.people.upsert(PERSON)

    // A failure first, so that the error list has something in it.
    simulator.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'internalError' } })
    await k.send({ type: 'begin' })
    await k.send({ type: 'start', personnummer: PERSON.personalNumber })
    await k.step(500)
    expect(k.latest().screen).toMatchObject({ name: 'failure', cause: 'bankid-unavailable' })
    await k.send({ type: 'retry' })

    // A full login.
    await k.send({ type: 'start', personnummer: PERSON.personalNumber })
    await k.step(1_000)
    const screen = k.latest().screen
    if (screen.name !== 'waiting' || !screen.qrSvg) throw new Error('no QR')
    const scanned = simulator.orders.scan(decodeQrSvg(screen.qrSvg) ?? '')
    if (!scanned.ok) throw new Error(scanned.error.details)
    await k.step(2_000)
    simulator.orders.enterSecurityCode(scanned.value.orderRef, PERSON.securityCode)
    await k.step(2_000)
    expect(k.latest().screen).toMatchObject({ name: 'logged-in', givenName: PERSON.givenName })

    // Staff open the staff screen over the logged-in screen.
    await k.send({ type: 'staff-open' })
    await k.send({ type: 'staff-pin', pin: '0000' })
    expect(k.latest().staff).toMatchObject({ stage: 'pin', fault: 'wrong', attemptsLeft: 4 })
    await k.send({ type: 'staff-pin', pin: PIN })
    const staff = k.latest().staff
    if (staff?.stage !== 'open') throw new Error(`staff screen not open: ${JSON.stringify(staff)}`)
    expect(staff.info).toMatchObject({
      version: '9.8.7',
      settingsPath: k.settingsPath,
      settingsProblem: null,
      environment: 'simulator',
      handoff: 'off',
      counters: { success: 1, 'bankid-unavailable': 1 },
    })
    expect(staff.info.certificate?.subject).toMatch(/CN=/)
    expect(staff.info.certificate?.daysLeft).toBeGreaterThan(0)
    expect(staff.info.recentErrors.map((error) => error.event)).toEqual(['staff.pin-wrong', 'bankid.failure'])
    expect(staff.canExit).toBe(false)

    // The connectivity test against the simulator.
    await k.send({ type: 'staff-test-connection' })
    expect(k.latest().staff).toMatchObject({ stage: 'open', connectivity: { state: 'ok' } })

    const staffJson = JSON.stringify(k.latest().staff)
    for (const form of personalForms()) expect(staffJson, form).not.toContain(form)

    // The parent's screen runs out underneath; the staff screen stays, and then nothing of the
    // parent is in the snapshot at all.
    await k.step(10_000)
    expect(k.latest().screen).toEqual({ name: 'welcome' })
    expect(k.latest().staff?.stage).toBe('open')
    const json = JSON.stringify(k.latest())
    for (const form of personalForms()) expect(json, form).not.toContain(form)

    await k.send({ type: 'staff-close' })
    expect(k.latest().staff).toBeNull()
    expect(k.sequences.every((sequence, i) => i === 0 || sequence >= (k.sequences[i - 1] ?? 0))).toBe(true)
  })

  it('opens even when the settings are invalid, and says what is wrong', async () => {
    const k = await start({ staff: { pinHash: await hashPin(PIN, FAST) }, timing: { idleSeconds: 1 } })
    expect(k.latest().screen).toMatchObject({ name: 'out-of-service', reference: 'S-SETTINGS' })
    await k.send({ type: 'staff-open' })
    await k.send({ type: 'staff-pin', pin: PIN })
    const staff = k.latest().staff
    if (staff?.stage !== 'open') throw new Error('staff screen not open')
    expect(staff.info.settingsProblem).toMatch(/^Setting "timing\.idleSeconds" must be a whole number from 15 to 600/)
    expect(staff.info.environment).toBeNull()
    expect(staff.info.recentErrors[0]).toMatchObject({ level: 'error', event: 'settings.invalid' })
    await k.send({ type: 'staff-test-connection' })
    expect(k.latest().staff).toMatchObject({ connectivity: { state: 'failed', reference: 'S-SETTINGS' } })
    await k.send({ type: 'staff-close' })
    expect(k.latest().screen.name).toBe('out-of-service')
  })

  it('stays closed when the staff section itself is invalid', async () => {
    const k = await start({ staff: { pinHash: PIN } })
    expect(k.latest().screen).toMatchObject({ name: 'out-of-service' })
    await k.send({ type: 'staff-open' })
    expect(k.latest().staff).toBeNull()
  })

  it('is still locked after the kiosk is restarted over the same data folder', async () => {
    const settings = { staff: { pinHash: await hashPin(PIN, FAST) } }
    const k = await start(settings)
    await k.send({ type: 'staff-open' })
    for (let i = 0; i < 5; i++) await k.send({ type: 'staff-pin', pin: '000000' })
    expect(k.latest().staff).toMatchObject({ fault: 'locked', lockedSeconds: 300 })
    await k.runtime.close()
    runtime = null

    const again = await start(settings, undefined, k.dataDir)
    await again.send({ type: 'staff-open' })
    expect(again.latest().staff).toMatchObject({ stage: 'pin', fault: 'locked', lockedSeconds: 300 })
    await again.send({ type: 'staff-pin', pin: PIN })
    expect(again.latest().staff).toMatchObject({ stage: 'pin', fault: 'locked' })
  })

  it('exits through the host only when staff.allowExit is true', async () => {
    const exit = vi.fn()
    const k = await start({ staff: { pinHash: await hashPin(PIN, FAST), allowExit: true } }, exit)
    await k.send({ type: 'staff-open' })
    await k.send({ type: 'staff-pin', pin: PIN })
    expect(k.latest().staff).toMatchObject({ stage: 'open', canExit: true })
    await k.send({ type: 'staff-exit' })
    expect(exit).toHaveBeenCalledTimes(1)
  })
})
