// Everything the kiosk runs on, put together from settings: the log, the counters, the BankID
// connection (the built-in simulator or the real test/production service) and the session.
// Electron's main process and the browser host both start here; neither knows the other exists.
import { readFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { BankIdClient } from './bankid/client'
import { MOBILE_BANKID_POLICY, PUBLIC_ENVIRONMENTS, endpointHost, loadBankIdRootCa } from './bankid/environments'
import { renderQrSvg } from './bankid/qr'
import { createHttpsTransport } from './bankid/transport'
import type { RpCredentials } from './bankid/transport'
import { monotonicClock } from './clock'
import { createHandoff } from './handoff/wiring'
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
import { loadSettings } from './load-settings'
import type { SettingsResult } from './load-settings'
import type { KioskSettings } from './settings/schema'
import { DEFAULT_SETTINGS } from './settings/schema'
import { CLIENT_PASSPHRASE } from './simulator/certificates'
import { startSimulator } from './simulator/simulator'
import type { RunningSimulator } from './simulator/simulator'
import { RecentErrors, recordingErrors } from './staff/recent-errors'
import { certificateSummary, readStaffSettings, withStaffDesk } from './staff/wiring'
import type { StaffWiring } from './staff/wiring'
import { bankIdProbe, healthMonitorFor, readHealthSettings, startHealthReporting } from './health/service'
import type { KioskHealth } from './health/service'
import { tapLogger } from './health/log-tap'
import type { HealthMonitor } from './health/monitor'
import { todayOf } from '../shared/personnummer'
import { staffReference } from '../shared/staff-reference'

/** BankID's own link that sends a phone to the right app store for the BankID app. */
export const BANKID_INSTALL_URL = 'https://install.bankid.com/'

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
  /** Leaves the kiosk through the host's clean quit path (the staff screen's exit, if the settings allow it). */
  exit?: () => void
}

export interface KioskRuntime {
  session: SessionPort
  settings: SettingsResult
  logger: KioskLogger
  logDirectory: string
  simulator: RunningSimulator | null
  /** The origins the hand-off's locked view may show (empty without a hand-off): the CSP's frame-src. */
  frameOrigins: readonly string[]
  /** The health file and heartbeat; the Electron root tells it when the renderer crashes. */
  health: KioskHealth
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
  // The staff screen lists the latest warnings and errors (event names and codes only).
  const recentErrors = new RecentErrors({ now })
  // The health report counts warnings and errors (the monitor is made once the scheduler is).
  const healthTap: { monitor: HealthMonitor | null } = { monitor: null }
  const logger = tapLogger(recordingErrors(log.logger, recentErrors), (level) => healthTap.monitor?.logged(level))
  logger.info('kiosk.start', {
    version: options.version,
    settingsPath: settings.path,
    settingsFromFile: settings.ok ? settings.fromFile : null,
    environment: settings.ok ? effective.bankid.environment : null,
  })

  const stopLog = () => log.close()
  const scheduler = options.scheduler ?? createRealScheduler(monotonicClock)
  const monitor = (healthTap.monitor = healthMonitorFor(settings, effective, {
    scheduler,
    now,
    version: options.version,
    log: (level, event, fields) => logger[level](event, fields),
  }))
  const startHealth = (health: KioskSettings['health']) =>
    startHealthReporting({
      monitor,
      settings: health,
      dataDir: options.dataDir,
      env: options.env,
      scheduler,
      now,
      version: options.version,
      log: (level, event, fields) => logger[level](event, fields),
    })
  const staffDesk = (session: SessionPort, parts: Pick<StaffWiring, 'staff' | 'counters' | 'certificate' | 'bankId' | 'endpoint'>) =>
    withStaffDesk({
      ...parts,
      session,
      scheduler,
      settings,
      version: options.version,
      dataDir: options.dataDir,
      now,
      logger,
      recentErrors,
      requestTimeoutMs: effective.bankid.requestTimeoutSeconds * 1000,
      latencyClock: monotonicClock,
      exit: options.exit,
    })
  if (!settings.ok) {
    // Half-configured is worse than not at all: say what is wrong, and stay out of service.
    const reference = 'S-SETTINGS'
    logger.error('settings.invalid', { path: settings.path, key: settings.key, problem: settings.problem, reference, staffReference: staffReference(reference) })
    const unavailable = new UnavailableSession({ reference, staffMessage: settings.problem, settings: effective })
    // Staff can still open the staff screen to read what is wrong, if the staff section itself is valid.
    const staff = await readStaffSettings(settings.path)
    const session = staffDesk(unavailable, { staff, counters: null, certificate: null, bankId: null })
    unavailable.subscribe((snapshot) => monitor.observe(snapshot))
    // The health section on its own, so the health file is where the monitoring agent looks.
    const health = await startHealth(await readHealthSettings(settings.path, options.platform, options.env))
    const close = async () => {
      await session.dispose()
      await health.stop()
      await stopLog()
    }
    return { session, settings, logger, logDirectory, simulator: null, frameOrigins: [], health, close }
  }
  for (const warning of settings.warnings) logger.warn('settings.warning', { message: warning })
  if (settings.certificate) {
    logger.info('rp-certificate', { subject: settings.certificate.subject, daysLeft: settings.certificate.daysLeft })
  }

