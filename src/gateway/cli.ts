// npm run gateway                                  the zero-configuration demo: the built-in BankID simulator
//                                                   behind the gateway, its certificates made once, and the
//                                                   kiosk settings that use it printed
// npm run gateway -- --settings FILE               real use: everything from the settings file
// npm run gateway -- issue-kiosk-certificate --name NAME [--ca-cert FILE --ca-key FILE] [--out DIR]
//                                                   [--gateway-url URL --gateway-ca FILE]
//                                                   a kiosk certificate from the kiosk CA (default: the demo's)
// The log is JSON lines on standard output; SIGTERM and SIGINT stop it gracefully.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createJsonLogger } from '../main/logging/core'
import { defaultDataDir } from '../main/paths'
import { CLIENT_PASSPHRASE } from '../main/simulator/certificates'
import { startSimulator } from '../main/simulator/simulator'
import type { RunningSimulator } from '../main/simulator/simulator'
import { startGateway } from './gateway'
import type { BankIdConnection } from './gateway'
import { ensureDemoPki, issueKioskCertificate, readIssuer } from './pki'
import { GATEWAY_SETTINGS_ENV, GATEWAY_SETTINGS_OPTION, loadGatewaySettings } from './settings/load'

const DEMO_PORT = 8443
const DEMO_OPERATIONS_PORT = 9090

const option = (args: readonly string[], name: string): string | undefined => {
  const index = args.lastIndexOf(name)
  if (index >= 0) return args[index + 1]
  const inline = args.filter((arg) => arg.startsWith(`${name}=`)).at(-1)
  return inline?.slice(name.length + 1)
}

const demoDir = () => path.join(defaultDataDir(process.platform, process.env, homedir()), 'gateway')

async function run(args: readonly string[]): Promise<number> {
  if (args[0] === 'issue-kiosk-certificate') return issue(args.slice(1))
  const fromArgument = option(args, GATEWAY_SETTINGS_OPTION)
  const explicit = fromArgument ?? process.env[GATEWAY_SETTINGS_ENV]
  const demo = explicit === undefined || explicit === ''
  const pki = demo ? await ensureDemoPki(demoDir(), { port: DEMO_PORT, operationsPort: DEMO_OPERATIONS_PORT }) : null
  const settingsPath = pki?.settingsPath ?? (explicit as string)

  const loaded = await loadGatewaySettings(settingsPath, process.env, new Date(), fromArgument === undefined ? 'environment' : 'argument')
  if (!loaded.ok) {
    // Never half-configured: one sentence naming the key, and no gateway.
    console.error(`The gateway cannot start: ${loaded.problem}`)
    return 1
  }
  const { config } = loaded
  const logger = createJsonLogger({ write: (line: string) => void process.stdout.write(line) }, config.settings.logging.level)

  let simulator: RunningSimulator | null = null
  let bankId: BankIdConnection | undefined
  if (config.settings.bankid.environment === 'simulator') {
    simulator = await startSimulator({ pkiDir: path.join(path.dirname(config.path), 'simulator') })
    bankId = {
      baseUrl: simulator.rpBaseUrl,
      caPem: simulator.pki.serverCaPem,
      credentials: { kind: 'pkcs12', pfx: readFileSync(simulator.pki.clientP12Path), passphrase: CLIENT_PASSPHRASE },
    }
  }
  let gateway
  try {
    gateway = await startGateway({
      config,
      logger,
      ...(bankId ? { bankId } : {}),
      resourcesDir: fileURLToPath(new URL('../../resources', import.meta.url)),
    })
  } catch (error) {
    await simulator?.close()
    console.error(`The gateway cannot start: ${(error as Error).message}`)
    return 1
  }

  if (pki) {
    console.log(
      [
        'The BankID gateway is running (demo: the built-in BankID simulator behind it).',
        `  Kiosks' RP API:  ${gateway.url}   (HTTPS, mutual TLS, kiosk certificates from ${path.join(pki.dir, 'kiosk-ca.pem')})`,
        `  Metrics:         ${gateway.operationsUrl}metrics   (also /healthz and /readyz)`,
        `  Simulated app:   ${simulator?.appUrl ?? ''}   (the parent's phone; security code 123456)`,
        `  Settings:        ${pki.settingsPath}`,
        '',
        'Start a kiosk that uses it (in another terminal):',
        `  npm start -- --settings '${pki.kioskSettingsPath}'`,
        '',
        'Press Ctrl+C to stop.',
      ].join('\n'),
    )
  }

  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      logger.info('gateway.signal', { signal })
      void gateway
        .close()
        .then(() => simulator?.close())
        .then(() => resolve(0))
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
  })
}

async function issue(args: readonly string[]): Promise<number> {
  const name = option(args, '--name')
  if (name === undefined) {
    console.error('Usage: npm run gateway -- issue-kiosk-certificate --name NAME [--ca-cert FILE --ca-key FILE] [--out DIR] [--gateway-url URL --gateway-ca FILE]')
    return 2
  }
  const dir = demoDir()
  const caCert = option(args, '--ca-cert') ?? path.join(dir, 'kiosk-ca.pem')
  const caKey = option(args, '--ca-key') ?? path.join(dir, 'kiosk-ca.key')
  const gatewayUrl = option(args, '--gateway-url')
  const gatewayCa = option(args, '--gateway-ca')
  try {
    const issued = await issueKioskCertificate({
      name,
      issuer: await readIssuer(caCert, caKey),
      outDir: path.resolve(option(args, '--out') ?? path.join(dir, 'kiosks', name)),
      ...(gatewayUrl !== undefined && gatewayCa !== undefined ? { gateway: { url: gatewayUrl, caPem: readFileSync(gatewayCa, 'utf8') } } : {}),
    })
    console.log(
      [
        `Issued a kiosk certificate for "${name}", valid until ${issued.notAfter.toISOString().slice(0, 10)}.`,
        `  Certificate:  ${issued.p12Path}`,
        `  Passphrase:   ${issued.passphrasePath}   (copy both to the kiosk; readable only by the kiosk's account)`,
        ...(gatewayUrl !== undefined && gatewayCa !== undefined ? [`  Settings:     ${issued.settingsPath}`] : []),
        '',
        'To shut this kiosk out later, add one of these lines to the revocation file:',
        `  serial:${issued.serialNumber}`,
        `  sha256:${issued.fingerprint256}`,
      ].join('\n'),
    )
    return 0
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    console.error(
      code === 'ENOENT'
        ? `The kiosk CA's certificate or key was not found (${caCert}, ${caKey}); run "npm run gateway" once for the demo CA, or give --ca-cert and --ca-key.`
        : `No certificate was issued: ${(error as Error).message}`,
    )
    return 1
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The gateway stopped: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  },
)
