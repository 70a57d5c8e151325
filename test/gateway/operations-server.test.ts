// The operations port of a real gateway (in front of the simulator): the probes' answers, the
// methods and paths it refuses, and /metrics as Prometheus reads it, never with personal data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authBody, startTestGateway } from '../support/gateway'
import type { TestGateway } from '../support/gateway'
import { freshPersonalNumber, startTestSimulator } from '../support/simulator'
import type { TestSimulator } from '../support/simulator'

// ---- a tiny parser for Prometheus' text exposition format ----

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}
interface Exposition {
  samples: Sample[]
  types: Map<string, string>
  help: Map<string, string>
}

function parseExposition(text: string): Exposition {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  const help = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('#')) {
      const [, kind, name, ...rest] = line.split(' ')
      if (kind === 'TYPE' && name) types.set(name, rest.join(' '))
      else if (kind === 'HELP' && name) help.set(name, rest.join(' '))
      continue
    }
    let i = 0
    while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++
    const name = line.slice(0, i)
    const labels: Record<string, string> = {}
    if (line[i] === '{') {
      i++
      while (line[i] !== '}') {
        const eq = line.indexOf('=', i)
        const label = line.slice(i, eq)
        if (line[eq + 1] !== '"') throw new Error(`unquoted label value in: ${line}`)
        let value = ''
        let j = eq + 2
        for (; line[j] !== '"'; j++) {
          if (j >= line.length) throw new Error(`unterminated label value in: ${line}`)
          if (line[j] === '\\') {
            j++
            value += line[j] === 'n' ? '\n' : line[j]
          } else {
            value += line[j]
          }
        }
        labels[label] = value
        i = j + 1
        if (line[i] === ',') i++
      }
      i++
    }
    const [valueText = ''] = line.slice(i).trim().split(' ')
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText)
    if (name === '' || Number.isNaN(value)) throw new Error(`not a sample line: ${line}`)
    samples.push({ name, labels, value })
  }
  return { samples, types, help }
}

const matches = (sample: Sample, name: string, labels: Record<string, string>) =>
  sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)
