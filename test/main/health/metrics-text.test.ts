// The health report as metrics text (health.prom beside health.json): valid exposition text that a
// node_exporter / windows_exporter textfile collector accepts (checked line by line against the
// format's grammar here), and saying what the report says.
import { describe, expect, it } from 'vitest'
import { healthMetricsText } from '../../../src/main/health/metrics-text'
import { HEALTH_REASONS, healthReport } from '../../../src/main/health/report'
import type { HealthFacts } from '../../../src/main/health/report'

const START = new Date('2026-11-24T09:00:00Z')
const facts = (overrides: Partial<HealthFacts> = {}): HealthFacts => ({
  now: new Date(START.getTime() + 3_600_000),
  kioskId: 'reception-hus-a',
  version: '1.2.3',
  startedAt: START,
  uptimeSeconds: 3600,
  settings: { ok: true },
  environment: 'production',
  endpoint: 'appapi2.bankid.com',
  certificateNotAfter: new Date('2027-01-10T00:00:00Z'),
  probe: { at: new Date(START.getTime() + 3_500_000), outcome: { ok: true, latencyMs: 120 } },
  probeFailuresInARow: 0,
  activity: 'idle',
  outOfServiceReference: null,
  errors: { sinceStart: 3, lastHour: 1 },
  warnings: { sinceStart: 5, lastHour: 2 },
  rendererCrashes: { sinceStart: 0, lastHour: 0 },
  today: { date: '2026-11-24', sessions: { success: 7, timeout: 2 } },
  lastSuccessfulLoginAt: new Date(START.getTime() + 1_800_000),
  stopping: false,
  ...overrides,
})

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/y

/** Parses the text as the textfile collectors do, failing on anything the grammar does not allow. */
function parse(text: string): Map<string, number> {
  expect(text.endsWith('\n# EOF\n')).toBe(true)
  const typed = new Map<string, string>()
  const series = new Map<string, number>()
  const lines = text.slice(0, -'# EOF\n'.length).split('\n').filter((line) => line !== '')
  for (const line of lines) {
    if (line.startsWith('# HELP ')) {
      expect(line.split(' ')[2]).toMatch(NAME)
      continue
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ')
      expect(type, line).toBe('gauge')
      expect(typed.has(name ?? ''), `TYPE twice: ${line}`).toBe(false)
      typed.set(name ?? '', type ?? '')
      continue
    }
    const match = SAMPLE.exec(line)
    if (!match) throw new Error(`not a sample: ${line}`)
    const [, name = '', , labels = ''] = match
    expect(typed.has(name), `no TYPE before ${line}`).toBe(true)
    LABEL.lastIndex = 0
    let consumed = 0
    while (consumed < labels.length) {
      const label = LABEL.exec(labels)
      if (!label) throw new Error(`bad labels: ${line}`)
      consumed = LABEL.lastIndex
    }
    const key = `${name}{${labels}}`
    expect(series.has(key), `duplicate series ${key}`).toBe(false)
    series.set(key, Number(match[4]))
  }
  return series
}

describe('healthMetricsText', () => {
  it('is valid exposition text, every metric a gauge, ending in # EOF', () => {
    expect(parse(healthMetricsText(healthReport(facts()))).size).toBeGreaterThan(20)
  })

  it('says what the report says', () => {
    const report = healthReport(facts())
    const series = parse(healthMetricsText(report))
    expect(series.get('bankid_kiosk_status{status="ok"}')).toBe(report.status === 'ok' ? 1 : 0)
    expect([...series].filter(([key]) => key.startsWith('bankid_kiosk_status{')).map(([, value]) => value).sort()).toEqual([0, 0, 1])
    expect(series.get('bankid_kiosk_info{kiosk="reception-hus-a",version="1.2.3",environment="production",endpoint="appapi2.bankid.com"}')).toBe(1)
    expect(series.get('bankid_kiosk_certificate_days_left{}')).toBe(report.bankid.certificateDaysLeft)
    expect(series.get('bankid_kiosk_bankid_reachable{}')).toBe(1)
    expect(series.get('bankid_kiosk_bankid_probe_latency_seconds{}')).toBe(0.12)
    expect(series.get('bankid_kiosk_report_timestamp_seconds{}')).toBe(Date.parse(report.updatedAt) / 1000)
    expect(series.get('bankid_kiosk_sessions_today{outcome="success"}')).toBe(7)
    expect(series.get('bankid_kiosk_sessions_today{outcome="timeout"}')).toBe(2)
    expect(series.get('bankid_kiosk_log_errors_last_hour{}')).toBe(1)
    for (const reason of HEALTH_REASONS) expect(series.get(`bankid_kiosk_reason{reason="${reason}"}`)).toBe(report.reasons.includes(reason) ? 1 : 0)
  })

  it('a kiosk that is down: status, reasons and out of service', () => {
    const series = parse(
      healthMetricsText(healthReport(facts({ activity: 'out-of-service', outOfServiceReference: 'S-SETTINGS', settings: { ok: false, key: 'bankid', problem: 'x' } }))),
    )
    expect(series.get('bankid_kiosk_status{status="down"}')).toBe(1)
    expect(series.get('bankid_kiosk_reason{reason="settings-invalid"}')).toBe(1)
    expect(series.get('bankid_kiosk_out_of_service{}')).toBe(1)
    expect(series.get('bankid_kiosk_settings_ok{}')).toBe(0)
  })

  it('leaves out what is unknown (no probe yet, the simulator has no certificate)', () => {
    const text = healthMetricsText(
      healthReport(facts({ probe: null, certificateNotAfter: null, environment: 'simulator', lastSuccessfulLoginAt: null })),
    )
    parse(text)
    expect(text).not.toContain('bankid_kiosk_bankid_reachable')
    expect(text).not.toContain('bankid_kiosk_certificate_days_left')
    expect(text).not.toContain('bankid_kiosk_last_successful_login_timestamp_seconds')
  })

  it('escapes label values (backslash, quote, line break)', () => {
    const report = healthReport(facts())
    const text = healthMetricsText({ ...report, kiosk: { ...report.kiosk, version: 'a\\b"c\nd' } })
    parse(text)
    expect(text).toContain('version="a\\\\b\\"c\\nd"')
  })
})
