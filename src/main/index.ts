// Electron composition root: one window, the runtime (settings, log, BankID, session) and the IPC
// between them. Everything with logic in it lives in Electron-free modules beside this file.
// (The kiosk lockdown — app:// scheme, CSP header, shortcuts, crash recovery — comes with the
// Electron shell work; until then the renderer is loaded from its built files.)
import { join } from 'node:path'
import { BrowserWindow, app, ipcMain } from 'electron'
import { openElectronCounterStore } from './counters/outcome-counters'
import { registerKioskIpc } from './ipc/kiosk-ipc'
import { startRuntime } from './runtime'
import type { KioskRuntime } from './runtime'
import { IPC_CHANNELS } from '../shared/ipc-channels'

const RENDERER_ORIGINS = ['file://']

function createWindow(runtime: KioskRuntime): BrowserWindow {
  const window = new BrowserWindow({
    show: false,
    kiosk: app.isPackaged,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      devTools: !app.isPackaged,
      spellcheck: false,
    },
  })
  const contents = window.webContents
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('render-process-gone', (_event, details) => {
    runtime.logger.error('renderer.gone', { reason: details.reason, exitCode: details.exitCode })
    runtime.session.rendererGone()
  })
  const unsubscribe = runtime.session.subscribe((snapshot) => {
    if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.snapshot, snapshot)
  })
  window.on('closed', unsubscribe)
  window.once('ready-to-show', () => window.show())
  void window.loadFile(join(import.meta.dirname, '../renderer/index.html'))
  return window
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) return app.quit()
  await app.whenReady()
  const runtime = await startRuntime({
    argv: process.argv,
    env: process.env,
    platform: process.platform,
    resourcesDir: join(app.getAppPath(), 'resources'),
    dataDir: app.getPath('userData'),
    openCounterStore: openElectronCounterStore,
    version: app.getVersion(),
  })
  registerKioskIpc({
    ipcMain,
    session: runtime.session,
    allowedOrigins: RENDERER_ORIGINS,
    log: (level, event, fields) => runtime.logger[level](event, fields),
  })
  createWindow(runtime)

  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    // Cancel a pending BankID order (bounded in time) before the process goes.
    event.preventDefault()
    quitting = true
    void runtime.close().finally(() => app.exit(0))
  })
  app.on('window-all-closed', () => app.quit())
}

void main()
