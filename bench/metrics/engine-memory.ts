// Memory after 10 000 login cycles in the session engine (product.md §7: ≤ 2 MB heap growth, no
// leaked timers or sockets; goal 0). From the shared engine runs (bench/lib/engine-runs.ts): in
// each run's own process, the heap after a full GC once the warm-up is done (the baseline) and
// again after 10 000 mixed sessions on the real simulator; the growth is one sample per run, and
// every run must keep the budget. The checkpoints every 1 000 sessions show whether growth levels
// off (JIT, caches filling) or keeps climbing (a leak); the heap's code spaces are reported apart,
// since compiled code is V8's, not the session's. Timers and sockets are counted at the baseline,
// at the end, and after the harness closed; anything left after close breaks the budget.
import { engineRuns, describeCount, leaksOf, mb, signedMb, ENGINE_CYCLES, ENGINE_LONG_CYCLES } from '../lib/engine-runs'
import type { EngineRunResult } from '../lib/engine-worker'
import { fmt, max, median, p95, verdictFor } from '../lib/stats'
import type { Metric, MetricResult } from '../lib/types'

const BUDGET_MB = 2
const GOAL_MB = 0

const growth = (run: EngineRunResult) => run.endHeap - run.baselineHeap
const codeGrowth = (run: EngineRunResult) => run.checkpoints.at(-1)!.codeHeap - run.checkpoints[0]!.codeHeap
/** Growth over the second half of the run: a leak keeps climbing, warm-up effects have levelled off. */
function secondHalf(run: EngineRunResult): number {
  const half = run.checkpoints.find((checkpoint) => checkpoint.sessions >= run.sessions / 2) ?? run.checkpoints[0]!
  return run.endHeap - half.heapUsed
}

/** What the long run says: growth from 10 000 to 30 000 sessions is a leak; none is warm-up. */
function readLongRun(long: EngineRunResult): { note: string; growing: boolean } {
  const at = (sessions: number) => long.checkpoints.find((checkpoint) => checkpoint.sessions >= sessions) ?? long.checkpoints.at(-1)!
  const base = long.baselineHeap
  const [ten, twenty] = [at(ENGINE_CYCLES), at(2 * ENGINE_CYCLES)]
  const later = long.endHeap - ten.heapUsed
  const laterCode = long.checkpoints.at(-1)!.codeHeap - ten.codeHeap
  const perTen = later / ((long.sessions - ten.sessions) / ENGINE_CYCLES)
  // Below this per 10 000 sessions the heap is flat within what one GC to the next moves it.
  const flat = Math.abs(perTen) < 0.1e6
  const note =
    `Leak or warm-up: one more run of ${ENGINE_LONG_CYCLES.toLocaleString('sv-SE')} sessions (seed ${long.input.seed}, same mix). ` +
    `Heap change from its baseline: ${signedMb(ten.heapUsed - base)} MB at ${ten.sessions.toLocaleString('sv-SE')}, ` +
    `${signedMb(twenty.heapUsed - base)} MB at ${twenty.sessions.toLocaleString('sv-SE')}, ${signedMb(long.endHeap - base)} MB at ` +
    `${long.sessions.toLocaleString('sv-SE')}; from ${ten.sessions.toLocaleString('sv-SE')} to the end ${signedMb(later)} MB ` +
    `(${signedMb(laterCode)} MB of it compiled code), ${signedMb(perTen)} MB per 10 000 sessions. ` +
    (flat
      ? 'It does not keep growing: what the 10 000-session runs show is warm-up (JIT code and its bookkeeping, pools filling), not a leak.'
      : '✗ It keeps growing after 10 000 sessions: that is a leak, whatever the 10 000-session budget says.')
  return { note, growing: !flat && perTen > 0 }
}

