import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSettings } from '../../src/main/load-settings'
import type { SettingsResult } from '../../src/main/load-settings'
import { DEFAULT_SETTINGS } from '../../src/main/settings/schema'
import { CLIENT_PASSPHRASE, loadOrCreateSimulatorPki } from '../../src/main/simulator/certificates'
import { makeRpCertificate, newTestKey } from '../support/rp-certificates'
import type { TestKey, TestRpCertificate } from '../support/rp-certificates'

const NOW = new Date('2026-03-01T12:00:00Z')
const DAY = 24 * 60 * 60 * 1000
const PASSPHRASE = 'Rätt-lösen-4711'
const WRONG_PASSPHRASE = 'Fel-lösen-0815'

let root: string
let key: TestKey
let otherKey: TestKey
const cert: Record<'valid' | 'expired' | 'notYet' | 'in10Days' | 'in40Days', TestRpCertificate> = {} as never

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'kiosk-settings-'))
  ;[key, otherKey] = await Promise.all([newTestKey(), newTestKey()])
  const at = (days: number) => new Date(NOW.getTime() + days * DAY)
  const make = (notBefore: Date, notAfter: Date) => makeRpCertificate(key, { notBefore, notAfter }, PASSPHRASE)
  cert.valid = make(at(-30), at(700))
  cert.expired = make(new Date('2024-01-31T12:00:00Z'), new Date('2026-01-31T12:00:00Z'))
  cert.notYet = make(new Date('2026-04-01T08:00:00Z'), new Date('2028-04-01T08:00:00Z'))
  cert.in10Days = make(at(-300), new Date(at(10).getTime() + 60 * 60 * 1000))
  cert.in40Days = make(at(-300), at(40))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

// ---- scenario helpers ----

const FOLDER = Symbol('folder')
type FileContent = string | Buffer | typeof FOLDER | (() => string | Buffer)
let scenarios = 0

/** A fresh folder holding settings.json (raw text, or a value written as JSON) and the given files. */
async function scenario(settings: unknown, files: Record<string, FileContent> = {}): Promise<string> {
  const dir = path.join(root, `s${++scenarios}`)
  await mkdir(dir)
  const all: Record<string, FileContent> = {
    ...files,
    ...(settings === undefined ? {} : { 'settings.json': typeof settings === 'string' ? settings : JSON.stringify(settings, null, 2) }),
  }
  for (const [name, content] of Object.entries(all)) {
    const file = path.join(dir, name)
    if (content === FOLDER) await mkdir(file)
    else await writeFile(file, typeof content === 'function' ? content() : content)
  }
  return dir
}

function load(settingsPath: string, env: NodeJS.ProcessEnv = {}): Promise<SettingsResult> {
  return loadSettings({ argv: ['kiosk', '--settings', settingsPath], env, platform: 'linux', now: NOW })
}

// ---- defaults and valid files ----

describe('loadSettings with no file at the OS location', () => {
  it('runs on the simulator with every default', async () => {
    const programData = 'C:\\ProgramData-with-no-kiosk-settings'
    const result = await loadSettings({ argv: ['kiosk'], env: { ProgramData: programData }, platform: 'win32', now: NOW })
    expect(result).toEqual({
      ok: true,
      settings: DEFAULT_SETTINGS,
      path: `${programData}\\BankID Kiosk\\settings.json`,
      fromFile: false,
      credentials: null,
      certificate: null,
      warnings: [],
    })
  })

  it('uses the defaults the brief lists', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      bankid: { environment: 'simulator', requestTimeoutSeconds: 10 },
      flow: { mode: 'personnummer' },
      timing: {
        collectIntervalSeconds: 2,
        qrRestartWindowSeconds: 180,
        orderTimeoutSeconds: 180,
        idleSeconds: 60,
        waitingIdleSeconds: 180,
        idleWarningSeconds: 20,
        loggedInSeconds: 8,
        outOfServiceRetrySeconds: 30,
        serviceFailuresBeforeOutOfService: 3,
      },
      languages: { available: ['sv', 'en', 'ar', 'so', 'fi'], default: 'sv' },
      school: { name: 'Skolan', primaryColor: '#1f3a5f', accentColor: '#ffd200' },
      banks: [
        'Danske Bank',
        'Forex Bank',
        'Handelsbanken',
        'ICA Banken',
        'Länsförsäkringar',
        'Nordea',
        'SEB',
        'Skandia',
        'Sparbanken Syd',
        'Sparbankerna',
        'Swedbank',
        'Ålandsbanken',
      ],
      logging: { level: 'info', maxFileSizeMB: 10, maxFiles: 14 },
      updates: { enabled: false, checkIntervalMinutes: 60 },
      handoff: { enabled: false, auth: 'hmac', allowedOrigins: [], timeoutSeconds: 10, messageSeconds: 15 },
      staff: { allowExit: false },
      health: { intervalSeconds: 60, heartbeat: { intervalMinutes: 5, timeoutSeconds: 10 } },
    })
  })

  it('gives each caller its own copy of the defaults', async () => {
    const result = await loadSettings({ argv: [], env: {}, platform: 'linux', now: NOW })
    if (!result.ok) throw new Error(result.problem)
    result.settings.banks.push('Min Bank')
    expect(DEFAULT_SETTINGS.banks).not.toContain('Min Bank')
  })
})

