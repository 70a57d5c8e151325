// A real gateway for tests: its PKI made once per test run (gateway CA and server certificate,
// kiosk CA, a few kiosk certificates, a foreign kiosk certificate from another CA), a settings file
// written and loaded by the gateway's own loader, the simulator behind it, and BankID clients that
// talk to it as kiosks do, over real mutual TLS.
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { BankIdClientOptions } from '../../src/main/bankid/client'
import { BankIdClient } from '../../src/main/bankid/client'
import { createHttpsTransport } from '../../src/main/bankid/transport'
import type { RpCredentials } from '../../src/main/bankid/transport'
import type { Clock } from '../../src/main/clock'
import { createMemoryLogger } from '../../src/main/logging/logger'
import type { MemoryLogger } from '../../src/main/logging/logger'
import { issuerFromPem, newKeyPair, issueCertificate, validity, pkcs12 } from '../../src/main/pki/issue'
import type { RunningSimulator } from '../../src/main/simulator/simulator'
import { startGateway } from '../../src/gateway/gateway'
import type { RunningGateway, StartGatewayOptions } from '../../src/gateway/gateway'
import { ensureDemoPki, issueKioskCertificate } from '../../src/gateway/pki'
import type { IssuedKiosk } from '../../src/gateway/pki'
import { loadGatewaySettings } from '../../src/gateway/settings/load'
import { TEST_PKI_DIR } from './simulator'
import { CLIENT_PASSPHRASE } from '../../src/main/simulator/certificates'

export const GATEWAY_PKI_DIR = path.join(tmpdir(), 'bankid-kiosk-test-gateway-pki')

export interface TestKioskCertificate extends IssuedKiosk {
  name: string
  credentials: RpCredentials
}

export interface GatewayTestPki {
  dir: string
  gatewayCaPem: string
  gatewayCaPath: string
  kioskCaPath: string
  stateKeyPath: string
  serverCertPath: string
  serverKeyPath: string
  kiosks: Record<'a' | 'b' | 'c', TestKioskCertificate>
  /** From a CA the gateway does not trust. */
  foreign: { credentials: RpCredentials }
}

let pkiPromise: Promise<GatewayTestPki> | null = null

export function gatewayTestPki(): Promise<GatewayTestPki> {
  pkiPromise ??= makePki()
  return pkiPromise
}

async function makePki(): Promise<GatewayTestPki> {
  const demo = await ensureDemoPki(GATEWAY_PKI_DIR, { port: 0, operationsPort: 0 })
  const dir = demo.dir
  const file = (name: string) => path.join(dir, name)
  const issuer = issuerFromPem(readFileSync(file('kiosk-ca.pem'), 'utf8'), readFileSync(file('kiosk-ca.key'), 'utf8'))
  const kiosk = async (name: string): Promise<TestKioskCertificate> => {
    const issued = await issueKioskCertificate({ name, issuer, outDir: path.join(dir, `test-kiosks-${process.pid}`) })
    return {
      ...issued,
      name,
      credentials: { kind: 'pkcs12', pfx: readFileSync(issued.p12Path), passphrase: readFileSync(issued.passphrasePath, 'utf8').trim() },
    }
  }
  const [a, b, c] = await Promise.all([kiosk('reception-a'), kiosk('reception-b'), kiosk('reception-c')])
  const [caKeys, keys] = await Promise.all([newKeyPair(), newKeyPair()])
  const foreignCa = issueCertificate('Foreign kiosk CA', 'ca', caKeys, null, validity(new Date(), 5), { organization: 'Elsewhere' })
  const foreignCert = issueCertificate('reception-a', 'client', keys, { cert: foreignCa, key: caKeys.forgeKey }, validity(new Date(), 1), {
    organization: 'Elsewhere',
  })
  return {
    dir,
    gatewayCaPem: readFileSync(file('gateway-ca.pem'), 'utf8'),
    gatewayCaPath: file('gateway-ca.pem'),
    kioskCaPath: file('kiosk-ca.pem'),
    stateKeyPath: file('state-key.txt'),
    serverCertPath: file('server.crt'),
    serverKeyPath: file('server.key'),
    kiosks: { a, b, c },
    foreign: { credentials: { kind: 'pkcs12', pfx: pkcs12(keys, [foreignCert, foreignCa], 'x', 'foreign'), passphrase: 'x' } },
  }
}

