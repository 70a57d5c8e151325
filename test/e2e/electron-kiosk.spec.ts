// The kiosk in Electron itself (Playwright's _electron), built by `npm run test:e2e`: a full login
// and the lockdown. Electron's binary cannot be downloaded on the development machines, so here
// these tests are reported as skipped; they run wherever the binary exists.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import type { ElectronApplication, Page } from '@playwright/test'
import { decodeQrSvg } from '../support/qr-decode'
import { launchKiosk, simulatorControl, skipWithoutElectron } from './support/electron'

skipWithoutElectron()

const PERSON = '198112189389'

/** The page's window, typed for the few things these tests touch (the Node project has no DOM types). */
interface PageWindow {
  open(url: string): unknown
  location: { href: string }
  devicePixelRatio: number
}
let app: ElectronApplication
let page: Page
let dataDir: string

/** The built-in simulator's control API, found through the kiosk's own log. */
const control = (path: string, body: unknown = {}): Promise<unknown> => simulatorControl(dataDir, path, body)

test.beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kiosk-electron-'))
  const settings = join(dataDir, 'settings.json')
  writeFileSync(settings, JSON.stringify({ school: { name: 'Elektronskolan' }, logging: { directory: join(dataDir, 'logs'), level: 'debug' } }))
  ;({ app, page } = await launchKiosk(settings))
})

test.afterEach(async () => {
  await app?.close()
})

test('a parent logs in: keypad, QR scanned by the simulated app, security code, logged in', async () => {
  expect(page.url()).toBe('app://kiosk/index.html')
  await page.getByRole('button', { name: 'Logga in med Mobilt BankID' }).click()
  for (const digit of PERSON) await page.getByRole('button', { name: digit, exact: true }).click()
  await page.getByRole('button', { name: 'Nästa' }).click()
  const src = await page.locator('img.qr').getAttribute('src')
  const payload = decodeQrSvg(decodeURIComponent((src ?? '').split(',')[1] ?? ''))
  const scanned = (await control('/api/scan', { payload })) as { orderRef: string }
  await expect(page.locator('img.qr')).toHaveCount(0, { timeout: 10_000 })
  await control(`/api/orders/${scanned.orderRef}/code`, { code: '123456' })
  await expect(page.getByRole('heading', { name: 'Du är nu inloggad' })).toBeVisible({ timeout: 10_000 })
  await page.getByRole('button', { name: 'Klar' }).click()
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome')
  expect(await page.content()).not.toContain(PERSON.slice(0, 8))
})

test('the renderer is sandboxed and sees only window.kiosk', async () => {
  const seen = await page.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    kiosk: Object.keys((globalThis as unknown as { kiosk: object }).kiosk).sort(),
  }))
  expect(seen).toEqual({ require: 'undefined', process: 'undefined', kiosk: ['send', 'subscribe'] })
})

test('lockdown: no new windows, no navigation away, no network, no zoom or close shortcuts', async () => {
  expect(await page.evaluate(() => (globalThis as unknown as PageWindow).open('https://example.com') === null)).toBe(true)
  expect(app.windows()).toHaveLength(1)

  await page.evaluate(() => {
    ;(globalThis as unknown as PageWindow).location.href = 'https://example.com/'
  })
  await page.waitForTimeout(500)
  expect(page.url()).toBe('app://kiosk/index.html')

  const fetched = await page.evaluate(() =>
    fetch('https://example.com/').then(
      () => 'fetched',
      () => 'blocked',
    ),
  )
  expect(fetched).toBe('blocked')

  const zoomBefore = await page.evaluate(() => (globalThis as unknown as PageWindow).devicePixelRatio)
  await page.keyboard.press('Control+=')
  await page.keyboard.press('Control+W')
  await page.waitForTimeout(300)
  expect(await page.evaluate(() => (globalThis as unknown as PageWindow).devicePixelRatio)).toBe(zoomBefore)
  expect(app.windows()).toHaveLength(1)
})

test('quitting cancels the pending BankID order', async () => {
  await page.getByRole('button', { name: 'Logga in med Mobilt BankID' }).click()
  for (const digit of PERSON) await page.getByRole('button', { name: digit, exact: true }).click()
  await page.getByRole('button', { name: 'Nästa' }).click()
  await expect(page.locator('img.qr')).toBeVisible()
  await app.close()
  const log = readdirSync(join(dataDir, 'logs'))
    .map((file) => readFileSync(join(dataDir, 'logs', file), 'utf8'))
    .join('\n')
  expect(log).toContain('"event":"order.cancelled"')
  expect(log).not.toContain(PERSON)
})

/** The kiosk page's document, typed for the few things these tests touch. */
interface ProbeDocument {
  createElement(tag: 'a' | 'input'): { type: string; id: string; href: string; download: string; click(): void; showPicker(): void }
  body: { append(node: unknown): void }
}
const kioskLog = () =>
  readdirSync(join(dataDir, 'logs'))
    .map((file) => readFileSync(join(dataDir, 'logs', file), 'utf8'))
    .join('\n')

// The two below need Chromium itself (the file chooser interception, will-download): the unit tests
// in test/main/shell check the handlers against stand-ins. Like the others here, skipped where
// Electron's binary is missing.
test('no file dialog from the kiosk page either: showPicker() on a file input is intercepted and logged', async () => {
  // Playwright's evaluate runs with a user gesture, which showPicker() needs. (The function runs in
  // the page: it can use nothing from this file but types.)
  await page.evaluate(() => {
    const document = (globalThis as unknown as { document: ProbeDocument }).document
    const input = document.createElement('input')
    input.type = 'file'
    document.body.append(input)
    input.showPicker()
  })
  await expect.poll(kioskLog).toContain('"event":"file-chooser.blocked"')
  expect(kioskLog()).toContain('"origin":"kiosk-page"')
  expect(app.windows()).toHaveLength(1)
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome')
})

test('downloads are refused (will-download): cancelled, and logged with the origin only', async () => {
  await page.evaluate(() => {
    const document = (globalThis as unknown as { document: ProbeDocument }).document
    const link = document.createElement('a')
    link.href = URL.createObjectURL(new Blob(['199001012385'], { type: 'text/plain' }))
    link.download = 'kvitto.txt'
    document.body.append(link)
    link.click()
  })
  await expect.poll(kioskLog).toContain('"event":"download.blocked"')
  expect(kioskLog()).toContain('"from":"app://kiosk"')
  expect(kioskLog()).not.toContain('kvitto')
  expect(app.windows()).toHaveLength(1)
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome')
})
