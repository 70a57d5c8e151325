// Everything the kiosk runs on, put together from settings: the log, the counters, the BankID
// connection (the built-in simulator or the real test/production service) and the session.
// Electron's main process and the browser host both start here; neither knows the other exists.
import { readFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { BankIdClient } from './bankid/client'
import type { BankIdEnvironment } from './bankid/environments'
import { PUBLIC_ENVIRONMENTS, loadBankIdRootCa } from './bankid/environments'
import { renderQrSvg } from './bankid/qr'
import { createHttpsTransport } from './bankid/transport'
import type { RpCredentials } from './bankid/transport'
import { monotonicClock } from './clock'
import type { KeyValueStore } from './counters/outcome-counters'
import { OutcomeCounters, dayKey } from './counters/outcome-counters'
import type { KioskLogger } from './logging/logger'
import { createFileLogger, hashOrderRef } from './logging/logger'
import { createRealScheduler } from './scheduler'
import type { Scheduler } from './scheduler'
import { KioskSession } from './session/kiosk-session'
import type { SessionSettings } from './session/kiosk-session'
import { UnavailableSession } from './session/unavailable-session'
import type { SessionPort } from './session/unavailable-session'
import { loadSettings } from './settings/load'
import type { SettingsResult } from './settings/load'
import type { KioskSettings } from './settings/schema'
import { DEFAULT_SETTINGS } from './settings/schema'
import { CLIENT_PASSPHRASE } from './simulator/certificates'
import { startSimulator } from './simulator/simulator'
import type { RunningSimulator } from './simulator/simulator'
import { todayOf } from '../shared/personnummer'

/** BankID's own link that sends a phone to the right app store for the BankID app. */
export const BANKID_INSTALL_URL = 'https://install.bankid.com/'

/** Mobile BankID only: a QR can only be scanned by the app (reference §6, §10.9). */
const MOBILE_BANKID_POLICY: Record<Exclude<BankIdEnvironment, 'simulator'>, string> = {
  production: '1.2.752.78.1.5',
  test: '1.2.3.4.25',
}

export interface RuntimeOptions {
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
  /** The folder holding bankid-ca/ (BankID's root CAs). */
  resourcesDir: string
  /** Where the kiosk writes: logs/ (unless the settings say otherwise) and simulator/. */
  dataDir: string
  /** Opened once the data folder is known; electron-store in Electron, conf elsewhere. */
  openCounterStore: () => KeyValueStore | Promise<KeyValueStore>
  scheduler?: Scheduler
  now?: () => Date
  version: string
}

export interface KioskRuntime {
  session: SessionPort
  settings: SettingsResult
  logger: KioskLogger
  logDirectory: string
  simulator: RunningSimulator | null
  close(): Promise<void>
}

export async function startRuntime(options: RuntimeOptions): Promise<KioskRuntime> {
  const now = options.now ?? (() => new Date())
  const settings = await loadSettings({ argv: options.argv, env: options.env, platform: options.platform, now: now() })
  const effective: KioskSettings = settings.ok ? settings.settings : DEFAULT_SETTINGS
  const logDirectory = effective.logging.directory ?? join(options.dataDir, 'logs')
  const log = createFileLogger({
    directory: logDirectory,
    level: effective.logging.level,
    maxFileSizeMB: effective.logging.maxFileSizeMB,
    maxFiles: effective.logging.maxFiles,
  })
  const logger = log.logger
  logger.info('kiosk.start', {
    version: options.version,
    settingsPath: settings.path,
    settingsFromFile: settings.ok ? settings.fromFile : null,
    environment: settings.ok ? effective.bankid.environment : null,
  })

  const stopLog = () => log.close()
  if (!settings.ok) {
    // Half-configured is worse than not at all: say what is wrong, and stay out of service.
    logger.error('settings.invalid', { path: settings.path, key: settings.key, problem: settings.problem })
    const session = new UnavailableSession({ reference: 'S-SETTINGS', staffMessage: settings.problem, settings: effective })
    return { session, settings, logger, logDirectory, simulator: null, close: stopLog }
  }
  for (const warning of settings.warnings) logger.warn('settings.warning', { message: warning })
  if (settings.certificate) {
    logger.info('rp-certificate', { subject: settings.certificate.subject, daysLeft: settings.certificate.daysLeft })
  }

  const scheduler = options.scheduler ?? createRealScheduler(monotonicClock)
  let simulator: RunningSimulator | null = null
  let connection: { baseUrl: string; caPem: string; credentials: RpCredentials }
  const environment = effective.bankid.environment
  if (environment === 'simulator') {
    simulator = await startSimulator({ pkiDir: join(options.dataDir, 'simulator'), clock: scheduler })
    logger.info('simulator.start', { rpBaseUrl: simulator.rpBaseUrl, appUrl: simulator.appUrl })
    connection = {
      baseUrl: simulator.rpBaseUrl,
      caPem: simulator.pki.serverCaPem,
      credentials: { kind: 'pkcs12', pfx: readFileSync(simulator.pki.clientP12Path), passphrase: CLIENT_PASSPHRASE },
    }
  } else {
    if (!settings.credentials) throw new Error('settings without RP credentials for a real BankID environment')
    connection = {
      baseUrl: PUBLIC_ENVIRONMENTS[environment].baseUrl,
      caPem: await loadBankIdRootCa(options.resourcesDir, environment),
      credentials: settings.credentials,
    }
  }

  const requestTimeoutMs = effective.bankid.requestTimeoutSeconds * 1000
  const client = new BankIdClient({
    transport: createHttpsTransport(connection),
    clock: scheduler,
    timeoutMs: requestTimeoutMs,
  })
  const counters = new OutcomeCounters(await options.openCounterStore())
  const session = new KioskSession({
    bankId: client,
    scheduler,
    renderQr: renderQrSvg,
    settings: sessionSettings(effective, requestTimeoutMs, await renderQrSvg(BANKID_INSTALL_URL)),
    events: {
      log: (level, event, fields) => logger[level](event, fields),
      outcome: (outcome) => {
        try {
          counters.record(outcome, dayKey(now()))
        } catch (error) {
          logger.warn('counters.write-failed', { error })
        }
      },
    },
    today: () => todayOf(now()),
    hashOrderRef,
  })

  return {
    session,
    settings,
    logger,
    logDirectory,
    simulator,
    async close() {
      await session.dispose()
      client.close()
      await simulator?.close()
      logger.info('kiosk.stop')
      await stopLog()
    },
  }
}

export function sessionSettings(settings: KioskSettings, requestTimeoutMs: number, installQrSvg: string): SessionSettings {
  const { timing, bankid } = settings
  const policy = bankid.environment === 'simulator' ? undefined : MOBILE_BANKID_POLICY[bankid.environment]
  return {
    mode: settings.flow.mode,
    languages: settings.languages.available,
    defaultLanguage: settings.languages.default,
    schoolName: settings.school.name,
    endUserIp: bankid.endUserIp ?? kioskAddress(),
    intentText: bankid.intentText ?? `Inloggning på ${settings.school.name}`,
    ...(policy ? { certificatePolicies: [policy] } : {}),
    branding: { primaryColor: settings.school.primaryColor, accentColor: settings.school.accentColor },
    banks: settings.banks,
    installQrSvg,
    timing: {
      collectIntervalMs: timing.collectIntervalSeconds * 1000,
      qrRestartWindowMs: timing.qrRestartWindowSeconds * 1000,
      orderTimeoutMs: timing.orderTimeoutSeconds * 1000,
      idleMs: timing.idleSeconds * 1000,
      waitingIdleMs: timing.waitingIdleSeconds * 1000,
      idleWarningMs: timing.idleWarningSeconds * 1000,
      loggedInMs: timing.loggedInSeconds * 1000,
      outOfServiceRetryMs: timing.outOfServiceRetrySeconds * 1000,
      serviceFailuresBeforeOutOfService: timing.serviceFailuresBeforeOutOfService,
      cancelTimeoutMs: 3_000,
      requestTimeoutMs,
    },
  }
}

/**
 * BankID wants the end user's address as the RP sees it; at a kiosk the user's device is the
 * kiosk, so its own first external IPv4 address (the administrator can set the public one).
 */
function kioskAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const external = addresses?.find((address) => address.family === 'IPv4' && !address.internal)
    if (external) return external.address
  }
  return '127.0.0.1'
}
