// The gateway put together from its loaded settings (product.md §9): the BankID client holding the
// RP certificate, the kiosks' mutual-TLS front, the operations port, the revocation watch, the
// readiness probe and the hand-off. Everything it needs comes in as parameters; cli.ts decides
// where the settings, the log and (in the demo) the simulator come from.
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:net'
import { X509Certificate } from 'node:crypto'
import { BankIdClient } from '../main/bankid/client'
import { MOBILE_BANKID_POLICY, PUBLIC_ENVIRONMENTS, loadBankIdRootCa } from '../main/bankid/environments'
import { probeBankId } from '../main/bankid/probe'
import { createHttpsTransport } from '../main/bankid/transport'
import type { RpCredentials } from '../main/bankid/transport'
import { monotonicClock } from '../main/clock'
import { HandoffClient } from '../main/handoff/client'
import type { KioskLogger } from '../main/logging/logger'
import { endUserIpPolicy } from './end-user-ip'
import { createFrontServer } from './front-server'
import { GatewayMetrics } from './metrics'
import { createOperationsServer } from './operations-server'
import type { Readiness } from './operations-server'
import { OrderTokens } from './order-token'
import { KioskRateLimiter } from './rate-limit'
import { EMPTY_REVOCATIONS, isRevoked, watchRevocations } from './revocations'
import type { RevocationList, RevocationWatch } from './revocations'
import { RpFront } from './rp-front'
import type { GatewayHandoff } from './rp-front'
import type { GatewayConfig } from './settings/load'

export interface BankIdConnection {
  baseUrl: string
  caPem: string
  credentials: RpCredentials
}

export interface StartGatewayOptions {
  config: GatewayConfig
  logger: KioskLogger
  /** Where BankID is: given for the simulator; derived from the settings for test and production. */
  bankId?: BankIdConnection
  /** Holds bankid-ca/ (BankID's root CAs) for test and production. */
  resourcesDir?: string
  /** Overrides of the settings' listen addresses (tests: port 0). */
  listen?: { host?: string; port?: number }
  operations?: { host?: string; port?: number }
  probeIntervalMs?: number
  revocationPollMs?: number
  /** Process metrics (memory, event loop) in /metrics; off in tests with many instances. */
  processMetrics?: boolean
  handoffBudgetMs?: number
}

export interface RunningGateway {
  /** The RP API base the kiosks use, e.g. https://127.0.0.1:8443/rp/v6.0/ */
  url: string
  port: number
  operationsUrl: string
  front: RpFront
  metrics: GatewayMetrics
  readiness(): Readiness
  revocations: RevocationWatch | null
  /** Graceful: stop accepting, finish what is in flight (at most graceMs), then close everything. */
  close(graceMs?: number): Promise<void>
}

const DAY_MS = 86_400_000

