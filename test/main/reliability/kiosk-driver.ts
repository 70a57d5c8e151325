// Drives one kiosk session against the simulator for the fault matrix: a fresh session harness
// per case (its own simulator, request log and order book), plus what the special cases need —
// a simulator that stops and starts again at the same address, and a BankID port that can be
// switched to another client while the session runs.
import type { BankIdClient } from '../../../src/main/bankid/client'
import type { BankIdPort, SessionSettings, SessionTiming } from '../../../src/main/session/kiosk-session'
import type { RunningSimulator } from '../../../src/main/simulator/simulator'
import type { Intent, Screen } from '../../../src/shared/contract'
import { decodeQrSvg } from '../../support/qr-decode'
import { startSessionHarness, testSettings } from '../../support/session-harness'
import type { SessionHarness } from '../../support/session-harness'
import { startTestSimulator } from '../../support/simulator'
import type { TestSimulator } from '../../support/simulator'

/** The person every case logs in as in its "usable again" check. */
export const PARENT = { givenName: 'Leila', surname: 'Nordin', securityCode: '135790' } as const

/** A BankID port whose client can be replaced while the session runs (a fixed trust store, say). */
export class SwitchablePort implements BankIdPort {
  constructor(public current: BankIdPort) {}
  auth: BankIdClient['auth'] = (...args) => this.current.auth(...args)
  collect: BankIdClient['collect'] = (...args) => this.current.collect(...args)
  cancel: BankIdClient['cancel'] = (...args) => this.current.cancel(...args)
}

/** Rejects when run() has not settled within ms of wall-clock time: nothing may hang. */
export async function bounded<T>(ms: number, what: string, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not finished after ${ms} ms of wall-clock time`)), ms)
  })
  try {
    return await Promise.race([run(), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Waits (wall clock) until check() holds, for things that happen on the simulator's side. */
export async function until(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const end = performance.now() + ms
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

export class Kiosk {
  /** The simulator the session talks to now (replaced when a case restarts it). */
  sim: RunningSimulator
  readonly #others: TestSimulator[] = []

  private constructor(
    readonly h: SessionHarness,
    readonly settings: SessionSettings,
  ) {
    this.sim = h.env.simulator
  }

  static async start(timing: Partial<SessionTiming> = {}): Promise<Kiosk> {
    const settings = testSettings({ timing })
    return new Kiosk(await startSessionHarness(settings), settings)
  }

  get timing(): SessionTiming {
    return this.settings.timing
  }

  get scheduler() {
    return this.h.scheduler
  }

  send(intent: Intent): void {
    this.h.session.dispatch(intent)
  }

  screen(): Screen {
    return this.h.latest().screen
  }

  screenAs<N extends Screen['name']>(name: N): Extract<Screen, { name: N }> {
    const current = this.screen()
    if (current.name !== name) throw new Error(`expected screen ${name}, got ${JSON.stringify(current)}`)
    return current as Extract<Screen, { name: N }>
  }

  /** Welcome (or a failure screen: "Försök igen") → keypad → Nästa with this number; BankID answers. */
  async startWith(personalNumber: string): Promise<void> {
    this.pressStart(personalNumber)
    await this.h.step(0)
  }

  /** The same, without waiting for BankID's answer. */
  pressStart(personalNumber: string): void {
    this.send(this.screen().name === 'failure' ? { type: 'retry' } : { type: 'begin' })
    this.send({ type: 'start', personnummer: `${personalNumber.slice(0, 8)}-${personalNumber.slice(8)}` })
  }

  /** Reads the QR on the screen and scans it with the simulated app, as the parent's phone would. */
  scan(): string {
    const waiting = this.screenAs('waiting')
    if (!waiting.qrSvg) throw new Error('no QR on screen')
    const payload = decodeQrSvg(waiting.qrSvg)
    if (!payload) throw new Error('the QR on screen does not decode')
    const scanned = this.sim.orders.scan(payload)
    if (!scanned.ok) throw new Error(`scan refused: ${scanned.error.details}`)
    return scanned.value.orderRef
  }

  /** Moves the clock by one collect interval, letting every request finish. */
  collectOnce(): Promise<void> {
    return this.h.step(this.timing.collectIntervalMs)
  }

  pendingOrders(): string[] {
    return this.sim.orders
      .list()
      .filter((order) => order.status === 'pending')
      .map((order) => order.orderRef)
  }

  /** The one pending order at the simulator. */
  pendingOrderRef(): string {
    const pending = this.pendingOrders()
    if (pending.length !== 1) throw new Error(`expected one pending order, found ${pending.length}`)
    return pending[0] as string
  }

  /** Starts a login and lets the app pick the order up; resolves with the orderRef. */
  async untilPickup(personalNumber: string): Promise<string> {
    await this.startWith(personalNumber)
    const orderRef = this.scan()
    await this.collectOnce()
    if (this.screenAs('waiting').qrSvg !== null) throw new Error('the QR is still shown after pickup')
    return orderRef
  }

  /** Makes the simulator know the parent, so a completed login shows their name. */
  meetParent(personalNumber: string): void {
    this.sim.people.upsert({ personalNumber, ...PARENT })
  }

  /** Another simulator on loopback, sharing the case's clock (closed with the case). */
  async otherSimulator(options: Parameters<typeof startTestSimulator>[0] = {}): Promise<TestSimulator> {
    const other = await startTestSimulator({ clock: this.scheduler, ...options })
    this.#others.push(other)
    return other
  }

  /** Starts a simulator at the address of the one that was stopped, and talks to it from now on. */
  async restartAt(rpBaseUrl: string): Promise<void> {
    const other = await this.otherSimulator({ rpPort: Number(new URL(rpBaseUrl).port) })
    this.sim = other.simulator
  }

  /** A client on the case's clock, closed with the case. */
  client(options: Parameters<TestSimulator['client']>[0] = {}): BankIdClient {
    return this.h.env.client({ clock: this.scheduler, ...options })
  }

  async close(): Promise<void> {
    await this.h.close()
    for (const other of this.#others) await other.close()
  }
}
