// One simulator signing PKI per test worker: the order book's tests need a signer, not a new PKI each.
import { generateProofPki, SimulatorProofSigner } from '../../src/main/simulator/bankid-proof'
import type { ProofPkiPem } from '../../src/main/simulator/bankid-proof'

let pki: Promise<ProofPkiPem> | undefined

export const testProofPki = (): Promise<ProofPkiPem> => (pki ??= generateProofPki(new Date()))

export async function testProofSigner(now?: () => Date): Promise<SimulatorProofSigner> {
  return new SimulatorProofSigner(await testProofPki(), now)
}