export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config, logger } = options
  const { settings } = config
  const log = (level: 'info' | 'warn' | 'error' | 'debug', event: string, fields?: Record<string, unknown>) => logger[level](event, fields)
  const environment = settings.bankid.environment
  const connection = options.bankId ?? (await publicConnection(config, options.resourcesDir))
  const metrics = new GatewayMetrics({ processMetrics: options.processMetrics ?? true })
  const requestTimeoutMs = settings.bankid.requestTimeoutSeconds * 1000
  const bankId = new BankIdClient({
    transport: createHttpsTransport({ ...connection, maxSockets: 64 }),
    clock: monotonicClock,
    timeoutMs: requestTimeoutMs,
    // Transparent: a 503 goes back to the kiosk, whose own client retries it as BankID allows.
    maintenanceRetry: { maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0 },
    finishedOrdersRemembered: 100_000,
  })
  const tokens = new OrderTokens(config.stateSecrets)

  let revocationProblem: string | null = null
  const initial: RevocationList = config.revocations ?? EMPTY_REVOCATIONS
  let revocations: RevocationWatch | null = null
  const currentRevocations = () => revocations?.current() ?? initial
  metrics.revokedKiosks.set(initial.serials.size + initial.fingerprints.size)

  const handoff = gatewayHandoff(config, log)
  const front = new RpFront({
    bankId,
    tokens,
    rateLimiter: new KioskRateLimiter({
      perMinute: settings.kiosks.authPerMinute,
      burst: settings.kiosks.authBurst,
      now: () => monotonicClock.now(),
    }),
    endUserIp: endUserIpPolicy(settings.endUserIp.trustKioskClaimsFrom),
    certificatePolicies: environment === 'simulator' ? [] : [MOBILE_BANKID_POLICY[environment]],
    handoff: handoff?.port ?? null,
    ...(options.handoffBudgetMs === undefined ? {} : { handoffBudgetMs: options.handoffBudgetMs }),
    metrics,
    log,
  })

  if (settings.kiosks.revocationFile !== undefined) {
    revocations = watchRevocations({
      key: 'kiosks.revocationFile',
      file: settings.kiosks.revocationFile,
      initial,
      ...(options.revocationPollMs === undefined ? {} : { intervalMs: options.revocationPollMs }),
      onChange: (list, previous) => {
        revocationProblem = null
        metrics.revokedKiosks.set(list.serials.size + list.fingerprints.size)
        log('info', 'gateway.revocations.reloaded', {
          serials: list.serials.size,
          fingerprints: list.fingerprints.size,
          before: previous.serials.size + previous.fingerprints.size,
        })
        // Orders of revoked kiosks that this instance started: cancelled now, not when they ask next.
        void front.cancelOrdersOf((kiosk) => isRevoked(list, kiosk))
      },
      onError: (problem) => {
        revocationProblem = problem
        log('error', 'gateway.revocations.unreadable', { problem, kept: 'the last good list' })
      },
    })
  }

  // ---- readiness ----
  let stopping = false
  let probe: { reachable: boolean; latencyMs: number; at: Date; problem: string | null } | null = null
  const rpNotAfter = config.rp ? config.rp.certificate.notAfter : null
  const runProbe = async () => {
    const result = await probeBankId(bankId, { clock: monotonicClock, timeoutMs: requestTimeoutMs })
    const previous = probe?.reachable
    probe = { reachable: result.reachable, latencyMs: result.latencyMs, at: new Date(), problem: result.reachable ? null : result.description }
    if (previous !== result.reachable) log(result.reachable ? 'info' : 'error', 'gateway.bankid.probe', { reachable: result.reachable, latencyMs: result.latencyMs, problem: probe.problem })
  }
  const readiness = (): Readiness => {
    const now = Date.now()
    const daysLeft = rpNotAfter === null ? null : Math.floor((rpNotAfter.getTime() - now) / DAY_MS)
    const certificateValid = rpNotAfter === null || rpNotAfter.getTime() > now
    if (daysLeft !== null) metrics.rpCertificateDaysLeft.set(daysLeft)
    const ready = !stopping && probe?.reachable === true && certificateValid
    metrics.ready.set(ready ? 1 : 0)
    return {
      ready,
      checks: {
        bankid: {
          reachable: probe?.reachable ?? null,
          latencyMs: probe?.latencyMs ?? null,
          checkedAt: probe?.at.toISOString() ?? null,
          problem: probe?.problem ?? null,
        },
        rpCertificate: { valid: certificateValid, daysLeft },
        revocations: { ok: revocationProblem === null, problem: revocationProblem },
        stopping,
      },
    }
  }
  await runProbe()
  const probeTimer = setInterval(() => void runProbe(), options.probeIntervalMs ?? 15_000)
  probeTimer.unref()

  // ---- servers ----
  const frontServer = createFrontServer({
    front,
    serverCredentials: config.server.credentials,
    kioskCaPem: config.kioskCaPem,
    revocations: currentRevocations,
    keepAliveMs: settings.listen.keepAliveSeconds * 1000,
  })
  const operationsServer = createOperationsServer({ metrics, readiness })
  const host = options.listen?.host ?? settings.listen.host
  const operationsHost = options.operations?.host ?? settings.operations.host
  let port: number
  let operationsPort: number
  try {
    port = await listen(frontServer, host, options.listen?.port ?? settings.listen.port, 'listen')
    operationsPort = await listen(operationsServer, operationsHost, options.operations?.port ?? settings.operations.port, 'operations')
  } catch (error) {
    clearInterval(probeTimer)
    revocations?.close()
    frontServer.close()
    bankId.close()
    handoff?.close()
    throw error
  }
  const url = `https://${urlHost(host)}:${port}/rp/v6.0/`
  const operationsUrl = `http://${urlHost(operationsHost)}:${operationsPort}/`
  log('info', 'gateway.start', {
    url,
    operationsUrl,
    environment,
    handoff: handoff ? settings.handoff.auth : 'off',
    rpCertificateDaysLeft: rpNotAfter === null ? null : Math.floor((rpNotAfter.getTime() - Date.now()) / DAY_MS),
    kioskCa: new X509Certificate(config.kioskCaPem).subject.split('\n').join(', '),
  })
  for (const warning of config.warnings) log('warn', 'gateway.settings.warning', { message: warning })

  let closing: Promise<void> | null = null
  const close = (graceMs = 10_000): Promise<void> => {
    closing ??= (async () => {
      stopping = true
      log('info', 'gateway.stopping', { inFlight: front.pendingCount })
      clearInterval(probeTimer)
      revocations?.close()
      const frontClosed = new Promise<void>((resolve) => frontServer.close(() => resolve()))
      frontServer.closeIdleConnections()
      // What is in flight finishes (a collect, a hand-off), within the grace period.
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())
      await Promise.race([front.settled(), grace])
      front.abort()
      frontServer.closeAllConnections()
      await frontClosed
      await new Promise<void>((resolve) => {
        operationsServer.close(() => resolve())
        operationsServer.closeAllConnections()
      })
      bankId.close()
      handoff?.close()
      log('info', 'gateway.stop')
    })()
    return closing
  }

  return { url, port, operationsUrl, front, metrics, readiness, revocations, close }
}

