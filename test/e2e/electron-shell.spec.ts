// The Electron shell around the kiosk, in the real Electron (Playwright's _electron): permission
// requests refused, a crashed renderer recovered to a clean welcome screen within its budget, the
// wipe between parents, and a second instance refused. Skipped, with the reason, where Electron
// cannot run (scripts/e2e.ts fetches it first; on these development machines it cannot be had).
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import type { ElectronApplication, Page } from '@playwright/test'
import { findElectronBinary } from '../../scripts/electron-binary'
import { DEFAULT_RECOVERY } from '../../src/main/shell/recovery'
import { launchKiosk, skipWithoutElectron } from './support/electron'

skipWithoutElectron()

/** What these tests touch in the page (the Node project has no DOM types; evaluate's functions run there, so they cast inline). */
interface ProbeWindow {
  navigator: {
    mediaDevices: { getUserMedia(constraints: unknown): Promise<unknown> }
    permissions: { query(descriptor: { name: string }): Promise<{ state: string }> }
    geolocation: { getCurrentPosition(ok: () => void, failed: (error: { code: number }) => void): void }
  }
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void }
}

let app: ElectronApplication
let page: Page
let dataDir: string
let settings: string
const kioskLog = () =>
  readdirSync(join(dataDir, 'logs'))
    .map((file) => readFileSync(join(dataDir, 'logs', file), 'utf8'))
    .join('\n')

test.beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kiosk-electron-shell-'))
  settings = join(dataDir, 'settings.json')
  writeFileSync(settings, JSON.stringify({ school: { name: 'Elektronskolan' }, logging: { directory: join(dataDir, 'logs'), level: 'debug' } }))
  ;({ app, page } = await launchKiosk(settings))
})

test.afterEach(async () => {
  await app?.close()
})

test('boots to the welcome screen on the built-in simulator', async () => {
  await expect(page.getByRole('button', { name: 'Logga in med Mobilt BankID' })).toBeVisible()
  expect(kioskLog()).toContain('"simulator.start"')
})

test('permission requests are refused: camera, geolocation', async () => {
  const camera = await page.evaluate(() =>
    (globalThis as unknown as ProbeWindow)
      .navigator.mediaDevices.getUserMedia({ video: true })
      .then(
        () => 'granted',
        (error: { name?: string }) => error.name ?? 'refused',
      ),
  )
  expect(camera).not.toBe('granted')
  const geolocation = await page.evaluate(
    () => new Promise<string>((resolve) => (globalThis as unknown as ProbeWindow).navigator.geolocation.getCurrentPosition(() => resolve('granted'), (error) => resolve(`refused ${error.code}`))),
  )
  expect(geolocation).toMatch(/^refused/)
  expect(await page.evaluate(() => (globalThis as unknown as ProbeWindow).navigator.permissions.query({ name: 'geolocation' }).then((status) => status.state))).toBe('denied')
})

test('a crashed renderer is back on a clean welcome screen within its budget', async () => {
  // The parent had begun: after the crash nothing of it may be on screen.
  await page.getByRole('button', { name: 'Logga in med Mobilt BankID' }).click()
  await page.getByRole('button', { name: '1', exact: true }).click()
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.forcefullyCrashRenderer())
  const budgetMs = DEFAULT_RECOVERY.initialDelayMs + 5_000
  await expect.poll(kioskLog, { timeout: budgetMs }).toContain('"renderer.gone"')
  const [window] = app.windows()
  if (!window) throw new Error('the kiosk window is gone')
  await expect(window.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome', { timeout: budgetMs })
  expect(app.windows()).toHaveLength(1)
})

test('between parents the page’s storage and cookies are wiped', async () => {
  await page.evaluate(() => (globalThis as unknown as ProbeWindow).localStorage.setItem('left-behind', 'by the last parent'))
  await app.evaluate(async ({ session }) => {
    await session.fromPartition('kiosk').cookies.set({ url: 'https://portal.example-skola.se/', name: 'portal_session', value: 'x' })
  })
  // A parent begins and gives up: back to the welcome screen is the boundary.
  await page.getByRole('button', { name: 'Logga in med Mobilt BankID' }).click()
  await page.getByRole('button', { name: 'Avbryt' }).click()
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome')
  const cookies = () => app.evaluate(async ({ session }) => (await session.fromPartition('kiosk').cookies.get({})).length)
  await expect.poll(cookies).toBe(0)
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as ProbeWindow).localStorage.getItem('left-behind')).catch(() => 'reloading')).toBeNull()
})

test('a second instance is refused: it exits, and the first one keeps its one window', async () => {
  const binary = findElectronBinary(process.cwd())
  if (!binary) throw new Error('no binary (the skip above should have caught this)')
  const second = spawn(binary, ['out/main/index.js', '--settings', settings], { stdio: 'ignore' })
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      second.kill()
      reject(new Error('the second instance did not exit within 15 s'))
    }, 15_000)
    second.on('exit', (exitCode) => {
      clearTimeout(timer)
      resolve(exitCode)
    })
  })
  expect(code).toBe(0)
  expect(app.windows()).toHaveLength(1)
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome')
})
