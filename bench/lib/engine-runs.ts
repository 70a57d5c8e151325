// The engine soak runs that engine-memory and soak-engine are both computed from: each in a child
// process of its own (bench/lib/engine-worker.ts, with --expose-gc so the heap can be collected
// before it is measured), several side by side. Started once per bench and shared through
// context.shared, whichever of the two metrics runs first.
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { SessionOutcome } from '../../src/main/counters/outcome-counters'
import { DEFAULT_WEIGHTS, MIX_KINDS, expectedOutcomes, mixSession } from '../../test/support/session-mix'
import type { MixKind } from '../../test/support/session-mix'
import type { EngineRunInput, EngineRunResult, ResourceCount } from './engine-worker'
import type { BenchContext } from './types'

/** product.md §7: "memory after 10 000 login cycles in the session engine". */
export const ENGINE_CYCLES = 10_000
/**
 * Sessions before the baseline: the TLS connection, the pools and most of the JIT. V8 keeps
 * compiling (and re-compiling) hot code well past this; that shows as code-space growth, which the
 * memory notes report apart from the rest of the heap.
 */
export const ENGINE_WARM_UP = 1_000
export const ENGINE_CHECKPOINT_EVERY = 1_000
/**
 * One more run, three times as long, read only by engine-memory: what is left after 10 000
 * sessions is a leak if it keeps growing to 30 000, warm-up if it does not.
 */
export const ENGINE_LONG_CYCLES = 30_000
/** Three runs: a run that grows and two that do not is visible; each takes ~2 min of one CPU. */
export const DEFAULT_ENGINE_RUNS = 3
/**
 * The mix, with the three paths that wait out minutes of BankID time (an unscanned QR to the end
 * of its window, walking away from the QR, a timeout) a quarter as likely as the others: each of
 * them renders a QR frame a second for up to 40 s, which is most of the time of a run.
 */
export const ENGINE_WEIGHTS: Partial<Record<MixKind, number>> = { 'scan-failed': 0.25, 'idle-waiting': 0.25, timeout: 0.25 }
/** The BankID client's agent keeps at most this many sockets per host (src/main/bankid/transport.ts). */
export const CLIENT_POOL_SOCKETS = 4
const RUN_TIMEOUT_MS = 15 * 60_000
const WORKER = fileURLToPath(new URL('./engine-worker.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface EngineRuns {
  runs: EngineRunResult[]
  /** The ENGINE_LONG_CYCLES run: not among `runs`, so every metric judges the same 10 000. */
  long: EngineRunResult
  /** How many ran side by side, and the wall time of all of them. */
  concurrency: number
  wallMs: number
}

function runOne(input: EngineRunInput, children: Set<ChildProcess>): Promise<EngineRunResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], {
      cwd: ROOT,
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    children.add(child)
    let settled = false
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      outcome()
    }
    child.once('exit', () => children.delete(child))
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`an engine run did not finish within ${RUN_TIMEOUT_MS / 60_000} min (hung)`)))
      child.kill('SIGKILL')
    }, RUN_TIMEOUT_MS)
    child.on('message', (message: { ok: true; result: EngineRunResult } | { ok: false; error: string }) => {
      settle(() => (message.ok ? resolve(message.result) : reject(new Error(`an engine run failed: ${message.error}`))))
    })
    child.on('error', (error) => settle(() => reject(error)))
    child.on('exit', (code, signal) => settle(() => reject(new Error(`an engine run crashed (exit code ${code}, signal ${signal})`))))
    child.send(input)
  })
}

