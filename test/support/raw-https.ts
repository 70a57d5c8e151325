// Plain node:https requests to the simulator's RP API, for tests that check status codes, headers
// and bodies byte for byte rather than through the BankID client.
import type { IncomingHttpHeaders } from 'node:http'
import https from 'node:https'

/** What the TLS client presents and trusts; every field is passed to https.request as is. */
export interface RawTls {
  ca: string | Buffer
  pfx?: Buffer
  cert?: string | Buffer
  key?: string | Buffer
  passphrase?: string
}

export interface RawRequest {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/** One request on its own connection (no agent, no keep-alive, no TLS session reuse). */
export function httpsRequest(url: string, tls: RawTls, request: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { ...tls, method: request.method ?? 'POST', headers: request.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(request.body)
  })
}

/** A POST with `Content-Type: application/json` and the value as its JSON body. */
export function postJson(url: string, tls: RawTls, body: unknown): Promise<RawResponse> {
  return httpsRequest(url, tls, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
}

/** The response body parsed as JSON (throws with the text if it is not JSON). */
export function jsonOf(response: RawResponse): unknown {
  try {
    return JSON.parse(response.text) as unknown
  } catch {
    throw new Error(`response body is not JSON: ${response.text.slice(0, 200)}`)
  }
}
