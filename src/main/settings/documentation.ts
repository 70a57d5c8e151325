// The administrators' settings reference, docs/settings.md, built from the settings schema itself:
// the keys by walking the zod schema; each setting's description and examples from its `.meta()`,
// each section's title and introduction and each setting's further rules from the registries in
// documented.ts, all where the section or setting is declared (sections/*.ts); types, ranges and
// defaults from zod's JSON Schema; each rule in the kiosk's own words (asked of checkSettings);
// and every example and sample sentence produced or checked by the real checkSettings while the
// page is made. A broken example or an undescribed setting stops the generation; a test compares
// the page on disk with what this makes (npm run docs:settings). The walk is doc-schema.ts, the
// formatting doc-format.ts, the examples doc-examples.ts.
import path from 'node:path'
import { z } from 'zod'
import { EXAMPLES, SAMPLE_MISTAKES } from './doc-examples'
import { anchor, code, codeJson, fileJson, isRecord, paragraph, typeText } from './doc-format'
import { SettingsDocError, jsonNodeAt, sectionDocEntries, settingEntries, settingsJsonSchema, undescribedKeys } from './doc-schema'
import type { JsonNode, SettingEntry } from './doc-schema'
import type { SectionDoc } from './documented'
import { checkSettings } from './load'
import { SETTINGS_ENV, SETTINGS_OPTION, osSettingsPath } from './location'
import { DEFAULT_SETTINGS } from './schema'
import { EXPIRY_WARNING_DAYS } from './secret-files'

/** The generated page, relative to the repository's root. */
export const SETTINGS_DOC_FILE = 'docs/settings.md'
export const REGENERATE_COMMAND = 'npm run docs:settings'

// What the gateway's reference and the tests use, from one place.
export * from './doc-examples'
export * from './doc-format'
export * from './doc-schema'

// ---- checks made while generating ----

function failingKey(settings: unknown): { key: string | null; problem: string } | null {
  const result = checkSettings(settings)
  return result.ok ? null : { key: result.key, problem: result.problem }
}

function setAt(keyPath: readonly string[], value: unknown): Record<string, unknown> {
  let built: unknown = value
  for (const name of [...keyPath].reverse()) built = { [name]: built }
  return built as Record<string, unknown>
}

/** The rule the schema states for the setting, in its own words: what the kiosk says when it is null. */
export function rulePhrase(entry: SettingEntry): string {
  const failed = failingKey(setAt(entry.path, null))
  const prefix = `Setting "${entry.key}" `
  if (failed === null || failed.key !== entry.key || !failed.problem.startsWith(prefix)) {
    const got = failed?.problem ?? 'no problem'
    throw new SettingsDocError(`The schema gives no rule of its own for "${entry.key}" (got: ${got}).`)
  }
  const phrase = failed.problem.slice(prefix.length).replace(/\.$/, '').replace(/ \(it is null\)$/, '')
  if (phrase.startsWith('must be of type') || phrase === 'is not valid') {
    throw new SettingsDocError(`"${entry.key}" has only zod's wording ("${phrase}"): give it a phrase in schema.ts.`)
  }
  return phrase
}

function checkRules(entries: readonly SettingEntry[]): void {
  for (const entry of entries) {
    for (const rule of entry.rules) {
      for (const probe of rule.probes) {
        const failed = failingKey(probe)
        if (failed?.key !== entry.key) {
          throw new SettingsDocError(
            `The rule for "${entry.key}" ("${rule.text}") no longer holds: ${JSON.stringify(probe)} gives ` +
              `${failed === null ? 'no problem' : `"${failed.problem}"`}.`,
          )
        }
      }
    }
  }
}

function checkExamples(entries: readonly SettingEntry[]): void {
  for (const example of EXAMPLES) {
    const result = checkSettings(example.settings)
    if (!result.ok) throw new SettingsDocError(`The example "${example.title}" is not valid: ${result.problem}`)
  }
  for (const entry of entries) {
    for (const value of entry.examples) {
      const parsed = z.safeParse(entry.schema, value)
      if (!parsed.success) {
        throw new SettingsDocError(`The example ${JSON.stringify(value)} for "${entry.key}" is not valid for it.`)
      }
    }
  }
}

// ---- formatting ----

function valueAt(value: unknown, keyPath: readonly string[]): unknown {
  let current = value
  for (const name of keyPath) current = isRecord(current) ? current[name] : undefined
  return current
}

