// The operations port: plain HTTP for the probes and Prometheus, never for kiosks, never with
// personal data. /healthz says the process answers; /readyz whether it should get traffic (BankID
// reachable, RP certificate valid, not shutting down); /metrics the counters.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { GatewayMetrics } from './metrics'

export interface Readiness {
  ready: boolean
  checks: {
    bankid: { reachable: boolean | null; latencyMs: number | null; checkedAt: string | null; problem: string | null }
    rpCertificate: { valid: boolean; daysLeft: number | null }
    revocations: { ok: boolean; problem: string | null }
    stopping: boolean
  }
}

export function createOperationsServer(options: { metrics: GatewayMetrics; readiness: () => Readiness }): Server {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body)
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(text)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' })
      res.end()
      return
    }
    if (path === '/healthz') return json(200, { status: 'ok' })
    if (path === '/readyz') {
      const readiness = options.readiness()
      return json(readiness.ready ? 200 : 503, readiness)
    }
    if (path === '/metrics') {
      options.metrics.exposition().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' })
          res.end(body)
        },
        () => json(500, { error: 'metrics unavailable' }),
      )
      return
    }
    json(404, { error: 'not found', paths: ['/healthz', '/readyz', '/metrics'] })
  })
  server.headersTimeout = 5_000
  server.requestTimeout = 10_000
  return server
}
