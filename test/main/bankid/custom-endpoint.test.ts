// bankid.environment "custom": any RP API v6 endpoint (the municipality's gateway) with its own CA
// as the only trust anchor and the kiosk's own certificate. Each mistake is one sentence naming the key.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSettings } from '../../../src/main/load-settings'
import { CLIENT_PASSPHRASE, loadOrCreateSimulatorPki } from '../../../src/main/simulator/certificates'
import type { SimulatorPki } from '../../../src/main/simulator/certificates'
import { TEST_PKI_DIR } from '../../support/simulator'

let root: string
let pki: SimulatorPki
let scenarios = 0

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'kiosk-custom-'))
  pki = await loadOrCreateSimulatorPki(TEST_PKI_DIR)
})
afterAll(() => rm(root, { recursive: true, force: true }))

const GOOD_BANKID = {
  environment: 'custom',
  url: 'https://gateway.example-kommun.se:8443/rp/v6.0/',
  ca: 'gateway-ca.pem',
  certificate: { pkcs12: 'kiosk.p12' },
  passphrase: { file: 'kiosk-passphrase.txt' },
}

/** A folder with settings.json and the gateway CA, kiosk certificate and passphrase beside it. */
async function load(settings: Record<string, unknown>, files: { ca?: string | 'server-cert' | 'none' } = {}) {
  const dir = path.join(root, `s${++scenarios}`)
  await mkdir(dir)
  if (files.ca !== 'none') {
    if (files.ca === 'server-cert') await copyFile(pki.serverCertPath, path.join(dir, 'gateway-ca.pem'))
    else if (files.ca !== undefined) await writeFile(path.join(dir, 'gateway-ca.pem'), files.ca)
    else await copyFile(pki.serverCaPath, path.join(dir, 'gateway-ca.pem'))
  }
  await copyFile(pki.clientP12Path, path.join(dir, 'kiosk.p12'))
  await writeFile(path.join(dir, 'kiosk-passphrase.txt'), `${CLIENT_PASSPHRASE}\n`)
  await writeFile(path.join(dir, 'settings.json'), JSON.stringify(settings))
  return loadSettings({ argv: ['--settings', path.join(dir, 'settings.json')], env: {}, platform: 'linux', now: new Date() })
}

describe('bankid.environment "custom"', () => {
  it('loads the endpoint, its CA (the only trust anchor) and the kiosk certificate', async () => {
    const result = await load({ bankid: GOOD_BANKID })
    if (!result.ok) throw new Error(result.problem)
    expect(result.settings.bankid.url).toBe(GOOD_BANKID.url)
    expect(result.endpointCaPem).toContain('-----BEGIN CERTIFICATE-----')
    expect(result.endpointCaPem?.trim()).toBe((await import('node:fs')).readFileSync(pki.serverCaPath, 'utf8').trim())
    expect(result.credentials?.kind).toBe('pkcs12')
    // Relative paths are relative to the settings file.
    expect(path.isAbsolute(result.settings.bankid.ca ?? '')).toBe(true)
  })

  it.each([
    [{ ...GOOD_BANKID, url: undefined }, 'bankid.url', 'Setting "bankid.url" is required when "bankid.environment" is "custom".'],
    [{ ...GOOD_BANKID, ca: undefined }, 'bankid.ca', 'Setting "bankid.ca" is required when "bankid.environment" is "custom".'],
    [
      { ...GOOD_BANKID, url: 'http://gateway.example-kommun.se/rp/v6.0/' },
      'bankid.url',
      'Setting "bankid.url" must be an https:// address without a user name, password, query or fragment',
    ],
    [
      { ...GOOD_BANKID, url: 'https://admin:pw@gateway.example-kommun.se/rp/v6.0/' },
      'bankid.url',
      'Setting "bankid.url" must be an https:// address without a user name, password, query or fragment.',
    ],
    [{ ...GOOD_BANKID, certificate: undefined }, 'bankid.certificate', 'Setting "bankid.certificate" is required when "bankid.environment" is "custom".'],
    [
      { environment: 'production', certificate: { pkcs12: 'kiosk.p12' }, url: GOOD_BANKID.url },
      'bankid.url',
      'Setting "bankid.url" must not be set when "bankid.environment" is "production"',
    ],
  ])('%j → %s', async (bankid, key, problem) => {
    const result = await load({ bankid })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.key).toBe(key)
    expect(result.problem.startsWith(problem), result.problem).toBe(true)
    // An address may carry a password: it is never echoed.
    expect(result.problem).not.toContain(':pw@')
  })

  it('names bankid.ca when the CA file is missing, is not a certificate, or is a server certificate', async () => {
    const missing = await load({ bankid: GOOD_BANKID }, { ca: 'none' })
    expect(missing).toMatchObject({ ok: false, key: 'bankid.ca' })
    expect(!missing.ok && missing.problem).toMatch(/^Setting "bankid\.ca": the file .*gateway-ca\.pem does not exist\.$/)

    const garbage = await load({ bankid: GOOD_BANKID }, { ca: 'not a certificate' })
    expect(garbage).toMatchObject({ ok: false, key: 'bankid.ca' })
    expect(!garbage.ok && garbage.problem).toMatch(/is not a PEM certificate\.$/)

    const serverCert = await load({ bankid: GOOD_BANKID }, { ca: 'server-cert' })
    expect(serverCert).toMatchObject({ ok: false, key: 'bankid.ca' })
    expect(!serverCert.ok && serverCert.problem).toMatch(/is not a CA certificate; name the CA that issued the server's certificate\.$/)
  })

  it('words certificate problems as the kiosk certificate, not the RP certificate', async () => {
    const result = await load({ bankid: { ...GOOD_BANKID, passphrase: undefined } })
    expect(result).toMatchObject({ ok: false, key: 'bankid.passphrase' })
  })
})

describe('handoff.auth "gateway"', () => {
  it('needs no url, secret or certificate on the kiosk', async () => {
    const result = await load({
      bankid: GOOD_BANKID,
      handoff: { enabled: true, auth: 'gateway', allowedOrigins: ['https://portal.example-skola.se'] },
    })
    if (!result.ok) throw new Error(result.problem)
    expect(result.handoff ?? null).toBeNull()
    expect(result.settings.handoff.auth).toBe('gateway')
  })

  it('is refused with a real endpoint other than a gateway, and with a secret of its own', async () => {
    const notCustom = await load({ handoff: { enabled: true, auth: 'gateway' } })
    expect(notCustom).toMatchObject({ ok: false, key: 'handoff.auth' })
    expect(!notCustom.ok && notCustom.problem).toBe(
      'Setting "handoff.auth" can be "gateway" only when "bankid.environment" is "custom", not "simulator" (it is "gateway").',
    )
    const withSecret = await load({
      bankid: GOOD_BANKID,
      handoff: { enabled: true, auth: 'gateway', secret: { file: 'x.txt' } },
    })
    expect(withSecret).toMatchObject({ ok: false, key: 'handoff.secret' })
    expect(!withSecret.ok && withSecret.problem).toContain('must not be set when "handoff.auth" is "gateway" (the gateway delivers the login)')
  })
})
