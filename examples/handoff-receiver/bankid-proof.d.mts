// Types for bankid-proof.mjs, so that the kiosk's TypeScript tests can use the example as it is.
import type { X509Certificate } from 'node:crypto'

export declare const MAX_OCSP_AGE_SECONDS: number
export declare function certificatesFromPem(pem: string | Buffer): X509Certificate[]
export declare function verifyBankIdProof(input: {
  signature: unknown
  ocspResponse: unknown
  personnummer: unknown
  roots: X509Certificate[]
  nowMs: number
  maxOcspAgeSeconds?: number
}): { ok: true; personnummer: string; funcId: string | null } | { ok: false; reason: string }
