// The gateway's benchmarks (product.md §9, the gateway issue): the latency it adds per call, the
// orders one instance sustains with 200 kiosks collecting every 2 s, and its memory with 1 000
// pending orders. The gateway runs in a process of its own (bench/lib/gateway-worker.ts); the
// simulator and the kiosks run here. Everything is on loopback.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BankIdClient } from '../../src/main/bankid/client'
import { createHttpsTransport } from '../../src/main/bankid/transport'
import { gatewayTestPki } from '../../test/support/gateway'
import { qrPayload } from '../../src/main/bankid/qr'
import { fmt, max, median, p95, verdictFor } from '../lib/stats'
import { kioskCertificates, startGatewayRig } from '../lib/gateway-process'
import type { Metric, MetricResult } from '../lib/types'

const MB = 1024 * 1024
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const body = () => ({ endUserIp: '127.0.0.1', userVisibleData: Buffer.from('Inloggning på Benchskolan').toString('base64') })

async function timed<T>(call: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now()
  const value = await call()
  return { ms: performance.now() - started, value }
}

export const gatewayLatency: Metric = {
  id: 'gateway-latency',
  title: 'Latency the gateway adds per call (loopback)',
  live: false,
  async run(context): Promise<MetricResult> {
    const rig = await startGatewayRig()
    try {
      const direct = rig.sim.client({ clock: { now: () => performance.now() } })
      const through = rig.kioskClient(rig.pki.kiosks.a.credentials)
      const collects = context.options.runs ?? 400
      const directOrder = await direct.auth(body())
      const gatewayOrder = await through.auth(body())
      if (!directOrder.ok || !gatewayOrder.ok) throw new Error('could not start the orders')
      const directRef = directOrder.value.response.orderRef
      const gatewayRef = gatewayOrder.value.response.orderRef
      // Warm-up: JIT, TLS sessions, keep-alive connections on both paths.
      for (let i = 0; i < 50; i++) {
        await direct.collect(directRef)
        await through.collect(gatewayRef)
      }
      const added: number[] = []
      const directMs: number[] = []
      const throughMs: number[] = []
      // Interleaved, pair by pair, so that machine noise hits both paths alike.
      for (let i = 0; i < collects; i++) {
        const first = i % 2 === 0
        const a = first ? await timed(() => direct.collect(directRef)) : await timed(() => through.collect(gatewayRef))
        const b = first ? await timed(() => through.collect(gatewayRef)) : await timed(() => direct.collect(directRef))
        const [d, g] = first ? [a, b] : [b, a]
        if (!d.value.ok || !g.value.ok) throw new Error('a collect failed')
        directMs.push(d.ms)
        throughMs.push(g.ms)
        added.push(g.ms - d.ms)
      }
      const authAdded: number[] = []
      for (let i = 0; i < 40; i++) {
        const d = await timed(() => direct.auth(body()))
        const g = await timed(() => through.auth(body()))
        if (!d.value.ok || !g.value.ok) throw new Error('an auth failed')
        authAdded.push(g.ms - d.ms)
        await direct.cancel(d.value.value.response.orderRef)
        await through.cancel(g.value.value.response.orderRef)
      }
      await direct.cancel(directRef)
      await through.cancel(gatewayRef)
      const goal = 2
      return {
        id: this.id,
        title: this.title,
        budget: goal,
        goal,
        unit: 'ms',
        budgetText: 'none stated (the goal)',
        goalText: '≤ 2 ms p95 on loopback',
        samples: added,
        median: median(added),
        p95: p95(added),
        medianText: fmt(median(added), 2),
        p95Text: fmt(p95(added), 2),
        verdict: verdictFor(p95(added), goal, goal),
        judgedBy: 'p95',
        notes: [
          `${collects} collects each way, interleaved pair by pair on warm keep-alive connections: direct to the simulator median ` +
            `${fmt(median(directMs), 2)} ms (p95 ${fmt(p95(directMs), 2)}), through the gateway median ${fmt(median(throughMs), 2)} ms ` +
            `(p95 ${fmt(p95(throughMs), 2)}). Added per collect: median ${fmt(median(added), 2)} ms, p95 ${fmt(p95(added), 2)} ms, max ${fmt(max(added), 2)} ms.`,
          `/auth (40 pairs): added median ${fmt(median(authAdded), 2)} ms, p95 ${fmt(p95(authAdded), 2)} ms (the gateway checks the request, seals the orderRef and keeps the per-personnummer index).`,
          'The gateway runs in its own process; the kiosk client and the simulator share this one. Through the gateway there are two TLS hops instead of one.',
        ],
      }
    } finally {
      await rig.close()
    }
  },
}

