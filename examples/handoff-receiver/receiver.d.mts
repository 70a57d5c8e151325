// Types for receiver.mjs, so that the kiosk's TypeScript tests can use the example as it is.
import type { X509Certificate } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

export declare const SIGNATURE_HEADER: 'x-kiosk-signature'
export declare const TOLERANCE_SECONDS: number
export declare const NONCE_TTL_SECONDS: number
export declare const ORDER_REF_TTL_SECONDS: number
export type BankIdEnvironment = 'production' | 'test' | 'simulator' | 'custom'
export declare const ENVIRONMENTS: readonly BankIdEnvironment[]

export declare function parseSignature(header: unknown): { timestamp: number; nonce: string; v1: string } | null
export declare function expectedSignature(secret: Buffer, timestamp: number, nonce: string, body: Buffer): string

export declare class NonceStore {
  constructor(ttlSeconds?: number)
  has(nonce: string, nowSeconds: number): boolean
  add(nonce: string, nowSeconds: number): void
  readonly size: number
}

export type Verified =
  | { ok: true; payload: Record<string, unknown> & { nonce: string; givenName: string; kioskId: string } }
  | { ok: false; status: 400 | 401 | 403 | 409; reason: string }

export interface BankIdChecks {
  roots: X509Certificate[]
  environments: readonly BankIdEnvironment[]
  /** A NonceStore(ORDER_REF_TTL_SECONDS): each orderRef is accepted once. */
  orderRefs: NonceStore
}

export declare function verifyRequest(request: {
  headers: IncomingHttpHeaders
  body: Buffer
  secret: Buffer | null
  nowSeconds: number
  seen: NonceStore
  bankid: BankIdChecks
  toleranceSeconds?: number
}): Verified

export interface ReceiverOptions {
  cert: string | Buffer
  key: string | Buffer
  secret?: Buffer | null
  clientCa?: string | Buffer | null
  /** BankID's root CA for the accepted environment(s), PEM (one or more certificates). */
  bankidRoots: string | Buffer
  /** Default ['production']. */
  acceptEnvironments?: readonly BankIdEnvironment[]
  port?: number
  host?: string
  path?: string
  answer?: 'message' | 'url'
  message?: string
  pageUrl?: string | null
  frameAncestors?: string
  unavailableTimes?: number
  now?: () => number
  log?: (line: string) => void
}

export interface RunningReceiver {
  /** https://host:port */
  origin: string
  /** The hand-off endpoint: https://host:port/path */
  url: string
  port: number
  /** Every answer given: status and reason, never the body. */
  requests: { status: number; reason: string }[]
  seenNonces(): number
  close(): Promise<void>
}

export declare function startReceiver(options: ReceiverOptions): Promise<RunningReceiver>
export declare function readSecretFile(file: string): Buffer
