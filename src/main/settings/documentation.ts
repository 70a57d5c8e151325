// The administrators' settings reference, docs/settings.md, built from the settings schema itself:
// the keys by walking the zod schema, each setting's description from its `.meta()` in schema.ts,
// types, ranges and defaults from zod's JSON Schema, each rule in the kiosk's own words (asked of
// checkSettings), and every example and sample sentence produced or checked by the real
// checkSettings while the page is made. A broken example or an undescribed setting stops the
// generation; a test compares the page on disk with what this makes (npm run docs:settings).
import path from 'node:path'
import { z } from 'zod'
import { EXPIRY_WARNING_DAYS } from './credentials'
import { checkSettings } from './load'
import { SETTINGS_ENV, SETTINGS_OPTION, osSettingsPath } from './location'
import { DEFAULT_SETTINGS, INTENT_TEXT_MAX_BYTES, settingsSchema } from './schema'

/** The generated page, relative to the repository's root. */
export const SETTINGS_DOC_FILE = 'docs/settings.md'
export const REGENERATE_COMMAND = 'npm run docs:settings'

export type SectionKey = keyof z.input<typeof settingsSchema>

/** Thrown when the page cannot be made truthfully: the message says what to fix. */
export class SettingsDocError extends Error {
  override name = 'SettingsDocError'
}

// ---- walking the schema ----

type AnySchema = z.core.$ZodType

/** The parts of a zod 4 definition the walk looks at. */
interface WalkedDef {
  type: string
  innerType?: AnySchema
  in?: AnySchema
  out?: AnySchema
  shape?: Record<string, AnySchema>
}

const defOf = (schema: AnySchema): WalkedDef => schema._zod.def as unknown as WalkedDef

/** Wrappers that change when a value is needed or what it defaults to, never its shape. */
const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'nonoptional', 'readonly', 'catch'])

/**
 * A field's schemas, outermost first, down to its core (object, string, array…): through defaults,
 * optionals and the like, and through pipes to the input side (a `.transform()` is a pipe whose
 * input is the schema the admin writes to; a `z.preprocess()` one whose output is).
 */
function layers(schema: AnySchema): AnySchema[] {
  const found: AnySchema[] = []
  for (let current: AnySchema | undefined = schema; current !== undefined; ) {
    found.push(current)
    const def = defOf(current)
    if (WRAPPERS.has(def.type)) current = def.innerType
    else if (def.type === 'pipe') current = def.in && defOf(def.in).type !== 'transform' ? def.in : def.out
    else current = undefined
  }
  return found
}

const coreOf = (schema: AnySchema): AnySchema => layers(schema).at(-1) ?? schema

function shapeOf(schema: AnySchema): Record<string, AnySchema> | null {
  const def = defOf(coreOf(schema))
  return def.type === 'object' && def.shape !== undefined ? def.shape : null
}

export interface SettingEntry {
  /** As written in the settings file and in the kiosk's messages, e.g. "timing.idleSeconds". */
  key: string
  path: readonly string[]
  /** The top-level key it belongs to. */
  section: string
  /** A group holds settings of its own (e.g. "bankid.certificate"); a leaf holds a value. */
  kind: 'group' | 'leaf'
  /** The field as declared, wrappers and all. */
  schema: AnySchema
  description: string | undefined
  examples: readonly unknown[]
}

/** The first description and examples found on the field's layers, outermost first. */
function metaOf(schema: AnySchema): { description: string | undefined; examples: readonly unknown[] } {
  let description: string | undefined
  let examples: readonly unknown[] | undefined
  for (const layer of layers(schema)) {
    const meta = z.globalRegistry.get(layer)
    if (meta === undefined) continue
    if (description === undefined && typeof meta.description === 'string' && meta.description.trim() !== '') {
      description = meta.description
    }
    if (examples === undefined && Array.isArray(meta.examples)) examples = meta.examples as unknown[]
  }
  return { description, examples: examples ?? [] }
}

