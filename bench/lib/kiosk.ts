// The real kiosk for the browser benchmarks, as `npm run start:web` runs it: the runtime (real
// timers, the built-in simulator on loopback, a throwaway data folder) and the browser host
// serving the built renderer from out/renderer. And the page-side helpers every metric uses.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test'
import { openCounterStore } from '../../src/main/counters/outcome-counters'
import { startBrowserHost } from '../../src/main/browser-host/server'
import type { BrowserHost } from '../../src/main/browser-host/server'
import { startRuntime } from '../../src/main/runtime'
import type { KioskRuntime } from '../../src/main/runtime'
import type { RunningSimulator } from '../../src/main/simulator/simulator'
import { installProbe, NAME_SHIM } from './probe'
import type { FrameMark, MarkName, ProbeState } from './probe'

export const RENDERER_DIR = 'out/renderer'
/** A landscape kiosk screen (the e2e tests use the same). */
export const VIEWPORT = { width: 1920, height: 1080 }

export interface Kiosk {
  runtime: KioskRuntime
  simulator: RunningSimulator
  host: BrowserHost
  close(): Promise<void>
}

export async function startKiosk(): Promise<Kiosk> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`the renderer is not built (${RENDERER_DIR}/index.html is missing): run "npm run build" first`)
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-bench-'))
  const settings = join(dataDir, 'settings.json')
  writeFileSync(settings, JSON.stringify({ school: { name: 'Benchskolan' } }))
  const runtime = await startRuntime({
    argv: ['--settings', settings],
    env: {},
    platform: process.platform,
    resourcesDir: 'resources',
    dataDir,
    openCounterStore: () => openCounterStore(dataDir),
    version: 'bench',
  })
  if (!runtime.settings.ok || !runtime.simulator) {
    await runtime.close()
    throw new Error('the benchmark kiosk did not start with the built-in simulator')
  }
  const host = await startBrowserHost({ session: runtime.session, rendererDir: RENDERER_DIR })
  return {
    runtime,
    simulator: runtime.simulator,
    host,
    async close() {
      await host.close()
      await runtime.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface KioskPage {
  context: BrowserContext
  page: Page
  /** Requests the page made, other than its own document, scripts, styles and the bridge. */
  unexpectedRequests: string[]
  /** Console errors and page errors. */
  problems: string[]
  close(): Promise<void>
}

/**
 * A fresh browser context (no cache, no sessionStorage) with the probe installed, not yet
 * navigated. Closing it ends the renderer: the session goes back to the welcome screen (and
 * cancels any order); close() waits for that, so the next page starts where a parent would.
 */
export async function openKioskPage(browser: Browser, kiosk: Kiosk): Promise<KioskPage> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  await context.addInitScript({ content: NAME_SHIM })
  await context.addInitScript(installProbe)
  const page = await context.newPage()
  const unexpectedRequests: string[] = []
  const problems: string[] = []
  page.on('request', (request) => {
    const type = request.resourceType()
    if (!['document', 'script', 'stylesheet', 'websocket'].includes(type) && !request.url().startsWith('data:')) {
      unexpectedRequests.push(`${type} ${request.url()}`)
    }
  })
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return {
    context,
    page,
    unexpectedRequests,
    problems,
    async close() {
      await context.close()
      await settle(kiosk)
    },
  }
}

/** Waits until the session is back on the welcome screen with no BankID request in flight. */
export async function settle(kiosk: Kiosk, timeoutMs = 10_000): Promise<void> {
  const session = kiosk.runtime.session
  const deadline = performance.now() + timeoutMs
  while (session.snapshot().screen.name !== 'welcome') {
    if (performance.now() > deadline) {
      throw new Error(`the session did not return to the welcome screen (it shows ${session.snapshot().screen.name})`)
    }
    await sleep(10)
  }
  await session.whenIdle()
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The probe's state, copied out of the page. */
export async function probeState(page: Page): Promise<Omit<ProbeState, 'reset'>> {
  return page.evaluate(() => {
    const bench = (globalThis as unknown as { __bench: ProbeState }).__bench
    return { marks: bench.marks, taps: bench.taps, events: bench.events, errors: bench.errors }
  })
}

/** Waits until a mark's frame has been painted; returns it (page clock). */
export async function waitForMark(page: Page, name: MarkName, timeoutMs = 10_000): Promise<FrameMark> {
  const handle = await page.waitForFunction(
    (mark) => {
      const found = (globalThis as unknown as { __bench?: ProbeState }).__bench?.marks[mark]
      return found && found.painted !== null ? found : null
    },
    name,
    { timeout: timeoutMs, polling: 'raf' },
  )
  const mark = (await handle.jsonValue()) as FrameMark
  await handle.dispose()
  return mark
}

/** A real mouse click (pointerdown, pointerup, click) at the middle of the element. */
export async function tap(page: Page, selector: string): Promise<void> {
  await tapLocator(page, page.locator(selector).first())
}

/** The same, for a located element (scrolled into view first if it is not). */
export async function tapLocator(page: Page, locator: Locator): Promise<void> {
  await locator.scrollIntoViewIfNeeded()
  const box = await locator.boundingBox()
  if (!box) throw new Error(`nothing to tap: ${String(locator)} is not on screen`)
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
}

/** Navigates to the kiosk and waits for the welcome screen to be painted. */
export async function loadWelcome(kp: KioskPage, kiosk: Kiosk): Promise<FrameMark> {
  await kp.page.goto(kiosk.host.url)
  return waitForMark(kp.page, 'welcome')
}

/** From the welcome screen to the painted keypad, by tapping "Logga in med Mobilt BankID". */
export async function toKeypad(kp: KioskPage): Promise<FrameMark> {
  await tap(kp.page, '.screen.welcome button.primary')
  return waitForMark(kp.page, 'keypad')
}

export interface QrRun {
  /** pointerdown on Nästa (page clock). */
  down: number
  starting: FrameMark | null
  inserted: FrameMark
  qr: FrameMark
  /** The same order in Node's clock (ms from the "starting" snapshot): /auth read by the simulator, "waiting" sent. */
  node: { authAt: number | null; waitingEmitted: number | null }
}

/** From a fresh page to the QR on screen; the page stays open (the caller closes it). */
export async function showQr(kp: KioskPage, kiosk: Kiosk, personnummer: string): Promise<QrRun> {
  await loadWelcome(kp, kiosk)
  await toKeypad(kp)
  await kp.page.keyboard.type(personnummer)
  await waitForMark(kp.page, 'next-enabled')
  // Node's view of the same order: when the session showed "starting" (the intent arrived) and
  // "waiting" (order created, QR rendered), and when the simulator read the /auth request.
  const emitted = new Map<string, number>()
  const unsubscribe = kiosk.runtime.session.subscribe((snapshot) => {
    if (!emitted.has(snapshot.screen.name)) emitted.set(snapshot.screen.name, performance.now())
  })
  let qr: FrameMark
  try {
    await tap(kp.page, '.screen.keypad .actions button.primary')
    qr = await waitForMark(kp.page, 'qr', 15_000)
  } finally {
    unsubscribe()
  }
  const state = await probeState(kp.page)
  const down = state.taps[state.taps.length - 1]?.down
  const inserted = state.marks['qr-inserted']
  if (down === undefined || !inserted) throw new Error('the tap on Nästa or the QR image was not recorded')
  const starting = emitted.get('starting')
  const auth = starting === undefined ? undefined : kiosk.simulator.log.list({ endpoint: 'auth' }).find((record) => record.at >= starting)
  const waiting = emitted.get('waiting')
  return {
    down,
    starting: state.marks.starting ?? null,
    inserted,
    qr,
    node: {
      authAt: starting !== undefined && auth ? auth.at - starting : null,
      waitingEmitted: starting !== undefined && waiting !== undefined ? waiting - starting : null,
    },
  }
}
