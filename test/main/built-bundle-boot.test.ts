// Boot smoke test of the BUILT main bundle (out/main/index.js) under plain Node, with a recording
// stand-in for the `electron` module (test/support/electron-stand-in): what main asks of Electron
// at start, and how its handlers answer when called the way Electron calls them. Electron itself
// is not involved; the Electron end-to-end tests (test/e2e/electron-*.spec.ts) are.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

interface BootRecord {
  singleInstanceLock: boolean
  privilegedSchemes: Array<{ scheme: string; privileges: Record<string, boolean> }>
  applicationMenu: unknown
  windows: Array<{ kiosk: boolean; webPreferences: Record<string, unknown> }>
  loadedUrls: string[]
  ipc: { on: string[]; handle: string[] }
  partitions: Record<
    string,
    { protocols: string[]; permissionRequest: boolean; permissionCheck: boolean; devicePermission: boolean; headersReceived: string[] | null }
  >
  powerSaveBlockers: string[]
  probes: Record<string, unknown> & { entryPage: { status: number; csp: string; body: string } }
  quit: string[]
  quitPrevented: boolean
  error?: string
}

function boot(packaged: boolean): Promise<BootRecord> {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-boot-'))
  const settings = join(dir, 'settings.json')
  writeFileSync(settings, JSON.stringify({ school: { name: 'Bootskolan' } }))
  const recordFile = join(dir, 'record.json')
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', './test/support/electron-stand-in/register.mjs', 'out/main/index.js', '--settings', settings],
      {
        env: { ...process.env, BOOT_RECORD: recordFile, STAND_IN_USER_DATA: dir, STAND_IN_PACKAGED: packaged ? '1' : '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (!existsSync(recordFile)) return reject(new Error(`main exited (${String(code)}) without a record:\n${output}`))
      const record = JSON.parse(readFileSync(recordFile, 'utf8')) as BootRecord
      if (record.error) return reject(new Error(`${record.error}\n${output}`))
      resolve(record)
    })
  })
}

let packaged: BootRecord
let development: BootRecord

beforeAll(async () => {
  // The bundle under test is the one electron-vite builds (a fresh clone has none yet).
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { stdio: 'ignore' })
  ;[packaged, development] = await Promise.all([boot(true), boot(false)])
}, 90_000)

describe('the built main bundle, booted with a stand-in for Electron', () => {
  it('takes the single-instance lock and registers app:// as a standard, secure scheme before ready', () => {
    expect(packaged.singleInstanceLock).toBe(true)
    expect(packaged.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
  })

  it('opens one locked-down window', () => {
    expect(packaged.windows).toHaveLength(1)
    const [window] = packaged.windows
    expect(window?.kiosk).toBe(true)
    expect(window?.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
      partition: 'kiosk',
    })
    expect(String(window?.webPreferences.preload)).toMatch(/out\/preload\/index\.cjs$/)
    expect(development.windows[0]?.webPreferences.devTools).toBe(true)
    expect(development.windows[0]?.kiosk).toBe(false)
  })

  it('loads the renderer from app://, served with the CSP header, and nothing outside it', () => {
    expect(packaged.loadedUrls).toEqual(['app://kiosk/index.html'])
    expect(packaged.partitions.kiosk?.protocols).toEqual(['app'])
    expect(packaged.probes.entryPage.status).toBe(200)
    expect(packaged.probes.entryPage.csp).toContain("default-src 'none'")
    expect(packaged.probes.entryPage.body).toContain('<div id="app"></div>')
    expect(packaged.probes.outsideRenderer).toMatchObject({ status: 404 })
  })

  it('removes the menu, keeps the display awake', () => {
    expect(packaged.applicationMenu).toBeNull()
    expect(packaged.powerSaveBlockers).toEqual(['prevent-display-sleep'])
  })

  it('installs the security handlers, and they refuse', () => {
    expect(packaged.partitions.kiosk).toMatchObject({
      permissionRequest: true,
      permissionCheck: true,
      devicePermission: true,
      headersReceived: ['https://*/*'],
    })
    expect(packaged.probes).toMatchObject({
      windowOpen: { action: 'deny' },
      navigateAway: true,
      navigateWithin: false,
      redirectAway: true,
      frameNavigateAway: true,
      framedHeaders: {},
      webview: true,
      reloadShortcut: true,
      digitKey: false,
      zoomLimits: [1, 1],
      permissions: { media: false, geolocation: false, notifications: false },
      permissionCheck: false,
      devicePermission: false,
    })
    expect(development.probes.reloadShortcut).toBe(false)
  })

  it('registers exactly the contract’s IPC channels, and they check the sender and the payload', () => {
    expect(packaged.ipc).toEqual({ on: ['kiosk:intent'], handle: ['kiosk:current'] })
    // Asked after the probe's intents: the trusted open-faq was applied, the others were not.
    expect(packaged.probes.currentSnapshot).toBe('faq')
    expect(String(packaged.probes.foreignCurrent)).toMatch(/^refused/)
    // Only the trusted, well-formed intent reached the session.
    expect(packaged.probes.screensAfterIntents).toEqual(['faq'])
  })

  it('cancels and flushes on quit, then exits by itself', () => {
    expect(packaged.quitPrevented).toBe(true)
    expect(packaged.quit).toContain('exit 0')
  })
})
