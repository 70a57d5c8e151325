// Everything that can go wrong talking to BankID, as one union. Nothing in the BankID client
// throws for a failure the kiosk must survive: callers get a Result and switch on `kind`.

/** §4 of the reference: every errorCode BankID documents, with the HTTP status it comes with. */
export const BANKID_ERROR_STATUS = {
  alreadyInProgress: 400,
  invalidParameters: 400,
  unauthorized: 401,
  notFound: 404,
  methodNotAllowed: 405,
  requestTimeout: 408,
  unsupportedMediaType: 415,
  internalError: 500,
  maintenance: 503,
} as const
export type BankIdErrorCode = keyof typeof BANKID_ERROR_STATUS

export const isBankIdErrorCode = (code: string): code is BankIdErrorCode => Object.hasOwn(BANKID_ERROR_STATUS, code)

export type BankIdFailure =
  /** BankID answered with a documented errorCode (httpStatus is what it actually sent). */
  | { kind: 'bankid-error'; errorCode: BankIdErrorCode; httpStatus: number; details: string }
  /** BankID answered with an errorCode this version does not know (RFA22). */
  | { kind: 'unknown-error-code'; errorCode: string; httpStatus: number; details: string }
  /** No usable connection: refused, reset, DNS, unreachable. */
  | { kind: 'network'; code: string; message: string }
  /** Our own per-request timeout fired before a full answer arrived. */
  | { kind: 'timeout'; timeoutMs: number }
  /** The TLS handshake failed: untrusted or expired server certificate, client certificate refused. */
  | { kind: 'tls'; code: string; message: string }
  /** An answer arrived but is not what the API promises (bad JSON, wrong shape, unexpected status). */
  | { kind: 'malformed-response'; httpStatus: number; reason: string }
  /** The caller's AbortSignal fired. */
  | { kind: 'aborted' }
  /** We refused to send a request that BankID would reject (limits of §2). */
  | { kind: 'invalid-request'; field: string; reason: string }
  /** A collect for an order that already ended (failed, complete or cancelled): never sent. */
  | { kind: 'order-finished'; orderRef: string }

export type Result<T, E = BankIdFailure> = { ok: true; value: T } | { ok: false; error: E }

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value })
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error })

/**
 * BankID's retry rules (§4): only 503 `maintenance` may be retried silently. 408 and 500 must not
 * be retried automatically, and everything else is either final or our own fault.
 */
export function isSilentlyRetryable(failure: BankIdFailure): boolean {
  return failure.kind === 'bankid-error' && failure.errorCode === 'maintenance'
}

// OpenSSL certificate-verification codes as Node reports them on the socket error.
export const CERTIFICATE_VERIFY_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
])

/** Sorts a socket-level error into `tls` or `network`, keeping Node's code for staff. */
export function classifySocketError(error: unknown): BankIdFailure {
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  const codeText = typeof code === 'string' ? code : 'UNKNOWN'
  const isTls =
    CERTIFICATE_VERIFY_CODES.has(codeText) ||
    codeText.startsWith('ERR_SSL_') ||
    codeText.startsWith('ERR_TLS_') ||
    codeText === 'EPROTO'
  return isTls ? { kind: 'tls', code: codeText, message } : { kind: 'network', code: codeText, message }
}

/** A short, non-personal description for logs and the staff reference on failure screens. */
export function describeFailure(failure: BankIdFailure): string {
  switch (failure.kind) {
    case 'bankid-error':
    case 'unknown-error-code':
      return `BankID ${failure.httpStatus} ${failure.errorCode}`
    case 'network':
    case 'tls':
      return `${failure.kind} ${failure.code}`
    case 'timeout':
      return `timeout after ${failure.timeoutMs} ms`
    case 'malformed-response':
      return `malformed response (HTTP ${failure.httpStatus}): ${failure.reason}`
    case 'aborted':
      return 'aborted'
    case 'invalid-request':
      return `invalid request: ${failure.field} ${failure.reason}`
    case 'order-finished':
      return 'collect after the order ended'
  }
}
