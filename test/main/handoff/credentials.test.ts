// The handoff section: the schema's sentences, and what the kiosk reads at start (the secret, the
// client certificate, the CA), each problem one sentence naming the key, never echoing a secret.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kioskIdFor } from '../../../src/main/handoff/wiring'
import { SecretBytes, loadHandoffCredentials } from '../../../src/main/handoff/credentials'
import { loadSettings } from '../../../src/main/load-settings'
import { checkSettings } from '../../../src/main/settings/load'
import type { KioskSettings } from '../../../src/main/settings/schema'
import { CLIENT_PASSPHRASE } from '../../../src/main/simulator/certificates'
import type { SimulatorPki } from '../../../src/main/simulator/certificates'
import { SECRET_TEXT, handoffPki } from '../../support/handoff'

const NOW = new Date()
let dir: string
let pki: SimulatorPki

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-handoff-settings-'))
  pki = await handoffPki()
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const problemOf = (settings: unknown) => {
  const result = checkSettings(settings)
  return result.ok ? null : result.problem
}
// The simulator is the default environment: a hand-off with it is a demonstration, said so.
const ENABLED = { enabled: true, url: 'https://portal.example-skola.se/kiosk/login', demo: true }

describe('the schema', () => {
  it('is off by default, and these are the defaults', () => {
    const result = checkSettings({})
    expect(result.ok && result.settings.handoff).toEqual({
      enabled: false,
      auth: 'hmac',
      allowedOrigins: [],
      timeoutSeconds: 10,
      messageSeconds: 15,
    })
  })

  it.each([
    [{ enabled: true }, 'Setting "handoff.url" is required when "handoff.enabled" is true.'],
    [ENABLED, 'Setting "handoff.secret" is required when "handoff.enabled" is true and "handoff.auth" is "hmac".'],
    [{ ...ENABLED, auth: 'mtls' }, 'Setting "handoff.certificate" is required when "handoff.enabled" is true and "handoff.auth" is "mtls".'],
    [{ auth: 'mtls', secret: { env: 'S' } }, 'Setting "handoff.secret" must not be set when "handoff.auth" is "mtls".'],
    [{ certificate: { pkcs12: 'c.p12' } }, 'Setting "handoff.certificate" must not be set when "handoff.auth" is "hmac".'],
    [{ url: 'http://portal.example-skola.se/' }, 'Setting "handoff.url" must be an https:// address without a user name or password.'],
    [{ auth: 'oauth' }, 'Setting "handoff.auth" must be one of "hmac", "mtls" or "gateway" (it is "oauth").'],
    [{ timeoutSeconds: 60 }, 'Setting "handoff.timeoutSeconds" must be a whole number from 1 to 30 (it is 60).'],
    [{ messageSeconds: 2 }, 'Setting "handoff.messageSeconds" must be a whole number from 5 to 120 (it is 2).'],
    [
      { allowedOrigins: ['https://portal.example-skola.se/start'] },
      'Item 1 of setting "handoff.allowedOrigins" must be an https:// origin without a path, like "https://portal.example-skola.se" (it is "https://portal.example-skola.se/start").',
    ],
    [{ allowedOrigins: 'https://a.se' }, 'Setting "handoff.allowedOrigins" must be a list of https:// origins (it is "https://a.se").'],
    [{ kioskId: 'reception 1' }, 'Setting "handoff.kioskId" must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit (it is "reception 1").'],
  ])('%j → %s', (handoff, sentence) => {
    expect(problemOf({ handoff })).toBe(sentence)
  })

  it('refuses the hand-off with the simulator unless it is declared a demonstration (simulated logins signed with a real secret)', () => {
    const { demo: _demo, ...real } = { ...ENABLED, secret: { env: 'HANDOFF_SECRET' } }
    expect(problemOf({ handoff: real })).toBe(
      'Setting "handoff.enabled" can be true with "bankid.environment" "simulator" only when "handoff.demo" is also true, so that simulated logins never reach a real service with its real secret (it is true).',
    )
    expect(checkSettings({ handoff: { ...real, demo: true } }).ok).toBe(true)
    expect(problemOf({ bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' } }, handoff: { demo: true } })).toBe(
      'Setting "handoff.demo" can be true only when "bankid.environment" is "simulator", and that is "test" (it is true).',
    )
  })

  it('never repeats a secret or a URL that might hold one', () => {
    expect(problemOf({ handoff: { secret: 'the-secret-itself-pasted-here' } })).toBe(
      'Setting "handoff.secret" must be either { "file": "path" } or { "env": "VARIABLE_NAME" } (the secret itself never goes in this file).',
    )
    expect(problemOf({ handoff: { passphrase: 'hunter2' } })).not.toContain('hunter2')
    expect(problemOf({ handoff: { url: 'https://user:hunter2@a.se/' } })).not.toContain('hunter2')
  })

  it('writes the allowed origins in one spelling', () => {
    const result = checkSettings({ handoff: { allowedOrigins: ['https://Portal.Example-Skola.se:443/', 'https://login.example-kommun.se:8443'] } })
    expect(result.ok && result.settings.handoff.allowedOrigins).toEqual(['https://portal.example-skola.se', 'https://login.example-kommun.se:8443'])
  })
})

describe('loadHandoffCredentials', () => {
  const settings = (handoff: Record<string, unknown>): KioskSettings['handoff'] => {
    const result = checkSettings({ handoff: { ...ENABLED, ...handoff } })
    if (!result.ok) throw new Error(result.problem)
    return result.settings.handoff
  }
  const file = async (name: string, content: string | Buffer) => {
    const at = path.join(dir, name)
    await writeFile(at, content)
    return at
  }

  it('reads nothing while the hand-off is off', async () => {
    const off = checkSettings({ handoff: { secret: { file: '/does/not/exist' } } })
    expect(off.ok && (await loadHandoffCredentials(off.settings.handoff, {}, NOW))).toEqual({ ok: true, credentials: null, warnings: [] })
  })

  it('a secret file: its text less a byte-order mark and one line break; the secret never shows', async () => {
    const secretFile = await file('secret.txt', `\uFEFF${SECRET_TEXT}\r\n`)
    const loaded = await loadHandoffCredentials(settings({ secret: { file: secretFile } }), {}, NOW)
    if (!loaded.ok || !loaded.credentials || loaded.credentials.auth.kind !== 'hmac') throw new Error('not loaded')
    expect(loaded.credentials.auth.secret.reveal().toString('utf8')).toBe(SECRET_TEXT)
    expect(loaded.credentials.caPem).toBeNull()
    for (const shown of [JSON.stringify(loaded), inspect(loaded, { depth: 10 }), String(loaded.credentials.auth.secret)]) {
      expect(shown).not.toContain(SECRET_TEXT)
    }
  })

  it('a secret from the environment', async () => {
    const loaded = await loadHandoffCredentials(settings({ secret: { env: 'HANDOFF_SECRET' } }), { HANDOFF_SECRET: SECRET_TEXT }, NOW)
    expect(loaded.ok && loaded.credentials?.auth.kind).toBe('hmac')
  })

  it.each([
    ['a short secret', async () => ({ file: await file('short.txt', 'only-twenty-bytes!!!\n') }), {}, 'Setting "handoff.secret.file": the secret in the file'],
    ['a missing file', async () => ({ file: path.join(dir, 'nope.txt') }), {}, 'does not exist.'],
    ['an empty file', async () => ({ file: await file('empty.txt', '\n') }), {}, 'is empty.'],
    ['an unset variable', async () => ({ env: 'NOT_SET' }), {}, 'Setting "handoff.secret.env": the environment variable NOT_SET is not set.'],
  ])('refuses %s', async (_, source, env, sentence) => {
    const loaded = await loadHandoffCredentials(settings({ secret: await source() }), env, NOW)
    expect(loaded.ok).toBe(false)
    if (!loaded.ok) expect(loaded.problem).toContain(sentence)
    if (!loaded.ok && loaded.problem.includes('too short')) expect(loaded.problem).toContain('(20 bytes; at least 32')
  })

  it('a client certificate for mutual TLS, with its passphrase; a wrong or missing passphrase is named', async () => {
    const good = await file('pass.txt', `${CLIENT_PASSPHRASE}\n`)
    const wrong = await file('wrong.txt', 'not-the-passphrase')
    const mtls = (extra: Record<string, unknown>) => settings({ auth: 'mtls', certificate: { pkcs12: pki.clientP12Path }, ...extra })
    const loaded = await loadHandoffCredentials(mtls({ passphrase: { file: good } }), {}, NOW)
    expect(loaded.ok && loaded.credentials?.auth).toMatchObject({ kind: 'mtls', passphrase: CLIENT_PASSPHRASE })
    expect(await loadHandoffCredentials(mtls({ passphrase: { file: wrong } }), {}, NOW)).toMatchObject({
      ok: false,
      key: 'handoff.passphrase',
      problem: expect.stringContaining('the passphrase is wrong for'),
    })
    expect(await loadHandoffCredentials(mtls({}), {}, NOW)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('Setting "handoff.passphrase" is required:'),
    })
    const notP12 = await file('not.p12', 'hello')
    expect(
      await loadHandoffCredentials(settings({ auth: 'mtls', certificate: { pkcs12: notP12 } }), {}, NOW),
    ).toMatchObject({ ok: false, key: 'handoff.certificate.pkcs12' })
  })

  it('the CA: a PEM certificate, or one sentence', async () => {
    const secretFile = await file('secret2.txt', SECRET_TEXT)
    const loaded = await loadHandoffCredentials(settings({ secret: { file: secretFile }, ca: pki.serverCaPath }), {}, NOW)
    expect(loaded.ok && loaded.credentials?.caPem).toBe(pki.serverCaPem)
    const notPem = await file('ca.txt', 'not a certificate')
    expect(await loadHandoffCredentials(settings({ secret: { file: secretFile }, ca: notPem }), {}, NOW)).toMatchObject({
      ok: false,
      key: 'handoff.ca',
      problem: expect.stringMatching(/^Setting "handoff.ca": the file .* is not a PEM certificate\.$/),
    })
  })
})

describe('loadSettings with a hand-off', () => {
  it('resolves its files next to the settings file and hands over the credentials', async () => {
    const folder = await mkdtemp(path.join(dir, 'kiosk-'))
    await writeFile(path.join(folder, 'secret.txt'), SECRET_TEXT)
    await writeFile(path.join(folder, 'ca.pem'), pki.serverCaPem)
    await writeFile(
      path.join(folder, 'settings.json'),
      JSON.stringify({ handoff: { ...ENABLED, secret: { file: 'secret.txt' }, ca: 'ca.pem', allowedOrigins: ['https://portal.example-skola.se'] } }),
    )
    const result = await loadSettings({ argv: ['--settings', path.join(folder, 'settings.json')], env: {}, platform: process.platform, now: NOW })
    if (!result.ok) throw new Error(result.problem)
    expect(result.settings.handoff).toMatchObject({ secret: { file: path.join(folder, 'secret.txt') }, ca: path.join(folder, 'ca.pem') })
    expect(result.handoff?.auth.kind).toBe('hmac')
    expect(result.handoff?.caPem).toBe(pki.serverCaPem)
  })

  it('a missing secret file keeps the kiosk out of service with the sentence', async () => {
    const folder = await mkdtemp(path.join(dir, 'kiosk-'))
    await writeFile(path.join(folder, 'settings.json'), JSON.stringify({ handoff: { ...ENABLED, secret: { file: 'secret.txt' } } }))
    const result = await loadSettings({ argv: ['--settings', path.join(folder, 'settings.json')], env: {}, platform: process.platform, now: NOW })
    expect(result).toMatchObject({ ok: false, key: 'handoff.secret.file' })
    expect(!result.ok && result.problem).toMatch(/^Setting "handoff.secret.file": the file .*secret\.txt.* does not exist\.$/)
  })
})

describe('kioskIdFor', () => {
  it('the setting if given, else the computer’s name in the allowed alphabet', () => {
    expect(kioskIdFor('reception-1', 'ignored')).toBe('reception-1')
    expect(kioskIdFor(undefined, 'RECEPTION-01')).toBe('RECEPTION-01')
    expect(kioskIdFor(undefined, 'Expedition Hus A')).toBe('Expedition-Hus-A')
    expect(kioskIdFor(undefined, '')).toBe('kiosk')
  })
})

it('SecretBytes hides itself from JSON, inspect and string conversion', () => {
  const secret = new SecretBytes(Buffer.from(SECRET_TEXT))
  expect(JSON.stringify({ secret })).toBe('{"secret":"[secret]"}')
  expect(inspect({ secret })).toBe('{ secret: [secret] }')
  expect(`${secret}`).toBe('[secret]')
  expect(secret.length).toBe(64)
})
