// The browser host with a real Chromium: the renderer's bridge (src/renderer/src/bridge, bundled
// with code splitting as the renderer build would: getKioskApi() loads the WebSocket bridge as a
// chunk of its own) on a tiny page, served under the host's CSP. The session behind it is a small
// fake: the full login over the bridge is covered against the real session by
// test/main/browser-host/server.test.ts.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import type { ConsoleMessage, Page } from '@playwright/test'
import { build } from 'esbuild'
import type { BrowserHost, SessionPort } from '../../src/main/browser-host/server'
import { CONTENT_SECURITY_POLICY, startBrowserHost } from '../../src/main/browser-host/server'
import type { Intent, Screen, Snapshot } from '../../src/shared/contract'

const KIOSK_API = resolve(import.meta.dirname, '../../src/renderer/src/bridge/kiosk-api.ts')

/** What the page script puts on globalThis for the test (page.evaluate runs in the page). */
interface BridgePage {
  __bridge: { send(intent: unknown): void }
  __violations: string[]
  __sent: unknown[]
  location: { href: string; hash: string }
  sessionStorage: { getItem(key: string): string | null; length: number }
  WebSocket: new (url: string) => unknown
}

const PAGE_SCRIPT = `
import { getKioskApi } from ${JSON.stringify(KIOSK_API)}

const violations = []
globalThis.__violations = violations
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(event.effectiveDirective + ' ' + event.blockedURI)
})
const kiosk = await getKioskApi()
if ((await getKioskApi()) !== kiosk) throw new Error('getKioskApi must hand out one API')
globalThis.__bridge = kiosk
kiosk.subscribe((snapshot) => {
  document.getElementById('screen').textContent = snapshot.screen.name
  document.getElementById('sequence').textContent = String(snapshot.sequence)
})
document.getElementById('begin').addEventListener('click', () => kiosk.send({ type: 'begin' }))
`

/** Stands in for Electron's preload: a classic script that defines window.kiosk first. */
const PRELOAD_SCRIPT = `
globalThis.__sent = []
window.kiosk = {
  subscribe(listener) {
    listener({ sequence: 7, screen: { name: 'faq' } })
    return () => undefined
  },
  send(intent) {
    globalThis.__sent.push(intent)
  },
}
`

const htmlPage = (scripts: string) => `<!doctype html>
<html lang="sv">
  <head>
    <meta charset="utf-8" />
    <title>Bridge test</title>
    ${scripts}
  </head>
  <body>
    <p>Screen: <output id="screen">none</output> #<output id="sequence"></output></p>
    <button id="begin" type="button">Börja</button>
  </body>
</html>
`
const INDEX_HTML = htmlPage('<script type="module" src="./assets/app.js"></script>')
const ELECTRON_HTML = htmlPage('<script src="./assets/preload.js"></script><script type="module" src="./assets/app.js"></script>')

/** A session that only moves between welcome and keypad, and counts what reaches it. */
class FakeSession implements SessionPort {
  sequence = 0
  screen: Screen = { name: 'welcome' }
  readonly intents: Intent[] = []
  gone = 0
  subscriptions = 0
  readonly #listeners = new Set<(snapshot: Snapshot) => void>()

  snapshot(): Snapshot {
    return {
      sequence: this.sequence,
      screen: this.screen,
      idleWarning: null,
      language: 'sv',
      languages: ['sv', 'en'],
      lowReach: false,
      staff: null,
      mode: 'personnummer',
      schoolName: 'Testskolan',
      branding: { primaryColor: '#1f3a5f', accentColor: '#ffd200' },
      banks: ['Testbanken'],
    }
  }
  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.subscriptions += 1
    this.#listeners.add(listener)
    listener(this.snapshot())
    return () => this.#listeners.delete(listener)
  }
  dispatch(intent: Intent): void {
    this.intents.push(intent)
    if (intent.type === 'begin' && this.screen.name === 'welcome') this.show({ name: 'keypad', fault: null })
    if (intent.type === 'back') this.show({ name: 'welcome' })
  }
  rendererGone(): void {
    this.gone += 1
    this.show({ name: 'welcome' })
  }
  show(screen: Screen, sequence = this.sequence + 1): void {
    this.screen = screen
    this.sequence = sequence
    const snapshot = this.snapshot()
    for (const listener of this.#listeners) listener(snapshot)
  }
}

let rendererDir: string
let sourceDir: string
let host: BrowserHost
let session: FakeSession

