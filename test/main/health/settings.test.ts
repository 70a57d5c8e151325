// The health settings: defaults, one sentence naming the key for each mistake, relative paths, and
// the heartbeat's secret and CA files checked at start (a secret never repeated in a message).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadHeartbeatCredentials } from '../../../src/main/health/heartbeat-credentials'
import { loadSettings } from '../../../src/main/load-settings'
import { checkSettings } from '../../../src/main/settings/load'
import { DEFAULT_SETTINGS } from '../../../src/main/settings/schema'
import { startHttpsReceiver } from '../../support/https-receiver'

const NOW = new Date(2026, 10, 24, 10, 0, 0)
const SECRET = 'sixteen-or-more-characters'

function problemOf(settings: unknown): { key: string | null; problem: string } {
  const checked = checkSettings(settings)
  if (checked.ok) throw new Error('expected a problem')
  return { key: checked.key, problem: checked.problem }
}

describe('the health settings', () => {
  it('default to a file every 60 seconds and no heartbeat', () => {
    expect(DEFAULT_SETTINGS.health).toEqual({ intervalSeconds: 60, heartbeat: { intervalMinutes: 5, timeoutSeconds: 10 } })
  })

  it('accept a full heartbeat', () => {
    const checked = checkSettings({
      health: {
        file: 'C:\\ProgramData\\BankID Kiosk\\health\\health.json',
        intervalSeconds: 30,
        heartbeat: {
          url: 'https://monitor.example-skola.se/kiosk-heartbeat',
          intervalMinutes: 2,
          secret: { env: 'BANKID_KIOSK_HEARTBEAT_SECRET' },
          ca: 'monitoring-ca.pem',
          timeoutSeconds: 5,
        },
      },
    })
    expect(checked.ok && checked.settings.health.heartbeat).toEqual({
      url: 'https://monitor.example-skola.se/kiosk-heartbeat',
      intervalMinutes: 2,
      secret: { env: 'BANKID_KIOSK_HEARTBEAT_SECRET' },
      ca: 'monitoring-ca.pem',
      timeoutSeconds: 5,
    })
  })

  it.each([
    [{ health: { intervalSeconds: 5 } }, 'health.intervalSeconds', 'Setting "health.intervalSeconds" must be a whole number from 10 to 3600 (it is 5).'],
    [{ health: { heartbeat: { url: 'http://monitor.example/' } } }, 'health.heartbeat.url', 'Setting "health.heartbeat.url" must be an https:// address.'],
    [{ health: { heartbeat: { url: 'https://monitor.example/', intervalMinutes: 61 } } }, 'health.heartbeat.intervalMinutes', 'Setting "health.heartbeat.intervalMinutes" must be a whole number from 1 to 60 (it is 61).'],
    [{ health: { heartbeat: { url: 'https://monitor.example/', timeoutSeconds: 0 } } }, 'health.heartbeat.timeoutSeconds', 'Setting "health.heartbeat.timeoutSeconds" must be a whole number from 1 to 60 (it is 0).'],
    [{ health: { heartbeat: { secret: { env: 'S' } } } }, 'health.heartbeat.secret', 'Setting "health.heartbeat.secret" must not be set without "health.heartbeat.url".'],
    [{ health: { heartbeat: { ca: 'ca.pem' } } }, 'health.heartbeat.ca', 'Setting "health.heartbeat.ca" must not be set without "health.heartbeat.url" (it is "ca.pem").'],
    [{ health: { heartbeat: { url: 'https://m.example/', secret: { file: 's.txt', env: 'S' } } } }, 'health.heartbeat.secret', 'Setting "health.heartbeat.secret" must be either { "file": "path" } or { "env": "VARIABLE_NAME" } (the secret itself never goes in this file).'],
    [{ health: { heartbeat: { url: 'https://m.example/', secret: { env: 'not a name' } } } }, 'health.heartbeat.secret.env', 'Setting "health.heartbeat.secret.env" must be the name of an environment variable (letters, digits and _).'],
    [{ health: { heartbeat: { url: 'https://m.example/', timeoutSecond: 5 } } }, 'health.heartbeat.timeoutSecond', 'Setting "health.heartbeat.timeoutSecond" is not a known setting (did you mean "health.heartbeat.timeoutSeconds"?).'],
  ])('name the key in one sentence: %j', (settings, key, problem) => {
    expect(problemOf(settings)).toEqual({ key, problem })
  })

  it('never repeat a secret pasted where a name belongs, nor a password in the address', () => {
    const pasted = problemOf({ health: { heartbeat: { url: 'https://m.example/', secret: { env: 'hunter2 hunter2' } } } })
    expect(pasted.problem).not.toContain('hunter2')
    const inUrl = problemOf({ health: { heartbeat: { url: 'https://kiosk:hunter2@m.example/' } } })
    expect(inUrl).toEqual({
      key: 'health.heartbeat.url',
      problem: 'Setting "health.heartbeat.url" must not hold a user name or password (use "health.heartbeat.secret" to authenticate).',
    })
  })
})

