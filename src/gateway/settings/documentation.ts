// docs/gateway-settings.md, the gateway's settings reference, made from the gateway's schema: the
// keys by walking it (the kiosk reference's walker), each description from the `.meta()` where the
// setting is declared, types and defaults from zod's JSON Schema, and the example and sample
// mistakes checked by the gateway's own checkGatewaySettings while the page is made.
import { z } from 'zod'
import { SettingsDocError, jsonNodeAt, settingEntries, typeText } from '../../main/settings/documentation'
import type { JsonNode } from '../../main/settings/documentation'
import { GATEWAY_SETTINGS_ENV, GATEWAY_SETTINGS_OPTION, checkGatewaySettings } from './load'
import { gatewaySettingsSchema } from './schema'

export const GATEWAY_SETTINGS_DOC_FILE = 'docs/gateway-settings.md'

const SECTION_TITLES: Record<string, string> = {
  bankid: 'BankID and the RP certificate',
  server: 'The gateway’s TLS certificate',
  kiosks: 'Which kiosks, and how much',
  state: 'The secret every instance shares',
  listen: 'The kiosks’ front',
  operations: 'Probes and metrics',
  endUserIp: 'The end user’s address BankID gets',
  handoff: 'Hand-off to the school’s service',
  logging: 'Logging',
}

export const GATEWAY_EXAMPLE = {
  bankid: {
    environment: 'production',
    certificate: { pkcs12: 'rp-certificate.p12' },
    passphrase: { file: 'rp-passphrase.txt' },
  },
  server: { certificate: { cert: 'server.crt', key: 'server.key' } },
  kiosks: { ca: 'kiosk-ca.pem', revocationFile: 'revocations.txt' },
  state: { secret: { file: 'state-key.txt' } },
  listen: { host: '0.0.0.0', port: 8443 },
  operations: { host: '0.0.0.0', port: 9090 },
  handoff: {
    enabled: true,
    url: 'https://portal.example-skola.se/kiosk/login',
    auth: 'hmac',
    secret: { file: 'handoff-secret.txt' },
    allowedOrigins: ['https://portal.example-skola.se'],
  },
}

const SAMPLE_MISTAKES: readonly { what: string; settings: unknown }[] = [
  { what: 'No kiosk CA', settings: { ...GATEWAY_EXAMPLE, kiosks: undefined } },
  { what: 'A misspelt key', settings: { ...GATEWAY_EXAMPLE, listen: { prot: 8443 } } },
  { what: 'A kiosk-only hand-off mode', settings: { ...GATEWAY_EXAMPLE, handoff: { enabled: true, auth: 'gateway' } } },
]

const code = (text: string) => `\`${text}\``
const json = (value: unknown) => code(JSON.stringify(value))
const paragraph = (text: string) => text.replace(/\s+/g, ' ').trim()

export function renderGatewaySettingsDoc(): string {
  const example = checkGatewaySettings(GATEWAY_EXAMPLE)
  if (!example.ok) throw new SettingsDocError(`The example gateway settings are refused: ${example.problem}`)
  const schemaJson = z.toJSONSchema(gatewaySettingsSchema, { io: 'input', unrepresentable: 'any' }) as unknown as JsonNode
  const entries = settingEntries(gatewaySettingsSchema)
  const mistakes = SAMPLE_MISTAKES.map(({ what, settings }) => {
    const checked = checkGatewaySettings(settings)
    if (checked.ok) throw new SettingsDocError(`The sample mistake "${what}" is accepted.`)
    return `| ${what} | ${checked.problem} |`
  })
  const sections = [...new Set(entries.map((entry) => entry.section))]
  const body = sections.flatMap((section) => {
    const title = SECTION_TITLES[section]
    if (title === undefined) throw new SettingsDocError(`The section "${section}" has no title.`)
    return [
      `## ${code(section)} — ${title}`,
      '',
      ...entries
        .filter((entry) => entry.section === section)
        .flatMap((entry) => {
          if (entry.description === undefined) throw new SettingsDocError(`"${entry.key}" has no description.`)
          const node = jsonNodeAt(schemaJson, entry.path)
          const fallback = node !== undefined && 'default' in node ? json(node.default) : 'not set'
          return [
            `### ${code(entry.key)}`,
            '',
            paragraph(entry.description),
            '',
            `- **Type:** ${node === undefined ? 'any value' : typeText(node)}`,
            `- **Default:** ${fallback}`,
            ...(entry.examples.length === 0 ? [] : [`- **Example:** ${entry.examples.map(json).join(', ')}`]),
            '',
          ]
        }),
    ]
  })
  const lines = [
    '<!-- Generated from src/gateway/settings/schema.ts by scripts/settings-docs.ts (npm run docs:settings). Do not edit. -->',
    '',
    '# The BankID gateway: settings reference',
    '',
    paragraph(`The gateway (product.md §9, the README's "Many terminals") is configured with one JSON file, named
      with ${code(`${GATEWAY_SETTINGS_OPTION} FILE`)} or the environment variable ${code(GATEWAY_SETTINGS_ENV)}.
      Without one, ${code('npm run gateway')} runs its demo: the built-in BankID simulator and certificates it makes
      itself. With one, everything below is read and proven at start (every certificate opened, every file read):
      a mistake stops the gateway with one sentence naming the key, and it never starts half-configured. Relative
      paths are relative to the settings file. Secrets (passphrases, the state secret, the hand-off secret) come from
      a file or an environment variable, never from this file, and never appear in a message or the log.`),
    '',
    '## Example',
    '',
    '```json',
    JSON.stringify(GATEWAY_EXAMPLE, null, 2),
    '```',
    '',
    '## When a setting is wrong',
    '',
    '| Mistake | What the gateway says, and exits 1 |',
    '|---|---|',
    ...mistakes,
    '',
    ...body,
  ]
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`
}
