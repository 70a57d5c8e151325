// One HTTPS POST to BankID over mutual TLS, with its own timeout, turned into a Result.
// Trust: the agent is given exactly one CA (the environment's BankID SSL root CA), which replaces
// Node's built-in store, so no public CA can vouch for a BankID server.
import { Agent, request } from 'node:https'
import type { BankIdFailure, Result } from './failure'
import { classifySocketError, fail, ok } from './failure'

/** The RP certificate, as BankID issues it (PKCS#12) or as a PEM certificate and key. */
export type RpCredentials =
  | { kind: 'pkcs12'; pfx: Buffer; passphrase?: string }
  | { kind: 'pem'; cert: string | Buffer; key: string | Buffer; passphrase?: string }

export interface TransportOptions {
  /** e.g. https://appapi2.test.bankid.com/rp/v6.0/ (trailing slash optional) */
  baseUrl: string
  /** PEM of the environment's BankID SSL root CA: the only certificate trusted for the server. */
  caPem: string | Buffer
  credentials: RpCredentials
  /** Largest response body accepted; a completion with signature and OCSP is ~20 kB. */
  maxResponseBytes?: number
  /** Parallel connections: a kiosk needs a few; the gateway, calling for many kiosks, more. */
  maxSockets?: number
}

export interface RawResponse {
  status: number
  body: string
}

export interface PostOptions {
  timeoutMs: number
  signal?: AbortSignal | undefined
}

export interface BankIdTransport {
  post(endpoint: string, body: unknown, options: PostOptions): Promise<Result<RawResponse>>
  /** Closes idle keep-alive sockets; in-flight requests finish or fail on their own. */
  close(): void
}

export function createHttpsTransport(options: TransportOptions): BankIdTransport {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`)
  if (base.protocol !== 'https:') throw new Error(`BankID base URL must be https: ${options.baseUrl}`)
  const maxResponseBytes = options.maxResponseBytes ?? 1_000_000
  const credentials = options.credentials
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? 4,
    ca: options.caPem,
    // Explicit: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment must not turn checking off.
    rejectUnauthorized: true,
    ...(credentials.kind === 'pkcs12' ? { pfx: credentials.pfx } : { cert: credentials.cert, key: credentials.key }),
    ...(credentials.passphrase === undefined ? {} : { passphrase: credentials.passphrase }),
    minVersion: 'TLSv1.2',
  })

  function post(endpoint: string, body: unknown, { timeoutMs, signal }: PostOptions): Promise<Result<RawResponse>> {
    const url = new URL(endpoint, base)
    const payload = Buffer.from(JSON.stringify(body), 'utf8')
    return new Promise((resolve) => {
      let settled = false
      const settle = (result: Result<RawResponse>) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        resolve(result)
      }
      const abortWith = (failure: BankIdFailure) => {
        settle(fail(failure))
        req.destroy()
      }
      const onAbort = () => abortWith({ kind: 'aborted' })

      const req = request(url, {
        method: 'POST',
        agent,
        headers: {
          // BankID answers 415 to any parameter on the media type, charset included (§4).
          'Content-Type': 'application/json',
          'Content-Length': payload.length,
        },
      })
      const timer = setTimeout(() => abortWith({ kind: 'timeout', timeoutMs }), timeoutMs)
      if (signal?.aborted) {
        onAbort()
        return
      }
      signal?.addEventListener('abort', onAbort, { once: true })

      req.on('error', (error) => settle(fail(classifySocketError(error))))
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > maxResponseBytes) {
            abortWith({ kind: 'malformed-response', httpStatus: res.statusCode ?? 0, reason: 'response too large' })
            return
          }
          chunks.push(chunk)
        })
        res.on('end', () => settle(ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })))
        res.on('error', (error) => settle(fail(classifySocketError(error))))
        res.on('close', () => {
          if (!res.complete) {
            settle(fail({ kind: 'network', code: 'ECONNRESET', message: 'the connection closed mid-response' }))
          }
        })
      })
      req.end(payload)
    })
  }

  return { post, close: () => agent.destroy() }
}
