// The benchmark suite: measures product.md §7's budgets on the real app and writes
// docs/benchmarks.md. Not a test: it reports; a broken budget is a loud ✗, and fails the command
// only with --strict.
//
//   tsx bench/run.ts [--only id,id] [--runs N] [--qr-seconds N] [--strict]
//
// `npm run bench` builds the renderer first (the browser metrics load out/renderer).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import type { Browser } from '@playwright/test'
import { ensureChromium } from '../scripts/chromium'
import { startKiosk } from './lib/kiosk'
import type { Kiosk } from './lib/kiosk'
import { describeMachine } from './lib/machine'
import { consoleLine, markdown } from './lib/report'
import type { Failure } from './lib/report'
import type { BenchContext, BenchOptions, MetricResult } from './lib/types'
import { METRICS } from './metrics'

const REPORT_PATH = 'docs/benchmarks.md'
const USAGE = `usage: tsx bench/run.ts [--only id,id] [--runs N] [--qr-seconds N] [--strict]
metrics: ${METRICS.map((metric) => metric.id).join(', ')}`

function positive(name: string, text: string | undefined, fallback: number | null): number | null {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1, not "${text}"`)
  return value
}

function parse(argv: string[]): { options: BenchOptions; only: string[] | null } {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      runs: { type: 'string' },
      'qr-seconds': { type: 'string' },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const only = values.only === undefined ? null : values.only.split(',').map((id) => id.trim()).filter(Boolean)
  const unknown = (only ?? []).filter((id) => !METRICS.some((metric) => metric.id === id))
  if (unknown.length) throw new Error(`unknown metric(s): ${unknown.join(', ')}\n${USAGE}`)
  return {
    only,
    options: {
      runs: positive('runs', values.runs, null),
      qrSeconds: positive('qr-seconds', values['qr-seconds'], 20)!,
      strict: values.strict,
    },
  }
}

const loadAverages = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ')

async function main(): Promise<number> {
  const started = new Date()
  const loadAtStart = loadAverages()
  const startedAt = performance.now()
  const { options, only } = parse(process.argv.slice(2))
  const selected = METRICS.filter((metric) => only === null || only.includes(metric.id))

  let kiosk: Promise<Kiosk> | null = null
  let browser: Promise<Browser> | null = null
  const context: BenchContext = {
    options,
    kiosk: () => (kiosk ??= startKiosk()),
    browser: () => (browser ??= chromium.launch({ executablePath: ensureChromium(), headless: true })),
    shared: new Map(),
    log: (line) => console.log(line),
  }

  const results: MetricResult[] = []
  const failures: Failure[] = []
  let chromiumVersion: string | null = null
  try {
    for (const metric of selected) {
      console.log(`… ${metric.id}: ${metric.title}`)
      const load = loadavg()[0]!
      try {
        const result = await metric.run(context)
        result.notes.push(`1-minute load average when this metric started: ${load.toFixed(2)} (${cpus().length} CPUs).`)
        results.push(result)
        console.log(consoleLine(result))
        if (result.verdict === 'over') {
          for (const note of result.notes.filter((line) => line.startsWith('✗'))) console.log(`    ${note}`)
        }
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error)
        failures.push({ id: metric.id, title: metric.title, error: message })
        console.error(`✗ ERROR                   ${metric.id.padEnd(18)} ${message}`)
        if (error instanceof Error && error.stack) console.error(error.stack)
      }
    }
  } finally {
    if (browser) {
      const launched = await (browser as Promise<Browser>).catch(() => null)
      chromiumVersion = launched?.version() ?? null
      await launched?.close()
    }
    if (kiosk) await (await (kiosk as Promise<Kiosk>).catch(() => null))?.close()
  }

  const seconds = (performance.now() - startedAt) / 1000
  const command = ['tsx bench/run.ts', ...process.argv.slice(2)].join(' ')
  const machine = describeMachine(chromiumVersion, started)
  mkdirSync(dirname(REPORT_PATH), { recursive: true })
  const report = markdown({ results, failures, machine, loadAtStart, loadAtEnd: loadAverages(), command, selected: only, seconds })
  writeFileSync(REPORT_PATH, report)

  const over = results.filter((result) => result.verdict === 'over')
  console.log('')
  console.log(`Wrote ${REPORT_PATH} (${results.length} metric(s), ${Math.round(seconds)} s).`)
  if (over.length) {
    console.log(`✗✗ BUDGET BROKEN: ${over.map((result) => result.id).join(', ')}${options.strict ? '' : ' (exit code 0: pass --strict to fail)'}`)
  } else if (failures.length === 0) {
    console.log('✓ Every measured budget is kept.')
  }
  if (failures.length) {
    console.log(`✗✗ COULD NOT MEASURE: ${failures.map((failure) => failure.id).join(', ')}`)
    return 1
  }
  return over.length && options.strict ? 1 : 0
}

main().then(
  (code) => {
    process.exitCode = code
    // Everything is closed by now; if something still holds the event loop, say so and leave.
    setTimeout(() => {
      console.error('bench: something kept the process alive after it finished; exiting anyway')
      process.exit(code)
    }, 5_000).unref()
  },
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  },
)
