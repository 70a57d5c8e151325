// The packed app, as IT installs it (without an installer): `scripts/dist.ts --test-build --dir`
// with the real Electron binary, started from its own folder, must show the welcome screen, keep
// its packaged-only locks (developer tools and reload keys dead) and carry the release fuses (read
// back from the packed binary with @electron/fuses) but the inspector one Playwright needs.
// Where Electron cannot be had (these development machines) it is skipped with the reason; the
// same packing is covered offline with a stand-in binary by test/packaging/pack.test.ts.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { _electron as electron, expect, test } from '@playwright/test'
import type { ElectronApplication, Page } from '@playwright/test'
import { findElectronBinary } from '../../scripts/electron-binary'
import { skipWithoutElectron } from './support/electron'

skipWithoutElectron()
test.skip(process.platform !== 'linux' && process.platform !== 'win32', 'packs for Linux and Windows only')
test.describe.configure({ mode: 'serial', timeout: 600_000 })

const EXECUTABLE = process.platform === 'win32' ? 'BankID Kiosk.exe' : 'bankid-kiosk'
let work: string
let packedBinary: string
let app: ElectronApplication
let page: Page

test.beforeAll(() => {
  const binary = findElectronBinary(process.cwd())
  if (!binary) throw new Error('no Electron binary (the skip above should have caught this)')
  work = mkdtempSync(join(tmpdir(), 'kiosk-packed-'))
  const target = process.platform === 'win32' ? '--win' : '--linux'
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/dist.ts', '--test-build', '--skip-app-build', '--dir', target, `-c.electronDist=${dirname(binary)}`, `-c.directories.output=${work}`],
    { encoding: 'utf8', timeout: 540_000 },
  )
  if (result.status !== 0) throw new Error(`dist.ts failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`)
  const unpacked = readdirSync(work).find((name) => name.endsWith('-unpacked'))
  if (!unpacked) throw new Error(`no *-unpacked folder in ${work}`)
  packedBinary = join(work, unpacked, EXECUTABLE)
})

test.afterAll(async () => {
  await app?.close()
  if (work) rmSync(work, { recursive: true, force: true })
})

test('the packed binary carries the release fuses, the inspector one on (a test build)', async () => {
  const wire = await getCurrentFuseWire(packedBinary)
  expect(wire[FuseV1Options.RunAsNode]).toBe(48) // '0'
  expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(48)
  expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(49) // '1'
  expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(49)
  expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(49)
})

test('started from its folder it shows the welcome screen, with developer tools and reload keys dead', async () => {
  const dataDir = mkdtempSync(join(work, 'data-'))
  const settings = join(dataDir, 'settings.json')
  writeFileSync(settings, JSON.stringify({ school: { name: 'Packad skola' }, logging: { directory: join(dataDir, 'logs') } }))
  app = await electron.launch({ executablePath: packedBinary, args: ['--settings', settings] })
  page = await app.firstWindow()
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome', { timeout: 30_000 })
  expect(page.url()).toBe('app://kiosk/index.html')
  expect(await app.evaluate(({ app: electronApp }) => electronApp.isPackaged)).toBe(true)

  await page.evaluate(() => {
    ;(globalThis as unknown as { kioskMarker?: string }).kioskMarker = 'still here'
  })
  for (const key of ['F12', 'Control+Shift+I', 'F5', 'Control+R', 'Control+Shift+R']) await page.keyboard.press(key)
  await page.waitForTimeout(1_000)
  expect(await page.evaluate(() => (globalThis as unknown as { kioskMarker?: string }).kioskMarker)).toBe('still here')
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((window) => window.webContents.isDevToolsOpened()))).toEqual([false])
})