export const gatewayThroughput: Metric = {
  id: 'gateway-throughput',
  title: 'Orders one gateway instance sustains (200 kiosks, collect every 2 s)',
  live: false,
  async run(context): Promise<MetricResult> {
    const rig = await startGatewayRig()
    try {
      const made = performance.now()
      const certificates = await kioskCertificates(rig.pki, 200)
      const issueSeconds = (performance.now() - made) / 1000
      const seconds = Math.max(20, context.options.runs ?? 40)
      const collectMs: number[] = []
      let completed = 0
      let collectsSent = 0
      const errors: string[] = []
      const deadline = performance.now() + seconds * 1000
      const orders = rig.sim.simulator.orders
      const person = rig.sim.simulator.people.defaultPerson()
      rig.resetDelay()
      const kiosk = async (index: number) => {
        const client = rig.kioskClient(certificates[index]!)
        // Spread over the first 2 s, as kiosks are never in step.
        await new Promise((resolve) => setTimeout(resolve, (index * 2_000) / certificates.length))
        while (performance.now() < deadline) {
          const started = await client.auth(body())
          if (!started.ok) {
            errors.push(`auth ${started.error.kind}`)
            return
          }
          const { orderRef: token, qrStartToken, qrStartSecret } = started.value.response
          for (let round = 0; ; round++) {
            await new Promise((resolve) => setTimeout(resolve, 2_000))
            if (round === 2) {
              // The phone scans the QR this kiosk would show (frame 0: the simulator's clock stands still).
              const scanned = orders.scan(qrPayload(qrStartToken, qrStartSecret, 0))
              if (scanned.ok) orders.enterSecurityCode(scanned.value.orderRef, person.securityCode)
              else errors.push(`scan ${scanned.error.details}`)
            }
            const t = await timed(() => client.collect(token))
            collectsSent += 1
            collectMs.push(t.ms)
            if (!t.value.ok) {
              // With BankID's (or the gateway's) errorCode and status, so the report says which.
              const error = t.value.error
              errors.push(`collect ${error.kind}${error.kind === 'bankid-error' ? ` ${error.httpStatus} ${error.errorCode}` : ''}`)
              return
            }
            if (t.value.value.status !== 'pending') {
              if (t.value.value.status === 'complete') completed += 1
              break
            }
            if (performance.now() > deadline + 10_000) {
              await client.cancel(token)
              return
            }
          }
        }
      }
      const wall = performance.now()
      await Promise.all(certificates.map((_, i) => kiosk(i)))
      const elapsed = (performance.now() - wall) / 1000
      const memory = await rig.measure()
      const perSecond = completed / elapsed
      // The kiosks' own demand: an order every ~8 s each (3 collects 2 s apart, then complete).
      const demand = certificates.length / 8
      return {
        id: this.id,
        title: this.title,
        budget: demand,
        goal: demand,
        unit: 'orders/s',
        budgetText: `≥ ${fmt(demand, 1)} (what 200 kiosks ask for), 0 errors`,
        goalText: 'same, collect p95 ≤ 50 ms',
        samples: [perSecond],
        median: perSecond,
        p95: perSecond,
        medianText: fmt(perSecond, 1),
        p95Text: fmt(perSecond, 1),
        judgedBy: 'value',
        verdict: errors.length === 0 && perSecond >= demand * 0.9 ? (p95(collectMs) <= 50 ? 'goal' : 'budget') : 'over',
        notes: [
          `${certificates.length} kiosks, each with its own kiosk certificate (issued in ${fmt(issueSeconds, 1)} s) and connection, each: auth, a collect every 2 s, the app completes after the 3rd, then the next order; for ${seconds} s (${fmt(elapsed, 1)} s until the last order ended).`,
          `${completed} orders completed: ${fmt(perSecond, 1)} orders/s; ${collectsSent} collects (${fmt(collectsSent / elapsed, 0)}/s). Collect round trip through the gateway under this load: median ${fmt(median(collectMs), 1)} ms, p95 ${fmt(p95(collectMs), 1)} ms, max ${fmt(max(collectMs), 1)} ms.`,
          errors.length === 0 ? 'Errors: 0.' : `✗ errors: ${errors.length} (${[...new Set(errors)].join(', ')})`,
          `The gateway process: event-loop delay p99 ${fmt(memory.eventLoopDelayP99Ms, 1)} ms, RSS ${fmt(memory.rssBytes / MB, 0)} MB after the run. The simulator and all 200 kiosk clients share the other process (and this 2-core machine): the gateway is not the only thing being measured.`,
        ],
      }
    } finally {
      await rig.close()
    }
  },
}

