// One BankID gateway in a process of its own (forked by bench/lib/gateway-process.ts with
// --expose-gc), so that its latency, throughput and memory are the gateway's alone: the simulator
// and the simulated kiosks run in the parent. It starts from the test harness's settings file
// (test/support/gateway.ts) in front of the parent's simulator, tells the parent its URL, and then
// answers "measure" with its memory after a full GC, and "stop" by closing.
import { getHeapStatistics } from 'node:v8'
import type { RunningSimulator } from '../../src/main/simulator/simulator'
import { startTestGateway } from '../../test/support/gateway'

export interface GatewayWorkerInput {
  rpBaseUrl: string
  serverCaPem: string
  clientP12Path: string
}

export type GatewayWorkerMessage =
  | { kind: 'ready'; url: string; pid: number }
  | { kind: 'memory'; rssBytes: number; heapUsedBytes: number; eventLoopDelayP99Ms: number; pending: number }

const input = JSON.parse(process.argv[2] ?? '{}') as GatewayWorkerInput
const send = (message: GatewayWorkerMessage) => process.send?.(message)

// Only what startTestGateway reads of a simulator: where it is and how to reach it.
const simulator = { rpBaseUrl: input.rpBaseUrl, pki: { serverCaPem: input.serverCaPem, clientP12Path: input.clientP12Path } } as RunningSimulator
const gw = await startTestGateway({ simulator, start: { probeIntervalMs: 60_000 } })
const { monitorEventLoopDelay } = await import('node:perf_hooks')
const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()
send({ kind: 'ready', url: gw.gateway.url, pid: process.pid })

process.on('message', (message: { kind: 'measure' | 'stop' | 'reset-delay' }) => {
  if (message.kind === 'reset-delay') return delay.reset()
  if (message.kind === 'measure') {
    for (let i = 0; i < 3; i++) globalThis.gc?.()
    send({
      kind: 'memory',
      rssBytes: process.memoryUsage().rss,
      heapUsedBytes: getHeapStatistics().used_heap_size,
      eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
      pending: gw.gateway.front.pendingCount,
    })
    return
  }
  void gw.close().then(() => process.exit(0))
})