async function publicConnection(config: GatewayConfig, resourcesDir: string | undefined): Promise<BankIdConnection> {
  const environment = config.settings.bankid.environment
  if (environment === 'simulator') throw new Error('the simulator environment needs a BankID connection from the caller')
  if (!config.rp) throw new Error(`no RP certificate for "${environment}"`)
  if (resourcesDir === undefined) throw new Error('the resources folder (BankID root CAs) is needed for test and production')
  return {
    baseUrl: PUBLIC_ENVIRONMENTS[environment].baseUrl,
    caPem: await loadBankIdRootCa(resourcesDir, environment),
    credentials: config.rp.credentials,
  }
}

/** The hand-off client, when the settings turn it on: one for all kiosks, each login naming its kiosk. */
function gatewayHandoff(
  config: GatewayConfig,
  log: (level: 'info' | 'warn' | 'error' | 'debug', event: string, fields?: Record<string, unknown>) => void,
): { port: GatewayHandoff; close(): void } | null {
  const settings = config.settings.handoff
  if (!settings.enabled || settings.url === undefined || config.handoff === null) return null
  const client = new HandoffClient({
    url: settings.url,
    auth: config.handoff.auth,
    caPem: config.handoff.caPem,
    timeoutMs: settings.timeoutSeconds * 1000,
    allowedOrigins: settings.allowedOrigins,
    kioskId: 'gateway',
    environment: config.settings.bankid.environment,
    log,
  })
  return { port: { deliver: (completion, options) => client.deliver(completion, options) }, close: () => client.close() }
}

function listen(server: Server, host: string, port: number, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `Setting "${key}.port": port ${port} on ${host} is already in use (another gateway running?).`
            : error.code === 'EACCES'
              ? `Setting "${key}.port": port ${port} on ${host} needs privileges this account does not have (use a port above 1023).`
              : `Setting "${key}": cannot listen on ${host}:${port} (${error.code ?? error.message}).`,
        ),
      )
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host)
