// The whole kiosk in Chromium, on a clock the test moves: runtime (settings file → log →
// built-in BankID simulator → session engine) + browser host + the built renderer.
//
// The simulator and the session share one ManualScheduler, so minutes of BankID time pass in a
// moment (`kiosk.step(ms)`). The browser runs in real time: DOM checks use Playwright's
// auto-waiting `expect(locator)`. The parent's side goes through the UI only (the keypad's
// buttons by their names, the QR read off the screen); the phone's side goes through the
// simulator (`kiosk.sim.orders.scan(payload)`, `.enterSecurityCode`, `.cancelInApp`).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect } from '@playwright/test'
import type { Browser, BrowserContext, ConsoleMessage, Locator, Page, ViewportSize } from '@playwright/test'
import { startBrowserHost } from '../../../src/main/browser-host/server'
import type { BrowserHost } from '../../../src/main/browser-host/server'
import { openCounterStore } from '../../../src/main/counters/outcome-counters'
import { startRuntime } from '../../../src/main/runtime'
import type { KioskRuntime } from '../../../src/main/runtime'
import { loadOrCreateSimulatorPki } from '../../../src/main/simulator/certificates'
import { TEST_PKI_DIR } from '../../support/simulator'
import type { RunningSimulator } from '../../../src/main/simulator/simulator'
import type { Screen, ScreenName } from '../../../src/shared/contract'
import { ManualScheduler } from '../../support/manual-scheduler'
import { decodeQrSvg } from '../../support/qr-decode'

/** The day the tests live in: personnummer checks (future dates, ages) stay stable. */
export const TEST_NOW = (): Date => new Date(2026, 10, 24, 10, 0)
export const SCHOOL = 'Rinkebyskolan'

/** A settings file's contents (see src/main/settings/schema.ts); the school name is always set. */
export interface KioskSettingsFile {
  timing?: Partial<Record<
    | 'collectIntervalSeconds'
    | 'qrRestartWindowSeconds'
    | 'orderTimeoutSeconds'
    | 'idleSeconds'
    | 'waitingIdleSeconds'
    | 'idleWarningSeconds'
    | 'loggedInSeconds'
    | 'outOfServiceRetrySeconds'
    | 'serviceFailuresBeforeOutOfService',
    number
  >>
  languages?: { available?: string[]; default?: string }
  banks?: string[]
  /** The hand-off (handoff.* in docs/settings.md); file paths absolute. */
  handoff?: Record<string, unknown>
  staff?: { pinHash?: string; allowExit?: boolean }
}

/**
 * Generating the simulator's RSA keys is slow: once per run, then copied into each kiosk's data
 * folder. The unit tests' folder: the hand-off tests' school trusts its signing root.
 */
const SHARED_PKI = TEST_PKI_DIR
let pkiReady: Promise<unknown> | null = null

export class Kiosk {
  readonly scheduler: ManualScheduler
  readonly runtime: KioskRuntime
  readonly host: BrowserHost
  /** How often the staff screen asked the host to quit (the host here only counts). */
  readonly exits: { count: number }
  readonly #dataDir: string

  private constructor(scheduler: ManualScheduler, runtime: KioskRuntime, host: BrowserHost, dataDir: string, exits: { count: number }) {
    this.scheduler = scheduler
    this.runtime = runtime
    this.host = host
    this.exits = exits
    this.#dataDir = dataDir
  }

  static async start(settings: KioskSettingsFile = {}): Promise<Kiosk> {
    pkiReady ??= loadOrCreateSimulatorPki(SHARED_PKI)
    await pkiReady
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'))
    mkdirSync(join(dataDir, 'simulator'))
    cpSync(SHARED_PKI, join(dataDir, 'simulator'), { recursive: true })
    const settingsPath = join(dataDir, 'settings.json')
    writeFileSync(settingsPath, JSON.stringify({ ...settings, school: { name: SCHOOL } }))
    const scheduler = new ManualScheduler()
    const exits = { count: 0 }
    const runtime = await startRuntime({
      argv: ['--settings', settingsPath],
      env: {},
      platform: process.platform,
      resourcesDir: 'resources',
      dataDir,
      openCounterStore: () => openCounterStore(dataDir),
      scheduler,
      now: TEST_NOW,
      version: 'e2e',
      exit: () => {
        exits.count += 1
      },
    })
    if (!runtime.settings.ok) throw new Error(`test settings refused: ${runtime.settings.problem}`)
    const host = await startBrowserHost({ session: runtime.session, rendererDir: 'out/renderer', frameOrigins: runtime.frameOrigins })
    return new Kiosk(scheduler, runtime, host, dataDir, exits)
  }

