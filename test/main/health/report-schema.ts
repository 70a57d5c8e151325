// The health report's exact shape, written out here rather than imported, on purpose: a new field
// in src/main/health/report.ts fails the tests until it is added here too, by someone who has
// checked that it says nothing about a parent.
import { z } from 'zod'
import { SESSION_OUTCOMES } from '../../../src/main/counters/outcome-counters'

const count = z.number().int().min(0)
const isoTime = z.iso.datetime()
/** Reference codes as failure screens show them (B-503-maintenance, N-ECONNREFUSED, S-SETTINGS). */
const reference = z.string().regex(/^[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9_]+)*$/).max(60)

export const healthReportSchema = z.strictObject({
  format: z.literal(1),
  status: z.enum(['ok', 'degraded', 'down']),
  reasons: z.array(
    z.enum([
      'settings-invalid',
      'out-of-service',
      'bankid-unreachable',
      'stopped',
      'bankid-probe-failed',
      'certificate-expiring',
      'errors-last-hour',
      'renderer-crashes-last-hour',
    ]),
  ),
  updatedAt: isoTime,
  kiosk: z.strictObject({
    id: z.string().min(1).max(255),
    version: z.string().min(1).max(64),
    startedAt: isoTime,
    uptimeSeconds: count,
  }),
  activity: z.enum(['idle', 'in-use', 'out-of-service']),
  outOfService: z.strictObject({ reference: z.union([reference, z.literal('unknown')]) }).nullable(),
  settings: z.strictObject({
    ok: z.boolean(),
    key: z.string().max(120).nullable(),
    problem: z.string().max(200).nullable(),
  }),
  bankid: z.strictObject({
    environment: z.enum(['simulator', 'test', 'production', 'custom']).nullable(),
    endpoint: z.string().min(1).max(300).nullable(),
    certificateDaysLeft: z.number().int().nullable(),
    reachable: z.boolean().nullable(),
    latencyMs: count.nullable(),
    checkedAt: isoTime.nullable(),
    reference: reference.nullable(),
  }),
  log: z.strictObject({
    errorsSinceStart: count,
    errorsLastHour: count,
    warningsSinceStart: count,
    warningsLastHour: count,
  }),
  rendererCrashes: z.strictObject({ sinceStart: count, lastHour: count }),
  today: z.strictObject({
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    sessions: z.strictObject(Object.fromEntries(SESSION_OUTCOMES.map((outcome) => [outcome, count]))),
  }),
  // To the minute: a time, never who.
  lastSuccessfulLoginAt: isoTime.refine((value) => value.endsWith(':00.000Z'), 'whole minutes').nullable(),
})
