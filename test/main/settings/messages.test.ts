import { describe, expect, it } from 'vitest'
import { checkSettings } from '../../../src/main/settings/load'
import { closest, echo } from '../../../src/main/settings/messages'
import { DEFAULT_SETTINGS } from '../../../src/main/settings/schema'

/** Every setting an admin can write, as a key path. */
const LEAVES = [
  ...Object.entries(DEFAULT_SETTINGS).flatMap(([section, value]) =>
    Array.isArray(value) ? [section] : Object.keys(value).map((key) => `${section}.${key}`),
  ),
  // optional, so absent from the defaults
  'bankid.certificate',
  'bankid.passphrase',
  'bankid.endUserIp',
  'bankid.intentText',
  'logging.directory',
  'updates.url',
  'handoff.url',
  'handoff.kioskId',
  'handoff.secret',
  'handoff.certificate',
  'handoff.passphrase',
  'handoff.ca',
  'staff.pinHash',
  'health.file',
]

const WRONG_VALUES: unknown[] = [null, true, -1, 0.5, 1e6, '', 'x', 'S'.repeat(2000), [], ['x'], [1, 2], {}, { a: 1 }]

function settingAt(key: string, value: unknown): Record<string, unknown> {
  const [section = '', field] = key.split('.')
  return { [section]: field === undefined ? value : { [field]: value } }
}

describe('problem sentences', () => {
  it('covers every setting', () => {
    expect(LEAVES).toHaveLength(45)
  })

  it.each(LEAVES)('words every wrong value of %s as one sentence naming it, in our words not zod’s', (key) => {
    let failures = 0
    for (const value of WRONG_VALUES) {
      const result = checkSettings(settingAt(key, value))
      if (result.ok) continue
      failures++
      // the setting itself, or (for { "a": 1 } in a group) the unknown key inside it, or (updates
      // turned on without saying where from) the setting that is then missing
      const missingUrl = (key === 'updates.enabled' || key === 'handoff.enabled') && value === true && result.key === key.replace('enabled', 'url')
      // (a group given as { } names the required setting inside it, e.g. handoff.certificate.pkcs12)
      const inside = result.key?.startsWith(`${key}.`) ?? false
      expect(result.key === key || inside || missingUrl, `${key} = ${JSON.stringify(value)} → ${result.key}`).toBe(true)
      expect(result.problem).toMatch(new RegExp(`^(Setting|Item \\d+ of setting) "${result.key?.replaceAll(".", "\\.")}" .*\\.$`, 's'))
      expect(result.problem).not.toMatch(/Invalid|expected|received|Too (big|small)/)
      expect(result.problem.length).toBeLessThan(240)
      // Values are echoed cut short; and nothing under bankid.passphrase is echoed at all.
      expect(result.problem).not.toContain('S'.repeat(41))
      if (key === 'bankid.passphrase') expect(result.problem).not.toMatch(/\(it /)
    }
    expect(failures).toBeGreaterThanOrEqual(8)
  })
})

describe('closest (did you mean)', () => {
  const keys = ['environment', 'certificate', 'passphrase', 'endUserIp', 'intentText', 'requestTimeoutSeconds']

  it('finds typos, swapped letters and wrong case', () => {
    expect(closest('enviroment', keys)).toBe('environment')
    expect(closest('passpharse', keys)).toBe('passphrase')
    expect(closest('EndUserIP', keys)).toBe('endUserIp')
    expect(closest('requestTimeoutSecs', keys)).toBe('requestTimeoutSeconds')
  })

  it('suggests nothing for a word that is not near any key', () => {
    expect(closest('handoff', keys)).toBeNull()
    expect(closest('ip', keys)).toBeNull()
  })
})

describe('echo', () => {
  it('shows values as JSON and cuts long text at 40 characters', () => {
    expect(echo(0.5)).toBe('0.5')
    expect(echo(null)).toBe('null')
    expect(echo('say "hi"')).toBe('"say \\"hi\\""')
    expect(echo('x'.repeat(41))).toBe(`"${'x'.repeat(40)}…"`)
  })
})
