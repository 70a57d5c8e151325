import { X509Certificate } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PUBLIC_ENVIRONMENTS, loadBankIdRootCa } from '../../../src/main/bankid/environments'

// The fingerprints as ../shared/reference/bankid-rp-v6.md §1 gives them, typed in here again on
// purpose: the test compares three things (this text, the constant in the code, the file).
const REFERENCE = {
  production: 'E6:A2:D4:5C:0A:10:51:C9:59:42:86:49:F8:6A:09:A9:B2:15:2C:D5:51:99:3C:C2:EB:4C:F0:94:BD:AC:BE:CB',
  test: 'F3:D0:74:0E:BF:B3:70:0E:3B:81:AA:79:1F:EE:45:14:72:69:8C:84:E1:99:C2:EB:48:A4:43:FF:1D:5B:40:5C',
} as const

describe('BankID root CAs shipped in resources/', () => {
  it.each(['production', 'test'] as const)('%s: the file is the CA the reference names', (environment) => {
    const cert = new X509Certificate(readFileSync(join('resources', PUBLIC_ENVIRONMENTS[environment].caFile)))
    expect(cert.fingerprint256).toBe(REFERENCE[environment])
    expect(PUBLIC_ENVIRONMENTS[environment].caSha256).toBe(REFERENCE[environment])
    expect(cert.subject).toContain(environment === 'production' ? 'CN=BankID SSL Root CA v1' : 'CN=Test BankID SSL Root CA v1 Test')
    expect(cert.ca).toBe(true)
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2034)
  })

  it('points each environment at BankID v6', () => {
    expect(PUBLIC_ENVIRONMENTS.production.baseUrl).toBe('https://appapi2.bankid.com/rp/v6.0/')
    expect(PUBLIC_ENVIRONMENTS.test.baseUrl).toBe('https://appapi2.test.bankid.com/rp/v6.0/')
  })

  it('loads a genuine CA file', async () => {
    await expect(loadBankIdRootCa('resources', 'test')).resolves.toContain('BEGIN CERTIFICATE')
  })

  it('refuses a CA file that was swapped for another certificate', async () => {
    const resources = mkdtempSync(join(tmpdir(), 'kiosk-ca-'))
    cpSync('resources/bankid-ca', join(resources, 'bankid-ca'), { recursive: true })
    writeFileSync(join(resources, 'bankid-ca/production.pem'), readFileSync('resources/bankid-ca/test.pem'))
    await expect(loadBankIdRootCa(resources, 'production')).rejects.toThrow(/is not BankID's production root CA/)
  })
})
