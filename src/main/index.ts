// Electron composition root: wires Electron to the kiosk's Electron-free modules and decides
// nothing itself. The decisions (window options, CSP, URL allow-list, permissions, shortcuts,
// recovery, updates) live in ./shell and ./runtime, with their own tests.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import electronUpdater from 'electron-updater'
import { BrowserWindow, Menu, app, ipcMain, powerSaveBlocker, protocol, session } from 'electron'
import type { WebContents } from 'electron'
import { openElectronCounterStore } from './counters/outcome-counters'
import { registerKioskIpc } from './ipc/kiosk-ipc'
import { startRuntime } from './runtime'
import type { KioskRuntime } from './runtime'
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, resolveAppRequest } from './shell/app-protocol'
import { findDebuggingSwitch } from './shell/debugging-switches'
import { PreventDisplaySleepService } from './shell/display-sleep'
import { guardFileChoosers, lockedViewOrigins } from './shell/file-chooser'
import { framableHeaders } from './shell/frame-policy'
import { hardenWebContents } from './shell/harden'
import { ParentBoundary } from './shell/parent-boundary'
import { isPermissionAllowed } from './shell/permissions'
import { QuietTime } from './shell/quiet-time'
import { RecoveryPolicy } from './shell/recovery'
import { refuseClientCertificates, refuseDownloads, refuseHttpAuth } from './shell/refusals'
import { KioskUpdateService } from './shell/updater'
import { KIOSK_PARTITION, kioskWindowOptions } from './shell/window-options'
import { IPC_CHANNELS } from '../shared/ipc-channels'

const RENDERER_DIR = join(import.meta.dirname, '../renderer')
const PRELOAD = join(import.meta.dirname, '../preload/index.cjs')

/** A `dist.ts --test-build` says so in its package.json (never a release). */
function isTestBuild(): boolean {
  try {
    return (JSON.parse(readFileSync(join(app.getAppPath(), 'package.json'), 'utf8')) as { kioskTestBuild?: unknown }).kioskTestBuild === true
  } catch {
    return false
  }
}

// First of all: no debugging switch (remote debugging would let anyone on the machine drive the kiosk).
const debuggingSwitch = findDebuggingSwitch(process.argv, app.commandLine, {
  platform: process.platform,
  isPackaged: app.isPackaged,
  testBuild: isTestBuild(),
})
if (debuggingSwitch) {
  console.error('app.debugging-switch-refused', { switch: debuggingSwitch })
  app.exit(1)
}

// Before `ready`: app:// is a standard, secure scheme, so it has a real origin of its own.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

/**
 * The hand-off's allowed origins (handoff.allowedOrigins), once the settings are read: the page's
 * CSP frames them, the frame policy lets frames show nothing else. Empty until then, and without a hand-off.
 */
let frameOrigins: readonly string[] = []

function serveRenderer(): void {
  const kiosk = session.fromPartition(KIOSK_PARTITION)
  kiosk.protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveAppRequest(request.url, RENDERER_DIR, frameOrigins)
    if (!resolved.ok) return new Response(null, { status: resolved.status })
    try {
      return new Response(await readFile(resolved.file), { status: 200, headers: resolved.headers })
    } catch {
      return new Response(null, { status: 404 })
    }
  })
  // Deny-by-default for every permission, check and device (security checklist #5).
  kiosk.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)))
  kiosk.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission))
  kiosk.setDevicePermissionHandler(() => false)
  // The locked view: an allowed origin's page may be framed by the kiosk page even if it says
  // X-Frame-Options or frame-ancestors (which cannot name app://kiosk); nothing else is touched.
  kiosk.webRequest.onHeadersReceived({ urls: ['https://*/*'] }, (details, callback) => {
    const responseHeaders = framableHeaders(details, frameOrigins)
    callback(responseHeaders ? { responseHeaders } : {})
  })
}