export const engineMemory: Metric = {
  id: 'engine-memory',
  title: `Session engine heap growth after ${ENGINE_CYCLES.toLocaleString('sv-SE')} login cycles`,
  live: false,
  async run(context): Promise<MetricResult> {
    const { runs, long, concurrency, wallMs } = await engineRuns(context)
    const samples = runs.map((run) => growth(run) / 1e6)
    const leaks = runs.map(leaksOf)
    const leaked = leaks.some((leak) => leak.afterRun.length > 0 || leak.afterClose.length > 0)
    const { cycles, warmUp } = runs[0]!.input
    const worst = max(samples)
    const longRun = readLongRun(long)
    const verdict = leaked || longRun.growing ? 'over' : verdictFor(worst, BUDGET_MB, GOAL_MB)

    const notes: string[] = [
      `${runs.length} run(s), each in its own Node ${runs[0]?.node ?? ''} process with --expose-gc: ${warmUp.toLocaleString('sv-SE')} ` +
        `warm-up sessions, then the heap collected (gc × 3) and measured (the baseline), then ${cycles.toLocaleString('sv-SE')} mixed ` +
        'sessions (every path of test/support/session-mix.ts) through the real session engine and BankID client over mutual TLS to the ' +
        'simulator, on a manual clock; measured again the same way. Between sessions the test harness’s own buffers and the simulator’s ' +
        `people and request log are emptied, so what stays is the engine’s, the client’s and the simulator’s. MB = 10⁶ bytes. ` +
        `${concurrency} run(s) side by side, ${fmt(wallMs / 1000, 0)} s wall for all.`,
      `Heap growth (heapUsed after GC, end − baseline): ${runs.map((run, i) => `run ${i + 1} ${signedMb(growth(run))} MB`).join(', ')}; ` +
        `judged on the largest: every run must keep the budget.`,
      `Of that, compiled code (V8 code spaces: JIT output, not data the engine keeps): ${runs.map((run) => `${signedMb(codeGrowth(run))} MB`).join(', ')}; ` +
        `the rest of the heap (data, including V8’s bookkeeping for that code: feedback vectors, deoptimisation data): ${runs.map((run) => `${signedMb(growth(run) - codeGrowth(run))} MB`).join(', ')}.`,
      `Growth over the second half (from ${(cycles / 2).toLocaleString('sv-SE')} sessions to the end), where a leak would keep climbing: ` +
        `${runs.map((run) => `${signedMb(secondHalf(run))} MB`).join(', ')}.`,
      longRun.note,
      `RSS: ${runs
        .map((run) => `${mb(run.checkpoints[0]!.rss, 0)} → ${mb(run.checkpoints.at(-1)!.rss, 0)} MB (peak ${mb(Math.max(...run.checkpoints.map((c) => c.rss)), 0)})`)
        .join(', ')} (RSS includes freed pages the allocator keeps; it is shown, not judged).`,
    ]
    leaks.forEach((leak, i) => {
      if (leak.afterClose.length) notes.push(`✗ run ${i + 1}: left open AFTER the harness closed: ${leak.afterClose.join(', ')}.`)
      if (leak.afterRun.length) notes.push(`✗ run ${i + 1}: after ${cycles} sessions, more than at the baseline: ${leak.afterRun.join(', ')}.`)
    })
    if (!leaked) {
      notes.push(
        'No leaked timers or sockets: at the end of every run the engine’s timers, the client’s TLS sockets and the process’s active resources ' +
          'are what they were at the baseline (within the client’s keep-alive pool), and after the harness closed nothing of it is left.',
      )
    }
    const errors = runs.reduce((sum, run) => sum + run.errorCount, 0)
    if (errors > 0) notes.push(`✗ ${errors} session(s) went wrong during the runs (see soak-engine): the memory numbers still count them.`)
    if (worst > BUDGET_MB) notes.push(`✗ heap growth ${fmt(worst, 2)} MB is over the ${BUDGET_MB} MB budget.`)

    // One column per run and measure for a few runs; the spread across runs for many (--runs 20).
    const compact = runs.length > 4
    const runNames = runs.map((_, i) => `run ${i + 1}`)
    const spread = (values: number[], show: (value: number) => string) =>
      values.length ? `${show(Math.min(...values))} / ${show(median(values))} / ${show(Math.max(...values))}` : '—'
    const checkpointRows = runs[0]!.checkpoints.map((checkpoint, row) => {
      const at = runs.map((run) => ({ run, at: run.checkpoints[row] }))
      const heapDelta = at.flatMap(({ run, at }) => (at ? [at.heapUsed - run.baselineHeap] : []))
      const codeDelta = at.flatMap(({ run, at }) => (at ? [at.codeHeap - run.checkpoints[0]!.codeHeap] : []))
      const rss = at.flatMap(({ at }) => (at ? [at.rss] : []))
      if (compact) return [checkpoint.sessions.toLocaleString('sv-SE'), spread(heapDelta, signedMb), spread(codeDelta, signedMb), spread(rss, (value) => mb(value, 1))]
      return [
        checkpoint.sessions.toLocaleString('sv-SE'),
        ...at.map(({ run, at }) => (at ? `${mb(at.heapUsed)} (${signedMb(at.heapUsed - run.baselineHeap)})` : '—')),
        ...at.map(({ run, at }) => (at ? signedMb(at.codeHeap - run.checkpoints[0]!.codeHeap) : '—')),
        ...at.map(({ at }) => (at ? mb(at.rss, 1) : '—')),
      ]
    })
    const checkpointHeader = compact
      ? ['sessions', 'heap change min / median / max', 'code change min / median / max', 'RSS min / median / max']
      : ['sessions', ...runNames.map((name) => `heap ${name}`), ...runNames.map((name) => `code ${name}`), ...runNames.map((name) => `RSS ${name}`)]
    return {
      id: this.id,
      title: this.title,
      budget: BUDGET_MB,
      goal: GOAL_MB,
      unit: 'MB',
      budgetText: `≤ ${BUDGET_MB} MB heap growth, no leaked timers/sockets`,
      goalText: '0',
      samples,
      median: median(samples),
      p95: p95(samples),
      medianText: fmt(median(samples), 2),
      p95Text: fmt(p95(samples), 2),
      sampleTexts: samples.map((sample) => fmt(sample, 3)),
      judgedBy: 'max',
      verdict,
      notes,
      details: [
        {
          title: compact
            ? `Heap after GC at each checkpoint, change from the baseline (MB), its code spaces’ change, and RSS (MB), across the ${runs.length} runs`
            : 'Heap after GC at each checkpoint (MB, change from the baseline), its code spaces’ change, and RSS (MB)',
          header: checkpointHeader,
          rows: checkpointRows,
        },
        {
          title: 'Active resources, engine timers and sockets: before the harness, at the baseline, after the run, after close',
          header: ['run', 'process start', 'baseline', 'after the run', 'after close', 'left open'],
          rows: runs.map((run, i) => [
            `run ${i + 1} (seed ${run.input.seed})`,
            describeCount(run.counts.process),
            describeCount(run.counts.baseline),
            describeCount(run.counts.end),
            describeCount(run.counts.closed),
            [...leaks[i]!.afterRun, ...leaks[i]!.afterClose.map((leak) => `after close: ${leak}`)].join('; ') || 'nothing',
          ]),
        },
      ],
    }
  },
}
