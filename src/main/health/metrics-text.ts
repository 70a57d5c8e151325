// The health report as metrics text, for the textfile collector of node_exporter (Linux) or
// windows_exporter (Windows), written beside the JSON health file (health.prom next to
// health.json). Every metric is a gauge, so the text is valid Prometheus exposition format 0.0.4
// (what both collectors parse) and OpenMetrics alike; it ends with "# EOF", which OpenMetrics
// requires and 0.0.4 reads as a comment. Nothing about a parent: the report holds nothing.
import { HEALTH_REASONS } from './report'
import type { HealthReport, HealthStatus } from './report'

const PREFIX = 'bankid_kiosk'
const STATUSES: readonly HealthStatus[] = ['ok', 'degraded', 'down']

/** A label value as the formats want it: backslash, double quote and line break escaped. */
const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

const seconds = (iso: string): number => Date.parse(iso) / 1000

interface Sample {
  labels?: Record<string, string>
  value: number
}

function family(name: string, help: string, samples: readonly Sample[]): string {
  const lines = [`# HELP ${PREFIX}_${name} ${help}`, `# TYPE ${PREFIX}_${name} gauge`]
  for (const { labels, value } of samples) {
    const text = labels
      ? `{${Object.entries(labels)
          .map(([key, label]) => `${key}="${escapeLabel(label)}"`)
          .join(',')}}`
      : ''
    lines.push(`${PREFIX}_${name}${text} ${Number.isFinite(value) ? value : 'NaN'}`)
  }
  return lines.join('\n')
}

/** The report as metrics text; metrics whose value is unknown (null) are left out. */
export function healthMetricsText(report: HealthReport): string {
  const { bankid } = report
  const optional = (name: string, help: string, value: number | null): string[] =>
    value === null ? [] : [family(name, help, [{ value }])]
  const families = [
    family('info', 'The kiosk, its version and its BankID environment (always 1).', [
      {
        labels: {
          kiosk: report.kiosk.id,
          version: report.kiosk.version,
          environment: bankid.environment ?? 'none',
          endpoint: bankid.endpoint ?? 'none',
        },
        value: 1,
      },
    ]),
    family(
      'status',
      'The health status: 1 for the current one (ok, degraded, down), 0 for the others.',
      STATUSES.map((status) => ({ labels: { status }, value: report.status === status ? 1 : 0 })),
    ),
    family(
      'reason',
      'Each rule of the status: 1 while it holds (docs/deployment.md, "Health monitoring").',
      HEALTH_REASONS.map((reason) => ({ labels: { reason }, value: report.reasons.includes(reason) ? 1 : 0 })),
    ),
    family('out_of_service', '1 while parents see the out-of-service screen.', [{ value: report.activity === 'out-of-service' ? 1 : 0 }]),
    family('in_use', '1 while a parent is using the kiosk.', [{ value: report.activity === 'in-use' ? 1 : 0 }]),
    family('settings_ok', '1 when the settings file is valid.', [{ value: report.settings.ok ? 1 : 0 }]),
    family('report_timestamp_seconds', 'When this report was written (Unix time): alert when it stops moving.', [
      { value: seconds(report.updatedAt) },
    ]),
    family('start_timestamp_seconds', 'When the kiosk started (Unix time).', [{ value: seconds(report.kiosk.startedAt) }]),
    family('uptime_seconds', 'Seconds since the kiosk started.', [{ value: report.kiosk.uptimeSeconds }]),
    ...optional('bankid_reachable', '1 when the last BankID probe got through.', bankid.reachable === null ? null : bankid.reachable ? 1 : 0),
    ...optional('bankid_probe_latency_seconds', 'How long the last BankID probe took.', bankid.latencyMs === null ? null : bankid.latencyMs / 1000),
    ...optional('bankid_probe_timestamp_seconds', 'When the last BankID probe finished (Unix time).', bankid.checkedAt === null ? null : seconds(bankid.checkedAt)),
    ...optional('certificate_days_left', 'Whole days until the RP certificate expires (negative once expired).', bankid.certificateDaysLeft),
    family('log_errors_last_hour', 'Errors logged in the last hour.', [{ value: report.log.errorsLastHour }]),
    family('log_warnings_last_hour', 'Warnings logged in the last hour.', [{ value: report.log.warningsLastHour }]),
    family('renderer_crashes_last_hour', 'Times the screen (renderer) crashed in the last hour.', [{ value: report.rendererCrashes.lastHour }]),
    family(
      'sessions_today',
      "Sessions that ended today (the kiosk's local day), by outcome; back to 0 at midnight.",
      Object.entries(report.today.sessions).map(([outcome, value]) => ({ labels: { outcome }, value })),
    ),
    ...optional(
      'last_successful_login_timestamp_seconds',
      'When the last login succeeded (Unix time).',
      report.lastSuccessfulLoginAt === null ? null : seconds(report.lastSuccessfulLoginAt),
    ),
  ]
  return `${families.join('\n')}\n# EOF\n`
}
