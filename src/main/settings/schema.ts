// The administrator's settings file, as a zod schema. Every object is strict (a misspelt key is an
// error, never silently ignored) and every field has a default, so `{}` is a complete configuration:
// the built-in simulator. Each field carries its own admin-facing phrase ("must be a whole number
// from 1 to 60"), because zod's default texts describe one failed check, not what is allowed;
// messages.ts turns the first issue into the one sentence the out-of-service screen shows.
import { isIP } from 'node:net'
import { z } from 'zod'
import type { FlowMode } from '../../shared/contract'
import { LANGUAGES } from '../../shared/languages'
import type { BankIdEnvironment } from '../bankid/environments'

export const ENVIRONMENTS = ['simulator', 'test', 'production'] as const satisfies readonly BankIdEnvironment[]
export const FLOW_MODES = ['personnummer', 'qr'] as const satisfies readonly FlowMode[]
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const

/** The banks that issue Mobilt BankID, as the school's current guide lists them. */
export const DEFAULT_BANKS: readonly string[] = [
  'Danske Bank',
  'Handelsbanken',
  'Länsförsäkringar',
  'Nordea',
  'SEB',
  'Skandiabanken',
  'Sparbanken Syd',
  'Sparbanken Öresund',
  'Swedbank',
]

/** BankID limits userVisibleData to 1 500 Base64 characters, i.e. 1 125 bytes of UTF-8. */
export const INTENT_TEXT_MAX_BYTES = 1125

// ---- phrases and field builders ----

/** "a", "b" or "c" */
const quotedList = (values: readonly string[], last = 'or'): string => {
  const quoted = values.map((value) => `"${value}"`)
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} ${last} ${quoted.at(-1)}`
}

const SECTION_PHRASE = 'must be a group of settings in { }'

/** An object whose misspelt keys are errors; messages.ts words those itself (with a did-you-mean). */
const section = <Shape extends z.ZodRawShape>(shape: Shape, phrase = SECTION_PHRASE) =>
  z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : phrase) })

/** Counts and whole seconds: a fraction of a second would be a typo, not a wish. */
const wholeNumber = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error })
}

const decimalNumber = (min: number, max: number) => {
  const error = `must be a number from ${min} to ${max}`
  return z.number({ error }).min(min, { error }).max(max, { error })
}

const text = (min: number, max: number, what = 'text') => {
  const error = `must be ${what} of ${min} to ${max} characters`
  return z
    .string({ error })
    .min(min, { error })
    .max(max, { error })
    .refine((value) => value.trim() !== '', { error: 'must not be blank' })
}

const oneOf = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z.enum(values, { error: `must be one of ${quotedList(values)}` })

const filePath = (what: 'file' | 'folder') => {
  const error = `must be the path of a ${what}`
  return z.string({ error }).refine((value) => value.trim() !== '', { error })
}

const colour = (example: string) => {
  const error = `must be a colour written as #rrggbb, like "${example}"`
  return z.string({ error }).regex(/^#[0-9a-fA-F]{6}$/, { error })
}

/** Lists in which an entry twice is certainly a mistake (compared ignoring case and spaces). */
const noDuplicates = (values: readonly string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>()
  for (const value of values) {
    const normalised = value.trim().toLowerCase()
    if (seen.has(normalised)) {
      ctx.addIssue({ code: 'custom', message: `lists "${value}" twice` })
      return
    }
    seen.add(normalised)
  }
}

// ---- bankid ----

/** Where the RP certificate is: BankID hands out PKCS#12; a PEM pair suits those who convert it. */
export type CertificateFiles = { pkcs12: string } | { cert: string; key: string }
/** Where the passphrase is: never in this file, which is readable by more people than the secret. */
export type PassphraseSource = { file: string } | { env: string }

const CERTIFICATE_SHAPES = 'must name either a "pkcs12" file or a "cert" and a "key" file'
const certificate = section(
  { pkcs12: filePath('file').optional(), cert: filePath('file').optional(), key: filePath('file').optional() },
  CERTIFICATE_SHAPES,
)
  .superRefine((files, ctx) => {
    const pem = files.cert !== undefined || files.key !== undefined
    if (files.pkcs12 !== undefined && pem) ctx.addIssue({ code: 'custom', message: `${CERTIFICATE_SHAPES}, not both` })
    else if (files.pkcs12 === undefined && !pem) ctx.addIssue({ code: 'custom', message: CERTIFICATE_SHAPES })
    else if (files.cert === undefined && files.key !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['cert'], message: 'is required with "bankid.certificate.key"' })
    } else if (files.key === undefined && files.cert !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'is required with "bankid.certificate.cert"' })
    }
  })
  .transform(
    (files): CertificateFiles =>
      files.pkcs12 !== undefined ? { pkcs12: files.pkcs12 } : { cert: files.cert ?? '', key: files.key ?? '' },
  )

const PASSPHRASE_SHAPES =
  'must be either { "file": "path" } or { "env": "VARIABLE_NAME" } (the passphrase itself never goes in this file)'
const environmentVariable = (() => {
  const error = 'must be the name of an environment variable (letters, digits and _)'
  return z.string({ error }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error })
})()
const passphrase = section({ file: filePath('file').optional(), env: environmentVariable.optional() }, PASSPHRASE_SHAPES)
  .superRefine((source, ctx) => {
    if ((source.file === undefined) === (source.env === undefined)) {
      ctx.addIssue({ code: 'custom', message: PASSPHRASE_SHAPES })
    }
  })
  .transform((source): PassphraseSource => (source.file !== undefined ? { file: source.file } : { env: source.env ?? '' }))