/** The value of the one sample with this name and (at least) these labels; 0 if there is none. */
function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = exposition.samples.filter((sample) => matches(sample, name, labels))
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`)
  return found[0]?.value ?? 0
}

describe('parseExposition', () => {
  it('reads names, labels with escapes, values and the TYPE lines', () => {
    const parsed = parseExposition(
      '# HELP x_total Things.\n# TYPE x_total counter\nx_total{a="1",b="q\\"uote\\\\d"} 3\nx_total 4.5\ny_bucket{le="+Inf"} 7\n',
    )
    expect(parsed.types.get('x_total')).toBe('counter')
    expect(parsed.samples).toEqual([
      { name: 'x_total', labels: { a: '1', b: 'q"uote\\d' }, value: 3 },
      { name: 'x_total', labels: {}, value: 4.5 },
      { name: 'y_bucket', labels: { le: '+Inf' }, value: 7 },
    ])
    expect(() => parseExposition('x_total{a=1} 3')).toThrow(/unquoted/)
  })
})

// ---- the gateway ----

let sim: TestSimulator
let gw: TestGateway

beforeAll(async () => {
  sim = await startTestSimulator()
  gw = await startTestGateway({ simulator: sim.simulator })
})
afterAll(async () => {
  await gw.close()
  await sim.close()
})

const get = (g: TestGateway, path: string, init?: RequestInit) => fetch(new URL(path, g.gateway.operationsUrl), init)
async function metrics(g: TestGateway = gw): Promise<{ text: string; parsed: Exposition; contentType: string | null }> {
  const response = await get(g, 'metrics')
  expect(response.status).toBe(200)
  const text = await response.text()
  return { text, parsed: parseExposition(text), contentType: response.headers.get('content-type') }
}

describe('the probes', () => {
  it('GET /healthz is 200 {status: "ok"}, uncached', async () => {
    const response = await get(gw, 'healthz')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ status: 'ok' })
    // A query string does not change the path.
    expect((await get(gw, 'healthz?verbose=1')).status).toBe(200)
  })

  it('GET /readyz is 200 with its checks while the simulator answers', async () => {
    const response = await get(gw, 'readyz')
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toEqual({
      ready: true,
      checks: {
        bankid: { reachable: true, latencyMs: expect.any(Number), checkedAt: expect.any(String), problem: null },
        rpCertificate: { valid: true, daysLeft: null },
        revocations: { ok: true, problem: null },
        stopping: false,
      },
    })
    const checkedAt = (body.checks as { bankid: { checkedAt: string } }).bankid.checkedAt
    expect(new Date(checkedAt).toISOString()).toBe(checkedAt)
    expect(valueOf((await metrics()).parsed, 'bankid_gateway_ready')).toBe(1)
  })

  it('HEAD is answered like GET, without a body', async () => {
    const response = await get(gw, 'healthz', { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
  })

  it.each(['POST', 'PUT', 'DELETE'])('%s is 405 with Allow', async (method) => {
    for (const path of ['healthz', 'readyz', 'metrics']) {
      const response = await get(gw, path, { method, body: method === 'DELETE' ? null : '{}' })
      expect(response.status, `${method} /${path}`).toBe(405)
      expect(response.headers.get('allow')).toBe('GET, HEAD')
    }
  })

  it('an unknown path is 404, listing the paths there are', async () => {
    for (const path of ['', 'health', 'rp/v6.0/auth', 'metrics/x']) {
      const response = await get(gw, path)
      expect(response.status, `/${path}`).toBe(404)
      expect(await response.json()).toEqual({ error: 'not found', paths: ['/healthz', '/readyz', '/metrics'] })
    }
  })
})

describe('readiness follows BankID and shutdown', () => {
  it('turns 503 once the simulator is gone and the probe has run again', async () => {
    const ownSim = await startTestSimulator()
    const own = await startTestGateway({ simulator: ownSim.simulator, start: { probeIntervalMs: 100 } })
    try {
      expect((await get(own, 'readyz')).status).toBe(200)
      await ownSim.close()
      let body: { ready: boolean; checks: { bankid: { reachable: boolean; problem: string | null }; stopping: boolean } } | null = null
      await until(async () => {
        const response = await get(own, 'readyz')
        body = (await response.json()) as typeof body
        return response.status === 503
      }, 'readyz is 503')
      expect(body).toMatchObject({ ready: false, checks: { bankid: { reachable: false, problem: expect.any(String) }, stopping: false } })
      expect(valueOf((await metrics(own)).parsed, 'bankid_gateway_ready')).toBe(0)
    } finally {
      await own.close()
    }
  })

  it('is 503 with stopping: true while the gateway closes', async () => {
    const ownSim = await startTestSimulator()
    const own = await startTestGateway({ simulator: ownSim.simulator })
    try {
      // An auth in flight keeps the gateway closing for a while.
      ownSim.simulator.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'slow', delayMs: 400 } })
      const started = own.kioskClient('a').auth(authBody())
      await until(() => ownSim.simulator.log.list({ endpoint: 'auth' }).length === 1, 'the auth reaches the simulator')
      const closing = own.gateway.close(5_000)
      const response = await get(own, 'readyz')
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ ready: false, checks: { bankid: { reachable: true }, stopping: true } })
      // The order it was starting still gets its answer.
      const answer = await started
      expect(answer.ok).toBe(true)
      await closing
    } finally {
      await own.close()
      await ownSim.close()
    }
  })
})

describe('/metrics', () => {
  it('is Prometheus\' text format with HELP and TYPE for the gateway\'s metrics', async () => {
    const { parsed, contentType } = await metrics()
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/)
    for (const [name, type] of [
      ['bankid_gateway_requests_total', 'counter'],
      ['bankid_gateway_orders_total', 'counter'],
      ['bankid_gateway_orders_started_total', 'counter'],
      ['bankid_gateway_bankid_request_duration_seconds', 'histogram'],
      ['bankid_gateway_refused_total', 'counter'],
      ['bankid_gateway_pending_orders', 'gauge'],
      ['bankid_gateway_ready', 'gauge'],
    ]) {
      expect(parsed.types.get(name as string), name).toBe(type)
      expect(parsed.help.get(name as string), name).toMatch(/\S/)
    }
  })

  it('counts a kiosk\'s requests by kiosk name, the orders started and ended, and BankID\'s latency', async () => {
    const before = (await metrics()).parsed
    const kiosk = gw.kioskClient('a')
    const started = await kiosk.auth(authBody())
    if (!started.ok) throw new Error(JSON.stringify(started.error))
    const afterAuth = (await metrics()).parsed
    const auth = { endpoint: 'auth', kiosk: 'reception-a', status: '200' }
    expect(valueOf(afterAuth, 'bankid_gateway_requests_total', auth) - valueOf(before, 'bankid_gateway_requests_total', auth)).toBe(1)
    expect(valueOf(afterAuth, 'bankid_gateway_orders_started_total') - valueOf(before, 'bankid_gateway_orders_started_total')).toBe(1)
    expect(valueOf(afterAuth, 'bankid_gateway_pending_orders')).toBe(valueOf(before, 'bankid_gateway_pending_orders') + 1)

    expect(await kiosk.cancel(started.value.response.orderRef)).toMatchObject({ ok: true })
    const after = (await metrics()).parsed
    const cancelled = { outcome: 'cancelled' }
    expect(valueOf(after, 'bankid_gateway_orders_total', cancelled) - valueOf(before, 'bankid_gateway_orders_total', cancelled)).toBe(1)
    const cancel = { endpoint: 'cancel', kiosk: 'reception-a', status: '200' }
    expect(valueOf(after, 'bankid_gateway_requests_total', cancel) - valueOf(before, 'bankid_gateway_requests_total', cancel)).toBe(1)
    expect(valueOf(after, 'bankid_gateway_pending_orders')).toBe(valueOf(before, 'bankid_gateway_pending_orders'))
    // Every kiosk label is a certificate's name.
    const kiosks = new Set(after.samples.filter((s) => s.name === 'bankid_gateway_requests_total').map((s) => s.labels.kiosk))
    expect([...kiosks].every((name) => /^reception-[abc]$/.test(name ?? ''))).toBe(true)

    // The latency histogram: the configured buckets, cumulative, +Inf equal to the count.
    for (const endpoint of ['auth', 'cancel']) {
      const buckets = after.samples.filter((s) => s.name === 'bankid_gateway_bankid_request_duration_seconds_bucket' && s.labels.endpoint === endpoint)
      expect(buckets.map((s) => s.labels.le)).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'])
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]?.value).toBeGreaterThanOrEqual(buckets[i - 1]?.value ?? 0)
      const count = valueOf(after, 'bankid_gateway_bankid_request_duration_seconds_count', { endpoint })
      expect(count).toBeGreaterThanOrEqual(1)
      expect(count - valueOf(before, 'bankid_gateway_bankid_request_duration_seconds_count', { endpoint })).toBe(1)
      expect(buckets.at(-1)?.value).toBe(count)
      expect(valueOf(after, 'bankid_gateway_bankid_request_duration_seconds_sum', { endpoint })).toBeGreaterThan(0)
    }
  })

  it('counts a refusal by reason', async () => {
    const before = (await metrics()).parsed
    const refused = await gw.kioskClient('b').collect('g1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    expect(refused).toMatchObject({ ok: false, error: { errorCode: 'invalidParameters' } })
    const after = (await metrics()).parsed
    const reason = { reason: 'bad-order-token' }
    expect(valueOf(after, 'bankid_gateway_refused_total', reason) - valueOf(before, 'bankid_gateway_refused_total', reason)).toBe(1)
    const collect = { endpoint: 'collect', kiosk: 'reception-b', status: '400' }
    expect(valueOf(after, 'bankid_gateway_requests_total', collect) - valueOf(before, 'bankid_gateway_requests_total', collect)).toBe(1)
  })

  it('never holds a personnummer, nor BankID\'s orderRef or the kiosk\'s token', async () => {
    const pnr = freshPersonalNumber()
    const kiosk = gw.kioskClient('c')
    const started = await kiosk.auth(authBody(pnr))
    if (!started.ok) throw new Error(JSON.stringify(started.error))
    const token = started.value.response.orderRef
    const bankIdRef = sim.simulator.orders.list().find((order) => order.status === 'pending' && order.requiredPersonalNumber === pnr)?.orderRef
    expect(bankIdRef).toEqual(expect.any(String))
    const during = (await metrics()).text
    expect(await kiosk.collect(token)).toMatchObject({ ok: true, value: { status: 'pending' } })
    expect(await kiosk.cancel(token)).toMatchObject({ ok: true })
    const after = (await metrics()).text
    for (const text of [during, after]) {
      expect(text).toContain('kiosk="reception-c"')
      for (const personal of [pnr, pnr.slice(2), `${pnr.slice(0, 8)}-${pnr.slice(8)}`, `${pnr.slice(2, 8)}-${pnr.slice(8)}`, bankIdRef ?? '-', token]) {
        expect(text).not.toContain(personal)
      }
    }
  })
})

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const end = performance.now() + ms
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
