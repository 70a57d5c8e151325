// One engine soak run, in a process of its own started with --expose-gc (bench/lib/engine-runs.ts
// forks it): the session engine on the real simulator over mutual TLS, on a manual clock
// (test/support/session-harness.ts), playing a seeded mix of every path (test/support/session-mix.ts).
//
//   1. the process's active resources are counted before anything starts;
//   2. a warm-up of mixed sessions (JIT, TLS connection, pools), then the harness's own buffers and
//      the simulator's bookkeeping are emptied, the heap collected (gc ×3) and measured: the baseline;
//   3. `cycles` mixed sessions, a checkpoint (gc, heap, RSS) every `every`; after each session the
//      harness's buffers (every snapshot, log event and outcome it keeps for tests) and the
//      simulator's people, request log and ended orders are emptied, so what remains is the
//      engine's, the client's and the simulator's own steady state;
//   4. the same measurement at the end; then timers, sockets and active resources are counted;
//   5. the harness is closed and everything is counted once more.
//
// Sockets: the BankID client's keep-alive sockets are unref'd while idle in the agent's pool, so
// process.getActiveResourcesInfo() and _getActiveHandles() never list them; every socket
// tls.connect() opens (which is how node:https connects) is tracked until its 'close' instead.
// The simulator's ends of the connections are ref'd sockets whose local port is the RP port.
//
// The result goes to the parent over IPC as one message.
import { Socket } from 'node:net'
import tls from 'node:tls'
import type { TLSSocket } from 'node:tls'
import { getHeapSpaceStatistics } from 'node:v8'
import type { SessionOutcome } from '../../src/main/counters/outcome-counters'
import { startSessionHarness, testSettings } from '../../test/support/session-harness'
import { MIX_TIMING, runSessionMix } from '../../test/support/session-mix'
import type { MixError, MixKind, MixOptions } from '../../test/support/session-mix'

export interface EngineRunInput {
  cycles: number
  warmUp: number
  every: number
  seed: number
  weights: NonNullable<MixOptions['weights']>
}

export interface Checkpoint {
  sessions: number
  /** Real ms since the measured run started. */
  ms: number
  heapUsed: number
  /** The part of heapUsed that is compiled code (code_space + code_large_object_space): JIT, not data. */
  codeHeap: number
  rss: number
  external: number
}

export interface ResourceCount {
  /** process.getActiveResourcesInfo(), counted by type. */
  resources: Record<string, number>
  /** Timers waiting on the ManualScheduler (the engine's and the simulator's, if any). */
  manualTimers: number
  /** TLS sockets the process opened (the BankID client's, to the RP port) and has not yet closed. */
  clientSockets: number
  /** The simulator's ends: sockets whose local port is the RP port. */
  serverSockets: number
}

export interface EngineRunResult {
  input: EngineRunInput
  node: string
  elapsedMs: number
  /** CPU time (user + system) of the measured run: contention-free cost per session. */
  cpuMs: number
  simulatedMs: number
  sessions: number
  outcomes: Partial<Record<SessionOutcome, number>>
  /** What the engine itself reported (the harness's outcome events), to check the mix's counts. */
  engineOutcomes: Partial<Record<SessionOutcome, number>>
  kinds: Partial<Record<MixKind, number>>
  outOfService: number
  /** The first few sessions that went wrong (a hang, an unexpected screen), and how many did. */
  errors: MixError[]
  errorCount: number
  baselineHeap: number
  endHeap: number
  checkpoints: Checkpoint[]
  counts: { process: ResourceCount; baseline: ResourceCount; end: ResourceCount; closed: ResourceCount }
}

declare const gc: (() => void) | undefined

interface Memory {
  heapUsed: number
  codeHeap: number
  rss: number
  external: number
}

async function collectedMemory(): Promise<Memory> {
  if (typeof gc !== 'function') throw new Error('run with --expose-gc')
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  const { heapUsed, rss, external } = process.memoryUsage()
  const codeHeap = getHeapSpaceStatistics()
    .filter((space) => space.space_name.startsWith('code_'))
    .reduce((sum, space) => sum + space.space_used_size, 0)
  return { heapUsed, codeHeap, rss, external }
}

