// A local HTTPS server standing in for a monitoring service's heartbeat receiver: it records what
// it was sent, and answers as the test says (a status, or nothing at all). Its certificate is the
// simulator's server certificate for 127.0.0.1, issued by the test PKI's SSL root CA, so a client
// that trusts that CA (and only it) can reach it.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:https'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadOrCreateSimulatorPki } from '../../src/main/simulator/certificates'
import { TEST_PKI_DIR } from './simulator'

export interface ReceivedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export type ReceiverMode = { kind: 'status'; status: number } | { kind: 'hang' }

export interface HttpsReceiver {
  url: string
  /** PEM of the CA that issued the receiver's certificate. */
  caPem: string
  /** PEM of a different CA (the test PKI's RP CA), which did not. */
  otherCaPem: string
  requests: ReceivedRequest[]
  mode: ReceiverMode
  /** Resolves once n requests have arrived in full. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>
  /** Answers every request left hanging, with this status. */
  release(status?: number): void
  close(): Promise<void>
}

export async function startHttpsReceiver(path = '/heartbeat'): Promise<HttpsReceiver> {
  const pki = await loadOrCreateSimulatorPki(TEST_PKI_DIR)
  const hanging: ServerResponse[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const server = createServer({ cert: readFileSync(pki.serverCertPath), key: readFileSync(pki.serverKeyPath) }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      receiver.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      for (const waiter of [...waiters]) {
        if (receiver.requests.length >= waiter.n) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve()
        }
      }
      const mode = receiver.mode
      if (mode.kind === 'hang') {
        hanging.push(res)
        return
      }
      res.writeHead(mode.status, { 'Content-Type': 'application/json' })
      res.end('{"received":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const receiver: HttpsReceiver = {
    url: `https://127.0.0.1:${port}${path}`,
    caPem: pki.serverCaPem,
    otherCaPem: pki.clientCaPem,
    requests: [],
    mode: { kind: 'status', status: 200 },
    waitForRequests(n, timeoutMs = 10_000) {
      if (receiver.requests.length >= n) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${receiver.requests.length} of ${n} requests arrived`)), timeoutMs)
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
    release(status = 200) {
      for (const res of hanging.splice(0)) {
        if (!res.destroyed) res.writeHead(status).end()
      }
    },
    async close() {
      receiver.release(503)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return receiver
}