  let simulator: RunningSimulator | null = null
  let connection: { baseUrl: string; caPem: string; credentials: RpCredentials }
  const environment = effective.bankid.environment
  if (environment === 'simulator') {
    simulator = await startSimulator({ pkiDir: join(options.dataDir, 'simulator'), clock: scheduler })
    logger.info('simulator.start', {
      rpBaseUrl: simulator.rpBaseUrl,
      appUrl: simulator.appUrl,
      // What a hand-off receiver in test mode trusts for the simulator's login signatures.
      signingRoot: simulator.pki.signingRootCaPath,
    })
    connection = {
      baseUrl: simulator.rpBaseUrl,
      caPem: simulator.pki.serverCaPem,
      credentials: { kind: 'pkcs12', pfx: readFileSync(simulator.pki.clientP12Path), passphrase: CLIENT_PASSPHRASE },
    }
  } else if (environment === 'custom') {
    // The gateway (or another RP API v6 endpoint): its URL and CA from the settings, our kiosk certificate.
    const { url } = effective.bankid
    if (!settings.credentials || !settings.endpointCaPem || url === undefined) {
      throw new Error('settings without the endpoint, its CA or the kiosk certificate for "custom"')
    }
    connection = { baseUrl: url, caPem: settings.endpointCaPem, credentials: settings.credentials }
  } else {
    if (!settings.credentials) throw new Error('settings without RP credentials for a real BankID environment')
    connection = {
      baseUrl: PUBLIC_ENVIRONMENTS[environment].baseUrl,
      caPem: await loadBankIdRootCa(options.resourcesDir, environment),
      credentials: settings.credentials,
    }
  }

  logger.info('bankid.endpoint', { environment, host: endpointHost(connection.baseUrl) })
  monitor.setEndpoint(endpointHost(connection.baseUrl))
  const requestTimeoutMs = effective.bankid.requestTimeoutSeconds * 1000
  const client = new BankIdClient({
    transport: createHttpsTransport(connection),
    clock: scheduler,
    timeoutMs: requestTimeoutMs,
  })
  const counters = new OutcomeCounters(await options.openCounterStore())
  monitor.setProbe(bankIdProbe(client, requestTimeoutMs))
  monitor.countSessionsWith((day) => counters.day(day))
  // The school's service after each login (product.md §5), when the settings turn it on.
  const handoff = createHandoff(
    effective.handoff,
    settings.handoff,
    (level, event, fields) => logger[level](event, fields),
    effective.bankid.environment,
  )
  if (handoff) logger.info('handoff.enabled', { auth: effective.handoff.auth, origins: handoff.frameOrigins.length })
  const session = new KioskSession({
    bankId: client,
    ...(handoff ? { handoff: handoff.port } : {}),
    scheduler,
    renderQr: renderQrSvg,
    settings: sessionSettings(effective, requestTimeoutMs, await renderQrSvg(BANKID_INSTALL_URL)),
    events: {
      log: (level, event, fields) => logger[level](event, fields),
      outcome: (outcome) => {
        monitor.sessionEnded(outcome)
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

  // The staff screen in front of the parent's session (product.md §2.10).
  const desk = staffDesk(session, {
    staff: effective.staff,
    counters,
    certificate: settings.certificate ?? (simulator ? certificateSummary(readFileSync(simulator.pki.clientCertPath)) : null),
    bankId: client,
    endpoint: endpointHost(connection.baseUrl),
  })

  session.subscribe((snapshot) => monitor.observe(snapshot))
  const health = await startHealth(effective.health)

  return {
    session: desk,
    settings,
    logger,
    logDirectory,
    simulator,
    frameOrigins: handoff?.frameOrigins ?? [],
    health,
    async close() {
      await desk.dispose()
      await health.stop()
      client.close()
      handoff?.close()
      await simulator?.close()
      logger.info('kiosk.stop')
      await stopLog()
    },
  }
}

export function sessionSettings(settings: KioskSettings, requestTimeoutMs: number, installQrSvg: string): SessionSettings {
  const { timing, bankid } = settings
  // The simulator accepts any policy; a gateway sets its own environment's (the kiosk cannot know it).
  const policy =
    bankid.environment === 'simulator' || bankid.environment === 'custom' ? undefined : MOBILE_BANKID_POLICY[bankid.environment]
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