export interface TestGateway {
  gateway: RunningGateway
  pki: GatewayTestPki
  logger: MemoryLogger
  /** The folder of this gateway's settings file (and its revocation file). */
  dir: string
  revocationFile: string
  /** A BankID client as a kiosk has it: the gateway's URL, its CA only, this kiosk's certificate. */
  kioskClient(kiosk?: keyof GatewayTestPki['kiosks'] | RpCredentials, options?: { clock?: Clock } & Partial<Omit<BankIdClientOptions, 'transport' | 'clock'>>): BankIdClient
  close(): Promise<void>
}

export interface TestGatewayOptions {
  simulator: RunningSimulator
  /** Settings merged over the defaults below (sections replaced whole). */
  settings?: Record<string, unknown>
  /** Extra files next to the settings file (e.g. a hand-off secret). */
  files?: Record<string, string>
  start?: Partial<Omit<StartGatewayOptions, 'config' | 'logger'>>
  /** Serve this certificate instead of the one the settings name (e.g. an expired one the loader would refuse). */
  serverCredentials?: RpCredentials
}

export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const pki = await gatewayTestPki()
  const dir = await mkdtemp(path.join(tmpdir(), 'gateway-test-'))
  const revocationFile = path.join(dir, 'revocations.txt')
  await writeFile(revocationFile, '# none yet\n')
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), content)
  }
  const defaults: Record<string, Record<string, unknown>> = {
    bankid: { environment: 'simulator' },
    server: { certificate: { cert: pki.serverCertPath, key: pki.serverKeyPath } },
    kiosks: { ca: pki.kioskCaPath, revocationFile, authPerMinute: 600, authBurst: 1000 },
    state: { secret: { file: pki.stateKeyPath } },
    listen: { host: '127.0.0.1' },
    operations: { host: '127.0.0.1' },
  }
  // Each section given is merged over the default one (a key set to undefined drops it).
  const settings: Record<string, unknown> = { ...defaults }
  for (const [section, value] of Object.entries(options.settings ?? {})) {
    settings[section] = typeof value === 'object' && value !== null ? { ...defaults[section], ...value } : value
  }
  const settingsPath = path.join(dir, 'settings.json')
  await writeFile(settingsPath, JSON.stringify(settings, null, 2))
  const loaded = await loadGatewaySettings(settingsPath, {}, new Date())
  if (!loaded.ok) throw new Error(`test gateway settings: ${loaded.problem}`)
  const logger = createMemoryLogger()
  const sim = options.simulator
  const config = options.serverCredentials
    ? { ...loaded.config, server: { ...loaded.config.server, credentials: options.serverCredentials } }
    : loaded.config
  const gateway = await startGateway({
    config,
    logger,
    bankId: {
      baseUrl: sim.rpBaseUrl,
      caPem: sim.pki.serverCaPem,
      credentials: { kind: 'pkcs12', pfx: readFileSync(sim.pki.clientP12Path), passphrase: CLIENT_PASSPHRASE },
    },
    processMetrics: false,
    // Free ports, whatever the settings say.
    listen: { port: 0 },
    operations: { port: 0 },
    revocationPollMs: 50,
    probeIntervalMs: 60_000,
    ...options.start,
  })
  const clients: BankIdClient[] = []
  return {
    gateway,
    pki,
    logger,
    dir,
    revocationFile,
    kioskClient(kiosk = 'a', clientOptions = {}) {
      const credentials = typeof kiosk === 'string' ? pki.kiosks[kiosk].credentials : kiosk
      const { clock, ...rest } = clientOptions
      const client = new BankIdClient({
        clock: clock ?? { now: () => performance.now() },
        maintenanceRetry: { maxRetries: 0, initialDelayMs: 5, maxDelayMs: 20 },
        ...rest,
        transport: createHttpsTransport({ baseUrl: gateway.url, caPem: pki.gatewayCaPem, credentials }),
      })
      clients.push(client)
      return client
    },
    async close() {
      for (const client of clients) client.close()
      await gateway.close(1_000)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A personnummer-free request body for /auth as a kiosk sends it. */
export const authBody = (personalNumber?: string) => ({
  endUserIp: '127.0.0.1',
  userVisibleData: Buffer.from('Inloggning på Testskolan').toString('base64'),
  ...(personalNumber ? { requirement: { personalNumber } } : {}),
})

export const randomOrderRef = () => randomUUID()
export { TEST_PKI_DIR }
