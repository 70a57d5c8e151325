import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  EXAMPLES,
  REGENERATE_COMMAND,
  SETTINGS_DOC_FILE,
  describeDifference,
  fileJson,
  jsonSchemaLeafKeys,
  leafKeys,
  renderSettingsDoc,
  rulePhrase,
  sectionDocEntries,
  settingEntries,
  settingRuleEntries,
  settingsDocPath,
  undescribedKeys,
} from '../../../src/main/settings/documentation'
import { checkSettings } from '../../../src/main/settings/load'
import { settingsSchema } from '../../../src/main/settings/schema'

const generated = renderSettingsDoc()
const headings = generated.split('\n').filter((line) => line.startsWith('#'))
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('docs/settings.md', () => {
  it(`is up to date (run ${REGENERATE_COMMAND} after changing the settings)`, () => {
    const file = settingsDocPath(fileURLToPath(new URL('../../..', import.meta.url)))
    const onDisk = readFileSync(file, 'utf8')
    const difference = describeDifference(generated, onDisk)
    expect(difference, `${SETTINGS_DOC_FILE} is out of date: run ${REGENERATE_COMMAND}.\n${difference}`).toBeNull()
  })

  it('is the same every time it is made (no dates, no machine-dependent text)', () => {
    expect(renderSettingsDoc()).toBe(generated)
  })

  it('gives every setting, leaves and groups, exactly one heading of its own', () => {
    const entries = settingEntries()
    for (const { key } of entries) {
      const own = headings.filter((line) => new RegExp(`^#+ \`${escape(key)}\`$`).test(line))
      expect(own, key).toHaveLength(1)
    }
    // and nothing else is headed as a setting
    const settingHeadings = headings.filter((line) => /^#+ `[^`]+`$/.test(line))
    expect(settingHeadings).toHaveLength(entries.length)
  })

  it('introduces every section, in the schema’s order', () => {
    const sections = Object.keys(settingsSchema.shape)
    const documented = sectionDocEntries()
    expect(documented.map(({ section }) => section)).toEqual(sections)
    for (const { section, doc } of documented) expect(doc?.title, section).toBeTruthy()
    const sectionHeadings = headings.filter((line) => /^## \S+ — /.test(line))
    expect(sectionHeadings.map((line) => line.slice(3).split(' ')[0])).toEqual(sections)
  })

  it('quotes checkSettings’ own sentences for the sample mistakes', () => {
    expect(generated).toContain(
      'Setting "timing.idleSecond" is not a known setting (did you mean "timing.idleSeconds"?).',
    )
    expect(generated).toContain('Setting "bankid.certificate" is required when "bankid.environment" is "production".')
  })

  it('names where the file lives on every system', () => {
    for (const text of [
      '--settings PATH',
      'BANKID_KIOSK_SETTINGS',
      '%ProgramData%\\BankID Kiosk\\settings.json',
      '/etc/bankid-kiosk/settings.json',
      '/Library/Application Support/BankID Kiosk/settings.json',
    ]) {
      expect(generated).toContain(text)
    }
  })
})

describe('the settings’ descriptions', () => {
  it('finds every setting in the schema, through defaults, prefaults, optionals and transforms', () => {
    const leaves = leafKeys()
    expect(leaves).toContain('timing.idleSeconds')
    expect(leaves).toContain('bankid.certificate.pkcs12')
    expect(leaves).toContain('bankid.passphrase.env')
    expect(leaves).toContain('banks')
    expect(leaves).not.toContain('bankid.certificate')
    expect(leaves).toHaveLength(58)
  })

  it('agrees with zod’s JSON Schema about which settings there are', () => {
    expect(jsonSchemaLeafKeys()).toEqual(leafKeys())
  })

  it('describes every setting', () => {
    expect(undescribedKeys()).toEqual([])
    for (const entry of settingEntries()) expect(entry.description?.trim().length ?? 0, entry.key).toBeGreaterThan(20)
  })

  it('notices a new setting without a description, wherever it is wrapped', () => {
    const schema = z.strictObject({
      first: z
        .strictObject({
          described: z.number().default(1).meta({ description: 'A described setting.' }),
          describedInside: z.number().meta({ description: 'Described before its default.' }).default(1),
          plain: z.number().default(1),
          group: z
            .strictObject({ inner: z.string().optional() })
            .transform((value) => value)
            .optional()
            .meta({ description: 'A group.' }),
        })
        .superRefine(() => undefined)
        .prefault({}),
      list: z.array(z.string()).default([]),
    })
    expect(settingEntries(schema).map((entry) => entry.key)).toEqual([
      'first.described',
      'first.describedInside',
      'first.plain',
      'first.group',
      'first.group.inner',
      'list',
    ])
    expect(undescribedKeys(schema)).toEqual(['first.plain', 'first.group.inner', 'list'])
  })

  it('has the schema’s own phrase, not zod’s fallback, as every rule', () => {
    for (const entry of settingEntries()) {
      const phrase = rulePhrase(entry)
      expect(phrase, entry.key).toMatch(/^must /)
    }
  })

  it('has its rules on the settings they are about (registered where each is declared)', () => {
    const rules = settingRuleEntries()
    expect(rules.length).toBeGreaterThan(0)
    const keys = new Set(settingEntries().map((entry) => entry.key))
    for (const rule of rules) expect(keys.has(rule.key), rule.key).toBe(true)
    // a rule on a reused schema would be repeated on every setting declared with it
    expect(new Set(rules.map((rule) => `${rule.key}\n${rule.text}`)).size).toBe(rules.length)
  })
})

describe('the examples', () => {
  it.each(EXAMPLES.map((example) => [example.title, example] as const))('%s passes checkSettings', (_, example) => {
    expect(checkSettings(example.settings)).toMatchObject({ ok: true })
  })

  it('are on the page as JSON that passes checkSettings', () => {
    const blocks = [...generated.matchAll(/^```json\n([\s\S]*?)\n```$/gm)].map((match) => match[1] ?? '')
    expect(blocks).toEqual(EXAMPLES.map((example) => fileJson(example.settings)))
    for (const block of blocks) expect(checkSettings(JSON.parse(block))).toMatchObject({ ok: true })
  })

  it('include a production file with a certificate and a passphrase from outside the file', () => {
    const results = EXAMPLES.map((example) => checkSettings(example.settings))
    const production = results.find((result) => result.ok && result.settings.bankid.environment === 'production')
    expect(production?.ok && production.settings.bankid.certificate).toBeTruthy()
    expect(production?.ok && production.settings.bankid.passphrase).toBeTruthy()
  })
})

describe('describeDifference', () => {
  it('says where the page on disk differs, under which heading', () => {
    expect(describeDifference('a\n# H\nb\nc\n', 'a\n# H\nb\nC\n')).toBe(
      'line 4 (under "# H") differs:\n  generated: "c"\n  on disk:   "C"',
    )
    expect(describeDifference('a\nb\n', 'a\n')).toContain('line 2')
    expect(describeDifference('same', 'same')).toBeNull()
  })
})
