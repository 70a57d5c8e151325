// No personal data in health reporting, end to end: the whole runtime (settings file, the built-in
// BankID simulator over mutual TLS, the session engine, the file logger at debug) with health
// reporting on: the health file, and a signed heartbeat to a real local HTTPS receiver trusting
// only the test CA. Real sessions with known personnummer and names go through to logged in and
// to every kind of failure; then the report, every heartbeat body the receiver got and the health
// file on disk are searched for every form of every personnummer and name.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { verifyHeartbeatSignature } from '../../../src/main/health/heartbeat'
import { sessionSettings } from '../../../src/main/runtime'
import type { KioskRuntime } from '../../../src/main/runtime'
import { loadOrCreateSimulatorPki } from '../../../src/main/simulator/certificates'
import { startHttpsReceiver } from '../../support/https-receiver'
import type { HttpsReceiver } from '../../support/https-receiver'
import { ManualScheduler } from '../../support/manual-scheduler'
import { startTestRuntime } from '../../support/runtime'
import { MIX_TIMING_SECONDS, nameForms, personnummerForms, runSessionMix, SecretSearch, secretsOfResult } from '../../support/session-mix'
import type { MixResult } from '../../support/session-mix'
import { TEST_PKI_DIR } from '../../support/simulator'
import { healthReportSchema } from './report-schema'

vi.mock('electron', () => ({ default: { app: undefined, ipcMain: undefined, shell: undefined } }))

const SESSIONS = 60
const SECRET = 'heartbeat-secret-for-the-privacy-test'

let runtime: KioskRuntime | null = null
let receiver: HttpsReceiver | null = null
let dataDir = ''

afterAll(async () => {
  await runtime?.close()
  await receiver?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('health reporting after real sessions', () => {
  let result: MixResult
  let reportText = ''
  let fileWhileRunning = ''
  let fileAfterClose = ''
  let metricsAfterClose = ''

  it('runs sessions through to logged in and to failures, with the health file and heartbeat on', { timeout: 120_000 }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kiosk-health-privacy-'))
    await loadOrCreateSimulatorPki(TEST_PKI_DIR)
    mkdirSync(join(dataDir, 'simulator'))
    cpSync(TEST_PKI_DIR, join(dataDir, 'simulator'), { recursive: true })
    receiver = await startHttpsReceiver()
    writeFileSync(join(dataDir, 'heartbeat-secret.txt'), `${SECRET}\n`)
    writeFileSync(join(dataDir, 'monitoring-ca.pem'), receiver.caPem)
    const settingsPath = join(dataDir, 'settings.json')
    writeFileSync(
      settingsPath,
      JSON.stringify({
        school: { name: 'Hälsoskolan' },
        logging: { level: 'debug' },
        timing: MIX_TIMING_SECONDS,
        health: {
          file: 'health/health.json',
          intervalSeconds: 10,
          heartbeat: {
            url: receiver.url,
            intervalMinutes: 1,
            secret: { file: 'heartbeat-secret.txt' },
            ca: 'monitoring-ca.pem',
          },
        },
      }),
    )
    const scheduler = new ManualScheduler()
    runtime = await startTestRuntime({ settingsPath, dataDir, scheduler, version: 'health-privacy' })
    if (!runtime.settings.ok || !runtime.simulator) throw new Error('expected valid settings and the built-in simulator')
    expect(runtime.health.file).toBe(join(dataDir, 'health', 'health.json'))
    expect(runtime.health.heartbeat).not.toBeNull()
    const effective = runtime.settings.settings
    const timing = sessionSettings(effective, effective.bankid.requestTimeoutSeconds * 1000, '').timing

    result = await runSessionMix(
      { session: runtime.session, simulator: runtime.simulator, scheduler, timing },
      { sessions: SESSIONS, seed: 7_2026, skipVariants: ['503 on /auth until the retries give up'] },
    )
    expect(result.errors).toEqual([])
    expect(result.outcomes.success ?? 0).toBeGreaterThan(0)
    expect(Object.keys(result.outcomes).length).toBeGreaterThan(4)

    // One more beat and one more write, now, whatever the manual clock did to the schedule.
    await runtime.health.heartbeat?.beat()
    await receiver.waitForRequests(1)
    scheduler.advance(10_000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    reportText = JSON.stringify(runtime.health.report())
    fileWhileRunning = readFileSync(runtime.health.file, 'utf8')
    await runtime.close()
    fileAfterClose = readFileSync(join(dataDir, 'health', 'health.json'), 'utf8')
    metricsAfterClose = readFileSync(join(dataDir, 'health', 'health.prom'), 'utf8')
    runtime = null
  })

  it('reports what happened: today\'s sessions per outcome, the last login\'s time, BankID reachable', () => {
    const report = healthReportSchema.parse(JSON.parse(reportText))
    for (const [outcome, count] of Object.entries(result.outcomes)) {
      expect(report.today.sessions[outcome as keyof typeof report.today.sessions], outcome).toBe(count)
    }
    expect(report.lastSuccessfulLoginAt).not.toBeNull()
    expect(report.kiosk.version).toBe('health-privacy')
    expect(report.bankid.environment).toBe('simulator')
    expect(healthReportSchema.parse(JSON.parse(fileWhileRunning)).today).toEqual(report.today)
    expect(JSON.parse(fileAfterClose)).toMatchObject({ status: 'down', reasons: expect.arrayContaining(['stopped']) })
    expect(metricsAfterClose).toContain('bankid_kiosk_status{status="down"} 1')
  })

  it('sent heartbeats a receiver can verify, each with exactly the schema\'s keys', () => {
    const requests = receiver?.requests ?? []
    expect(requests.length).toBeGreaterThan(0)
    console.info(`health privacy: ${result.sessions} sessions, ${requests.length} heartbeats received`)
    for (const request of requests) {
      const header = request.headers['x-kiosk-signature']
      const t = Number(/t=(\d+)/.exec(String(header))?.[1])
      expect(verifyHeartbeatSignature(typeof header === 'string' ? header : undefined, request.body, SECRET, t)).toEqual({ ok: true, t })
      healthReportSchema.parse(JSON.parse(request.body))
    }
  })

  it('has no personnummer and no name in any form: not in the report, the heartbeat bodies or headers, nor the health file', () => {
    const secrets = secretsOfResult(result)
    const search = new SecretSearch([...secrets.personnummer, ...secrets.names])
    // The search finds what it looks for.
    const someone = result.played[0]!.person
    const planted = [...personnummerForms(someone.personalNumber), ...nameForms(someone)]
    expect(search.find(`{"x":"${planted.join('|')}"}`).sort()).toEqual([...new Set(planted)].sort())

    const places: [string, string][] = [
      ['the report', reportText],
      ['the health file while running', fileWhileRunning],
      ['the health file after close', fileAfterClose],
      ['the metrics file after close', metricsAfterClose],
      ...(receiver?.requests ?? []).map((request, i): [string, string] => [
        `heartbeat ${i + 1}`,
        `${JSON.stringify(request.headers)}\n${request.body}\n${Buffer.from(request.body, 'utf8').toString('latin1')}`,
      ]),
    ]
    const hits = places.flatMap(([where, text]) => search.find(text).map((secret) => `${where}: "${secret}" (session ${secrets.owner.get(secret)})`))
    expect(hits).toEqual([])
  })
})