test.beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'browser-host-e2e-'))
  sourceDir = mkdtempSync(join(tmpdir(), 'browser-host-e2e-src-'))
  mkdirSync(join(rendererDir, 'assets'))
  writeFileSync(join(rendererDir, 'index.html'), INDEX_HTML)
  writeFileSync(join(rendererDir, 'electron.html'), ELECTRON_HTML)
  writeFileSync(join(rendererDir, 'assets', 'preload.js'), PRELOAD_SCRIPT)
  writeFileSync(join(sourceDir, 'app.ts'), PAGE_SCRIPT)
  await build({
    entryPoints: [join(sourceDir, 'app.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    outdir: join(rendererDir, 'assets'),
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    logLevel: 'silent',
  })
})
test.afterAll(() => {
  rmSync(rendererDir, { recursive: true, force: true })
  rmSync(sourceDir, { recursive: true, force: true })
})

const assets = () => readdirSync(join(rendererDir, 'assets')).filter((name) => name !== 'preload.js')
const chunks = () => assets().filter((name) => name.startsWith('chunk-'))
const readAsset = (name: string) => readFileSync(join(rendererDir, 'assets', name), 'utf8')

test.beforeEach(async () => {
  session = new FakeSession()
  host = await startBrowserHost({ session, rendererDir })
})
test.afterEach(() => host.close())

/** Console errors about the CSP, and every page error. */
function watchConsole(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return problems
}

const inPage = (page: Page) => ({
  href: () => page.evaluate(() => (globalThis as unknown as BridgePage).location.href),
  violations: () => page.evaluate(() => [...(globalThis as unknown as BridgePage).__violations]),
  send: (intent: unknown) => page.evaluate((i) => (globalThis as unknown as BridgePage).__bridge.send(i), intent),
})

test('the WebSocket bridge is a chunk of its own, small, and carries no zod', () => {
  expect(chunks()).toHaveLength(1)
  const [chunk = ''] = chunks()
  expect(readAsset(chunk)).toContain('bankid-kiosk.token.')
  expect(readAsset('app.js')).not.toContain('bankid-kiosk.token.')
  for (const name of assets()) {
    expect(readAsset(name)).not.toMatch(/zod|ZodError|safeParse/)
    expect(Buffer.byteLength(readAsset(name))).toBeLessThan(6_000)
  }
})

test('with a preload-provided window.kiosk (Electron) the bridge chunk is never loaded', async ({ page }) => {
  const requested: string[] = []
  page.on('request', (request) => requested.push(new URL(request.url()).pathname))
  await page.goto(`${host.origin}/electron.html`)
  await expect(page.locator('#screen')).toHaveText('faq')
  await page.getByRole('button', { name: 'Börja' }).click()
  expect(await page.evaluate(() => (globalThis as unknown as BridgePage).__sent)).toEqual([{ type: 'begin' }])
  expect(requested).toContain('/assets/app.js')
  expect(requested.filter((path) => path.includes('chunk-'))).toEqual([])
  expect(session.subscriptions).toBe(0)
})

test('the page shows the welcome screen, hides the token, and a click reaches the session, all under the CSP', async ({ page }) => {
  const problems = watchConsole(page)
  const response = await page.goto(host.url)
  expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)

  await expect(page.locator('#screen')).toHaveText('welcome')
  const token = new URL(host.url).hash.slice('#token='.length)
  const href = await inPage(page).href()
  expect(href).toBe(`${host.origin}/`)
  expect(href).not.toContain(token)
  expect(page.url()).not.toContain(token)

  await page.getByRole('button', { name: 'Börja' }).click()
  await expect(page.locator('#screen')).toHaveText('keypad')
  expect(session.intents).toEqual([{ type: 'begin' }])

  // ws://127.0.0.1:PORT/bridge is 'self' for a page from http://127.0.0.1:PORT (CSP3): no violation.
  expect(await inPage(page).violations()).toEqual([])
  expect(problems).toEqual([])

  // And the CSP is really enforced: a WebSocket to another port is refused.
  await page.evaluate(() => {
    try {
      new (globalThis as unknown as BridgePage).WebSocket('ws://127.0.0.1:9/elsewhere')
    } catch {
      // Some versions throw, some report asynchronously: the violation event says either way.
    }
  })
  await expect.poll(() => inPage(page).violations()).toEqual(['connect-src ws://127.0.0.1:9/elsewhere'])
})

