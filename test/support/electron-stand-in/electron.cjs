// A recording stand-in for the `electron` module (CommonJS, so that both `import` and a
// dependency's `require('electron')` get the same one), for booting the built main bundle under plain
// Node. It records what main asks Electron to do (window options, IPC channels, protocol and
// permission handlers, the URL loaded, the hardening handlers on each web contents), then probes
// the recorded handlers the way Electron would call them, writes everything to $BOOT_RECORD as
// JSON, and quits the app through its own before-quit path.
'use strict'
const { EventEmitter } = require('node:events')
const { writeFileSync } = require('node:fs')

const record = {
  singleInstanceLock: false,
  privilegedSchemes: [],
  applicationMenu: 'untouched',
  windows: [],
  loadedUrls: [],
  ipc: { on: [], handle: [] },
  partitions: {},
  webContentsHandlers: [],
  powerSaveBlockers: [],
  sentToRenderer: [],
  probes: {},
  quit: [],
}

const appEvents = new EventEmitter()
const ipcListeners = new Map()
const ipcHandlers = new Map()
const sessions = new Map()

function makeSession(partition) {
  const entry = { events: {}, protocolHandlers: {}, permissionRequestHandler: null, permissionCheckHandler: null, devicePermissionHandler: null, headersReceived: null, cleared: [] }
  record.partitions[partition] = { protocols: [], permissionRequest: false, permissionCheck: false, devicePermission: false, headersReceived: null }
  const summary = record.partitions[partition]
  return {
    entry,
    protocol: {
      handle(scheme, handler) {
        summary.protocols.push(scheme)
        entry.protocolHandlers[scheme] = handler
      },
    },
    setPermissionRequestHandler(handler) {
      summary.permissionRequest = true
      entry.permissionRequestHandler = handler
    },
    setPermissionCheckHandler(handler) {
      summary.permissionCheck = true
      entry.permissionCheckHandler = handler
    },
    setDevicePermissionHandler(handler) {
      summary.devicePermission = true
      entry.devicePermissionHandler = handler
    },
    webRequest: {
      onHeadersReceived(filter, handler) {
        summary.headersReceived = filter.urls
        entry.headersReceived = handler
      },
    },
    on(event, listener) {
      ;(entry.events[event] ??= []).push(listener)
    },
    clearStorageData: async () => entry.cleared.push('storage'),
    clearCache: async () => entry.cleared.push('cache'),
    clearAuthCache: async () => entry.cleared.push('auth'),
  }
}

const session = {
  fromPartition(partition) {
    if (!sessions.has(partition)) sessions.set(partition, makeSession(partition))
    return sessions.get(partition)
  },
}
session.defaultSession = session.fromPartition('(default)')

/** webContents.debugger: records the DevTools protocol commands and answers each with {}. */
class Debugger extends EventEmitter {
  constructor() {
    super()
    this.commands = []
  }
  attach() {}
  sendCommand(method, params, sessionId) {
    this.commands.push(sessionId ? [method, params, sessionId] : [method, params])
    return Promise.resolve({})
  }
}

class WebContents extends EventEmitter {
  constructor() {
    super()
    this.debugger = new Debugger()
    this.openHandler = null
    this.zoomLimits = null
    this.destroyed = false
  }
  setWindowOpenHandler(handler) {
    this.openHandler = handler
  }
  setVisualZoomLevelLimits(min, max) {
    this.zoomLimits = [min, max]
    return Promise.resolve()
  }
  send(channel, payload) {
    record.sentToRenderer.push({ channel, screen: payload?.screen?.name ?? null })
  }
  isDestroyed() {
    return this.destroyed
  }
  reload() {}
  forcefullyCrashRenderer() {}
}

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super()
    record.windows.push(JSON.parse(JSON.stringify(options)))
    this.webContents = new WebContents()
    appEvents.emit('web-contents-created', {}, this.webContents)
    BrowserWindow.created.push(this)
  }
  loadURL(url) {
    record.loadedUrls.push(url)
    setTimeout(() => void probeAndQuit(this).catch(fail), 300)
    return Promise.resolve()
  }
  loadFile(path) {
    record.loadedUrls.push(`file:${path}`)
    return Promise.resolve()
  }
  show() {}
  focus() {}
  restore() {}
  isMinimized() {
    return false
  }
}
BrowserWindow.created = []