const endUserIp = (() => {
  const error = 'must be an IPv4 or IPv6 address'
  return z.string({ error }).refine((value) => isIP(value) !== 0, { error })
})()

const intentText = text(1, 1000).refine((value) => Buffer.byteLength(value, 'utf8') <= INTENT_TEXT_MAX_BYTES, {
  error: `is too long for BankID: at most ${INTENT_TEXT_MAX_BYTES} bytes as UTF-8 (å, ä, ö and other non-ASCII letters count as 2 or more)`,
})

const bankid = section({
  environment: oneOf(ENVIRONMENTS).default('simulator'),
  certificate: certificate.optional(),
  passphrase: passphrase.optional(),
  endUserIp: endUserIp.optional(),
  intentText: intentText.optional(),
  requestTimeoutSeconds: wholeNumber(1, 60).default(10),
}).superRefine((settings, ctx) => {
  // A certificate the kiosk would silently ignore, or one it lacks, both mean "not what the admin meant".
  const environment = `when "bankid.environment" is "${settings.environment}"`
  if (settings.environment === 'simulator') {
    for (const key of ['certificate', 'passphrase'] as const) {
      if (settings[key] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `must not be set ${environment} (the simulator uses its own certificate)`,
        })
      }
    }
  } else if (settings.certificate === undefined) {
    ctx.addIssue({ code: 'custom', path: ['certificate'], message: `is required ${environment}` })
  }
})

// ---- the rest ----

const flow = section({ mode: oneOf(FLOW_MODES).default('personnummer') })

const timing = section({
  // BankID asks for a collect every 2 s and never more often than every 1 s; 1.5 is a fair wish.
  collectIntervalSeconds: decimalNumber(1, 10).default(2),
  qrRestartWindowSeconds: wholeNumber(30, 1800).default(180),
  orderTimeoutSeconds: wholeNumber(60, 600).default(180),
  idleSeconds: wholeNumber(15, 600).default(60),
  waitingIdleSeconds: wholeNumber(30, 1800).default(180),
  idleWarningSeconds: wholeNumber(5, 120).default(20),
  loggedInSeconds: wholeNumber(3, 60).default(8),
  outOfServiceRetrySeconds: wholeNumber(5, 600).default(30),
  serviceFailuresBeforeOutOfService: wholeNumber(1, 20).default(3),
})

const language = oneOf(LANGUAGES)
const languages = section({
  available: z
    .array(language, { error: `must be a list of languages, from ${quotedList(LANGUAGES)}` })
    .min(1, { error: `must list at least one of the languages ${quotedList(LANGUAGES, 'and')}` })
    .superRefine(noDuplicates)
    .default(() => [...LANGUAGES]),
  default: language.optional(),
})
  .superRefine((settings, ctx) => {
    if (settings.default !== undefined && !settings.available.includes(settings.default)) {
      const listed = settings.available.map((code) => `"${code}"`).join(', ')
      const message = `must be one of the languages in "languages.available" (${listed})`
      ctx.addIssue({ code: 'custom', path: ['default'], message })
    }
  })
  // Left out, the default is Swedish when Swedish is offered, otherwise the first language listed.
  .transform((settings) => ({
    available: settings.available,
    default: settings.default ?? (settings.available.includes('sv') ? 'sv' : (settings.available[0] ?? 'sv')),
  }))

const school = section({
  name: text(1, 80).default('Skolan'),
  primaryColor: colour('#1f3a5f').default('#1f3a5f'),
  accentColor: colour('#ffd200').default('#ffd200'),
})

const banks = z
  .array(text(1, 60, 'a bank name'), { error: 'must be a list of bank names' })
  .min(1, { error: 'must list 1 to 30 bank names' })
  .max(30, { error: 'must list 1 to 30 bank names' })
  .superRefine(noDuplicates)

const logging = section({
  directory: filePath('folder').optional(),
  level: oneOf(LOG_LEVELS).default('info'),
  maxFileSizeMB: wholeNumber(1, 100).default(10),
  maxFiles: wholeNumber(1, 365).default(14),
})

const httpsUrl = (() => {
  const error = 'must be an https:// address'
  return z.string({ error }).refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', { error })
})()

/** Updates are IT's decision: off unless the settings turn them on (and say where from). */
const updates = section({
  enabled: z.boolean({ error: 'must be true or false' }).default(false),
  url: httpsUrl.optional(),
  checkIntervalMinutes: wholeNumber(15, 1440).default(60),
}).superRefine((settings, ctx) => {
  if (settings.enabled && settings.url === undefined) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required when "updates.enabled" is true' })
  }
})

// prefault({}), not default({}): the empty section is parsed, so its fields' own defaults apply.
export const settingsSchema = z.strictObject(
  {
    bankid: bankid.prefault({}),
    flow: flow.prefault({}),
    timing: timing.prefault({}),
    languages: languages.prefault({}),
    school: school.prefault({}),
    banks: banks.default(() => [...DEFAULT_BANKS]),
    logging: logging.prefault({}),
    updates: updates.prefault({}),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : SECTION_PHRASE) },
)

export type KioskSettings = z.output<typeof settingsSchema>

/** The zero-configuration kiosk: the simulator, Swedish first, every timing as BankID recommends. */
export const DEFAULT_SETTINGS: KioskSettings = settingsSchema.parse({})