describe('the heartbeat\'s files, at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-health-settings-'))
  const settingsFile = (health: unknown) => {
    const path = join(dir, `settings-${Math.random().toString(36).slice(2)}.json`)
    writeFileSync(path, JSON.stringify({ health }))
    return path
  }
  const load = (path: string, env: NodeJS.ProcessEnv = {}) =>
    loadSettings({ argv: ['kiosk', '--settings', path], env, platform: 'linux', now: NOW })

  it('are found relative to the settings file, like every other path', async () => {
    const receiver = await startHttpsReceiver()
    await receiver.close()
    writeFileSync(join(dir, 'secret.txt'), `\uFEFF${SECRET}\r\n`)
    writeFileSync(join(dir, 'ca.pem'), receiver.caPem)
    const result = await load(
      settingsFile({ file: 'health/health.json', heartbeat: { url: 'https://m.example/', secret: { file: 'secret.txt' }, ca: 'ca.pem' } }),
    )
    if (!result.ok) throw new Error(result.problem)
    expect(result.settings.health).toEqual({
      file: join(dir, 'health', 'health.json'),
      intervalSeconds: 60,
      heartbeat: { url: 'https://m.example/', intervalMinutes: 5, timeoutSeconds: 10, secret: { file: join(dir, 'secret.txt') }, ca: join(dir, 'ca.pem') },
    })
    // The byte-order mark and the line break are not part of the secret.
    const credentials = await loadHeartbeatCredentials(result.settings.health.heartbeat, {})
    expect(credentials).toEqual({ ok: true, secret: Buffer.from(SECRET), caPem: receiver.caPem })
  })

  it.each([
    [{ secret: { file: 'missing.txt' } }, {}, 'health.heartbeat.secret.file', /the file .*missing\.txt does not exist/],
    [{ secret: { file: 'short.txt' } }, {}, 'health.heartbeat.secret.file', /too short \(at least 16 characters\)/],
    [{ secret: { file: 'empty.txt' } }, {}, 'health.heartbeat.secret.file', /is empty/],
    [{ secret: { env: 'KIOSK_HB' } }, {}, 'health.heartbeat.secret.env', /the environment variable KIOSK_HB is not set/],
    [{ secret: { env: 'KIOSK_HB' } }, { KIOSK_HB: 'short' }, 'health.heartbeat.secret.env', /too short/],
    [{ ca: 'missing.pem' }, {}, 'health.heartbeat.ca', /does not exist/],
    [{ ca: 'short.txt' }, {}, 'health.heartbeat.ca', /holds no PEM certificate/],
    [{ ca: 'broken.pem' }, {}, 'health.heartbeat.ca', /holds no readable certificate/],
  ])('put the kiosk out of service with one sentence when wrong: %j', async (heartbeat, env, key, sentence) => {
    writeFileSync(join(dir, 'short.txt'), 'tooshort')
    writeFileSync(join(dir, 'empty.txt'), '\n')
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n')
    const result = await load(settingsFile({ heartbeat: { url: 'https://m.example/', ...heartbeat } }), env)
    if (result.ok) throw new Error('expected a problem')
    expect(result.key).toBe(key)
    expect(result.problem).toMatch(sentence)
    expect(result.problem).toMatch(new RegExp(`^Setting "${key.replace(/\./g, '\\.')}": `))
    // What the files hold is never repeated.
    expect(result.problem).not.toContain('tooshort')
  })
})