/** Every socket tls.connect() has opened and not yet closed (node:https connects through it). */
const openTlsSockets = new Set<TLSSocket>()
const tlsConnect = tls.connect
tls.connect = function (this: unknown, ...args: unknown[]) {
  const socket = (tlsConnect as (...args: unknown[]) => TLSSocket).apply(this, args)
  openTlsSockets.add(socket)
  socket.once('close', () => openTlsSockets.delete(socket))
  return socket
} as typeof tls.connect

function countResources(manualTimers: number, rpPort: number | null): ResourceCount {
  const resources: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1
  let serverSockets = 0
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles()
  for (const handle of handles) {
    if (rpPort !== null && handle instanceof Socket && handle.localPort === rpPort) serverSockets += 1
  }
  return { resources, manualTimers, clientSockets: openTlsSockets.size, serverSockets }
}

async function main(input: EngineRunInput): Promise<EngineRunResult> {
  const processCount = countResources(0, null)
  const settings = testSettings({ timing: MIX_TIMING })
  const h = await startSessionHarness(settings)
  const sim = h.env.simulator
  const rpPort = Number(new URL(sim.rpBaseUrl).port)
  const engineOutcomes: Partial<Record<SessionOutcome, number>> = {}
  let counting = false
  const tidy = () => {
    if (counting) for (const outcome of h.outcomes) engineOutcomes[outcome] = (engineOutcomes[outcome] ?? 0) + 1
    h.outcomes.length = 0
    h.logs.length = 0
    h.snapshots.length = 0
    sim.people.reset()
    sim.log.clear()
  }
  const target = { session: h.session, simulator: sim, scheduler: h.scheduler, timing: settings.timing }
  const common = { seed: input.seed, weights: input.weights, record: false, decodeEvery: 100, onError: 'continue' as const }

  await runSessionMix(target, { ...common, sessions: input.warmUp, start: 0, afterSession: tidy })
  await h.session.whenIdle()
  tidy()
  sim.orders.clear()
  const baseline = await collectedMemory()
  const baselineCount = countResources(h.scheduler.pendingTimers, rpPort)

  counting = true
  const checkpoints: Checkpoint[] = [{ sessions: 0, ms: 0, ...baseline }]
  const startedAt = performance.now()
  const cpuAt = process.cpuUsage()
  let paused = 0
  const mix = await runSessionMix(target, {
    ...common,
    sessions: input.cycles,
    start: input.warmUp,
    async afterSession(_index, done) {
      tidy()
      if (done % input.every !== 0 || done === input.cycles) return
      const pauseAt = performance.now()
      const memory = await collectedMemory()
      checkpoints.push({ sessions: done, ms: pauseAt - startedAt - paused, ...memory })
      paused += performance.now() - pauseAt
    },
  })
  const cpu = process.cpuUsage(cpuAt)
  const elapsedMs = performance.now() - startedAt - paused
  await h.session.whenIdle()
  tidy()
  sim.orders.clear()
  const end = await collectedMemory()
  checkpoints.push({ sessions: input.cycles, ms: elapsedMs, ...end })
  const endCount = countResources(h.scheduler.pendingTimers, rpPort)

  await h.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  const closedCount = countResources(h.scheduler.pendingTimers, rpPort)

  return {
    input,
    node: process.version,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    simulatedMs: mix.simulatedMs,
    sessions: mix.sessions,
    outcomes: mix.outcomes,
    engineOutcomes,
    kinds: mix.kinds,
    outOfService: mix.outOfService,
    errors: mix.errors.slice(0, 20),
    errorCount: mix.errors.length,
    baselineHeap: baseline.heapUsed,
    endHeap: end.heapUsed,
    checkpoints,
    counts: { process: processCount, baseline: baselineCount, end: endCount, closed: closedCount },
  }
}

let answered = false
const answer = (message: { ok: true; result: EngineRunResult } | { ok: false; error: string }) => {
  answered = true
  process.send?.(message, () => process.disconnect())
}
// The bench went away (it failed, or was stopped): nobody will read the result.
process.once('disconnect', () => {
  if (!answered) process.exit(2)
})
process.once('message', (message) => {
  main(message as EngineRunInput).then(
    (result) => answer({ ok: true, result }),
    (error: unknown) => answer({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  )
})