/**
 * Every setting an administrator can write, in the schema's order, groups before what they hold.
 * The top-level keys are sections, not settings, unless they hold a value themselves ("banks").
 */
export function settingEntries(schema: AnySchema = settingsSchema): SettingEntry[] {
  const root = shapeOf(schema)
  if (root === null) throw new SettingsDocError('The settings schema is not an object.')
  const entries: SettingEntry[] = []
  const visit = (field: AnySchema, keyPath: string[], section: string) => {
    const shape = shapeOf(field)
    entries.push({
      key: keyPath.join('.'),
      path: keyPath,
      section,
      kind: shape === null ? 'leaf' : 'group',
      schema: field,
      ...metaOf(field),
    })
    for (const [name, child] of Object.entries(shape ?? {})) visit(child, [...keyPath, name], section)
  }
  for (const [section, field] of Object.entries(root)) {
    const shape = shapeOf(field)
    if (shape === null) visit(field, [section], section)
    else for (const [name, child] of Object.entries(shape)) visit(child, [section, name], section)
  }
  return entries
}

/** The key paths of the settings that hold values, e.g. "bankid.certificate.pkcs12" and "banks". */
export const leafKeys = (schema: AnySchema = settingsSchema): string[] =>
  settingEntries(schema)
    .filter((entry) => entry.kind === 'leaf')
    .map((entry) => entry.key)

/** Settings (groups included) that nobody has described yet. */
export const undescribedKeys = (schema: AnySchema = settingsSchema): string[] =>
  settingEntries(schema)
    .filter((entry) => entry.description === undefined)
    .map((entry) => entry.key)

// ---- zod's JSON Schema: types, ranges and defaults ----

