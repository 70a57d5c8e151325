// Shared pieces for the hand-off tests: a completion as BankID sends it, a secret, and the
// simulator's PKI reused as "the school's" (its server certificate for 127.0.0.1 under its SSL root
// CA; its RP client certificate for mutual TLS under the RP CA).
import { readFileSync } from 'node:fs'
import type { HandoffCompletion } from '../../src/main/handoff/payload'
import { SecretBytes } from '../../src/main/settings/handoff-credentials'
import { CLIENT_PASSPHRASE, loadOrCreateSimulatorPki } from '../../src/main/simulator/certificates'
import type { SimulatorPki } from '../../src/main/simulator/certificates'
import { TEST_PKI_DIR } from './simulator'

export const SECRET_TEXT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
export const SECRET = Buffer.from(SECRET_TEXT, 'utf8')
export const hmacAuth = () => ({ kind: 'hmac' as const, secret: new SecretBytes(SECRET) })

export const PERSON = { personalNumber: '199001012385', givenName: 'Fatima', surname: 'Hassan', name: 'Fatima Hassan' }

export function completionFor(user = PERSON, orderRef = '131daac9-16c6-4618-beb0-365768f37288'): HandoffCompletion {
  return {
    orderRef,
    completionData: {
      user,
      device: { ipAddress: '192.0.2.44', uhi: 'OZvYM9VvyiAmG7NA5jU5zRGcOV4VTp9J' },
      bankIdIssueDate: '2024-01-15',
      signature: Buffer.from(`<Signature>${user.personalNumber} ${user.name}</Signature>`).toString('base64'),
      ocspResponse: Buffer.from(`ocsp for ${user.personalNumber}`).toString('base64'),
    },
  }
}

let pki: Promise<SimulatorPki> | null = null
export function handoffPki(): Promise<SimulatorPki> {
  pki ??= loadOrCreateSimulatorPki(TEST_PKI_DIR)
  return pki
}

export async function mtlsAuth() {
  const { clientP12Path } = await handoffPki()
  return { kind: 'mtls' as const, pfx: readFileSync(clientP12Path), passphrase: CLIENT_PASSPHRASE }
}