describe('a passphrase file saved by Windows Notepad', () => {
  it('works: the byte-order mark and the CRLF are not part of the passphrase', async () => {
    const dir = await scenario(
      { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: { file: 'passphrase.txt' } } },
      { 'rp.p12': () => cert.valid.p12, 'passphrase.txt': `\uFEFF${PASSPHRASE}\r\n` },
    )
    const result = await load(path.join(dir, 'settings.json'))
    if (!result.ok) throw new Error(result.problem)
    expect(result.credentials).toMatchObject({ passphrase: PASSPHRASE })
  })
})

describe('loadSettings with a valid file', () => {
  it('reads every setting, resolves relative paths against the settings folder and proves the certificate', async () => {
    const settings = {
      bankid: {
        environment: 'test',
        certificate: { pkcs12: 'certs/rp.p12' },
        passphrase: { file: 'certs/passphrase.txt' },
        endUserIp: '192.168.10.20',
        intentText: 'Logga in på Testskolans reception',
        requestTimeoutSeconds: 15,
      },
      flow: { mode: 'qr' },
      timing: {
        collectIntervalSeconds: 1.5,
        qrRestartWindowSeconds: 300,
        orderTimeoutSeconds: 240,
        idleSeconds: 45,
        waitingIdleSeconds: 200,
        idleWarningSeconds: 15,
        loggedInSeconds: 5,
        outOfServiceRetrySeconds: 60,
        serviceFailuresBeforeOutOfService: 5,
      },
      languages: { available: ['en', 'sv', 'ar'], default: 'en' },
      school: { name: 'Testskolan', primaryColor: '#003366', accentColor: '#FFCC00' },
      banks: ['Nordea', 'SEB'],
      logging: { directory: 'logs', level: 'debug', maxFileSizeMB: 5, maxFiles: 30 },
      updates: { enabled: true, url: 'https://updates.example.se/kiosk/', checkIntervalMinutes: 120 },
    }
    const dir = await scenario(settings, {
      certs: FOLDER,
      'certs/rp.p12': () => cert.valid.p12,
      // Written by `echo`: the trailing newline is not part of the passphrase.
      'certs/passphrase.txt': `${PASSPHRASE}\n`,
    })
    const result = await load(path.join(dir, 'settings.json'))
    if (!result.ok) throw new Error(result.problem)
    expect(result.fromFile).toBe(true)
    expect(result.path).toBe(path.join(dir, 'settings.json'))
    expect(result.settings).toEqual({
      ...settings,
      bankid: {
        ...settings.bankid,
        certificate: { pkcs12: path.join(dir, 'certs', 'rp.p12') },
        passphrase: { file: path.join(dir, 'certs', 'passphrase.txt') },
      },
      logging: { ...settings.logging, directory: path.join(dir, 'logs') },
      // Hand-off, staff and health have files of their own to read: their own tests cover them.
      handoff: DEFAULT_SETTINGS.handoff,
      staff: DEFAULT_SETTINGS.staff,
      health: DEFAULT_SETTINGS.health,
    })
    expect(result.credentials).toEqual({ kind: 'pkcs12', pfx: cert.valid.p12, passphrase: PASSPHRASE })
    expect(result.certificate).toEqual({
      subject: 'CN=Test RP (settings), O=Testskolan',
      notAfter: new Date(NOW.getTime() + 700 * DAY),
      daysLeft: 700,
    })
    expect(result.warnings).toEqual([])
  })

  it('accepts a PEM pair with the passphrase from an environment variable', async () => {
    const dir = await scenario(
      {
        bankid: {
          environment: 'production',
          certificate: { cert: 'rp.crt', key: 'rp.key' },
          passphrase: { env: 'RP_PASSPHRASE' },
        },
      },
      { 'rp.crt': () => cert.valid.certPem, 'rp.key': () => cert.valid.keyPem },
    )
    const result = await load(path.join(dir, 'settings.json'), { RP_PASSPHRASE: PASSPHRASE })
    if (!result.ok) throw new Error(result.problem)
    expect(result.credentials).toEqual({
      kind: 'pem',
      cert: Buffer.from(cert.valid.certPem),
      key: Buffer.from(cert.valid.keyPem),
      passphrase: PASSPHRASE,
    })
    expect(result.certificate?.daysLeft).toBe(700)
  })

  it("accepts the simulator PKI's client certificate in both forms", async () => {
    const pki = await loadOrCreateSimulatorPki(path.join(root, 'pki'))
    const env = { PASS: CLIENT_PASSPHRASE }
    const passphrase = { env: 'PASS' }
    const p12 = await scenario({ bankid: { environment: 'test', certificate: { pkcs12: pki.clientP12Path }, passphrase } })
    const pem = await scenario({
      bankid: { environment: 'test', certificate: { cert: pki.clientCertPath, key: pki.clientKeyPath }, passphrase },
    })
    for (const dir of [p12, pem]) {
      // The simulator PKI is made valid from today, whatever today is.
      const argv = ['--settings', path.join(dir, 'settings.json')]
      const result = await loadSettings({ argv, env, platform: 'linux', now: new Date() })
      if (!result.ok) throw new Error(result.problem)
      // The .p12 also holds the RP CA; the RP certificate is the leaf.
      expect(result.certificate?.subject).toBe('CN=Simulator RP (kiosk), O=BankID Kiosk Simulator')
    }
  })

  it('accepts {} (all defaults, from a file), a byte-order mark and missing sections', async () => {
    for (const text of ['{}', '\uFEFF{ "flow": { "mode": "qr" } }\n']) {
      const dir = await scenario(text)
      const result = await load(path.join(dir, 'settings.json'))
      if (!result.ok) throw new Error(result.problem)
      expect(result.fromFile).toBe(true)
      expect(result.settings.timing).toEqual(DEFAULT_SETTINGS.timing)
      expect(result.credentials).toBeNull()
    }
  })

  it('warns, and still runs, when the accent would vanish against the header colour', async () => {
    const dir = await scenario({ school: { primaryColor: '#1f3a5f', accentColor: '#203b60' } })
    const result = await load(path.join(dir, 'settings.json'))
    if (!result.ok) throw new Error(result.problem)
    expect(result.settings.school.accentColor).toBe('#203b60')
    expect(result.warnings).toEqual([expect.stringMatching(/^school\.accentColor #203b60 has 1\.0:1 .* uses #ffd200 instead$/)])
  })

  it('finds the file through BANKID_KIOSK_SETTINGS', async () => {
    const dir = await scenario({ school: { name: 'Envskolan' } })
    const env = { BANKID_KIOSK_SETTINGS: path.join(dir, 'settings.json') }
    const result = await loadSettings({ argv: [], env, platform: 'linux', now: NOW })
    expect(result.ok && result.settings.school.name).toBe('Envskolan')
  })

  it('defaults the language to Swedish if offered, else to the first one listed', async () => {
    const withSv = await scenario({ languages: { available: ['en', 'sv'] } })
    const withoutSv = await scenario({ languages: { available: ['fi', 'en'] } })
    const a = await load(path.join(withSv, 'settings.json'))
    const b = await load(path.join(withoutSv, 'settings.json'))
    expect(a.ok && a.settings.languages.default).toBe('sv')
    expect(b.ok && b.settings.languages.default).toBe('fi')
  })
})

// ---- broken files: one exact sentence each ----

interface BrokenRow {
  name: string
  /** settings.json: raw text, or a value written as JSON; undefined writes no settings file */
  settings: unknown
  files?: Record<string, FileContent>
  env?: NodeJS.ProcessEnv
  /** The path given to --settings, relative to the scenario folder */
  settingsFile?: string
  key: string | null
  problem: (dir: string) => string
}

const p12Settings = (pkcs12: string, extra: object = {}) => ({
  bankid: { environment: 'production', certificate: { pkcs12 }, passphrase: { file: 'pass.txt' }, ...extra },
})
const pemSettings = { bankid: { environment: 'test', certificate: { cert: 'rp.crt', key: 'rp.key' }, passphrase: { env: 'RP_PASS' } } }

const BROKEN: BrokenRow[] = [
  {
    name: 'unknown top-level key, with did-you-mean',
    settings: { timeing: {} },
    key: 'timeing',
    problem: () => 'Setting "timeing" is not a known setting (did you mean "timing"?).',
  },
  {
    name: 'unknown nested key, with did-you-mean',
    settings: { bankid: { enviroment: 'test' } },
    key: 'bankid.enviroment',
    problem: () => 'Setting "bankid.enviroment" is not a known setting (did you mean "bankid.environment"?).',
  },
  {
    name: 'unknown nested key, nothing close: the keys allowed there',
    settings: { school: { logo: 'logo.png' } },
    key: 'school.logo',
    problem: () =>
      'Setting "school.logo" is not a known setting (the settings in "school" are "name", "primaryColor", "accentColor").',
  },
  {
    name: 'updates turned on without saying where from',
    settings: { updates: { enabled: true } },
    key: 'updates.url',
    problem: () => 'Setting "updates.url" is required when "updates.enabled" is true.',
  },
  {
    name: 'an update server that is not https',
    settings: { updates: { enabled: true, url: 'http://updates.example.se/' } },
    key: 'updates.url',
    problem: () => 'Setting "updates.url" must be an https:// address (it is "http://updates.example.se/").',
  },
  {
    name: 'unknown top-level key, nothing close',
    settings: { portal: { url: 'https://x' } },
    key: 'portal',
    problem: () =>
      'Setting "portal" is not a known setting (the top-level settings are "bankid", "flow", "timing", "languages", "school", "banks", "logging", "updates", "handoff", "staff", "health").',
  },
  {
    name: 'unknown key inside the certificate',
    settings: { bankid: { environment: 'test', certificate: { pkcs21: 'rp.p12' } } },
    key: 'bankid.certificate.pkcs21',
    problem: () => 'Setting "bankid.certificate.pkcs21" is not a known setting (did you mean "bankid.certificate.pkcs12"?).',
  },
  {
    name: 'a number written as text',
    settings: { timing: { idleSeconds: '60' } },
    key: 'timing.idleSeconds',
    problem: () => 'Setting "timing.idleSeconds" must be a whole number from 15 to 600 (it is "60").',
  },
  {
    name: 'a section that is not an object',
    settings: { timing: [60] },
    key: 'timing',
    problem: () => 'Setting "timing" must be a group of settings in { } (it is a list).',
  },
  {
    name: 'a number above its range',
    settings: { timing: { orderTimeoutSeconds: 1000 } },
    key: 'timing.orderTimeoutSeconds',
    problem: () => 'Setting "timing.orderTimeoutSeconds" must be a whole number from 60 to 600 (it is 1000).',
  },
  {
    name: 'a number below its range',
    settings: { logging: { maxFiles: 0 } },
    key: 'logging.maxFiles',
    problem: () => 'Setting "logging.maxFiles" must be a whole number from 1 to 365 (it is 0).',
  },
  {
    name: 'collectIntervalSeconds 0.5 (faster than BankID allows)',
    settings: { timing: { collectIntervalSeconds: 0.5 } },
    key: 'timing.collectIntervalSeconds',
    problem: () => 'Setting "timing.collectIntervalSeconds" must be a number from 1 to 10 (it is 0.5).',
  },
  {
    name: 'a fraction where a count is wanted',
    settings: { timing: { serviceFailuresBeforeOutOfService: 2.5 } },
    key: 'timing.serviceFailuresBeforeOutOfService',
    problem: () => 'Setting "timing.serviceFailuresBeforeOutOfService" must be a whole number from 1 to 20 (it is 2.5).',
  },
  {
    name: 'a bad environment',
    settings: { bankid: { environment: 'prod' } },
    key: 'bankid.environment',
    problem: () => 'Setting "bankid.environment" must be one of "simulator", "test", "production" or "custom" (it is "prod").',
  },
  {
    name: 'a bad flow mode',
    settings: { flow: { mode: true } },
    key: 'flow.mode',
    problem: () => 'Setting "flow.mode" must be one of "personnummer" or "qr" (it is true).',
  },
  {
    name: 'a bad log level',
    settings: { logging: { level: 'verbose' } },
    key: 'logging.level',
    problem: () => 'Setting "logging.level" must be one of "error", "warn", "info" or "debug" (it is "verbose").',
  },
  {
    name: 'an unknown language code',
    settings: { languages: { available: ['sv', 'de'] } },
    key: 'languages.available',
    problem: () => 'Item 2 of setting "languages.available" must be one of "sv", "en", "ar", "so" or "fi" (it is "de").',
  },
  {
    name: 'the default language is not offered',
    settings: { languages: { available: ['sv', 'en'], default: 'fi' } },
    key: 'languages.default',
    problem: () => 'Setting "languages.default" must be one of the languages in "languages.available" ("sv", "en") (it is "fi").',
  },
  {
    name: 'a language twice',
    settings: { languages: { available: ['sv', 'en', 'en'] } },
    key: 'languages.available',
    problem: () => 'Setting "languages.available" lists "en" twice.',
  },
  {
    name: 'no languages',
    settings: { languages: { available: [] } },
    key: 'languages.available',
    problem: () =>
      'Setting "languages.available" must list at least one of the languages "sv", "en", "ar", "so" and "fi" (it is empty).',
  },
  {
    name: 'no banks',
    settings: { banks: [] },
    key: 'banks',
    problem: () => 'Setting "banks" must list 1 to 30 bank names (it is empty).',
  },
  {
    name: 'a bank that is not text',
    settings: { banks: ['Nordea', 42] },
    key: 'banks',
    problem: () => 'Item 2 of setting "banks" must be a bank name of 1 to 60 characters (it is 42).',
  },
  {
    name: 'a bank twice (ignoring case)',
    settings: { banks: ['SEB', 'Nordea', 'seb'] },
    key: 'banks',
    problem: () => 'Setting "banks" lists "seb" twice.',
  },
  {
    name: 'a bad colour',
    settings: { school: { primaryColor: 'navy' } },
    key: 'school.primaryColor',
    problem: () => 'Setting "school.primaryColor" must be a colour written as #rrggbb, like "#1f3a5f" (it is "navy").',
  },
  {
    name: 'a school name too long',
    settings: { school: { name: 'S'.repeat(81) } },
    key: 'school.name',
    problem: () => 'Setting "school.name" must be text of 1 to 80 characters (it has 81 characters).',
  },
  {
    name: 'a blank school name',
    settings: { school: { name: '   ' } },
    key: 'school.name',
    problem: () => 'Setting "school.name" must not be blank (it is "   ").',
  },
  {
    name: 'a bad endUserIp, echoed at most 40 characters',
    settings: { bankid: { endUserIp: 'this-is-a-host-name-and-not-an-ip-address.example.com' } },
    key: 'bankid.endUserIp',
    problem: () =>
      'Setting "bankid.endUserIp" must be an IPv4 or IPv6 address (it is "this-is-a-host-name-and-not-an-ip-addres…").',
  },
  {
    name: 'an intent text longer than BankID takes in UTF-8',
    settings: { bankid: { intentText: 'å'.repeat(600) } },
    key: 'bankid.intentText',
    problem: () =>
      `Setting "bankid.intentText" is too long for BankID: at most 1125 bytes as UTF-8 (å, ä, ö and other non-ASCII letters count as 2 or more) (it is "${'å'.repeat(40)}…").`,
  },
  {
    name: 'not JSON (a trailing comma), with line and column',
    settings: '{\n  "flow": { "mode": "qr" },\n}\n',
    key: null,
    problem: (d) =>
      `The settings file ${path.join(d, 'settings.json')} is not valid JSON: Expected double-quoted property name at line 3, column 1.`,
  },
  {
    name: 'not JSON (a Windows path with single backslashes)',
    settings: '{ "logging": { "directory": "C:\\logs" } }',
    key: null,
    problem: (d) =>
      `The settings file ${path.join(d, 'settings.json')} is not valid JSON: Bad escaped character at line 1, column 33 (write each \\ in a path as \\\\ or use /).`,
  },
  {
    name: 'a JSON list',
    settings: '[{ "flow": { "mode": "qr" } }]',
    key: null,
    problem: (d) => `The settings file ${path.join(d, 'settings.json')} must hold one JSON object in { } (it holds a list).`,
  },
  {
    name: 'a JSON string',
    settings: '"qr"',
    key: null,
    problem: (d) => `The settings file ${path.join(d, 'settings.json')} must hold one JSON object in { } (it holds a string).`,
  },
  {
    name: 'an empty file',
    settings: ' \n',
    key: null,
    problem: (d) => `The settings file ${path.join(d, 'settings.json')} is empty (write {} in it to use all the defaults).`,
  },
  {
    name: 'a file over 1 MB',
    settings: `{ "school": { "name": "x" }${' '.repeat(1024 * 1024)}}`,
    key: null,
    problem: (d) => `The settings file ${path.join(d, 'settings.json')} is too large (1048604 bytes; at most 1 MB).`,
  },
  {
    name: 'the settings path is a folder',
    settings: undefined,
    files: { 'settings.json': FOLDER },
    key: null,
    problem: (d) => `The settings file ${path.join(d, 'settings.json')} cannot be read (it is a folder).`,
  },
  {
    name: 'an explicit --settings path that does not exist',
    settings: undefined,
    settingsFile: 'missing.json',
    key: null,
    problem: (d) => `The settings file ${path.join(d, 'missing.json')} does not exist (it was named by --settings).`,
  },
  {
    name: 'certificate missing for production',
    settings: { bankid: { environment: 'production' } },
    key: 'bankid.certificate',
    problem: () => 'Setting "bankid.certificate" is required when "bankid.environment" is "production".',
  },
  {
    name: 'certificate given for the simulator',
    settings: { bankid: { certificate: { pkcs12: 'rp.p12' } } },
    key: 'bankid.certificate',
    problem: () =>
      'Setting "bankid.certificate" must not be set when "bankid.environment" is "simulator" (the simulator uses its own certificate).',
  },
  {
    name: 'both a .p12 and a PEM pair',
    settings: { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12', cert: 'rp.crt', key: 'rp.key' } } },
    key: 'bankid.certificate',
    problem: () => 'Setting "bankid.certificate" must name either a "pkcs12" file or a "cert" and a "key" file, not both.',
  },
  {
    name: 'a PEM certificate without its key',
    settings: { bankid: { environment: 'test', certificate: { cert: 'rp.crt' } } },
    key: 'bankid.certificate.key',
    problem: () => 'Setting "bankid.certificate.key" is required with "bankid.certificate.cert".',
  },
  {
    name: 'the passphrase written inline',
    settings: { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: WRONG_PASSPHRASE } },
    key: 'bankid.passphrase',
    problem: () =>
      'Setting "bankid.passphrase" must be either { "file": "path" } or { "env": "VARIABLE_NAME" } (the passphrase itself never goes in this file).',
  },
  {
    name: 'a passphrase env name that is not a variable name',
    settings: { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: { env: '$RP_PASS' } } },
    key: 'bankid.passphrase.env',
    problem: () => 'Setting "bankid.passphrase.env" must be the name of an environment variable (letters, digits and _).',
  },
  {
    name: 'the certificate file does not exist',
    settings: p12Settings('nope.p12'),
    files: { 'pass.txt': PASSPHRASE },
    key: 'bankid.certificate.pkcs12',
    problem: (d) => `Setting "bankid.certificate.pkcs12": the file ${path.join(d, 'nope.p12')} does not exist.`,
  },
  {
    name: 'the certificate path is a folder',
    settings: p12Settings('certs'),
    files: { certs: FOLDER, 'pass.txt': PASSPHRASE },
    key: 'bankid.certificate.pkcs12',
    problem: (d) => `Setting "bankid.certificate.pkcs12": the file ${path.join(d, 'certs')} cannot be read (it is a folder).`,
  },
  {
    name: 'the key of a PEM pair does not exist',
    settings: pemSettings,
    files: { 'rp.crt': () => cert.valid.certPem },
    env: { RP_PASS: PASSPHRASE },
    key: 'bankid.certificate.key',
    problem: (d) => `Setting "bankid.certificate.key": the file ${path.join(d, 'rp.key')} does not exist.`,
  },
  {
    name: 'the passphrase variable is not set',
    settings: pemSettings,
    files: { 'rp.crt': () => cert.valid.certPem, 'rp.key': () => cert.valid.keyPem },
    key: 'bankid.passphrase.env',
    problem: () => 'Setting "bankid.passphrase.env": the environment variable RP_PASS is not set.',
  },
  {
    name: 'the passphrase file is empty',
    settings: p12Settings('rp.p12'),
    files: { 'rp.p12': () => cert.valid.p12, 'pass.txt': '\n' },
    key: 'bankid.passphrase.file',
    problem: (d) => `Setting "bankid.passphrase.file": the file ${path.join(d, 'pass.txt')} is empty.`,
  },
  {
    name: 'a wrong passphrase for a .p12',
    settings: p12Settings('rp.p12'),
    files: { 'rp.p12': () => cert.valid.p12, 'pass.txt': WRONG_PASSPHRASE },
    key: 'bankid.passphrase',
    problem: (d) => `Setting "bankid.passphrase": the passphrase is wrong for ${path.join(d, 'rp.p12')}.`,
  },
  {
    name: 'a wrong passphrase for a PEM key',
    settings: pemSettings,
    files: { 'rp.crt': () => cert.valid.certPem, 'rp.key': () => cert.valid.keyPem },
    env: { RP_PASS: WRONG_PASSPHRASE },
    key: 'bankid.passphrase',
    problem: (d) => `Setting "bankid.passphrase": the passphrase is wrong for ${path.join(d, 'rp.key')}.`,
  },
  {
    name: 'no passphrase for a protected .p12',
    settings: { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' } } },
    files: { 'rp.p12': () => cert.valid.p12 },
    key: 'bankid.passphrase',
    problem: (d) => `Setting "bankid.passphrase" is required: ${path.join(d, 'rp.p12')} is protected by a passphrase.`,
  },
  {
    name: 'a .p12 that is not a certificate',
    settings: p12Settings('rp.p12'),
    files: { 'rp.p12': 'Beställ certifikatet från banken.\n', 'pass.txt': PASSPHRASE },
    key: 'bankid.certificate.pkcs12',
    problem: (d) => `Setting "bankid.certificate.pkcs12": the file ${path.join(d, 'rp.p12')} is not a PKCS#12 (.p12) file.`,
  },
  {
    name: 'a PEM file given as the .p12',
    settings: p12Settings('rp.crt'),
    files: { 'rp.crt': () => cert.valid.certPem, 'pass.txt': PASSPHRASE },
    key: 'bankid.certificate.pkcs12',
    problem: (d) =>
      `Setting "bankid.certificate.pkcs12": ${path.join(d, 'rp.crt')} is a PEM file, not PKCS#12 (for PEM files set "bankid.certificate.cert" and "key").`,
  },
  {
    name: 'a PEM certificate file that is not a certificate',
    settings: pemSettings,
    files: { 'rp.crt': () => cert.valid.keyPem, 'rp.key': () => cert.valid.keyPem },
    env: { RP_PASS: PASSPHRASE },
    key: 'bankid.certificate.cert',
    problem: (d) => `Setting "bankid.certificate.cert": the file ${path.join(d, 'rp.crt')} is not a PEM certificate.`,
  },
  {
    name: 'a PEM key file that is not a key',
    settings: pemSettings,
    files: { 'rp.crt': () => cert.valid.certPem, 'rp.key': () => cert.valid.certPem },
    env: { RP_PASS: PASSPHRASE },
    key: 'bankid.certificate.key',
    problem: (d) => `Setting "bankid.certificate.key": the file ${path.join(d, 'rp.key')} is not a PEM private key.`,
  },
  {
    name: 'a PEM key that belongs to another certificate',
    settings: pemSettings,
    files: {
      'rp.crt': () => cert.valid.certPem,
      'rp.key': () =>
        otherKey.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }),
    },
    env: { RP_PASS: PASSPHRASE },
    key: 'bankid.certificate.key',
    problem: (d) =>
      `Setting "bankid.certificate.key": the key in ${path.join(d, 'rp.key')} does not belong to the certificate in ${path.join(d, 'rp.crt')}.`,
  },
  {
    name: 'an expired certificate',
    settings: p12Settings('rp.p12'),
    files: { 'rp.p12': () => cert.expired.p12, 'pass.txt': PASSPHRASE },
    key: 'bankid.certificate.pkcs12',
    problem: (d) => `Setting "bankid.certificate.pkcs12": the RP certificate in ${path.join(d, 'rp.p12')} expired on 2026-01-31.`,
  },
  {
    name: 'an expired PEM certificate',
    settings: pemSettings,
    files: { 'rp.crt': () => cert.expired.certPem, 'rp.key': () => cert.expired.keyPem },
    env: { RP_PASS: PASSPHRASE },
    key: 'bankid.certificate.cert',
    problem: (d) => `Setting "bankid.certificate.cert": the RP certificate in ${path.join(d, 'rp.crt')} expired on 2026-01-31.`,
  },
  {
    name: 'a certificate not yet valid',
    settings: p12Settings('rp.p12'),
    files: { 'rp.p12': () => cert.notYet.p12, 'pass.txt': PASSPHRASE },
    key: 'bankid.certificate.pkcs12',
    problem: (d) =>
      `Setting "bankid.certificate.pkcs12": the RP certificate in ${path.join(d, 'rp.p12')} is not valid until 2026-04-01 (check the computer's clock).`,
  },
]

describe('loadSettings with a broken settings file', () => {
  it.each(BROKEN)('$name', async (row) => {
    const dir = await scenario(row.settings, row.files)
    const result = await load(path.join(dir, row.settingsFile ?? 'settings.json'), row.env)
    expect(result).toEqual({
      ok: false,
      path: path.join(dir, row.settingsFile ?? 'settings.json'),
      key: row.key,
      problem: row.problem(dir),
    })
  })

  it('names the environment variable when the file it points at is missing', async () => {
    const dir = await scenario(undefined)
    const file = path.join(dir, 'missing.json')
    const result = await loadSettings({ argv: [], env: { BANKID_KIOSK_SETTINGS: file }, platform: 'linux', now: NOW })
    expect(result).toEqual({
      ok: false,
      path: file,
      key: null,
      problem: `The settings file ${file} does not exist (it was named by the environment variable BANKID_KIOSK_SETTINGS).`,
    })
  })

  it('says so when --settings has no value', async () => {
    const result = await loadSettings({ argv: ['kiosk', '--settings'], env: {}, platform: 'linux', now: NOW })
    expect(result).toEqual({ ok: false, path: '', key: null, problem: 'The --settings option needs the path of a settings file.' })
  })

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('says so when a file cannot be read', async () => {
    const dir = await scenario(p12Settings('rp.p12'), { 'rp.p12': () => cert.valid.p12, 'pass.txt': PASSPHRASE })
    await chmod(path.join(dir, 'pass.txt'), 0o000)
    const result = await load(path.join(dir, 'settings.json'))
    expect(!result.ok && result.problem).toBe(
      `Setting "bankid.passphrase.file": the file ${path.join(dir, 'pass.txt')} cannot be read (permission denied).`,
    )
  })

  it('reports only the first problem, as one sentence', async () => {
    const dir = await scenario({ timing: { idleSeconds: 1, loggedInSeconds: 1000 }, flow: { mode: 'x' } })
    const result = await load(path.join(dir, 'settings.json'))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problem.match(/\.(\s|$)/g)).toHaveLength(1)
  })
})