test('a reload authenticates again from sessionStorage: the renderer gone, then back', async ({ page }) => {
  const problems = watchConsole(page)
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Börja' }).click()
  await expect(page.locator('#screen')).toHaveText('keypad')

  await page.reload()
  expect(await inPage(page).href()).toBe(`${host.origin}/`)
  // The old page's socket closed: the session wiped the parent and went back to welcome.
  await expect(page.locator('#screen')).toHaveText('welcome')
  expect(session.gone).toBe(1)
  expect(session.subscriptions).toBe(2)
  await page.getByRole('button', { name: 'Börja' }).click()
  await expect(page.locator('#screen')).toHaveText('keypad')
  expect(problems).toEqual([])
})

test('after a renderer crash the socket closes (renderer gone) and a reload brings the kiosk back', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Börja' }).click()
  await expect(page.locator('#screen')).toHaveText('keypad')

  const crashed = page.waitForEvent('crash')
  const cdp = await page.context().newCDPSession(page)
  void cdp.send('Page.crash').catch(() => undefined)
  await crashed
  // The browser closes a dead renderer's sockets: the session hears of it at once.
  await expect.poll(() => session.gone).toBe(1)
  expect(session.screen).toEqual({ name: 'welcome' })

  // What a kiosk watchdog does: reload the tab (over CDP: Playwright will not drive a crashed
  // page). The fragment is long gone; sessionStorage still has the token.
  await cdp.send('Page.reload')
  await expect.poll(() => session.subscriptions).toBe(2)
  const shown = async () => {
    const { result } = await cdp.send('Runtime.evaluate', {
      expression: "location.href + ' ' + document.getElementById('screen')?.textContent",
    })
    return result.value as string
  }
  await expect.poll(shown).toBe(`${host.origin}/ welcome`)
})

test('a tab without the token gets nothing: the token is per tab, not ambient', async ({ context }) => {
  const kiosk = await context.newPage()
  await kiosk.goto(host.url)
  await expect(kiosk.locator('#screen')).toHaveText('welcome')

  const stranger = await context.newPage()
  await stranger.goto(host.origin)
  await stranger.waitForTimeout(500)
  await expect(stranger.locator('#screen')).toHaveText('none')
  expect(session.subscriptions).toBe(1)
  expect(await stranger.evaluate(() => (globalThis as unknown as BridgePage).sessionStorage.length)).toBe(0)
})

test('a second tab with the kiosk URL takes over; the first does not fight back', async ({ context }) => {
  const first = await context.newPage()
  await first.goto(host.url)
  await expect(first.locator('#screen')).toHaveText('welcome')

  const second = await context.newPage()
  await second.goto(host.url)
  await expect(second.locator('#screen')).toHaveText('welcome')
  await second.getByRole('button', { name: 'Börja' }).click()
  await expect(second.locator('#screen')).toHaveText('keypad')

  // The replaced page leaves rather than show a frozen kiosk screen, and stays away (longer
  // than several back-off rounds); the session carried on.
  await expect(first).toHaveURL('about:blank')
  await first.waitForTimeout(1_500)
  expect(session.subscriptions).toBe(2)
  expect(session.gone).toBe(0)
  expect(session.intents).toEqual([{ type: 'begin' }])
  await expect(second.locator('#screen')).toHaveText('keypad')
})

test('when the server drops the connection the page reconnects, queues intents meanwhile, and takes a restarted sequence', async ({ page }) => {
  await page.goto(host.url)
  await expect(page.locator('#screen')).toHaveText('welcome')
  session.show({ name: 'faq' }, 100)
  await expect(page.locator('#sequence')).toHaveText('100')

  // Within one connection a snapshot that is not newer is dropped.
  session.show({ name: 'guide', installQrSvg: '<svg/>' }, 100)
  session.show({ name: 'guide', installQrSvg: '<svg/>' }, 99)
  await page.waitForTimeout(200)
  await expect(page.locator('#screen')).toHaveText('faq')

  // An oversized message: the server closes with 1009 and the renderer counts as gone.
  session.sequence = 0 // as if the session had restarted: the first snapshot after reconnect is #1
  await inPage(page).send({ type: 'start', personnummer: '1'.repeat(5_000) })
  await expect.poll(() => session.gone).toBe(1)
  await page.waitForTimeout(60)
  // While it reconnects (first retry after 250 ms) intents wait in the queue.
  await inPage(page).send({ type: 'begin' })
  await expect.poll(() => session.subscriptions).toBe(2)
  await expect(page.locator('#screen')).toHaveText('keypad')
  expect(session.intents).toEqual([{ type: 'begin' }])
  await expect(page.locator('#sequence')).toHaveText('2')
})