function defaultText(entry: SettingEntry, node: JsonNode | undefined): string {
  if (node !== undefined && 'default' in node) return codeJson(node.default)
  const derived = valueAt(DEFAULT_SETTINGS, entry.path)
  if (derived !== undefined) return `${codeJson(derived)} when the other settings are left at their defaults`
  return 'not set'
}

/** The section's title, registered on its schema (sectionDocs); the page is not made without one. */
function sectionDoc(section: string): SectionDoc {
  const found = sectionDocEntries().find((entry) => entry.section === section)?.doc
  if (found === undefined) {
    throw new SettingsDocError(`The section "${section}" has no title and introduction: register them with sectionDocs where it is declared.`)
  }
  return found
}

const sectionHeading = (section: string) => `${section} — ${sectionDoc(section).title}`

// ---- the page ----

function entryMarkdown(entry: SettingEntry, node: JsonNode | undefined): string {
  if (entry.description === undefined) throw new SettingsDocError(`"${entry.key}" has no description.`)
  const { rules } = entry
  const required = rules.filter((rule) => rule.kind === 'required').map((rule) => rule.text)
  const lines = [
    `### ${code(entry.key)}`,
    '',
    paragraph(entry.description),
    '',
    `- **Type:** ${node === undefined ? 'any value' : typeText(node)}`,
    `- **Default:** ${defaultText(entry, node)}`,
    `- **Required:** ${required.length === 0 ? 'no' : required.join('; ')}`,
    `- **Rule:** ${rulePhrase(entry)}.`,
    ...rules.filter((rule) => rule.kind === 'check').map((rule) => `- **Also:** ${rule.text}`),
    ...(entry.examples.length === 0 ? [] : [`- **Example:** ${entry.examples.map(codeJson).join(', ')}`]),
  ]
  return lines.join('\n')
}

function headerMarkdown(): string {
  const windows = osSettingsPath({ ProgramData: '%ProgramData%' }, 'win32')
  const mistakes = SAMPLE_MISTAKES.map(({ what, settings }) => {
    const failed = failingKey(settings)
    if (failed === null) throw new SettingsDocError(`The sample mistake "${what}" is accepted by checkSettings.`)
    return `| ${what} | ${codeJson(settings)} | ${failed.problem} |`
  })
  const contents = [
    'Where the settings file is',
    'When a setting is wrong',
    'Passphrases and other secrets',
    'Examples',
    ...sectionDocEntries().map(({ section }) => sectionHeading(section)),
  ].map((heading) => `- [${heading}](${anchor(heading)})`)

  return [
    '<!-- Generated from src/main/settings/schema.ts and sections/ by scripts/settings-docs.ts. Do not edit this file:',
    `     change the schema or src/main/settings/documentation.ts and run \`${REGENERATE_COMMAND}\`. -->`,
    '',
    '# Settings reference',
    '',
    paragraph(`
      The kiosk is configured with one settings file, written in JSON by the school's IT administrator. This page
      describes every setting: what it does, the values it accepts, its default, and when you would change it.
      A setting left out of the file has its default.`),
    '',
    ...contents,
    '',
    '## Where the settings file is',
    '',
    'The kiosk reads the first of these it is given:',
    '',
    `1. the file named on the command line: ${code(`${SETTINGS_OPTION} PATH`)} ` +
      `(or ${code(`${SETTINGS_OPTION}=PATH`)});`,
    `2. the file named by the environment variable ${code(SETTINGS_ENV)};`,
    '3. the settings file in its usual place on the computer:',
    '',
    '| Computer | Settings file |',
    '|---|---|',
    `| Windows | ${code(windows)} |`,
    `| Linux | ${code(osSettingsPath({}, 'linux'))} |`,
    `| macOS | ${code(osSettingsPath({}, 'darwin'))} |`,
    '',
    paragraph(`
      Only administrators should be able to change the file. **With no file in the usual place, the kiosk runs on
      its defaults, which means the built-in BankID simulator**: fine for trying the kiosk out, never for parents.
      A file named with ${code(SETTINGS_OPTION)} or ${code(SETTINGS_ENV)} must exist; if it does not, the kiosk is
      out of service.`),
    '',
    paragraph(`
      Paths in the file (the certificate, the passphrase file, the log folder) may be relative: they are relative
      to the folder the settings file is in, so the settings, the certificate and its passphrase file can be kept,
      and moved, together.`),
    '',
    paragraph(`
      The file is JSON: names and text in double quotes, no comments, no comma after the last item. ${code('{}')}
      is a complete settings file. In a Windows path write each ${code('\\')} as ${code('\\\\')}, or use
      ${code('/')}: ${code('"D:\\\\Certificates\\\\rp.p12"')} or ${code('"D:/Certificates/rp.p12"')}. A file saved
      by Notepad is fine.`),
    '',
    '## When a setting is wrong',
    '',
    paragraph(`
      The kiosk checks the whole file when it starts, and never runs half-configured. Any mistake (a misspelt or
      unknown name, a value of the wrong kind or out of range, a missing certificate, a wrong passphrase, an expired
      certificate) puts the kiosk out of service with one sentence naming the setting, shown to staff on the
      out-of-service screen and written to the log. Correct the file and restart the kiosk. For example (these
      sentences come from the kiosk's own checks):`),
    '',
    '| Mistake | In the file | The kiosk says |',
    '|---|---|---|',
    ...mistakes,
    '',
    paragraph(`
      An RP certificate that expires within ${EXPIRY_WARNING_DAYS} days is not a mistake yet: the kiosk runs, and
      warns in the log every time it starts, so that there is time to order a new one from the bank.`),
    '',
    '## Passphrases and other secrets',
    '',
    paragraph(`
      Secrets never go in the settings file: more people can read it than should know them. The RP certificate's
      passphrase is read from a file of its own (${code('bankid.passphrase.file')}), readable only by administrators
      and the account the kiosk runs as, or from an environment variable set for the kiosk
      (${code('bankid.passphrase.env')}). The settings file only says where the passphrase is. The kiosk never
      writes the passphrase in a message or in the log, and does not repeat what it finds under
      ${code('bankid.passphrase')}, in case a passphrase was pasted there by mistake.`),
    '',
    '## Examples',
    '',
    paragraph(`Both examples are checked against the kiosk's rules whenever this page is generated.`),
    ...EXAMPLES.flatMap((example) => [
      '',
      `### ${example.title}`,
      '',
      paragraph(example.intro),
      '',
      '```json',
      fileJson(example.settings),
      '```',
    ]),
  ].join('\n')
}