  get sim(): RunningSimulator {
    const simulator = this.runtime.simulator
    if (!simulator) throw new Error('the kiosk is not running the built-in simulator')
    return simulator
  }

  /** What the session shows right now (for waiting on the DOM to catch up, never instead of it). */
  screen(): Screen {
    return this.runtime.session.snapshot().screen
  }

  /**
   * Moves BankID time forward in steps of at most `by` ms; after each, every request the session
   * started (collect, auth, cancel, QR render) is allowed to finish, as it would in real life.
   */
  async step(ms: number, by = 500): Promise<void> {
    await this.runtime.session.whenIdle()
    for (let done = 0; done < ms; done += by) {
      this.scheduler.advance(Math.min(by, ms - done))
      await this.runtime.session.whenIdle()
    }
  }

  /** Orders BankID still considers running. */
  pendingOrders(): ReturnType<RunningSimulator['orders']['list']> {
    return this.sim.orders.list().filter((order) => order.status === 'pending')
  }

  cancelledOrderRefs(): (string | null)[] {
    return this.sim.log.list({ endpoint: 'cancel' }).map((request) => request.orderRef)
  }

  async close(): Promise<void> {
    await this.host.close()
    await this.runtime.close()
    rmSync(this.#dataDir, { recursive: true, force: true })
  }
}

/**
 * A kiosk and the browser page showing it, kept from one test to the next while the settings and
 * the viewport stay the same: loading the page is the slow part of a test here (2–3 s), a reset
 * is not. Between tests the session is reset the way a reload resets it (rendererGone(): any
 * order cancelled, the parent forgotten, language and layout back to the defaults, welcome) and
 * the simulator forgets its orders, faults, requests and people. A kiosk that ends a test out of
 * service, or a test that did not end as expected, gets a fresh kiosk and page next time.
 */
interface Station {
  key: string
  kiosk: Kiosk
  context: BrowserContext
  page: Page
}

class Stations {
  readonly #browser: Browser
  #current: Station | null = null

  constructor(browser: Browser) {
    this.#browser = browser
  }

  async take(settings: KioskSettingsFile, viewport: ViewportSize | null): Promise<Station> {
    const key = JSON.stringify({ settings, viewport })
    const current = this.#current
    if (current && current.key === key && current.kiosk.screen().name !== 'out-of-service') {
      current.kiosk.runtime.session.rendererGone()
      await current.kiosk.runtime.session.whenIdle()
      const sim = current.kiosk.sim
      sim.orders.clear()
      sim.faults.clear()
      sim.log.clear()
      sim.people.reset()
      await expectScreen(current.page, 'welcome')
      return current
    }
    await this.discard()
    const kiosk = await Kiosk.start(settings)
    // The hand-off's test service has a certificate from the simulator's own CA, which Chromium does not know.
    const context = await this.#browser.newContext({ ...(viewport ? { viewport } : {}), ignoreHTTPSErrors: true })
    const page = await context.newPage()
    this.#current = { key, kiosk, context, page }
    await page.goto(kiosk.host.url)
    await expectScreen(page, 'welcome')
    return this.#current
  }

