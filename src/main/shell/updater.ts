// The kiosk's own updates (electron-updater, a self-hosted generic server), when IT turns them on
// in the settings: checked on a schedule, downloaded in the background, and installed only while
// nobody is using the kiosk — never in the middle of a parent's login.

/** The parts of electron-updater's autoUpdater this uses. */
export interface UpdaterLike {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  setFeedURL(options: { provider: 'generic'; url: string }): void
  checkForUpdates(): Promise<unknown>
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void
  on(event: 'update-downloaded', listener: (info: { version?: string }) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
}

export interface UpdateSettings {
  enabled: boolean
  url?: string | undefined
  checkIntervalMinutes: number
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): { id: number }
  clearTimeout(handle: { id: number } | null): void
}

export interface KioskUpdateServiceOptions {
  updater: UpdaterLike
  settings: UpdateSettings
  timers: Timers
  /** True when nobody is using the kiosk (the welcome screen, untouched for a while). */
  isIdle: () => boolean
  /** Lets the app wind down (cancel any order) before it is replaced. */
  beforeInstall: () => Promise<void>
  log: (level: 'info' | 'warn', event: string, fields?: Record<string, unknown>) => void
}

/** How often a downloaded update looks for an idle moment. */
export const INSTALL_RETRY_MS = 30_000

export class KioskUpdateService {
  readonly #options: KioskUpdateServiceOptions
  #checkTimer: { id: number } | null = null
  #installTimer: { id: number } | null = null
  #downloaded: string | null = null
  #stopped = false

  constructor(options: KioskUpdateServiceOptions) {
    this.#options = options
  }

  start(): void {
    const { settings, updater, log } = this.#options
    if (!settings.enabled || !settings.url) {
      log('info', 'updates.off')
      return
    }
    updater.autoDownload = true
    // Installing on quit could happen mid-login after a crash; installs happen only when idle.
    updater.autoInstallOnAppQuit = false
    updater.setFeedURL({ provider: 'generic', url: settings.url })
    updater.on('update-downloaded', (info) => {
      this.#downloaded = info.version ?? 'unknown'
      log('info', 'updates.downloaded', { version: this.#downloaded })
      this.#tryInstall()
    })
    updater.on('error', (error) => log('warn', 'updates.error', { message: error.message }))
    log('info', 'updates.on', { url: settings.url, everyMinutes: settings.checkIntervalMinutes })
    this.#check()
  }

  stop(): void {
    this.#stopped = true
    this.#options.timers.clearTimeout(this.#checkTimer)
    this.#options.timers.clearTimeout(this.#installTimer)
  }

  #check(): void {
    if (this.#stopped) return
    this.#options.updater.checkForUpdates().catch((error: unknown) => {
      this.#options.log('warn', 'updates.check-failed', { message: error instanceof Error ? error.message : String(error) })
    })
    this.#checkTimer = this.#options.timers.setTimeout(() => this.#check(), this.#options.settings.checkIntervalMinutes * 60_000)
  }

  #tryInstall(): void {
    if (this.#stopped || this.#downloaded === null) return
    if (!this.#options.isIdle()) {
      this.#installTimer = this.#options.timers.setTimeout(() => this.#tryInstall(), INSTALL_RETRY_MS)
      return
    }
    this.#stopped = true
    this.#options.log('info', 'updates.installing', { version: this.#downloaded })
    void this.#options.beforeInstall().finally(() => this.#options.updater.quitAndInstall(true, true))
  }
}
