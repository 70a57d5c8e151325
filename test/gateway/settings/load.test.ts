// The gateway's settings file, loaded by its own loader from real files: a complete file loads with
// every file it names opened and proven; each mistake is one sentence naming the key, and never
// repeats a secret.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadGatewaySettings } from '../../../src/gateway/settings/load'
import type { GatewayConfigResult } from '../../../src/gateway/settings/load'
import { CLIENT_PASSPHRASE, loadOrCreateSimulatorPki } from '../../../src/main/simulator/certificates'
import type { SimulatorPki } from '../../../src/main/simulator/certificates'
import { gatewayTestPki } from '../../support/gateway'
import type { GatewayTestPki } from '../../support/gateway'
import { TEST_PKI_DIR } from '../../support/simulator'

/** Secret text written where secrets go (files, variables, and by mistake inline): never in a sentence. */
const SECRETS = {
  shortState: 'Okapi-short-state-secret',
  shortPrevious: 'Quokka-short-previous',
  shortEnv: 'Narwhal-short-env-secret',
  wrongPassphrase: 'Wrong-Passphrase-Axolotl-0815',
  inlineState: 'Inline-State-Secret-Pangolin-7c1f9e0d2b3a4c5d6e7f8091a2b3c4d5',
  inlinePrevious: 'Inline-Previous-Secret-Tapir-0123456789abcdef',
  inlineServerPassphrase: 'Inline-Server-Passphrase-Zebu',
  inlineRpPassphrase: 'Inline-RP-Passphrase-Ibex',
  inlineHandoff: 'Inline-Handoff-Secret-Dugong-0123456789abcdef',
  shortHandoff: 'Gecko-short-handoff',
  goodHandoff: 'Handoff-Secret-Wombat-0123456789abcdef0123456789',
  goodPrevious: 'Previous-State-Secret-Lemur-0123456789abcdef0123',
}

// At the top level: the table of mistakes below names these files when the tests are collected.
const [pki, sim]: [GatewayTestPki, SimulatorPki] = await Promise.all([gatewayTestPki(), loadOrCreateSimulatorPki(TEST_PKI_DIR)])
const stateKeyText = (await readFile(pki.stateKeyPath, 'utf8')).trim()

let root: string
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gateway-settings-'))
})
afterAll(() => rm(root, { recursive: true, force: true }))

type Settings = Record<string, unknown>
const NOW = () => new Date()

/** The smallest complete file: absolute paths into the test PKI, the simulator. */
const base = (): Record<string, Settings> => ({
  bankid: { environment: 'simulator' },
  server: { certificate: { cert: pki.serverCertPath, key: pki.serverKeyPath } },
  kiosks: { ca: pki.kioskCaPath },
  state: { secret: { file: pki.stateKeyPath } },
})

/** Sections merged over base(); undefined drops a section, a non-object replaces it. */
function merged(overrides: Settings): Settings {
  const settings: Settings = base()
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete settings[key]
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) settings[key] = { ...(settings[key] as Settings | undefined), ...value }
    else settings[key] = value
  }
  return settings
}

let scenarios = 0
/** A fresh folder with settings.json and files (text, or a path to copy); returns the settings file. */
async function scenario(settings: Settings | string, files: Record<string, string | { copy: string }> = {}, folder = ''): Promise<string> {
  const dir = path.join(root, `s${++scenarios}`, folder)
  await mkdir(dir, { recursive: true })
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name)
    await mkdir(path.dirname(file), { recursive: true })
    if (typeof content === 'string') await writeFile(file, content)
    else await copyFile(content.copy, file)
  }
  const file = path.join(dir, 'settings.json')
  await writeFile(file, typeof settings === 'string' ? settings : JSON.stringify(settings, null, 2))
  return file
}

