import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { KeyValueStore } from '../../../src/main/counters/outcome-counters'
import { OutcomeCounters } from '../../../src/main/counters/outcome-counters'
import type { SettingsResult } from '../../../src/main/load-settings'
import { settingsSchema } from '../../../src/main/settings/schema'
import { collectStaffInfo, handoffMode } from '../../../src/main/staff/info'
import { RecentErrors } from '../../../src/main/staff/recent-errors'
import { readStaffSettings } from '../../../src/main/staff/wiring'
import { ManualClock } from '../../support/manual-clock'

function memoryStore(): KeyValueStore {
  const values = new Map<string, unknown>()
  return { get: (key) => values.get(key), set: (key, value) => void values.set(key, value) }
}

const NOW = new Date(2026, 10, 24, 10, 0, 0)

describe('collectStaffInfo', () => {
  it('gathers the facts: certificate days left, uptime, today’s non-zero counts, recent errors', () => {
    const settings: SettingsResult = {
      ok: true,
      settings: settingsSchema.parse({ bankid: { environment: 'simulator' } }),
      path: '/etc/bankid-kiosk/settings.json',
      fromFile: true,
      credentials: null,
      certificate: null,
      warnings: [],
    }
    const clock = new ManualClock()
    const startedAt = clock.now()
    clock.advance(3_725_400)
    const counters = new OutcomeCounters(memoryStore())
    counters.record('success', '2026-11-24')
    counters.record('success', '2026-11-24')
    counters.record('timeout', '2026-11-23')
    const recent = new RecentErrors({ now: () => NOW })
    recent.record('warn', 'bankid.failure')
    const info = collectStaffInfo({
      version: '1.0.0',
      settings,
      certificate: { subject: 'CN=RP', notAfter: new Date(NOW.getTime() + 10.5 * 86_400_000) },
      endpoint: 'gateway.example-kommun.se:8443',
      clock,
      startedAt,
      now: () => NOW,
      recentErrors: recent,
      counters,
    })
    expect(info).toEqual({
      version: '1.0.0',
      settingsPath: '/etc/bankid-kiosk/settings.json',
      settingsProblem: null,
      environment: 'simulator',
      endpoint: 'gateway.example-kommun.se:8443',
      certificate: { subject: 'CN=RP', notAfter: new Date(NOW.getTime() + 10.5 * 86_400_000).toISOString(), daysLeft: 10 },
      uptimeSeconds: 3725,
      recentErrors: [{ at: NOW.toISOString(), level: 'warn', event: 'bankid.failure', reference: null }],
      counters: { success: 2 },
      handoff: 'off',
    })
  })

  it('with invalid settings: the problem, no environment, nothing counted', () => {
    const info = collectStaffInfo({
      version: '1.0.0',
      settings: { ok: false, path: '/x/settings.json', problem: 'Setting "x" is not a known setting.', key: 'x' },
      certificate: null,
      endpoint: null,
      clock: new ManualClock(),
      startedAt: 1_000_000,
      now: () => NOW,
      recentErrors: new RecentErrors(),
      counters: null,
    })
    expect(info).toMatchObject({ settingsProblem: 'Setting "x" is not a known setting.', environment: null, endpoint: null, counters: {}, handoff: 'off' })
  })
})

describe('handoffMode', () => {
  it('is off unless the hand-off is enabled, then how it authenticates', () => {
    const base = settingsSchema.parse({})
    expect(handoffMode(base)).toBe('off')
    expect(handoffMode({ ...base, handoff: { ...base.handoff, enabled: true, auth: 'hmac' } })).toBe('hmac')
    expect(handoffMode({ ...base, handoff: { ...base.handoff, enabled: true, auth: 'mtls' } })).toBe('mtls')
  })
})

describe('readStaffSettings (the staff section of an otherwise invalid file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-staff-settings-'))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }
  const HASH = `scrypt$16384$8$1$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(32, 2).toString('base64')}`

  it('reads a valid staff section, whatever else is wrong', async () => {
    const path = file('a.json', `\uFEFF${JSON.stringify({ timing: { idleSeconds: 1 }, nonsense: true, staff: { pinHash: HASH, allowExit: true } })}`)
    expect(await readStaffSettings(path)).toEqual({ pinHash: HASH, allowExit: true })
  })

  it('gives no PIN for an invalid staff section, broken JSON or a missing file', async () => {
    const none = { allowExit: false }
    expect(await readStaffSettings(file('b.json', JSON.stringify({ staff: { pinHash: '1234' } })))).toEqual(none)
    expect(await readStaffSettings(file('c.json', '{ "staff": '))).toEqual(none)
    expect(await readStaffSettings(file('d.json', '[1, 2]'))).toEqual(none)
    expect(await readStaffSettings(join(dir, 'missing.json'))).toEqual(none)
    expect(await readStaffSettings('')).toEqual(none)
  })
})
