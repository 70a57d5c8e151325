// Types for receiver.mjs, so that the kiosk's TypeScript tests can use the example as it is.
import type { IncomingHttpHeaders } from 'node:http'

export declare const SIGNATURE_HEADER: 'x-kiosk-signature'
export declare const TOLERANCE_SECONDS: number
export declare const NONCE_TTL_SECONDS: number

export declare function parseSignature(header: unknown): { timestamp: number; nonce: string; v1: string } | null
export declare function expectedSignature(secret: Buffer, timestamp: number, nonce: string, body: Buffer): string

export declare class NonceStore {
  has(nonce: string, nowSeconds: number): boolean
  add(nonce: string, nowSeconds: number): void
  readonly size: number
}

export type Verified =
  | { ok: true; payload: Record<string, unknown> & { nonce: string; givenName: string; kioskId: string } }
  | { ok: false; status: 400 | 401 | 409; reason: string }

export declare function verifyRequest(request: {
  headers: IncomingHttpHeaders
  body: Buffer
  secret: Buffer | null
  nowSeconds: number
  seen: NonceStore
  toleranceSeconds?: number
}): Verified

export interface ReceiverOptions {
  cert: string | Buffer
  key: string | Buffer
  secret?: Buffer | null
  clientCa?: string | Buffer | null
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