// ---- expiry warnings ----

describe('RP certificate expiry', () => {
  it('warns, and still runs, when the certificate expires within 30 days', async () => {
    const dir = await scenario(p12Settings('rp.p12'), { 'rp.p12': () => cert.in10Days.p12, 'pass.txt': PASSPHRASE })
    const result = await load(path.join(dir, 'settings.json'))
    if (!result.ok) throw new Error(result.problem)
    expect(result.certificate?.daysLeft).toBe(10)
    expect(result.warnings).toEqual([
      `Setting "bankid.certificate.pkcs12": the RP certificate in ${path.join(dir, 'rp.p12')} expires on 2026-03-11 (in 10 days); order a new one from the bank before then.`,
    ])
  })

  it('does not warn 40 days ahead', async () => {
    const dir = await scenario(p12Settings('rp.p12'), { 'rp.p12': () => cert.in40Days.p12, 'pass.txt': PASSPHRASE })
    const result = await load(path.join(dir, 'settings.json'))
    if (!result.ok) throw new Error(result.problem)
    expect(result.certificate?.daysLeft).toBe(40)
    expect(result.warnings).toEqual([])
  })
})

// ---- secrets ----

describe('secrets', () => {
  it('never puts a passphrase, right or wrong, into a problem, a warning or the settings', async () => {
    const secretFile = { 'pass.txt': `${WRONG_PASSPHRASE}\n` }
    const cases: [unknown, Record<string, FileContent>, string?][] = [
      // wrong passphrase from a file, for a .p12 and a PEM key
      [p12Settings('rp.p12'), { 'rp.p12': () => cert.valid.p12, ...secretFile }],
      [
        { bankid: { environment: 'test', certificate: { cert: 'rp.crt', key: 'rp.key' }, passphrase: { file: 'pass.txt' } } },
        { 'rp.crt': () => cert.valid.certPem, 'rp.key': () => cert.valid.keyPem, ...secretFile },
      ],
      // the passphrase file given where a certificate belongs
      [p12Settings('pass.txt'), secretFile],
      [
        { bankid: { environment: 'test', certificate: { cert: 'pass.txt', key: 'pass.txt' }, passphrase: { file: 'pass.txt' } } },
        secretFile,
      ],
      // the passphrase file given as the settings file
      [{}, secretFile, 'pass.txt'],
      // the passphrase pasted into the settings file
      [{ bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: WRONG_PASSPHRASE } }, {}],
      [{ bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: { env: WRONG_PASSPHRASE } } }, {}],
      [{ bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: { file: 1, env: WRONG_PASSPHRASE } } }, {}],
    ]
    for (const [settings, files, settingsFile] of cases) {
      const dir = await scenario(settings, files)
      const result = await load(path.join(dir, settingsFile ?? 'settings.json'), { RP_PASS: WRONG_PASSPHRASE })
      expect(result.ok).toBe(false)
      expect(JSON.stringify(result)).not.toContain(WRONG_PASSPHRASE)
      expect(JSON.stringify(result)).not.toContain(WRONG_PASSPHRASE.slice(0, 8))
    }
  })

  it('hands the right passphrase only to the credentials', async () => {
    const dir = await scenario(
      { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: { env: 'RP_PASS' } } },
      { 'rp.p12': () => cert.in10Days.p12 },
    )
    const result = await load(path.join(dir, 'settings.json'), { RP_PASS: PASSPHRASE })
    if (!result.ok) throw new Error(result.problem)
    expect(result.credentials?.passphrase).toBe(PASSPHRASE)
    const { credentials: _credentials, ...rest } = result
    expect(result.warnings).toHaveLength(1)
    expect(JSON.stringify(rest)).not.toContain(PASSPHRASE)
  })
})
