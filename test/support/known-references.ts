// Every internal reference code the kiosk is known to put on a parent's screen (failure and out of
// service), for the checks on their neutral staff references (src/shared/staff-reference.ts): the
// fault matrices' codes, and the fixed codes and the usual variable ones from the session, the
// BankID client, the hand-off and the settings.
import { FAILED_HINT_CODES } from '../../src/main/bankid/api-types'
import { BANKID_ERROR_STATUS, CERTIFICATE_VERIFY_CODES } from '../../src/main/bankid/failure'
import { GATEWAY_FAULT_MATRIX } from '../gateway/reliability/gateway-fault-matrix'
import { FAULT_MATRIX } from '../main/reliability/fault-matrix'

/** The matrices' references, without the shapes (`TLS-*`) that stand for many codes. */
export function faultMatrixReferences(): string[] {
  const codes = new Set<string>()
  for (const c of FAULT_MATRIX) {
    if (c.expect.screen.name !== 'waiting') codes.add(c.expect.screen.reference)
    if (c.expect.alternative) codes.add(c.expect.alternative.screen.reference)
  }
  for (const c of GATEWAY_FAULT_MATRIX) if (c.expect.screen.name === 'failure') codes.add(c.expect.screen.reference)
  return [...codes].filter((code) => !code.includes('*'))
}

/** Failed hint codes (BankID RP API v6), and `none` for a failed order without one. */
const FAILED_HINTS = [...FAILED_HINT_CODES, 'none']

/** Fixed codes in src/main (session, staff desk, health probe, settings). */
const FIXED = ['T-LIMIT', 'T-WINDOW', 'C-PERSON-MISMATCH', 'U-UNKNOWN', 'P-UNEXPECTED', 'P-ERROR', 'M-PROBE', 'S-SETTINGS', 'R-FINISHED', 'R-ABORTED', 'N-TIMEOUT']

const HANDOFF = ['ABORTED', 'GATEWAY-NONE', 'INTERNAL', 'NETWORK', 'ORIGIN', 'RESPONSE', 'TIMEOUT', 'TLS', 'TOO-LARGE']
const HANDOFF_STATUSES = [400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504]

const NETWORK = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'UNKNOWN']
/** The certificate-verification codes the client names, and the two TLS errors that are not OpenSSL's. */
const TLS = [...CERTIFICATE_VERIFY_CODES, 'ERR_TLS_CERT_ALTNAME_INVALID', 'EPROTO']
const MALFORMED_STATUSES = [200, 400, 401, 404, 500, 502, 503]

export function knownReferences(): string[] {
  const codes = new Set<string>([
    ...faultMatrixReferences(),
    ...FAILED_HINTS.map((hint) => `H-${hint}`),
    ...FIXED,
    ...HANDOFF.map((code) => `HO-${code}`),
    ...HANDOFF_STATUSES.map((status) => `HO-HTTP-${status}`),
    ...Object.entries(BANKID_ERROR_STATUS).map(([code, status]) => `B-${status}-${code}`),
    ...NETWORK.map((code) => `N-${code}`),
    ...TLS.map((code) => `TLS-${code}`),
    ...MALFORMED_STATUSES.map((status) => `M-${status}`),
  ])
  return [...codes].sort()
}