/** docs/settings.md as it should be. Throws SettingsDocError when the page cannot be made truthfully. */
export function renderSettingsDoc(): string {
  const entries = settingEntries()
  const undescribed = undescribedKeys()
  if (undescribed.length > 0) {
    throw new SettingsDocError(
      `These settings have no description: ${undescribed.join(', ')}. ` +
        'Add .meta({ description }) where each is declared in schema.ts.',
    )
  }
  const schemaSections = [...new Set(entries.map((entry) => entry.section))]
  const undocumented = sectionDocEntries().filter(({ doc }) => doc === undefined)
  if (undocumented.length > 0) {
    throw new SettingsDocError(
      `These sections have no title and introduction: ${undocumented.map(({ section }) => section).join(', ')}. ` +
        'Register them with sectionDocs where each is declared.',
    )
  }
  checkRules(entries)
  checkExamples(entries)

  const json = settingsJsonSchema()
  const sections = schemaSections.map((section) =>
    [
      `## ${sectionHeading(section)}`,
      '',
      paragraph(sectionDoc(section).intro),
      ...entries
        .filter((entry) => entry.section === section)
        .flatMap((entry) => ['', entryMarkdown(entry, jsonNodeAt(json, entry.path))]),
    ].join('\n'),
  )
  return `${[headerMarkdown(), ...sections].join('\n\n')}\n`
}

// ---- comparing with the page on disk ----

/** Where two versions of the page first differ, with the heading above it; null when equal. */
export function describeDifference(expected: string, actual: string): string | null {
  if (expected === actual) return null
  const want = expected.split('\n')
  const have = actual.split('\n')
  let line = 0
  while (line < want.length && line < have.length && want[line] === have[line]) line++
  const heading = want
    .slice(0, line + 1)
    .reverse()
    .find((text) => text.startsWith('#'))
  const show = (text: string | undefined) => (text === undefined ? '(end of file)' : JSON.stringify(text))
  return [
    `line ${line + 1}${heading === undefined ? '' : ` (under "${heading}")`} differs:`,
    `  generated: ${show(want[line])}`,
    `  on disk:   ${show(have[line])}`,
  ].join('\n')
}

/** The page's path from the repository's root, e.g. for a script run from anywhere. */
export const settingsDocPath = (repositoryRoot: string) => path.join(repositoryRoot, SETTINGS_DOC_FILE)