describe('a complete, valid settings file', () => {
  it('loads with every file opened, relative paths resolved against the settings file\'s folder', async () => {
    const file = await scenario(
      {
        bankid: { environment: 'test', certificate: { pkcs12: 'certs/rp.p12' }, passphrase: { file: 'certs/rp-passphrase.txt' }, requestTimeoutSeconds: 4 },
        server: { certificate: { cert: 'tls/server.crt', key: 'tls/server.key' } },
        kiosks: { ca: 'tls/kiosk-ca.pem', revocationFile: 'revocations.txt', authPerMinute: 4, authBurst: 8 },
        state: { secret: { file: 'state-key.txt' }, previousSecret: { env: 'PREVIOUS_STATE_KEY' } },
        listen: { host: '::', port: 8443, keepAliveSeconds: 30 },
        operations: { host: '0.0.0.0', port: 9091 },
        endUserIp: { trustKioskClaimsFrom: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'] },
        handoff: {
          enabled: true,
          url: 'https://portal.example-skola.se/kiosk/login',
          auth: 'hmac',
          secret: { file: 'handoff-secret.txt' },
          allowedOrigins: ['https://portal.example-skola.se'],
        },
        logging: { level: 'debug' },
      },
      {
        'certs/rp.p12': { copy: sim.clientP12Path },
        'certs/rp-passphrase.txt': `${CLIENT_PASSPHRASE}\n`,
        'tls/server.crt': { copy: pki.serverCertPath },
        'tls/server.key': { copy: pki.serverKeyPath },
        'tls/kiosk-ca.pem': { copy: pki.kioskCaPath },
        'revocations.txt': '# stolen\nserial:0A1B\nsha256:' + 'ab'.repeat(32) + '\n',
        'state-key.txt': { copy: pki.stateKeyPath },
        'handoff-secret.txt': `${SECRETS.goodHandoff}\n`,
      },
      'nested/folder',
    )
    const dir = path.dirname(file)
    expect(process.cwd()).not.toBe(dir)
    const result = await loadGatewaySettings(path.relative(process.cwd(), file), { PREVIOUS_STATE_KEY: SECRETS.goodPrevious }, NOW())
    if (!result.ok) throw new Error(result.problem)
    const { config } = result
    expect(config.path).toBe(file)
    expect(config.settings.bankid).toEqual({
      environment: 'test',
      certificate: { pkcs12: path.join(dir, 'certs/rp.p12') },
      passphrase: { file: path.join(dir, 'certs/rp-passphrase.txt') },
      requestTimeoutSeconds: 4,
    })
    expect(config.settings.server.certificate).toEqual({ cert: path.join(dir, 'tls/server.crt'), key: path.join(dir, 'tls/server.key') })
    expect(config.settings.kiosks).toEqual({ ca: path.join(dir, 'tls/kiosk-ca.pem'), revocationFile: path.join(dir, 'revocations.txt'), authPerMinute: 4, authBurst: 8 })
    expect(config.settings.state.secret).toEqual({ file: path.join(dir, 'state-key.txt') })
    expect(config.settings.handoff.secret).toEqual({ file: path.join(dir, 'handoff-secret.txt') })
    expect(config.settings.listen).toEqual({ host: '::', port: 8443, keepAliveSeconds: 30 })
    expect(config.settings.operations).toEqual({ host: '0.0.0.0', port: 9091 })
    expect(config.settings.endUserIp.trustKioskClaimsFrom).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'])
    expect(config.settings.logging.level).toBe('debug')

    // What was read and proven:
    expect(config.rp?.credentials).toMatchObject({ kind: 'pkcs12', passphrase: CLIENT_PASSPHRASE })
    expect(config.rp?.certificate.notAfter.getTime()).toBeGreaterThan(Date.now())
    expect(config.server.credentials).toMatchObject({ kind: 'pem' })
    expect(config.kioskCaPem).toBe(await readFile(pki.kioskCaPath, 'utf8'))
    expect([...(config.revocations?.serials ?? [])]).toEqual(['A1B'])
    expect(config.revocations?.fingerprints.size).toBe(1)
    expect(config.stateSecrets.map((secret) => secret.reveal().toString('utf8'))).toEqual([stateKeyText, SECRETS.goodPrevious])
    expect(config.handoff?.auth).toMatchObject({ kind: 'hmac' })
    expect(config.handoff?.auth.kind === 'hmac' ? config.handoff.auth.secret.reveal().toString('utf8') : null).toBe(SECRETS.goodHandoff)
    // Secrets stay wrapped when the config is logged.
    expect(JSON.stringify(config.stateSecrets)).not.toContain(stateKeyText)
  })

  it('fills in the defaults around the three required sections, with no RP certificate for the simulator', async () => {
    const result = await loadGatewaySettings(await scenario(base()), {}, NOW())
    if (!result.ok) throw new Error(result.problem)
    const { settings, rp, revocations, stateSecrets, handoff, warnings } = result.config
    expect(rp).toBeNull()
    expect(revocations).toBeNull()
    expect(handoff).toBeNull()
    expect(stateSecrets).toHaveLength(1)
    expect(warnings).toEqual([])
    expect(settings.bankid).toEqual({ environment: 'simulator', requestTimeoutSeconds: 5 })
    expect(settings.listen).toEqual({ host: '0.0.0.0', port: 8443, keepAliveSeconds: 5 })
    expect(settings.operations).toEqual({ host: '127.0.0.1', port: 9090 })
    expect(settings.kiosks).toMatchObject({ authPerMinute: 6, authBurst: 20 })
    expect(settings.endUserIp.trustKioskClaimsFrom).toEqual([])
    expect(settings.handoff.enabled).toBe(false)
  })
})

interface Mistake {
  what: string
  settings: Settings | string
  files?: Record<string, string | { copy: string }>
  env?: NodeJS.ProcessEnv
  key: string | null
  problem: RegExp
}

const rpFiles = (passphrase: string) => ({ 'rp.p12': { copy: sim.clientP12Path }, 'rp-passphrase.txt': `${passphrase}\n` })
// base() is on the simulator: a hand-off there is a demonstration, and says so.
const hmacHandoff = { enabled: true, demo: true, url: 'https://portal.example-skola.se/kiosk/login', secret: { file: 'handoff-secret.txt' } }

const MISTAKES: Mistake[] = [
  { what: 'no server section', settings: merged({ server: undefined }), key: 'server', problem: /^Setting "server" is required \(the gateway's TLS server certificate, which kiosks check\)\.$/ },
  { what: 'no kiosks section', settings: merged({ kiosks: undefined }), key: 'kiosks', problem: /^Setting "kiosks" is required \(at least "kiosks\.ca", the CA that issues kiosk certificates\)\.$/ },
  { what: 'no state section', settings: merged({ state: undefined }), key: 'state', problem: /^Setting "state" is required \(at least "state\.secret", shared by every instance\)\.$/ },
  { what: 'a section that is not a group', settings: merged({ listen: 8443 }), key: 'listen', problem: /^Setting "listen" must be a group of settings in \{ \} \(it is 8443\)\.$/ },
  { what: 'an unknown top-level key', settings: merged({ kiosk: { ca: 'x' } }), key: 'kiosk', problem: /^Setting "kiosk" is not a known setting \(did you mean "kiosks"\?\)\.$/ },
  { what: 'an unknown nested key', settings: merged({ listen: { prot: 8443 } }), key: 'listen.prot', problem: /^Setting "listen\.prot" is not a known setting \(did you mean "listen\.port"\?\)\.$/ },
  { what: 'listen.port 0', settings: merged({ listen: { port: 0 } }), key: 'listen.port', problem: /^Setting "listen\.port" must be a whole number from 1 to 65535 \(it is 0\)\.$/ },
  { what: 'listen.port 70000', settings: merged({ listen: { port: 70000 } }), key: 'listen.port', problem: /^Setting "listen\.port" must be a whole number from 1 to 65535 \(it is 70000\)\.$/ },
  { what: 'operations.port 8.5', settings: merged({ operations: { port: 8.5 } }), key: 'operations.port', problem: /^Setting "operations\.port" must be a whole number from 1 to 65535 \(it is 8\.5\)\.$/ },
  { what: 'a host name as listen.host', settings: merged({ listen: { host: 'localhost' } }), key: 'listen.host', problem: /^Setting "listen\.host" must be an IPv4 or IPv6 address, like "0\.0\.0\.0" \(every address\) or "127\.0\.0\.1" \(it is "localhost"\)\.$/ },
  {
    what: 'a bad CIDR in endUserIp.trustKioskClaimsFrom',
    settings: merged({ endUserIp: { trustKioskClaimsFrom: ['10.0.0.0/8', '10.0.0.0/33'] } }),
    key: 'endUserIp.trustKioskClaimsFrom',
    problem: /^Item 2 of setting "endUserIp\.trustKioskClaimsFrom" must be an address range like "10\.0\.0\.0\/8" or "2001:db8::\/32" \(it is "10\.0\.0\.0\/33"\)\.$/,
  },
  { what: 'a host name as a CIDR', settings: merged({ endUserIp: { trustKioskClaimsFrom: ['intranet.example'] } }), key: 'endUserIp.trustKioskClaimsFrom', problem: /^Item 1 of setting "endUserIp\.trustKioskClaimsFrom" must be an address range/ },
  { what: 'environment "test" without a certificate', settings: merged({ bankid: { environment: 'test' } }), key: 'bankid.certificate', problem: /^Setting "bankid\.certificate" is required when "bankid\.environment" is "test"\.$/ },
  { what: 'environment "production" without a certificate', settings: merged({ bankid: { environment: 'production' } }), key: 'bankid.certificate', problem: /^Setting "bankid\.certificate" is required when "bankid\.environment" is "production"\.$/ },
  {
    what: 'a certificate with the simulator',
    settings: merged({ bankid: { environment: 'simulator', certificate: { pkcs12: 'rp.p12' } } }),
    files: rpFiles(CLIENT_PASSPHRASE),
    key: 'bankid.certificate',
    problem: /^Setting "bankid\.certificate" must not be set when "bankid\.environment" is "simulator" \(the simulator uses its own certificate\)\.$/,
  },
  { what: 'an unknown environment', settings: merged({ bankid: { environment: 'prod' } }), key: 'bankid.environment', problem: /^Setting "bankid\.environment" .*"prod"/ },
  {
    what: 'a wrong RP passphrase',
    settings: merged({ bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: { file: 'rp-passphrase.txt' } } }),
    files: rpFiles(SECRETS.wrongPassphrase),
    key: 'bankid.passphrase',
    problem: /^Setting "bankid\.passphrase": the passphrase is wrong for \/.*\/rp\.p12\.$/,
  },
  {
    what: 'an RP certificate without its passphrase',
    settings: merged({ bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' } } }),
    files: rpFiles(CLIENT_PASSPHRASE),
    key: 'bankid.passphrase',
    problem: /^Setting "bankid\.passphrase" is required: \/.*\/rp\.p12 is protected by a passphrase\.$/,
  },
  {
    what: 'a missing RP certificate file',
    settings: merged({ bankid: { environment: 'test', certificate: { pkcs12: 'nowhere.p12' }, passphrase: { file: 'rp-passphrase.txt' } } }),
    files: rpFiles(CLIENT_PASSPHRASE),
    key: 'bankid.certificate.pkcs12',
    problem: /^Setting "bankid\.certificate\.pkcs12": the file \/.*\/nowhere\.p12 does not exist\.$/,
  },
  {
    what: 'a server certificate whose key file is missing',
    settings: merged({ server: { certificate: { cert: pki.serverCertPath, key: 'missing.key' } } }),
    key: 'server.certificate.key',
    problem: /^Setting "server\.certificate\.key": the file \/.*\/missing\.key does not exist\.$/,
  },
  {
    what: 'a server key that is not the certificate\'s',
    settings: merged({ server: { certificate: { cert: pki.serverCertPath, key: 'other.key' } } }),
    files: { 'other.key': { copy: path.join(pki.dir, 'kiosk-ca.key') } },
    key: 'server.certificate.key',
    problem: /^Setting "server\.certificate\.key": the key in \/.*\/other\.key does not belong to the certificate in /,
  },
  {
    what: 'a leaf (non-CA) certificate as kiosks.ca',
    settings: merged({ kiosks: { ca: pki.serverCertPath } }),
    key: 'kiosks.ca',
    problem: /^Setting "kiosks\.ca": the certificate in \/.*server\.crt \(.*\) is not a CA certificate; name the CA that issued/,
  },
  { what: 'a kiosks.ca that is not PEM', settings: merged({ kiosks: { ca: 'ca.pem' } }), files: { 'ca.pem': 'hello\n' }, key: 'kiosks.ca', problem: /^Setting "kiosks\.ca": the file \/.*\/ca\.pem is not a PEM certificate\.$/ },
  {
    what: 'a missing revocation file',
    settings: merged({ kiosks: { ca: pki.kioskCaPath, revocationFile: 'revoked.txt' } }),
    key: 'kiosks.revocationFile',
    problem: /^Setting "kiosks\.revocationFile": the file \/.*\/revoked\.txt does not exist\.$/,
  },
  {
    what: 'a malformed revocation file',
    settings: merged({ kiosks: { ca: pki.kioskCaPath, revocationFile: 'revoked.txt' } }),
    files: { 'revoked.txt': '# fine\nserial:01\n\nreception-a is stolen\n' },
    key: 'kiosks.revocationFile',
    problem: /^Setting "kiosks\.revocationFile": \/.*\/revoked\.txt: line 4 is neither "serial:HEX" nor "sha256:" and 64 hexadecimal digits\.$/,
  },
  {
    what: 'a state secret shorter than 32 bytes',
    settings: merged({ state: { secret: { file: 'state-key.txt' } } }),
    files: { 'state-key.txt': `${SECRETS.shortState}\n` },
    key: 'state.secret.file',
    problem: /^Setting "state\.secret\.file": the secret in the file \/.*\/state-key\.txt is too short \(24 bytes; at least 32; "openssl rand -hex 32" makes one\)\.$/,
  },
  { what: 'an empty state secret file', settings: merged({ state: { secret: { file: 'state-key.txt' } } }), files: { 'state-key.txt': '\n' }, key: 'state.secret.file', problem: /^Setting "state\.secret\.file": the file \/.*\/state-key\.txt is empty\.$/ },
  {
    what: 'a previous state secret shorter than 32 bytes',
    settings: merged({ state: { secret: { file: pki.stateKeyPath }, previousSecret: { file: 'old.txt' } } }),
    files: { 'old.txt': SECRETS.shortPrevious },
    key: 'state.previousSecret.file',
    problem: /^Setting "state\.previousSecret\.file": the secret in the file \/.*\/old\.txt is too short \(21 bytes; at least 32;/,
  },
  {
    what: 'a state secret from a missing variable',
    settings: merged({ state: { secret: { env: 'BANKID_GATEWAY_STATE_KEY' } } }),
    key: 'state.secret.env',
    problem: /^Setting "state\.secret\.env": the environment variable BANKID_GATEWAY_STATE_KEY is not set\.$/,
  },
  {
    what: 'a short state secret from a variable',
    settings: merged({ state: { secret: { env: 'BANKID_GATEWAY_STATE_KEY' } } }),
    env: { BANKID_GATEWAY_STATE_KEY: SECRETS.shortEnv },
    key: 'state.secret.env',
    problem: /^Setting "state\.secret\.env": the secret in the environment variable BANKID_GATEWAY_STATE_KEY is too short \(24 bytes;/,
  },
  { what: 'a state secret with both file and env', settings: merged({ state: { secret: { file: 'a', env: 'B' } } }), key: 'state.secret', problem: /^Setting "state\.secret" must be either \{ "file": "path" \} or \{ "env": "VARIABLE_NAME" \}/ },
  { what: 'the state secret written inline', settings: merged({ state: { secret: SECRETS.inlineState } }), key: 'state.secret', problem: /^Setting "state\.secret" must be either \{ "file": "path" \} or \{ "env": "VARIABLE_NAME" \} \(the secret itself never goes in this file\)\.$/ },
  {
    what: 'the previous state secret written inline',
    settings: merged({ state: { secret: { file: pki.stateKeyPath }, previousSecret: SECRETS.inlinePrevious } }),
    key: 'state.previousSecret',
    problem: /^Setting "state\.previousSecret" must be either \{ "file": "path" \} or \{ "env": "VARIABLE_NAME" \} \(the secret itself never goes in this file\)\.$/,
  },
  {
    what: 'the server passphrase written inline',
    settings: merged({ server: { certificate: { cert: pki.serverCertPath, key: pki.serverKeyPath }, passphrase: SECRETS.inlineServerPassphrase } }),
    key: 'server.passphrase',
    problem: /^Setting "server\.passphrase" must be either \{ "file": "path" \} or \{ "env": "VARIABLE_NAME" \} \(the passphrase itself never goes in this file\)\.$/,
  },
  {
    what: 'the RP passphrase written inline',
    settings: merged({ bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: SECRETS.inlineRpPassphrase } }),
    key: 'bankid.passphrase',
    problem: /^Setting "bankid\.passphrase" must be either/,
  },
  { what: 'the hand-off secret written inline', settings: merged({ handoff: { ...hmacHandoff, secret: SECRETS.inlineHandoff } }), key: 'handoff.secret', problem: /^Setting "handoff\.secret" must be either/ },
  {
    what: 'a short hand-off secret',
    settings: merged({ handoff: hmacHandoff }),
    files: { 'handoff-secret.txt': SECRETS.shortHandoff },
    key: 'handoff.secret.file',
    problem: /^Setting "handoff\.secret\.file": the secret in the file \/.*\/handoff-secret\.txt is too short \(19 bytes; at least 32;/,
  },
  { what: 'the hand-off with the simulator, not declared a demonstration', settings: merged({ handoff: { ...hmacHandoff, demo: undefined } }), files: { 'handoff-secret.txt': SECRETS.goodHandoff }, key: 'handoff.enabled', problem: /^Setting "handoff\.enabled" can be true with "bankid\.environment" "simulator" only when "handoff\.demo" is also true/ },
  { what: 'handoff.auth "gateway" on the gateway', settings: merged({ handoff: { auth: 'gateway' } }), key: 'handoff.auth', problem: /^Setting "handoff\.auth" must be "hmac" or "mtls" on the gateway \(it is the gateway that hands off\) \(it is "gateway"\)\.$/ },
  { what: 'handoff.kioskId on the gateway', settings: merged({ handoff: { kioskId: 'reception-a' } }), key: 'handoff.kioskId', problem: /^Setting "handoff\.kioskId" must not be set on the gateway \(each kiosk is named by its certificate\) \(it is "reception-a"\)\.$/ },
  { what: 'the hand-off enabled without a url', settings: merged({ handoff: { enabled: true, demo: true, secret: { file: 'handoff-secret.txt' } } }), files: { 'handoff-secret.txt': SECRETS.goodHandoff }, key: 'handoff.url', problem: /^Setting "handoff\.url" is required when "handoff\.enabled" is true\.$/ },
  { what: 'the settings file is not JSON', settings: '{ "server": ', key: null, problem: /^The settings file \/.*\/settings\.json is not valid JSON: [^\r\n]+\.$/ },
  { what: 'the settings are a list', settings: '[]', key: null, problem: /^The settings file \/.*\/settings\.json must hold one JSON object in \{ \} \(it holds a list\)\.$/ },
]

/** Sentences end in ".", "?" or "!" followed by white space and a capital; paths and "e.g." do not end one. */
const sentences = (text: string) => text.split(/(?<=[.?!])\s+(?=[A-Z])/)

describe('each mistake is one sentence naming the key, and never a secret', () => {
  it.each(MISTAKES.map((mistake) => [mistake.what, mistake] as const))('%s', async (_what, mistake) => {
    const file = await scenario(mistake.settings, mistake.files)
    const result: GatewayConfigResult = await loadGatewaySettings(file, mistake.env ?? {}, NOW())
    if (result.ok) throw new Error('loaded, but should not have')
    expect(result.path).toBe(file)
    expect(result.key).toBe(mistake.key)
    expect(result.problem).toMatch(mistake.problem)
    if (mistake.key !== null) expect(result.problem).toContain(`"${mistake.key}"`)
    expect(result.problem).not.toMatch(/[\r\n]/)
    expect(result.problem).toMatch(/[.]$/)
    expect(sentences(result.problem)).toHaveLength(1)
    for (const secret of [...Object.values(SECRETS), CLIENT_PASSPHRASE, stateKeyText]) {
      expect(result.problem).not.toContain(secret)
      // Nor the start of one (a long value is echoed cut short).
      expect(result.problem).not.toContain(secret.slice(0, 12))
    }
  })

  it('names the missing settings file and how it was named', async () => {
    const missing = path.join(root, 'no-such-folder', 'settings.json')
    const byArgument = await loadGatewaySettings(missing, {}, NOW())
    expect(byArgument).toEqual({ ok: false, path: missing, key: null, problem: `The settings file ${missing} does not exist (it was named by --settings).` })
    const byEnvironment = await loadGatewaySettings(missing, {}, NOW(), 'environment')
    expect(byEnvironment).toMatchObject({ ok: false, problem: `The settings file ${missing} does not exist (it was named by the environment variable BANKID_GATEWAY_SETTINGS).` })
  })
})
