// A kiosk (the session engine on a manual clock) in front of a gateway in front of the simulator,
// for the gateway's integration tests: the kiosk holds only its kiosk certificate and the gateway's CA.
import { renderQrSvg } from '../../src/main/bankid/qr'
import { hashOrderRef } from '../../src/main/logging/logger'
import { KioskSession } from '../../src/main/session/kiosk-session'
import type { BankIdPort, HandoffPort, SessionSettings } from '../../src/main/session/kiosk-session'
import type { Screen, Snapshot } from '../../src/shared/contract'
import { decodeQrSvg } from './qr-decode'
import { ManualScheduler } from './manual-scheduler'
import { TEST_TODAY, testSettings } from './session-harness'
import { startTestSimulator } from './simulator'
import type { TestSimulator } from './simulator'
import { startTestGateway } from './gateway'
import type { TestGateway, TestGatewayOptions } from './gateway'

export const PARENT = { givenName: 'Amina', surname: 'Warsame', securityCode: '246810' }

/** One kiosk (session engine on a manual clock) in front of one gateway in front of the simulator. */
export class Rig {
  readonly snapshots: Snapshot[] = []
  readonly logs: { level: string; event: string; fields?: Record<string, unknown> | undefined }[] = []
  session!: KioskSession
  constructor(
    readonly scheduler: ManualScheduler,
    public sim: TestSimulator,
    public gw: TestGateway,
    public bankId: BankIdPort,
    readonly settings: SessionSettings,
    readonly handoff: HandoffPort | null = null,
  ) {
    this.newSession()
  }

  static async start(
    options: { gateway?: TestGatewayOptions['settings']; files?: Record<string, string>; handoff?: HandoffPort } = {},
  ): Promise<Rig> {
    const scheduler = new ManualScheduler()
    const sim = await startTestSimulator({ clock: scheduler })
    const gw = await startTestGateway({
      simulator: sim.simulator,
      ...(options.gateway ? { settings: options.gateway } : {}),
      ...(options.files ? { files: options.files } : {}),
    })
    const client = gw.kioskClient('a', { clock: scheduler })
    return new Rig(scheduler, sim, gw, client, testSettings(), options.handoff ?? null)
  }

  newSession(settings = this.settings): void {
    void this.session?.dispose()
    this.snapshots.length = 0
    this.session = new KioskSession({
      bankId: this.bankId,
      ...(this.handoff ? { handoff: this.handoff } : {}),
      scheduler: this.scheduler,
      renderQr: renderQrSvg,
      settings,
      events: { log: (level, event, fields) => this.logs.push({ level, event, fields }), outcome: () => undefined },
      today: () => TEST_TODAY,
      hashOrderRef,
    })
    this.session.subscribe((snapshot) => this.snapshots.push(snapshot))
  }

  screen(): Screen {
    const last = this.snapshots.at(-1)
    if (!last) throw new Error('no snapshot')
    return last.screen
  }

  async step(ms: number, by = 100): Promise<void> {
    await this.session.whenIdle()
    for (let done = 0; done < ms; done += by) {
      this.scheduler.advance(Math.min(by, ms - done))
      await this.session.whenIdle()
    }
  }

  async start(personalNumber: string): Promise<void> {
    this.sim.simulator.people.upsert({ personalNumber, ...PARENT })
    this.session.dispatch(this.screen().name === 'failure' ? { type: 'retry' } : { type: 'begin' })
    this.session.dispatch({ type: 'start', personnummer: `${personalNumber.slice(0, 8)}-${personalNumber.slice(8)}` })
    await this.step(0)
  }

  /** Reads the QR on the kiosk's screen and scans it with the simulated app. */
  scan(): string {
    const screen = this.screen()
    if (screen.name !== 'waiting' || !screen.qrSvg) throw new Error(`no QR on screen: ${JSON.stringify(screen).slice(0, 200)}`)
    const payload = decodeQrSvg(screen.qrSvg)
    if (!payload) throw new Error('the QR does not decode')
    const scanned = this.sim.simulator.orders.scan(payload)
    if (!scanned.ok) throw new Error(`scan refused: ${scanned.error.details}`)
    return scanned.value.orderRef
  }

  /** Scans and enters the parent's code; the next collect sees "complete". */
  approve(bankIdOrderRef: string): void {
    const done = this.sim.simulator.orders.enterSecurityCode(bankIdOrderRef, PARENT.securityCode)
    if (!done.ok || done.value.result !== 'complete') throw new Error('the security code was not accepted')
  }

  pending(): string[] {
    return this.sim.simulator.orders
      .list()
      .filter((order) => order.status === 'pending')
      .map((order) => order.orderRef)
  }

  async close(): Promise<void> {
    await this.session.dispose()
    await this.gw.close()
    await this.sim.close()
  }
}

