// What the gateway tells Prometheus (/metrics, in Prometheus' text format): orders by outcome, BankID's
// latency, requests per kiosk, refusals, hand-offs and the RP certificate's days left. One registry
// per gateway (not prom-client's global one), so that several instances can live in one process in
// tests. Labels never carry personal data: a kiosk is its certificate's name.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export type RefusalReason = 'no-certificate' | 'untrusted-certificate' | 'revoked' | 'rate-limited' | 'bad-order-token' | 'bad-request'

export class GatewayMetrics {
  readonly registry = new Registry()
  readonly requests = new Counter({
    name: 'bankid_gateway_requests_total',
    help: 'Kiosk requests by endpoint, kiosk and HTTP status.',
    labelNames: ['endpoint', 'kiosk', 'status'] as const,
    registers: [this.registry],
  })
  readonly orders = new Counter({
    name: 'bankid_gateway_orders_total',
    help: 'Orders that ended, by outcome: complete, cancelled, or the failed hintCode.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  })
  readonly ordersStarted = new Counter({
    name: 'bankid_gateway_orders_started_total',
    help: 'Orders started at BankID.',
    registers: [this.registry],
  })
  readonly bankIdLatency = new Histogram({
    name: 'bankid_gateway_bankid_request_duration_seconds',
    help: 'Time BankID took to answer the gateway, by endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  })
  readonly bankIdFailures = new Counter({
    name: 'bankid_gateway_bankid_failures_total',
    help: 'Calls to BankID that got no usable answer, by kind (network, timeout, tls, malformed-response).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })
  readonly refused = new Counter({
    name: 'bankid_gateway_refused_total',
    help: 'Kiosk requests refused by the gateway, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })
  readonly handoffs = new Counter({
    name: 'bankid_gateway_handoffs_total',
    help: 'Hand-offs to the school\'s service, by result (ok or the reference code).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  })
  readonly pendingOrders = new Gauge({
    name: 'bankid_gateway_pending_orders',
    help: 'Orders this instance started that have not ended yet.',
    registers: [this.registry],
  })
  readonly rpCertificateDaysLeft = new Gauge({
    name: 'bankid_gateway_rp_certificate_days_left',
    help: 'Whole days until the RP certificate expires (0 with the simulator, which needs none).',
    registers: [this.registry],
  })
  readonly revokedKiosks = new Gauge({
    name: 'bankid_gateway_revoked_certificates',
    help: 'Entries in the revocation list now in force.',
    registers: [this.registry],
  })
  readonly ready = new Gauge({
    name: 'bankid_gateway_ready',
    help: '1 when the gateway is ready to serve kiosks (BankID reachable, RP certificate valid).',
    registers: [this.registry],
  })

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'bankid_gateway_' })
  }

  /** Prometheus' text exposition format (which OpenMetrics scrapers read as well), and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() }
  }
}
