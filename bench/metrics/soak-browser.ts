// The browser soak: hundreds of full sessions through the real page, one after another, with the
// seeded mix of every way a login ends — the same 300 cycles renderer-memory measures the heap of
// (bench/metrics/renderer-memory.ts; whichever of the two runs first plays them). Judged on what a
// kiosk that runs all day needs: not one session that hangs, shows the wrong screen or ends in
// the wrong outcome, no error in the page, the kiosk's counters agreeing with what the sessions
// ended in, and the document back to the welcome screen's size after every session. Reported:
// sessions a minute, time per session by path, outcomes.
import type { SessionOutcome } from '../../src/main/counters/outcome-counters'
import { MIX_KINDS } from '../../test/support/session-mix'
import { fmt, max, median, min, p95 } from '../lib/stats'
import type { Metric, MetricResult } from '../lib/types'
import { browserCycles, CHECKPOINT_EVERY, offBaseline } from './renderer-memory'

const sameCounts = (a: Partial<Record<SessionOutcome, number>>, b: Partial<Record<SessionOutcome, number>>): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as SessionOutcome[])
  return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0))
}
const list = (counts: Partial<Record<string, number>>) =>
  Object.entries(counts)
    .sort(([, x], [, y]) => (y ?? 0) - (x ?? 0))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')

export const soakBrowser: Metric = {
  id: 'soak-browser',
  title: 'Browser soak: mixed sessions through the page',
  live: true,
  async run(context): Promise<MetricResult> {
    const c = await browserCycles(context)
    const perMinute = (c.cycles / c.elapsedMs) * 60_000
    const documentOff = offBaseline(c)
    const countersAgree = sameCounts(c.outcomes, c.counted)
    const missingKinds = MIX_KINDS.filter((kind) => !c.kinds[kind])
    const errors = c.errors.length + c.pageProblems.length
    const ok = errors === 0 && documentOff.length === 0 && countersAgree
    const times = c.sessionMs
    const elements = c.afterSession.map((s) => s.elements)
    const nodes = c.afterSession.map((s) => s.nodes)

    // Real time per path: which ones the soak spends its time on.
    const byKind = new Map<string, number[]>()
    c.afterSession.forEach((s, i) => byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), c.sessionMs[i]!]))
    return {
      id: this.id,
      title: this.title,
      budget: 0,
      goal: 0,
      unit: 'errors',
      budgetText: '0 errors, outcomes counted right, DOM back to welcome after every session (product.md §7 sets none; judged here)',
      goalText: 'same',
      samples: [errors],
      median: errors,
      p95: errors,
      judgedBy: 'value',
      runsText: `${c.cycles} sessions`,
      verdict: ok ? 'goal' : 'over',
      notes: [
        `${c.cycles} full sessions (after a ${c.warmUp}-session warm-up) in ${fmt(c.elapsedMs / 1000, 1)} s of real time: ` +
          `**${fmt(perMinute, 0)} sessions a minute**; one session's real time: median ${fmt(median(times), 0)} ms, p95 ${fmt(p95(times), 0)} ms, max ${fmt(max(times), 0)} ms; ` +
          `covering ${fmt(c.simulatedMs / 3_600_000, 1)} h of BankID time on the kiosk's manual clock. ` +
          `Measurement pauses (a document count after every session, GC + heap every ${CHECKPOINT_EVERY}) are not counted.`,
        c.errors.length === 0
          ? 'Errors: 0. Every session reached the screens, failure causes and references its path must show, in order, and ended on welcome, the page too.'
          : `✗ ${c.errors.length} session(s) went wrong: ` + c.errors.slice(0, 5).map((e) => `#${e.index} ${e.kind} (${e.variant}): ${e.message.slice(0, 160)}`).join(' | '),
        c.pageProblems.length === 0
          ? 'Page: no console error, no uncaught error, no crash.'
          : `✗ ${c.pageProblems.length} page problem(s): ${c.pageProblems.slice(0, 5).join(' | ')}`,
        `Paths (${Object.keys(c.kinds).length} of ${MIX_KINDS.length}${missingKinds.length ? `; not drawn: ${missingKinds.join(', ')}` : ''}): ${list(c.kinds)}; ` +
          `${Object.keys(c.variants).length} variants. Out of service (three service failures in a row) and back by itself: ${c.outOfService} time(s).`,
        `Outcomes the sessions ended in: ${list(c.outcomes)}. ` +
          (countersAgree
            ? "The kiosk's own counters (counters.json) say exactly the same."
            : `✗ the kiosk's counters say otherwise: ${list(c.counted)}.`),
        documentOff.length === 0
          ? `DOM: after every session the document had ${c.baseline.elements} elements and ${c.baseline.nodes} nodes, as the baseline welcome screen ` +
            `(elements ${min(elements)}–${max(elements)}, nodes ${min(nodes)}–${max(nodes)}).`
          : `✗ DOM: ${documentOff.length} session(s) left the document off the welcome screen's ${c.baseline.elements} elements / ${c.baseline.nodes} nodes: ` +
            documentOff.slice(0, 5).map((s) => `#${s.session} (${s.kind}) ${s.elements}/${s.nodes}`).join(', '),
        `Seed ${c.seed} (test/support/session-mix.ts); the parent's side through the page: Swedish button names, digits from the keyboard, ` +
          'the QR read off the screen and decoded for the simulated app. The variant "FAQ, back, then Avbryt" is left out: the page offers the FAQ on welcome and the guide only.',
      ],
      details: [
        {
          title: 'Real time per session, by path',
          header: ['path', 'sessions', 'median (ms)', 'p95 (ms)', 'max (ms)'],
          rows: [...byKind.entries()]
            .sort(([a], [b]) => MIX_KINDS.indexOf(a as (typeof MIX_KINDS)[number]) - MIX_KINDS.indexOf(b as (typeof MIX_KINDS)[number]))
            .map(([kind, ms]) => [kind, String(ms.length), fmt(median(ms), 0), fmt(p95(ms), 0), fmt(max(ms), 0)]),
        },
      ],
    }
  },
}
