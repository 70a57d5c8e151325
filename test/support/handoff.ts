// Shared pieces for the hand-off tests: a completion as BankID sends it (signed by the simulator's
// signing PKI, so a receiver verifies it as it would a real one), a secret, and the simulator's PKI
// reused as "the school's" (its server certificate for 127.0.0.1 under its SSL root CA; its RP
// client certificate for mutual TLS under the RP CA).
import { readFileSync } from 'node:fs'
import type { HandoffCompletion } from '../../src/main/handoff/payload'
import { SimulatorProofSigner } from '../../src/main/simulator/bankid-proof'
import { SecretBytes } from '../../src/main/handoff/credentials'
import { CLIENT_PASSPHRASE, loadOrCreateSimulatorPki } from '../../src/main/simulator/certificates'
import type { SimulatorPki } from '../../src/main/simulator/certificates'
import { TEST_PKI_DIR } from './simulator'

export const SECRET_TEXT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
export const SECRET = Buffer.from(SECRET_TEXT, 'utf8')
export const hmacAuth = () => ({ kind: 'hmac' as const, secret: new SecretBytes(SECRET) })

export const PERSON = { personalNumber: '199001012385', givenName: 'Fatima', surname: 'Hassan', name: 'Fatima Hassan' }

let signer: SimulatorProofSigner | null = null
const proofs = new Map<string, { signature: string; ocspResponse: string }>()

/**
 * A completed login; `await handoffPki()` first (its signing PKI signs the proof). The same person
 * and orderRef give the same completion, as one BankID answer would.
 */
export function completionFor(user = PERSON, orderRef = '131daac9-16c6-4618-beb0-365768f37288'): HandoffCompletion {
  if (signer === null) throw new Error('await handoffPki() before completionFor(): the proof is signed with its PKI')
  const key = JSON.stringify([user, orderRef])
  const proof = proofs.get(key) ?? signer.prove({ type: 'auth', ...user })
  proofs.set(key, proof)
  return {
    orderRef,
    completionData: {
      user,
      device: { ipAddress: '192.0.2.44', uhi: 'OZvYM9VvyiAmG7NA5jU5zRGcOV4VTp9J' },
      bankIdIssueDate: '2024-01-15',
      signature: proof.signature,
      ocspResponse: proof.ocspResponse,
    },
  }
}

let pki: Promise<SimulatorPki> | null = null
export function handoffPki(): Promise<SimulatorPki> {
  pki ??= loadOrCreateSimulatorPki(TEST_PKI_DIR).then((loaded) => {
    signer = new SimulatorProofSigner(loaded.proof)
    return loaded
  })
  return pki
}

/** What a receiver in test mode is given: the simulator's signing root, and "simulator" accepted. */
export async function receiverTrust() {
  const loaded = await handoffPki()
  return { bankidRoots: loaded.proof.rootCertPem, acceptEnvironments: ['simulator'] as const }
}

export async function mtlsAuth() {
  const { clientP12Path } = await handoffPki()
  return { kind: 'mtls' as const, pfx: readFileSync(clientP12Path), passphrase: CLIENT_PASSPHRASE }
}