  page(): Page {
    if (!this.#current) throw new Error('no kiosk running')
    return this.#current.page
  }

  async discard(): Promise<void> {
    const current = this.#current
    this.#current = null
    if (!current) return
    await current.context.close()
    await current.kiosk.close()
  }
}

export const test = base.extend<{ kioskSettings: KioskSettingsFile; kiosk: Kiosk }, { stations: Stations }>({
  viewport: { width: 1920, height: 1080 },
  kioskSettings: [{}, { option: true }],
  stations: [
    async ({ browser }, use) => {
      const stations = new Stations(browser)
      await use(stations)
      await stations.discard()
    },
    { scope: 'worker' },
  ],
  kiosk: async ({ stations, kioskSettings, viewport }, use, testInfo) => {
    const station = await stations.take(kioskSettings, viewport)
    const problems: string[] = []
    const onConsole = (message: ConsoleMessage) => {
      if (message.type() === 'error') problems.push(message.text())
    }
    const onError = (error: Error) => problems.push(error.message)
    station.page.on('console', onConsole)
    station.page.on('pageerror', onError)
    try {
      await use(station.kiosk)
    } finally {
      station.page.off('console', onConsole)
      station.page.off('pageerror', onError)
      if (testInfo.status !== testInfo.expectedStatus) await stations.discard()
    }
    expect(problems, 'errors in the page console').toEqual([])
  },
  page: async ({ stations, kiosk }, use) => {
    expect(kiosk).toBeTruthy()
    await use(stations.page())
  },
})
export { expect }

// ---- the page ------------------------------------------------------------------------------

export const root = (page: Page): Locator => page.locator('.kiosk')
export const heading = (page: Page): Locator => page.locator('main h1')
export const button = (page: Page, name: string | RegExp): Locator =>
  page.getByRole('button', typeof name === 'string' ? { name, exact: true } : { name })
export const qrImage = (page: Page): Locator => page.locator('img.qr')
export const pnrField = (page: Page): Locator => page.locator('output#pnr .typed')
export const idleDialog = (page: Page): Locator => page.getByRole('alertdialog')

export async function expectScreen(page: Page, name: ScreenName, timeout?: number): Promise<void> {
  await expect(root(page)).toHaveAttribute('data-screen', name, timeout === undefined ? {} : { timeout })
}

/** Presses the on-screen keys one digit at a time. */
export async function typeDigits(page: Page, digits: string): Promise<void> {
  for (const digit of digits) await button(page, digit).click()
}

/** Welcome → keypad → the number typed → Nästa → the QR on screen. */
export async function startLogin(page: Page, personalNumber: string): Promise<void> {
  await button(page, 'Logga in med Mobilt BankID').click()
  await expectScreen(page, 'keypad')
  await typeDigits(page, personalNumber)
  await expect(button(page, 'Nästa')).toBeEnabled()
  await button(page, 'Nästa').click()
  await expect(qrImage(page)).toBeVisible()
}

/** The text in the QR the screen shows now, read the way a phone would: from the picture. */
export async function readQr(page: Page): Promise<string> {
  const src = await qrImage(page).getAttribute('src')
  const prefix = 'data:image/svg+xml;charset=utf-8,'
  if (!src?.startsWith(prefix)) throw new Error(`the QR is not an SVG data URL: ${src?.slice(0, 40)}`)
  const payload = decodeQrSvg(decodeURIComponent(src.slice(prefix.length)))
  if (!payload) throw new Error('the QR on screen does not decode')
  return payload
}

/** The phone scans the QR on screen; returns the order it picked up. */
export async function scanQr(page: Page, kiosk: Kiosk): Promise<string> {
  const scanned = kiosk.sim.orders.scan(await readQr(page))
  if (!scanned.ok) throw new Error(`the simulated app refused the QR: ${scanned.error.details}`)
  return scanned.value.orderRef
}

/** Start, scan, and let the kiosk see the pickup: "Fortsätt i BankID-appen", QR gone. */
export async function loginUntilPickup(page: Page, kiosk: Kiosk, personalNumber: string): Promise<string> {
  await startLogin(page, personalNumber)
  const orderRef = await scanQr(page, kiosk)
  await kiosk.step(2_000)
  await expect(heading(page)).toHaveText('Fortsätt i BankID-appen')
  await expect(qrImage(page)).toHaveCount(0)
  return orderRef
}

/** A Luhn-correct personnummer born 1990-01-01 that no other test uses (orders never collide). */
let serial = 300
export function freshPersonalNumber(): string {
  serial += 1
  const nine = `900101${String(serial).padStart(3, '0')}`
  return `19${nine}${luhnDigit(nine)}`
}

export function luhnDigit(nine: string): number {
  let sum = 0
  for (let i = 0; i < 9; i++) {
    let digit = Number(nine[i]) * (i % 2 === 0 ? 2 : 1)
    if (digit > 9) digit -= 9
    sum += digit
  }
  return (10 - (sum % 10)) % 10
}

/**
 * For the accessibility and screenshot tours, which start many logins: the number typed on the
 * keyboard (the keypad takes digits from a keyboard too) rather than twelve clicks each time,
 * then "Nästa" (Swedish only).
 * The specs about the keypad and the login itself click the on-screen keys.
 */
export async function quickStart(page: Page, personalNumber: string): Promise<void> {
  await expectScreen(page, 'keypad')
  await page.keyboard.type(personalNumber)
  await button(page, 'Nästa').click()
}

/** From welcome or a failure screen to a QR on screen; returns the order. */
export async function quickLogin(page: Page, kiosk: Kiosk, personalNumber = freshPersonalNumber()): Promise<string> {
  const start = button(page, 'Logga in med Mobilt BankID')
  if ((await root(page).getAttribute('data-screen')) === 'failure') {
    // "Försök igen" would reuse the failed attempt's number: a new one starts from the beginning.
    await button(page, 'Till början').click()
  }
  await start.click()
  await quickStart(page, personalNumber)
  await expect(qrImage(page)).toBeVisible()
  const [order] = kiosk.pendingOrders()
  if (!order) throw new Error('no order at BankID')
  return order.orderRef
}