export const gatewayMemory: Metric = {
  id: 'gateway-memory',
  title: 'Gateway memory with 1 000 pending orders',
  live: false,
  async run(): Promise<MetricResult> {
    // The production bundle (out/gateway/cli.js) as systemd would run it, with a settings file on
    // the test PKI. Its environment is "simulator", so the simulator lives in the same process:
    // the RSS below is the gateway's and the simulator's together, an overestimate of the gateway's.
    const pki = await gatewayTestPki()
    const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-memory-'))
    const [port, operationsPort] = [await freePort(), await freePort()]
    const settingsPath = join(dir, 'settings.json')
    writeFileSync(
      settingsPath,
      JSON.stringify({
        bankid: { environment: 'simulator' },
        server: { certificate: { cert: pki.serverCertPath, key: pki.serverKeyPath } },
        kiosks: { ca: pki.kioskCaPath, authPerMinute: 600, authBurst: 1000 },
        state: { secret: { file: pki.stateKeyPath } },
        listen: { host: '127.0.0.1', port },
        operations: { host: '127.0.0.1', port: operationsPort },
        logging: { level: 'warn' },
      }),
    )
    const bundle = join(ROOT, 'out/gateway/cli.js')
    if (!existsSync(bundle)) throw new Error('out/gateway/cli.js is missing: run npm run build:gateway first')
    const child = spawn(process.execPath, [bundle, '--settings', settingsPath], { stdio: ['ignore', 'ignore', 'inherit'] })
    const clients: BankIdClient[] = []
    try {
      await waitForHealthz(operationsPort)
      const url = `https://127.0.0.1:${port}/rp/v6.0/`
      for (const kiosk of [pki.kiosks.a, pki.kiosks.b, pki.kiosks.c]) {
        clients.push(
          new BankIdClient({
            clock: { now: () => performance.now() },
            maintenanceRetry: { maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0 },
            transport: createHttpsTransport({ baseUrl: url, caPem: pki.gatewayCaPem, credentials: kiosk.credentials }),
          }),
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
      const idle = rssOf(child.pid ?? 0)
      const tokens: { client: number; token: string }[] = []
      for (let i = 0; i < 1_000; i++) {
        const client = i % clients.length
        // Without a personnummer: such orders never conflict at BankID.
        const started = await clients[client]!.auth(body())
        if (!started.ok) throw new Error(`auth ${i} failed: ${started.error.kind}`)
        tokens.push({ client, token: started.value.response.orderRef })
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
      const loaded = rssOf(child.pid ?? 0)
      const pending = await pendingGauge(operationsPort)
      for (const { client, token } of tokens) await clients[client]!.cancel(token)
      const after = rssOf(child.pid ?? 0)
      const rssMb = loaded / MB
      const goal = 100
      return {
        id: this.id,
        title: this.title,
        budget: goal,
        goal,
        unit: 'MB RSS',
        budgetText: '≤ 100 MB RSS (the goal)',
        goalText: '≤ 100 MB RSS',
        samples: [rssMb],
        median: rssMb,
        p95: rssMb,
        medianText: fmt(rssMb, 1),
        p95Text: fmt(rssMb, 1),
        judgedBy: 'value',
        verdict: verdictFor(rssMb, goal, goal),
        notes: [
          `node out/gateway/cli.js (the production bundle) with the simulator in the same process: idle ${fmt(idle / MB, 1)} MB RSS; ` +
            `with ${pending} orders pending (the gateway's own gauge) ${fmt(rssMb, 1)} MB; after cancelling them all ${fmt(after / MB, 1)} MB.`,
          'What the gateway keeps per pending order is its own bookkeeping (kiosk, personnummer key, start time); the order itself rides in the kiosk\'s sealed orderRef. The simulator holds the 1 000 orders too, so the growth is an upper bound.',
        ],
      }
    } finally {
      for (const client of clients) client.close()
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

/** VmRSS of a process from /proc (Linux): no GC is forced in a process we do not control. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`)
  return Number(kb) * 1024
}

async function waitForHealthz(port: number): Promise<void> {
  const end = performance.now() + 20_000
  while (performance.now() < end) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the gateway did not answer /healthz within 20 s')
}

async function pendingGauge(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  return Number(/^bankid_gateway_pending_orders (\d+)$/m.exec(text)?.[1] ?? NaN)
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}