const app = {
  isPackaged: process.env.STAND_IN_PACKAGED === '1',
  /** Chromium's parse of the command line: only `--name[=value]` forms. */
  commandLine: {
    hasSwitch: (name) => process.argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`)),
    getSwitchValue: (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '',
  },
  requestSingleInstanceLock() {
    record.singleInstanceLock = true
    return true
  },
  whenReady: () => new Promise((resolve) => setTimeout(resolve, 10)),
  on(event, listener) {
    appEvents.on(event, listener)
    return app
  },
  once(event, listener) {
    appEvents.once(event, listener)
    return app
  },
  getPath: (name) => {
    if (name === 'userData') return process.env.STAND_IN_USER_DATA
    return process.env.STAND_IN_USER_DATA
  },
  getAppPath: () => process.cwd(),
  getVersion: () => '0.0.0-stand-in',
  getName: () => 'BankID Kiosk',
  quit() {
    record.quit.push('quit')
  },
  relaunch() {
    record.quit.push('relaunch')
  },
  exit(code) {
    record.quit.push(`exit ${code}`)
    finish(code)
  },
  setLoginItemSettings() {},
}

const protocol = {
  registerSchemesAsPrivileged(schemes) {
    record.privilegedSchemes.push(...schemes)
  },
}

const Menu = {
  setApplicationMenu(menu) {
    record.applicationMenu = menu
  },
}

const ipcMain = {
  on(channel, listener) {
    record.ipc.on.push(channel)
    ipcListeners.set(channel, listener)
  },
  handle(channel, handler) {
    record.ipc.handle.push(channel)
    ipcHandlers.set(channel, handler)
  },
  removeListener() {},
  removeHandler() {},
  removeAllListeners(channel) {
    record.ipc.on = record.ipc.on.filter((name) => name !== channel)
    ipcListeners.delete(channel)
  },
}

let nextBlocker = 1
const blockers = new Map()
const powerSaveBlocker = {
  start(type) {
    const id = nextBlocker++
    blockers.set(id, type)
    record.powerSaveBlockers.push(type)
    return id
  },
  stop(id) {
    blockers.delete(id)
  },
  isStarted: (id) => blockers.has(id),
}

const shell = { openExternal: () => Promise.reject(new Error('the kiosk never opens external URLs')) }
const contextBridge = { exposeInMainWorld() {} }
const ipcRenderer = {}
const net = {}
const dialog = {}
const autoUpdater = new EventEmitter()

module.exports = { app, BrowserWindow, Menu, ipcMain, powerSaveBlocker, protocol, session, shell, contextBridge, ipcRenderer, net, dialog, autoUpdater }

/** Calls what main registered, the way Electron would, and records the answers. */
async function probeAndQuit(window) {
  const contents = window.webContents
  const prevented = (event, ...args) => {
    let result = false
    for (const listener of contents.listeners(event)) listener({ preventDefault: () => (result = true) }, ...args)
    return result
  }
  const kiosk = sessions.get('kiosk')
  const appHandler = kiosk?.entry.protocolHandlers.app
  const fetchApp = async (url) => {
    const response = await appHandler(new Request(url))
    return { status: response.status, csp: response.headers.get('content-security-policy'), body: response.status === 200 ? (await response.text()).slice(0, 4000) : '' }
  }
  const permission = (name) =>
    new Promise((resolve) => kiosk.entry.permissionRequestHandler(contents, name, resolve, {}))
  const trusted = { senderFrame: { origin: 'app://kiosk', parent: null } }
  const foreign = { senderFrame: { origin: 'https://evil.example', parent: null } }
  let foreignCurrent = 'answered'
  try {
    await ipcHandlers.get('kiosk:current')(foreign)
  } catch (error) {
    foreignCurrent = `refused: ${error.message}`
  }
  const before = record.sentToRenderer.length
  ipcListeners.get('kiosk:intent')(trusted, { type: 'open-faq' })
  ipcListeners.get('kiosk:intent')(foreign, { type: 'open-guide' })
  ipcListeners.get('kiosk:intent')(trusted, { type: 'open-guide', extra: 1 })
  record.probes = {
    windowOpen: contents.openHandler?.({ url: 'https://evil.example/' }) ?? null,
    navigateAway: prevented('will-navigate', 'https://evil.example/'),
    navigateWithin: prevented('will-navigate', 'app://kiosk/index.html'),
    redirectAway: prevented('will-redirect', 'file:///etc/passwd'),
    // Electron puts a navigation's details on the event itself.
    frameNavigateAway: (() => {
      let result = false
      for (const listener of contents.listeners('will-frame-navigate')) {
        listener({ url: 'https://evil.example/', isMainFrame: false, preventDefault: () => (result = true) })
      }
      return result
    })(),
    // Without a hand-off no framed page has its headers changed.
    framedHeaders: await new Promise((resolve) =>
      kiosk.entry.headersReceived(
        { url: 'https://portal.example-skola.se/', resourceType: 'subFrame', responseHeaders: { 'X-Frame-Options': ['DENY'] } },
        resolve,
      ),
    ),
    webview: prevented('will-attach-webview'),
    reloadShortcut: prevented('before-input-event', { type: 'keyDown', key: 'r', control: true, meta: false, alt: false, shift: false }),
    digitKey: prevented('before-input-event', { type: 'keyDown', key: '5', control: false, meta: false, alt: false, shift: false }),
    zoomLimits: contents.zoomLimits,
    permissions: { media: await permission('media'), geolocation: await permission('geolocation'), notifications: await permission('notifications') },
    permissionCheck: kiosk.entry.permissionCheckHandler(contents, 'media'),
    devicePermission: kiosk.entry.devicePermissionHandler({}),
    entryPage: await fetchApp('app://kiosk/index.html'),
    outsideRenderer: await fetchApp('app://kiosk/../../package.json'),
    currentSnapshot: (await ipcHandlers.get('kiosk:current')(trusted))?.screen?.name ?? null,
    foreignCurrent,
    screensAfterIntents: record.sentToRenderer.slice(before).map((entry) => entry.screen),
  }
  // Quit the way a user or the OS would: main must cancel and flush, then exit by itself.
  const quitEvent = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true } }
  appEvents.emit('before-quit', quitEvent)
  record.quitPrevented = quitEvent.defaultPrevented
}

let finished = false
function finish(code) {
  if (finished) return
  finished = true
  writeFileSync(process.env.BOOT_RECORD, JSON.stringify(record, null, 2))
  process.exit(code)
}

function fail(error) {
  record.error = String(error?.stack ?? error)
  finish(1)
}