function createWindow(runtime: KioskRuntime): BrowserWindow {
  const window = new BrowserWindow(kioskWindowOptions({ isPackaged: app.isPackaged, preloadPath: PRELOAD }))
  const contents = window.webContents
  const kiosk = session.fromPartition(KIOSK_PARTITION)
  const recovery = new RecoveryPolicy()
  const boundary = new ParentBoundary()

  const unsubscribe = runtime.session.subscribe((snapshot) => {
    if (contents.isDestroyed()) return
    contents.send(IPC_CHANNELS.snapshot, snapshot)
    // Between parents: the page's storage and cache go, and the page starts afresh.
    if (boundary.crossed(snapshot)) void wipeAndReload(contents, kiosk)
  })
  window.on('closed', unsubscribe)

  contents.on('render-process-gone', (_event, details) => {
    runtime.logger.error('renderer.gone', { reason: details.reason, exitCode: details.exitCode })
    runtime.session.rendererGone()
    const action = recovery.onRendererGone(details.reason, Date.now())
    // A crash (not a clean exit) for the health report: degraded for the next hour.
    if (action.action !== 'none') runtime.health.rendererCrashed()
    if (action.action === 'reload') setTimeout(() => !contents.isDestroyed() && contents.reload(), action.afterMs)
    if (action.action === 'relaunch') relaunch(runtime, 'renderer kept failing')
  })
  let unresponsive: NodeJS.Timeout | null = null
  window.on('unresponsive', () => {
    runtime.logger.warn('renderer.unresponsive')
    unresponsive ??= setTimeout(() => {
      unresponsive = null
      if (!contents.isDestroyed()) contents.forcefullyCrashRenderer()
    }, recovery.unresponsiveGraceMs)
  })
  window.on('responsive', () => {
    if (unresponsive) clearTimeout(unresponsive)
    unresponsive = null
  })
  contents.on('preload-error', (_event, _path, error) => runtime.logger.error('preload.error', { message: error.message }))

  window.once('ready-to-show', () => window.show())
  void window.loadURL(APP_ENTRY_URL)
  return window
}

async function wipeAndReload(contents: WebContents, kiosk: Electron.Session): Promise<void> {
  await kiosk.clearStorageData()
  await kiosk.clearCache()
  await kiosk.clearAuthCache()
  if (!contents.isDestroyed()) contents.reload()
}

let closing: Promise<void> | null = null
function shutDown(runtime: KioskRuntime): Promise<void> {
  // Cancel a pending BankID order (bounded in time) and flush the log before the process goes.
  closing ??= runtime.close()
  return closing
}

function relaunch(runtime: KioskRuntime, reason: string): void {
  runtime.logger.error('app.relaunch', { reason })
  void shutDown(runtime).finally(() => {
    app.relaunch()
    app.exit(0)
  })
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  // Every web contents is hardened as it is created; what it blocks goes to the kiosk's log once
  // that is open (before, to the console).
  let logBlocked = (event: string, fields: Record<string, unknown>) => console.warn(event, fields)
  app.on('web-contents-created', (_event, contents) => {
    // No file dialog: every file chooser is intercepted; until it is, frames show nothing.
    const choosers = guardFileChoosers(contents, (event, fields) => logBlocked(event, fields))
    hardenWebContents(contents, app.isPackaged, (event, fields) => logBlocked(event, fields), () => lockedViewOrigins(choosers, frameOrigins))
  })
  // No client certificate and no HTTP authentication for any page.
  refuseClientCertificates(app, (event, fields) => logBlocked(event, fields))
  refuseHttpAuth(app, (event, fields) => logBlocked(event, fields))
  await app.whenReady()
  Menu.setApplicationMenu(null)
  serveRenderer()
  for (const downloads of [session.fromPartition(KIOSK_PARTITION), session.defaultSession]) refuseDownloads(downloads, (event, fields) => logBlocked(event, fields))

  const runtime = await startRuntime({
    argv: process.argv,
    env: process.env,
    platform: process.platform,
    resourcesDir: join(app.getAppPath(), 'resources'),
    dataDir: app.getPath('userData'),
    openCounterStore: openElectronCounterStore,
    version: app.getVersion(),
    // The staff screen's exit (only offered when the settings allow it): the clean quit below.
    exit: () => app.quit(),
  })
  logBlocked = (event, fields) => runtime.logger.warn(event, fields)
  frameOrigins = runtime.frameOrigins
  registerKioskIpc({
    ipcMain,
    session: runtime.session,
    allowedOrigins: [APP_ORIGIN],
    log: (level, event, fields) => runtime.logger[level](event, fields),
  })
  const window = createWindow(runtime)
  const displaySleep = new PreventDisplaySleepService(powerSaveBlocker)
  displaySleep.enable()

  const quiet = new QuietTime(2 * 60_000)
  runtime.session.subscribe((snapshot) => quiet.observe(snapshot, Date.now()))
  const updates = new KioskUpdateService({
    updater: electronUpdater.autoUpdater,
    settings: runtime.settings.ok ? runtime.settings.settings.updates : { enabled: false, checkIntervalMinutes: 60 },
    timers: {
      setTimeout: (callback, ms) => ({ id: Number(setTimeout(callback, ms)) }),
      clearTimeout: (handle) => handle && clearTimeout(handle.id),
    },
    isIdle: () => quiet.isQuiet(Date.now()),
    beforeInstall: () => shutDown(runtime),
    log: (level, event, fields) => runtime.logger[level](event, fields),
  })
  updates.start()

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('before-quit', (event) => {
    if (closing) return
    event.preventDefault()
    updates.stop()
    displaySleep.disable()
    void shutDown(runtime).finally(() => app.exit(0))
  })
  app.on('window-all-closed', () => app.quit())
}

if (!debuggingSwitch) void main()
