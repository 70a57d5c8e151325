// Privacy, end to end through the runtime: full sessions with a known personnummer and name, on
// the real simulator, with the real file logger at its most talkative and the real electron-store;
// afterwards every file the kiosk wrote is searched for them.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { KioskSession } from '../../src/main/session/kiosk-session'
import type { Intent, Snapshot } from '../../src/shared/contract'
import { ManualScheduler } from '../support/manual-scheduler'
import { startTestRuntime } from '../support/runtime'
import { decodeQrSvg } from '../support/qr-decode'

vi.mock('electron', () => ({ default: { app: undefined, ipcMain: undefined, shell: undefined } }))

const PERSON = { personalNumber: '198112189389', givenName: 'Leila', surname: 'Bergström-Nour', securityCode: '192837' }
const OTHER = { personalNumber: '196408233382', givenName: 'Okke', surname: 'Vänskä', securityCode: '556677' }

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** Every way a personnummer or a name could show up in a file. */
function forms(person: typeof PERSON): string[] {
  const p = person.personalNumber
  return [
    p,
    p.slice(2),
    `${p.slice(0, 8)}-${p.slice(8)}`,
    `${p.slice(2, 8)}-${p.slice(8)}`,
    person.givenName,
    person.surname,
    `${person.givenName} ${person.surname}`,
    Buffer.from(`${person.givenName} ${person.surname}`).toString('base64'),
  ]
}

describe('nothing personal is written anywhere', () => {
  it('after successful and failed sessions: logs, counters and every other file are clean', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-privacy-'))
    const settingsPath = join(dataDir, 'settings.json')
    writeFileSync(settingsPath, JSON.stringify({ logging: { level: 'debug' }, timing: { idleSeconds: 15, waitingIdleSeconds: 60, idleWarningSeconds: 5 } }))
    const scheduler = new ManualScheduler()
    const runtime = await startTestRuntime({ settingsPath, dataDir, scheduler, version: 'test' })
    const simulator = runtime.simulator
    if (!simulator) throw new Error('expected the built-in simulator')
    const session = runtime.session as KioskSession
    let latest: Snapshot = session.snapshot()
    session.subscribe((snapshot) => (latest = snapshot))
    const send = (intent: Intent) => session.dispatch(intent)
    const step = async (ms: number) => {
      await session.whenIdle()
      for (let done = 0; done < ms; done += 250) {
        scheduler.advance(250)
        await session.whenIdle()
      }
    }
    const typeAndScan = async (person: typeof PERSON) => {
      send({ type: 'begin' })
      send({ type: 'start', personnummer: `${person.personalNumber.slice(2, 8)}-${person.personalNumber.slice(8)}` })
      await step(1_000)
      const screen = latest.screen
      if (screen.name !== 'waiting' || !screen.qrSvg) throw new Error(`no QR: ${JSON.stringify(screen)}`)
      const scanned = simulator.orders.scan(decodeQrSvg(screen.qrSvg) ?? '')
      if (!scanned.ok) throw new Error(scanned.error.details)
      await step(2_000)
      return scanned.value.orderRef
    }
    simulator.people.upsert(PERSON)
    simulator.people.upsert(OTHER)

    // 1. A successful login.
    const first = await typeAndScan(PERSON)
    simulator.orders.enterSecurityCode(first, PERSON.securityCode)
    await step(2_000)
    expect(latest.screen).toMatchObject({ name: 'logged-in', givenName: PERSON.givenName })
    send({ type: 'done' })

    // 2. Cancelled in the app.
    simulator.orders.cancelInApp(await typeAndScan(PERSON))
    await step(2_000)
    expect(latest.screen).toMatchObject({ name: 'failure', cause: 'cancelled-in-app' })
    send({ type: 'cancel' })

    // 3. A wrong number typed (fails the check digit), then the parent walks away.
    send({ type: 'begin' })
    send({ type: 'start', personnummer: `${PERSON.personalNumber.slice(0, 11)}0` })
    expect(latest.screen).toEqual({ name: 'keypad', fault: 'check-digit' })
    await step(25_000)
    expect(latest.screen).toEqual({ name: 'welcome' })

    // 4. Four wrong security codes: blocked.
    const blocked = await typeAndScan(OTHER)
    for (let i = 0; i < 4; i++) simulator.orders.enterSecurityCode(blocked, '000000')
    await step(2_000)
    expect(latest.screen).toMatchObject({ name: 'failure', cause: 'blocked' })
    send({ type: 'cancel' })

    // 5. Already in progress elsewhere, then a network failure mid-collect.
    simulator.orders.create({ type: 'auth', clientId: 'elsewhere', endUserIp: '10.1.1.1', requirement: { personalNumber: PERSON.personalNumber }, returnRisk: false })
    send({ type: 'begin' })
    send({ type: 'start', personnummer: PERSON.personalNumber })
    await step(500)
    expect(latest.screen).toMatchObject({ name: 'failure', cause: 'already-in-progress' })
    send({ type: 'retry' })
    await step(0)
    simulator.faults.add({ endpoint: 'collect', times: 1, fault: { kind: 'drop' } })
    send({ type: 'start', personnummer: PERSON.personalNumber })
    await step(3_000)
    expect(latest.screen).toMatchObject({ name: 'failure', cause: 'network' })

    // 6. Walked away while the QR was up.
    send({ type: 'cancel' })
    await typeAndScan(PERSON)
    await step(70_000)
    expect(latest.screen).toEqual({ name: 'welcome' })

    await runtime.close()

    const files = filesUnder(dataDir).filter((path) => path !== settingsPath)
    const logFiles = files.filter((path) => path.includes(join(dataDir, 'logs')))
    expect(logFiles.length).toBeGreaterThan(0)
    const logText = logFiles.map((path) => readFileSync(path, 'utf8')).join('\n')
    expect(logText).toContain('"event":"order.complete"')
    expect(logText).toContain('"event":"session.end"')
    for (const path of files) {
      const text = readFileSync(path).toString('latin1') + readFileSync(path, 'utf8')
      for (const secret of [...forms(PERSON), ...forms(OTHER)]) {
        expect(text.includes(secret), `${secret} found in ${path}`).toBe(false)
      }
    }
    const counters = JSON.parse(readFileSync(join(dataDir, 'counters.json'), 'utf8')) as unknown
    expect(counters).toEqual({
      counts: { '2026-11-24': { success: 1, abandoned: 1, 'cancelled-in-app': 1, blocked: 1, 'already-in-progress': 1, network: 1 } },
    })
  })
})