export function engineRuns(context: BenchContext): Promise<EngineRuns> {
  const existing = context.shared.get('engine-runs') as Promise<EngineRuns> | undefined
  if (existing) return existing
  const started = (async (): Promise<EngineRuns> => {
    const count = context.options.runs ?? DEFAULT_ENGINE_RUNS
    // One process per CPU: memory is per process, and oversubscribing would only blur sessions/s.
    const concurrency = Math.max(1, Math.min(count + 1, cpus().length))
    context.log(
      `    ${count} engine run(s) of ${ENGINE_WARM_UP} warm-up + ${ENGINE_CYCLES} mixed sessions and one of ${ENGINE_LONG_CYCLES}, ` +
        `${concurrency} side by side (~1 min of one CPU per 10 000)…`,
    )
    const startedAt = performance.now()
    const runs: EngineRunResult[] = new Array(count)
    let long: EngineRunResult | null = null
    const children = new Set<ChildProcess>()
    // The long run first: it takes three times as long, and the short ones fill the other CPU.
    const jobs = [ENGINE_LONG_CYCLES, ...Array.from({ length: count }, () => ENGINE_CYCLES)]
    let next = 0
    let failed = false
    const worker = async () => {
      while (next < jobs.length && !failed) {
        const job = next++
        const index = job - 1
        const runStarted = performance.now()
        try {
          const result = await runOne({
            cycles: jobs[job]!,
            warmUp: ENGINE_WARM_UP,
            every: ENGINE_CHECKPOINT_EVERY,
            seed: 7_919 * (job === 0 ? 101 : index + 1),
            weights: ENGINE_WEIGHTS,
          }, children)
          if (job === 0) long = result
          else runs[index] = result
        } catch (error) {
          // The metric fails: no new runs, and the ones still going are stopped.
          failed = true
          for (const child of children) child.kill('SIGKILL')
          throw error
        }
        const run = job === 0 ? long! : runs[index]!
        context.log(
          `    engine run ${job === 0 ? 'long' : `${index + 1}/${count}`} done in ${((performance.now() - runStarted) / 1000).toFixed(0)} s: ` +
            `heap ${mb(run.endHeap - run.baselineHeap, 2)} MB after ${run.sessions} sessions, ${run.errorCount} error(s)`,
        )
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    if (!long) throw new Error('the long engine run did not finish')
    return { runs, long, concurrency, wallMs: performance.now() - startedAt }
  })()
  context.shared.set('engine-runs', started)
  return started
}

// ---- shared reading of the runs ------------------------------------------------------------

/** Megabytes (10⁶ bytes: product.md's "2 MB", read strictly). */
export const mb = (bytes: number, digits = 2): string => (bytes / 1e6).toFixed(digits)
export const signedMb = (bytes: number, digits = 2): string => `${bytes >= 0 ? '+' : '−'}${mb(Math.abs(bytes), digits)}`

/** What the plan of a run was: the paths and the outcomes the engine must count, from the seed alone. */
export interface PlannedMix {
  kinds: Partial<Record<MixKind, number>>
  outcomes: Partial<Record<SessionOutcome, number>>
}

export function plannedMix(input: EngineRunInput): PlannedMix {
  const kinds: Partial<Record<MixKind, number>> = {}
  const outcomes: Partial<Record<SessionOutcome, number>> = {}
  for (let i = 0; i < input.cycles; i++) {
    const session = mixSession(input.warmUp + i, { seed: input.seed, weights: input.weights })
    kinds[session.kind] = (kinds[session.kind] ?? 0) + 1
    for (const outcome of expectedOutcomes(session)) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
  }
  return { kinds, outcomes }
}

/** Each path's share of the mix (its weight over the sum of the weights). */
export function mixShares(weights: Partial<Record<MixKind, number>>): Record<MixKind, number> {
  const all = { ...DEFAULT_WEIGHTS, ...weights }
  const total = MIX_KINDS.reduce((sum, kind) => sum + all[kind], 0)
  return Object.fromEntries(MIX_KINDS.map((kind) => [kind, all[kind] / total])) as Record<MixKind, number>
}

/**
 * What a run left behind. After the run (end vs baseline, both on the welcome screen with nothing
 * in flight): more ManualScheduler timers, sockets beyond the client's pool, or more active
 * resources of any other type. After the harness closed: anything at all beyond what the process
 * had before it started.
 */
export interface Leaks {
  afterRun: string[]
  afterClose: string[]
}

export function leaksOf(run: EngineRunResult): Leaks {
  const { process: before, baseline, end, closed } = run.counts
  const afterRun: string[] = []
  if (end.manualTimers > baseline.manualTimers) afterRun.push(`${end.manualTimers - baseline.manualTimers} more engine timer(s) than at the baseline`)
  const pool = Math.max(baseline.clientSockets, CLIENT_POOL_SOCKETS)
  if (end.clientSockets > pool) afterRun.push(`${end.clientSockets} client TLS sockets open (the pool holds at most ${pool})`)
  if (end.serverSockets > Math.max(baseline.serverSockets, CLIENT_POOL_SOCKETS)) afterRun.push(`${end.serverSockets} simulator-side sockets open`)
  for (const [type, count] of Object.entries(end.resources)) {
    if (type === 'TCPSocketWrap') continue // the sockets, judged above
    const was = baseline.resources[type] ?? 0
    if (count > was) afterRun.push(`${count - was} more ${type} than at the baseline`)
  }
  const afterClose: string[] = []
  if (closed.manualTimers > 0) afterClose.push(`${closed.manualTimers} engine timer(s)`)
  if (closed.clientSockets > 0) afterClose.push(`${closed.clientSockets} client TLS socket(s)`)
  if (closed.serverSockets > 0) afterClose.push(`${closed.serverSockets} simulator-side socket(s)`)
  for (const [type, count] of Object.entries(closed.resources)) {
    const was = before.resources[type] ?? 0
    if (count > was) afterClose.push(`${count - was} ${type}`)
  }
  return { afterRun, afterClose }
}

/** "TCPServerWrap 2, TCPSocketWrap 1; 1 engine timer; sockets 1 client / 1 server". */
export function describeCount(count: ResourceCount): string {
  const resources = Object.entries(count.resources)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${type} ${n}`)
    .join(', ')
  return `${resources || 'none'}; ${count.manualTimers} engine timer(s); sockets ${count.clientSockets} client / ${count.serverSockets} server`
}