/** The parts of a JSON Schema node the page shows. */
export interface JsonNode {
  type?: string
  enum?: unknown[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  minItems?: number
  maxItems?: number
  items?: JsonNode
  properties?: Record<string, JsonNode>
  default?: unknown
}

/**
 * The settings file as JSON Schema, as the administrator writes it (io: 'input': before the
 * transforms, with defaults). Refinements (an IP address, an https address) are not representable:
 * the rule lines, in the kiosk's own words, say those.
 */
export const settingsJsonSchema = (): JsonNode =>
  z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any' }) as unknown as JsonNode

export function jsonNodeAt(root: JsonNode, keyPath: readonly string[]): JsonNode | undefined {
  let node: JsonNode | undefined = root
  for (const name of keyPath) node = node?.properties?.[name]
  return node
}

/** The leaves according to the JSON Schema: a cross-check of the zod walk. */
export function jsonSchemaLeafKeys(root: JsonNode = settingsJsonSchema()): string[] {
  const keys: string[] = []
  const visit = (node: JsonNode, keyPath: string[]) => {
    if (node.type === 'object' && node.properties !== undefined) {
      for (const [name, child] of Object.entries(node.properties)) visit(child, [...keyPath, name])
    } else {
      keys.push(keyPath.join('.'))
    }
  }
  for (const [name, child] of Object.entries(root.properties ?? {})) visit(child, [name])
  return keys
}

// ---- the page's own words ----

export interface SectionDoc {
  title: string
  intro: string
}

/** One per top-level key, in the page's words; the compiler insists on a new section having one. */
export const SECTIONS: Record<SectionKey, SectionDoc> = {
  bankid: {
    title: 'the BankID connection',
    intro:
      'Which BankID the kiosk uses, and how it proves to BankID that it acts for the school. Out of the box the ' +
      'kiosk uses its built-in simulator, which needs nothing here. To log parents in for real the school needs a ' +
      'BankID agreement with its bank and the RP certificate (relying-party certificate) that comes with it: set ' +
      '`bankid.environment` to `"production"`, say where the certificate is, and where its passphrase is. BankID\'s ' +
      '`"test"` environment works the same way with a test RP certificate, and is the place to check everything ' +
      'before going live.',
  },
  flow: {
    title: 'how a login starts',
    intro: 'What the parent does first at the kiosk: type their personnummer, or go straight to the QR code.',
  },
  timing: {
    title: 'timers',
    intro:
      'How long the kiosk waits, in seconds, for BankID and for parents. The defaults follow BankID\'s ' +
      'recommendations and suit most receptions; change them to fit how your reception works, for example longer ' +
      'idle times where parents often need help from staff.',
  },
  languages: {
    title: 'the languages offered',
    intro:
      'The languages parents can use the kiosk in. Every screen, the guide and the questions and answers exist in ' +
      'all five; Arabic is shown right to left. A parent\'s choice lasts until the kiosk resets for the next parent.',
  },
  school: {
    title: 'the school\'s name and colours',
    intro: 'How the kiosk presents the school: its name on the screens and its colours.',
  },
  banks: {
    title: 'banks in the parents\' guide',
    intro:
      'A list rather than a group of settings: the banks named in the kiosk\'s guide for parents who do not yet ' +
      'have Mobilt BankID.',
  },
  logging: {
    title: 'the log',
    intro:
      'The kiosk\'s log, for IT staff: one line of JSON per event, with event names, codes and durations. ' +
      'Personnummer and names are never written to it. When `kiosk.log` reaches `logging.maxFileSizeMB` it is put ' +
      'aside and a new one started; only the newest `logging.maxFiles` of the put-aside files are kept.',
  },
  updates: {
    title: 'automatic updates',
    intro:
      'The kiosk can update itself from a web server that the school or municipality runs. It is off unless you ' +
      'turn it on here, and an update is only ever installed while nobody is using the kiosk, never in the middle ' +
      'of a parent\'s login.',
  },
  handoff: {
    title: 'passing the login on to the school\'s service',
    intro:
      'What happens after BankID says the parent is who they claim to be. Off by default: the kiosk is then a ' +
      'check-in point. On, the kiosk sends the verified identity to the school\'s own service over HTTPS, signed so ' +
      'the service knows it came from this kiosk, and shows the parent what the service answers: a message, or a ' +
      'page of the service in a locked view.',
  },
  staff: {
    title: 'the staff screen',
    intro:
      'A screen for reception and IT staff, opened by a hidden gesture and a PIN: the version, the settings, the ' +
      'certificate, recent errors (never anything about a parent), today\'s logins and a test of the BankID ' +
      'connection. To open it, tap the school\'s name at the top of the screen five times within three seconds ' +
      '(or press Ctrl+Alt+S on a keyboard) and enter the PIN. It closes itself after two minutes untouched.',
  },
  health: {
    title: 'health reporting',
    intro:
      'How the kiosk tells IT that it is well: a small health file the computer\'s monitoring agent can read, and ' +
      'optionally a regular report to a web address. Neither ever contains anything about a parent.',
  },
}

/**
 * Rules the JSON Schema cannot show: required-ness that depends on other settings, and checks the
 * schema makes with code. Each is proven while the page is made: every probe must fail checkSettings
 * at that key, so a rule removed from the schema cannot linger here. (A rule without probes is one
 * checked when the certificate is opened at start, which takes real files.)
 */
export interface SettingRule {
  key: string
  /** "required": the line says when it is needed; "check": something else the kiosk insists on. */
  kind: 'required' | 'check'
  /** Markdown, completing "Required: …" or standing alone. */
  text: string
  probes: readonly unknown[]
}

export const SETTING_RULES: readonly SettingRule[] = [
  {
    key: 'bankid.certificate',
    kind: 'required',
    text: 'when `bankid.environment` is `"test"` or `"production"`',
    probes: [{ bankid: { environment: 'test' } }, { bankid: { environment: 'production' } }],
  },
  {
    key: 'bankid.certificate',
    kind: 'check',
    text: 'Must not be set when `bankid.environment` is `"simulator"` (the simulator brings its own certificate).',
    probes: [{ bankid: { certificate: { pkcs12: 'rp-certificate.p12' } } }],
  },
  {
    key: 'bankid.certificate',
    kind: 'check',
    text: 'It names one of the two (`pkcs12`, or `cert` with `key`): not neither, not both.',
    probes: [
      { bankid: { environment: 'test', certificate: {} } },
      { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12', cert: 'rp.pem', key: 'rp-key.pem' } } },
    ],
  },
  {
    key: 'bankid.certificate.cert',
    kind: 'required',
    text: 'with `bankid.certificate.key`',
    probes: [{ bankid: { environment: 'test', certificate: { key: 'rp-key.pem' } } }],
  },
  {
    key: 'bankid.certificate.key',
    kind: 'required',
    text: 'with `bankid.certificate.cert`',
    probes: [{ bankid: { environment: 'test', certificate: { cert: 'rp.pem' } } }],
  },
  {
    key: 'bankid.passphrase',
    kind: 'required',
    text: 'when the certificate file is protected by a passphrase (checked when the kiosk starts)',
    probes: [],
  },
  {
    key: 'bankid.passphrase',
    kind: 'check',
    text: 'Must not be set when `bankid.environment` is `"simulator"`.',
    probes: [{ bankid: { passphrase: { env: 'BANKID_RP_PASSPHRASE' } } }],
  },
  {
    key: 'bankid.passphrase',
    kind: 'check',
    text: 'Exactly one of `file` and `env`.',
    probes: [
      { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: {} } },
      { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: { file: 'p.txt', env: 'P' } } },
    ],
  },
  {
    key: 'bankid.intentText',
    kind: 'check',
    text:
      `At most ${INTENT_TEXT_MAX_BYTES} bytes as UTF-8, as BankID allows: ` +
      'å, ä, ö and other non-ASCII letters count as 2 or more.',
    probes: [{ bankid: { intentText: 'å'.repeat(600) } }],
  },
  {
    key: 'languages.available',
    kind: 'check',
    text: 'Each language at most once.',
    probes: [{ languages: { available: ['sv', 'en', 'sv'] } }],
  },
  {
    key: 'languages.default',
    kind: 'check',
    text: 'Must be one of the languages in `languages.available`.',
    probes: [{ languages: { available: ['en', 'ar'], default: 'sv' } }],
  },
  {
    key: 'banks',
    kind: 'check',
    text: 'Each bank at most once (ignoring capitals and spaces).',
    probes: [{ banks: ['SEB', 'Nordea', 'seb'] }],
  },
  {
    key: 'updates.url',
    kind: 'required',
    text: 'when `updates.enabled` is `true`',
    probes: [{ updates: { enabled: true } }],
  },
  {
    key: 'handoff.url',
    kind: 'required',
    text: 'when `handoff.enabled` is `true`',
    probes: [{ handoff: { enabled: true } }],
  },
  {
    key: 'handoff.secret',
    kind: 'required',
    text: 'when `handoff.enabled` is `true` and `handoff.auth` is `"hmac"`',
    probes: [{ handoff: { enabled: true, url: 'https://portal.example-skola.se/kiosk/login' } }],
  },
  {
    key: 'handoff.secret',
    kind: 'check',
    text:
      'Exactly one of `file` and `env`; not with `handoff.auth` `"mtls"`. When the kiosk starts, the file must exist ' +
      '(or the variable be set) and hold at least 32 bytes.',
    probes: [{ handoff: { secret: {} } }, { handoff: { auth: 'mtls', secret: { env: 'KIOSK_HANDOFF_SECRET' } } }],
  },
  {
    key: 'handoff.certificate',
    kind: 'required',
    text: 'when `handoff.enabled` is `true` and `handoff.auth` is `"mtls"`',
    probes: [{ handoff: { enabled: true, url: 'https://portal.example-skola.se/kiosk/login', auth: 'mtls' } }],
  },
  {
    key: 'handoff.certificate',
    kind: 'check',
    text: 'Only with `handoff.auth` `"mtls"`. When the kiosk starts, the file must open with the passphrase and not have expired.',
    probes: [{ handoff: { certificate: { pkcs12: 'handoff-client.p12' } } }],
  },
  {
    key: 'handoff.passphrase',
    kind: 'check',
    text: 'Only with `handoff.auth` `"mtls"`; exactly one of `file` and `env`.',
    probes: [{ handoff: { passphrase: { env: 'KIOSK_HANDOFF_PASSPHRASE' } } }, { handoff: { auth: 'mtls', passphrase: {} } }],
  },
  {
    key: 'handoff.demo',
    kind: 'check',
    text:
      'Refused with any `bankid.environment` but `"simulator"`, so it cannot be left on when the kiosk goes live. ' +
      '(`handoff.enabled` true with the simulator is refused without it.)',
    probes: [{ bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' } }, handoff: { demo: true } }],
  },
  {
    key: 'handoff.allowedOrigins',
    kind: 'check',
    text:
      'Each an `https://` origin without a path, query or user name, and each at most once; the host is a DNS name ' +
      '(letters, digits, dashes) or an IP address, never a wildcard, `;`, `,` or a quote (the origins go into the ' +
      'kiosk page\'s Content-Security-Policy).',
    probes: [
      { handoff: { allowedOrigins: ['https://portal.example-skola.se/start'] } },
      { handoff: { allowedOrigins: ['http://portal.example-skola.se'] } },
      { handoff: { allowedOrigins: ['https://portal.example-skola.se', 'https://portal.example-skola.se'] } },
      { handoff: { allowedOrigins: ['https://*.example-skola.se'] } },
    ],
  },
  {
    key: 'health.heartbeat.url',
    kind: 'check',
    text: 'Without a user name or password in it: the receiver checks `health.heartbeat.secret` instead.',
    probes: [{ health: { heartbeat: { url: 'https://kiosk:password@monitor.example-skola.se/' } } }],
  },
  {
    key: 'health.heartbeat.secret',
    kind: 'check',
    text:
      'Exactly one of `file` and `env`; only with `health.heartbeat.url`. When the kiosk starts, the file must exist ' +
      '(or the variable be set) and hold at least 16 characters.',
    probes: [
      { health: { heartbeat: { url: 'https://monitor.example-skola.se/', secret: {} } } },
      { health: { heartbeat: { secret: { env: 'BANKID_KIOSK_HEARTBEAT_SECRET' } } } },
    ],
  },
  {
    key: 'health.heartbeat.ca',
    kind: 'check',
    text: 'Only with `health.heartbeat.url`. When the kiosk starts, the file must exist and hold a PEM certificate.',
    probes: [{ health: { heartbeat: { ca: 'monitoring-ca.pem' } } }],
  },
]

/** Mistakes whose sentences the page quotes, as checkSettings words them today. */
export const SAMPLE_MISTAKES: readonly { what: string; settings: unknown }[] = [
  { what: 'A misspelt key', settings: { timing: { idleSecond: 60 } } },
  { what: 'A value out of range', settings: { timing: { idleSeconds: 5 } } },
  { what: 'Production without a certificate', settings: { bankid: { environment: 'production' } } },
]

export interface SettingsExample {
  title: string
  intro: string
  settings: Record<string, unknown>
}

/** Complete settings files. Each must pass checkSettings, or the page is not made. */
export const EXAMPLES: readonly SettingsExample[] = [
  {
    title: 'A minimal production file',
    intro:
      'Real BankID, with the RP certificate and a file holding its passphrase in the same folder as the settings ' +
      'file, and the school\'s name. Everything else keeps its default.',
    settings: {
      bankid: {
        environment: 'production',
        certificate: { pkcs12: 'rp-certificate.p12' },
        passphrase: { file: 'rp-passphrase.txt' },
      },
      school: { name: 'Exempelskolan' },
    },
  },
  {
    title: 'A fuller file',
    intro:
      'BankID\'s test service with a converted PEM certificate whose passphrase is in an environment variable, ' +
      'the QR code first, three languages with English first, the school\'s colours, longer idle times, a log ' +
      'folder on another drive, automatic updates and a signed health report every five minutes. Every section may ' +
      'be left out or given in part.',
    settings: {
      bankid: {
        environment: 'test',
        certificate: { cert: 'certificates/rp-certificate.pem', key: 'certificates/rp-key.pem' },
        passphrase: { env: 'BANKID_RP_PASSPHRASE' },
        endUserIp: '203.0.113.7',
        intentText: 'Inloggning på Exempelskolans föräldraportal',
        requestTimeoutSeconds: 15,
      },
      flow: { mode: 'qr' },
      timing: { idleSeconds: 90, waitingIdleSeconds: 240, idleWarningSeconds: 30, loggedInSeconds: 10 },
      languages: { available: ['en', 'sv', 'ar'], default: 'en' },
      school: { name: 'Exempelskolan', primaryColor: '#00543c', accentColor: '#f2a900' },
      banks: ['Handelsbanken', 'Länsförsäkringar', 'Nordea', 'SEB', 'Swedbank'],
      logging: { directory: 'D:\\Logs\\BankID Kiosk', level: 'info', maxFileSizeMB: 20, maxFiles: 30 },
      updates: { enabled: true, url: 'https://updates.example-skola.se/bankid-kiosk/', checkIntervalMinutes: 240 },
      health: {
        heartbeat: {
          url: 'https://monitor.example-skola.se/kiosk-heartbeat',
          secret: { env: 'BANKID_KIOSK_HEARTBEAT_SECRET' },
        },
      },
    },
  },
  {
    title: 'Handing each login on to the school\'s service',
    intro:
      'After BankID, the kiosk POSTs the login to the school\'s service, signed with a secret shared with it (kept in ' +
      'a file next to the settings), trusting only the municipality\'s own CA for it, and shows the page the service ' +
      'answers with in the locked view, which may show the portal and the municipality\'s login pages and nothing else.',
    settings: {
      bankid: {
        environment: 'production',
        certificate: { pkcs12: 'rp-certificate.p12' },
        passphrase: { file: 'rp-passphrase.txt' },
      },
      school: { name: 'Exempelskolan' },
      handoff: {
        enabled: true,
        url: 'https://portal.example-skola.se/kiosk/login',
        kioskId: 'reception-hus-a',
        secret: { file: 'handoff-secret.txt' },
        ca: 'kommun-root-ca.pem',
        allowedOrigins: ['https://portal.example-skola.se', 'https://login.example-kommun.se'],
        messageSeconds: 20,
      },
    },
  },
]

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
  const keys = new Set(entries.map((entry) => entry.key))
  for (const rule of SETTING_RULES) {
    if (!keys.has(rule.key)) throw new SettingsDocError(`SETTING_RULES names "${rule.key}", which is not a setting.`)
    for (const probe of rule.probes) {
      const failed = failingKey(probe)
      if (failed?.key !== rule.key) {
        throw new SettingsDocError(
          `The rule for "${rule.key}" ("${rule.text}") no longer holds: ${JSON.stringify(probe)} gives ` +
            `${failed === null ? 'no problem' : `"${failed.problem}"`}.`,
        )
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

const WIDTH = 90

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** JSON on one line, with spaces as people write it: { "a": [1, 2] }. */
export function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`
  if (isRecord(value)) {
    const members = Object.entries(value).map(([name, member]) => `${JSON.stringify(name)}: ${inlineJson(member)}`)
    return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`
  }
  return JSON.stringify(value)
}

/** JSON as a settings file: the top level one key a line, anything shorter than a line on one. */
export function fileJson(value: unknown, indent = '', used = 0, top = true): string {
  const flat = inlineJson(value)
  const fits = indent.length + used + flat.length + 1 <= WIDTH
  if (typeof value !== 'object' || value === null || (fits && !top)) return flat
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    return `[\n${value.map((item) => inner + fileJson(item, inner, 0, false)).join(',\n')}\n${indent}]`
  }
  const members = Object.entries(value).map(([name, member]) => {
    const label = `${JSON.stringify(name)}: `
    return inner + label + fileJson(member, inner, label.length, false)
  })
  return `{\n${members.join(',\n')}\n${indent}}`
}

const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``)
const codeJson = (value: unknown) => code(inlineJson(value))

/** a, b or c */
const listed = (items: readonly string[], last = 'or') =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`

/** "a", "b" or "c", each as code. */
const codeList = (values: readonly unknown[]) => listed(values.map(codeJson))

/** "from 1 to 60", "at least 1", or "" when unbounded; with a unit when given (["entry", "entries"]). */
function range(min: number | undefined, max: number | undefined, unit?: readonly [string, string]): string {
  const counted = (text: string, last: number) =>
    unit === undefined ? text : `${text} ${last === 1 ? unit[0] : unit[1]}`
  if (min !== undefined && max !== undefined) {
    return counted(min === max ? `exactly ${min}` : `from ${min} to ${max}`, max)
  }
  if (min !== undefined) return counted(`at least ${min}`, min)
  if (max !== undefined) return counted(`at most ${max}`, max)
  return ''
}

const joined = (...parts: string[]) => parts.filter((part) => part !== '').join(' ')

/** A JSON Schema node's type and what it allows, in words: "whole number from 15 to 600". */
export function typeText(node: JsonNode): string {
  if (node.enum !== undefined) return `one of ${codeList(node.enum)}`
  switch (node.type) {
    case 'integer':
      return joined('whole number', range(node.minimum, node.maximum))
    case 'number':
      return joined('number', range(node.minimum, node.maximum), '(decimals allowed)')
    case 'boolean':
      return '`true` or `false`'
    case 'string':
      return joined(
        'text',
        range(node.minLength, node.maxLength, ['character', 'characters']).replace(/^from /, 'of '),
        node.pattern === undefined ? '' : `matching ${code(node.pattern)}`,
      )
    case 'array': {
      const count = range(node.minItems, node.maxItems, ['entry', 'entries']).replace(/^from /, '')
      const items = node.items === undefined ? '' : `, each ${typeText(node.items)}`
      return `list [ ] of ${count === '' ? 'entries' : count}${items}`
    }
    case 'object':
      return `group { } of ${listed(Object.keys(node.properties ?? {}).map(code), 'and')}`
    default:
      return node.type ?? 'any value'
  }
}

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

/** GitHub's heading anchors. */
const anchor = (heading: string) =>
  `#${heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')}`

const sectionHeading = (section: string) => `${section} — ${SECTIONS[section as SectionKey].title}`

const paragraph = (text: string) => text.replace(/\s+/g, ' ').trim()

// ---- the page ----

function entryMarkdown(entry: SettingEntry, node: JsonNode | undefined): string {
  if (entry.description === undefined) throw new SettingsDocError(`"${entry.key}" has no description.`)
  const rules = SETTING_RULES.filter((rule) => rule.key === entry.key)
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
    ...Object.keys(SECTIONS).map(sectionHeading),
  ].map((heading) => `- [${heading}](${anchor(heading)})`)

  return [
    '<!-- Generated from src/main/settings/schema.ts by scripts/settings-docs.ts. Do not edit this file:',
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
  const sectionKeys = Object.keys(SECTIONS)
  const schemaSections = [...new Set(entries.map((entry) => entry.section))]
  if (sectionKeys.join() !== schemaSections.join()) {
    throw new SettingsDocError(
      `SECTIONS (${sectionKeys.join(', ')}) must match the schema's sections (${schemaSections.join(', ')}), in order.`,
    )
  }
  checkRules(entries)
  checkExamples(entries)

  const json = settingsJsonSchema()
  const sections = schemaSections.map((section) =>
    [
      `## ${sectionHeading(section)}`,
      '',
      paragraph(SECTIONS[section as SectionKey].intro),
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
