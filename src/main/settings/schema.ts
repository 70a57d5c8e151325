// The administrator's settings file, as a zod schema. Every object is strict (a misspelt key is an
// error, never silently ignored) and every field has a default, so `{}` is a complete configuration:
// the built-in simulator. Each field carries its own admin-facing phrase ("must be a whole number
// from 1 to 60"), because zod's default texts describe one failed check, not what is allowed;
// messages.ts turns the first issue into the one sentence the out-of-service screen shows. Each
// setting also carries a description for administrators (`.meta({ description })`, outermost, where
// the field is declared): documentation.ts builds docs/settings.md from them, and a test fails when
// a setting has none or the page is out of date (npm run docs:settings).
import { isIP } from 'node:net'
import { z } from 'zod'
import type { FlowMode } from '../../shared/contract'
import { LANGUAGES } from '../../shared/languages'
import type { BankIdEnvironment } from '../bankid/environments'
import { canonicalOrigin, isHttpsOrigin } from '../handoff/origins'
import { parsePinHash } from '../staff/pin-hash'
import { echo } from './messages'

export const ENVIRONMENTS = ['simulator', 'test', 'production', 'custom'] as const satisfies readonly BankIdEnvironment[]
export const FLOW_MODES = ['personnummer', 'qr'] as const satisfies readonly FlowMode[]
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const

/**
 * Banks that issue Mobilt BankID, for the guide and the FAQ (the setting `banks` replaces the list).
 * NOT BankID's complete list: no current complete list was found (searched 2026-12-07). Each name is
 * one a source names as issuing (Mobilt) BankID; the pages are undated unless a date is given,
 * and were read on 2026-12-07:
 *   - bankid.com/om-bankid/detta-ar-bankid (BankID's own list, undated, written about 2019: it gives
 *     the 2019 estimate): Danske Bank, ICA Banken, Handelsbanken, Länsförsäkringar Bank, Nordea, SEB,
 *     Skandiabanken, Sparbanken Syd, Swedbank, Ålandsbanken. Danske Bank, Länsförsäkringar, SEB,
 *     Swedbank and Ålandsbanken rest on this page alone.
 *   - ICA Banken: thelocal.com/20220117/foreign-citizens-in-sweden-blocked-from-bankid-after-banks-roll-out-new-rules
 *     (2022-01-17) and friatider.se/do-inte-diskriminering-nar-icke-medborgare-nekas-bank-id.
 *   - Handelsbanken: handelsbanken.se/en/personal/digital-services/log-on-methods.
 *   - Nordea: nordea.se/privat/produkter/mobilbank-internetbank/nordea-id-dosa.html.
 *   - Skandia: support.bankid.com/sv/fragor-svar/fragor-om-bestallning/kan-nagon-lura-funktionen-genom-att-halla-upp-en-bild-pa-mig
 *     names "Skandiabanken" among banks that issue BankID without branches; the bank calls itself
 *     Skandia (skandia.se).
 *   - Sparbanken Syd: sparbankensyd.se/vardagstjanster/bankid/mobilt-bankid.
 *   - Sparbankerna (the savings banks, grouped as the sources group them with Swedbank): Sparbanken
 *     Tanum (sparbankentanum.se/privat/digitala-tjanster/mobilt-bankid.html) and Valdemarsviks
 *     Sparbank (valdemarsvikssparbank.se) issue it through the Sparbanken Privat app.
 *   - Forex Bank: forex.se/en/bankkund/digital/bankid.
 * Left out: Sparbanken Öresund (merged into Swedbank), Ikano Bank and Sparbanken Skåne by name (no
 * source found), Marginalen Bank (marginalen.se: "Marginalen Bank inte utfärdar BankID"). The guide
 * says most banks in Sweden issue it, so a parent whose bank is missing asks the bank.
 */
export const DEFAULT_BANKS: readonly string[] = [
  'Danske Bank',
  'Forex Bank',
  'Handelsbanken',
  'ICA Banken',
  'Länsförsäkringar',
  'Nordea',
  'SEB',
  'Skandia',
  'Sparbanken Syd',
  'Sparbankerna',
  'Swedbank',
  'Ålandsbanken',
]

/** BankID limits userVisibleData to 1 500 Base64 characters, i.e. 1 125 bytes of UTF-8. */
export const INTENT_TEXT_MAX_BYTES = 1125

// ---- phrases and field builders ----

/** "a", "b" or "c" */
export const quotedList = (values: readonly string[], last = 'or'): string => {
  const quoted = values.map((value) => `"${value}"`)
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} ${last} ${quoted.at(-1)}`
}

export const SECTION_PHRASE = 'must be a group of settings in { }'

/** An object whose misspelt keys are errors; messages.ts words those itself (with a did-you-mean). */
export const section = <Shape extends z.ZodRawShape>(shape: Shape, phrase = SECTION_PHRASE) =>
  z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : phrase) })

/** Counts and whole seconds: a fraction of a second would be a typo, not a wish. */
export const wholeNumber = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error })
}

export const decimalNumber = (min: number, max: number) => {
  const error = `must be a number from ${min} to ${max}`
  return z.number({ error }).min(min, { error }).max(max, { error })
}

export const text = (min: number, max: number, what = 'text') => {
  const error = `must be ${what} of ${min} to ${max} characters`
  return z
    .string({ error })
    .min(min, { error })
    .max(max, { error })
    .refine((value) => value.trim() !== '', { error: 'must not be blank' })
}

export const oneOf = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z.enum(values, { error: `must be one of ${quotedList(values)}` })

export const filePath = (what: 'file' | 'folder') => {
  const error = `must be the path of a ${what}`
  return z.string({ error }).refine((value) => value.trim() !== '', { error })
}

const colour = (example: string) => {
  const error = `must be a colour written as #rrggbb, like "${example}"`
  return z.string({ error }).regex(/^#[0-9a-fA-F]{6}$/, { error })
}

/** Lists in which an entry twice is certainly a mistake (compared ignoring case and spaces). */
export const noDuplicates = (values: readonly string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>()
  for (const value of values) {
    const normalised = value.trim().toLowerCase()
    if (seen.has(normalised)) {
      ctx.addIssue({ code: 'custom', message: `lists ${echo(value)} twice` })
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
export const certificate = section(
  {
    pkcs12: filePath('file')
      .optional()
      .meta({
        description:
          'The RP certificate as the PKCS#12 file (`.p12` or `.pfx`) the bank gave you. Keeping it in the same ' +
          'folder as the settings file and naming it without a folder is simplest.',
        examples: ['rp-certificate.p12'],
      }),
    cert: filePath('file')
      .optional()
      .meta({
        description:
          'The RP certificate as a PEM file (it starts with `-----BEGIN CERTIFICATE-----`), for those who have ' +
          'converted the bank\'s PKCS#12 file. Always set together with `bankid.certificate.key`.',
        examples: ['rp-certificate.pem'],
      }),
    key: filePath('file')
      .optional()
      .meta({
        description:
          'The private key that belongs to `bankid.certificate.cert`, as a PEM file. The kiosk checks at start that ' +
          'the key and the certificate belong together.',
        examples: ['rp-key.pem'],
      }),
  },
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

export const PASSPHRASE_SHAPES =
  'must be either { "file": "path" } or { "env": "VARIABLE_NAME" } (the passphrase itself never goes in this file)'
export const environmentVariable = (() => {
  const error = 'must be the name of an environment variable (letters, digits and _)'
  return z.string({ error }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error })
})()
export const passphrase = section(
  {
    file: filePath('file')
      .optional()
      .meta({
        description:
          'A text file that holds only the passphrase (one line break at the end is ignored). Make it readable only ' +
          'by administrators and the account the kiosk runs as.',
        examples: ['rp-passphrase.txt'],
      }),
    env: environmentVariable.optional().meta({
      description:
        'The name of an environment variable that holds the passphrase, set for the kiosk\'s account by your ' +
        'deployment tool. Write the variable\'s name here, not its value.',
      examples: ['BANKID_RP_PASSPHRASE'],
    }),
  },
  PASSPHRASE_SHAPES,
)
  .superRefine((source, ctx) => {
    if ((source.file === undefined) === (source.env === undefined)) {
      ctx.addIssue({ code: 'custom', message: PASSPHRASE_SHAPES })
    }
  })
  .transform((source): PassphraseSource => (source.file !== undefined ? { file: source.file } : { env: source.env ?? '' }))

export const endUserIp = (() => {
  const error = 'must be an IPv4 or IPv6 address'
  return z.string({ error }).refine((value) => isIP(value) !== 0, { error })
})()

const intentText = text(1, 1000).refine((value) => Buffer.byteLength(value, 'utf8') <= INTENT_TEXT_MAX_BYTES, {
  error: `is too long for BankID: at most ${INTENT_TEXT_MAX_BYTES} bytes as UTF-8 (å, ä, ö and other non-ASCII letters count as 2 or more)`,
})

const endpointUrl = (() => {
  const error = 'must be an https:// address without a user name, password, query or fragment'
  return z
    .string({ error })
    .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', { error })
    .refine((value) => {
      if (!URL.canParse(value)) return true
      const url = new URL(value)
      return url.username === '' && url.password === '' && url.search === '' && url.hash === ''
    }, { error })
})()

const bankid = section({
  environment: oneOf(ENVIRONMENTS)
    .default('simulator')
    .meta({
      description:
        'Which BankID the kiosk logs parents in with. `"simulator"` is a practice BankID built into the kiosk: it ' +
        'needs no agreement and no certificate, and is for trying the kiosk out. `"test"` is BankID\'s test service, ' +
        'for checking your RP certificate with test BankIDs before going live. `"production"` is the real BankID, ' +
        'once the school has its BankID agreement and RP certificate from the bank. `"custom"` is any other service ' +
        'that speaks BankID\'s RP API v6, named by `bankid.url` and `bankid.ca`: in practice the municipality\'s ' +
        'BankID gateway, which holds the RP certificate so that the kiosk needs only its own kiosk certificate ' +
        '(see the deployment guide, "Many terminals").',
    }),
  url: endpointUrl.optional().meta({
    description:
      'For `"custom"` only: the `https://` address of the RP API v6 endpoint, ending in the API\'s path, as the ' +
      'gateway prints it at start. The kiosk adds `auth`, `collect` and `cancel` to it.',
    examples: ['https://bankid-gateway.example-kommun.se:8443/rp/v6.0/'],
  }),
  ca: filePath('file')
    .optional()
    .meta({
      description:
        'For `"custom"` only: the certificate of the CA that issued the endpoint\'s server certificate, as a PEM file ' +
        '(for the gateway, the "gateway CA"). It is the only CA the kiosk trusts for that connection, exactly as ' +
        'BankID\'s own root CA is for `"test"` and `"production"`; the computer\'s usual CAs are not trusted.',
      examples: ['gateway-ca.pem'],
    }),
  certificate: certificate.optional().meta({
    description:
      'The RP certificate that the bank issues with the school\'s BankID agreement; the kiosk uses it to prove to ' +
      'BankID that it acts for the school. Name either the PKCS#12 file the bank gave you (`pkcs12`), or a PEM ' +
      'certificate and key (`cert` and `key`) if you have converted it. At start the kiosk opens it and stays out of ' +
      'service if a file is missing, the passphrase is wrong or the certificate has expired. For `"custom"` it is ' +
      'the kiosk\'s own certificate instead, issued by the municipality\'s kiosk CA (the gateway\'s ' +
      '`issue-kiosk-certificate` command makes one), so the kiosk holds no organisation secret at all.',
    examples: [{ pkcs12: 'rp-certificate.p12' }],
  }),
  passphrase: passphrase.optional().meta({
    description:
      'Where the kiosk finds the passphrase that protects the RP certificate: in a file (`file`) or in an ' +
      'environment variable (`env`), never in this settings file, which more people can read than should know the ' +
      'secret. Leave it out only if the certificate file has no passphrase.',
    examples: [{ file: 'rp-passphrase.txt' }],
  }),
  endUserIp: endUserIp.optional().meta({
    description:
      'The IP address the kiosk gives BankID as the parent\'s. At a kiosk the parent\'s device is the kiosk itself, ' +
      'so when this is left out the kiosk sends its own first network (IPv4) address. Set it only if your network ' +
      'team wants a fixed address reported, such as the school\'s public address.',
    examples: ['203.0.113.7'],
  }),
  intentText: intentText.optional().meta({
    description:
      'The text the BankID app shows when it asks the parent to confirm, so that they see what they are logging ' +
      'in to. Left out, it is "Inloggning på" followed by `school.name`. ' +
      `BankID allows ${INTENT_TEXT_MAX_BYTES} bytes: letters such as å, ä and ö take two bytes each.`,
    examples: ['Inloggning på Exempelskolans föräldraportal'],
  }),
  requestTimeoutSeconds: wholeNumber(1, 60)
    .default(10)
    .meta({
      description:
        'How long the kiosk waits for BankID to answer before it counts the request as failed. Raise it only if the ' +
        'log shows timeouts on a slow network.',
    }),
}).superRefine((settings, ctx) => {
  // A certificate the kiosk would silently ignore, or one it lacks, both mean "not what the admin meant".
  const environment = `when "bankid.environment" is "${settings.environment}"`
  for (const key of ['url', 'ca'] as const) {
    if (settings.environment === 'custom' && settings[key] === undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: `is required ${environment}` })
    } else if (settings.environment !== 'custom' && settings[key] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `must not be set ${environment} (only "custom" names its own endpoint; BankID's own are built in)`,
      })
    }
  }
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

const flow = section({
  mode: oneOf(FLOW_MODES)
    .default('personnummer')
    .meta({
      description:
        'How a login starts. With `"personnummer"` the parent types their personnummer on the keypad first, and only ' +
        'the BankID of that person can complete the login. With `"qr"` the kiosk goes straight to the QR code: ' +
        'quicker, and BankID tells the kiosk who scanned it. Choose `"qr"` if typing the number is a hurdle for your ' +
        'parents.',
    }),
})

const timing = section({
  // BankID asks for a collect every 2 s and never more often than every 1 s; 1.5 is a fair wish.
  collectIntervalSeconds: decimalNumber(1, 10)
    .default(2)
    .meta({
      description:
        'How often, in seconds, the kiosk asks BankID whether the parent has scanned and confirmed yet. BankID ' +
        'recommends every 2 seconds and allows at most one question a second; a decimal such as `1.5` is allowed. ' +
        'Leave it at 2 unless BankID advises otherwise.',
    }),
  qrRestartWindowSeconds: wholeNumber(30, 1800)
    .default(180)
    .meta({
      description:
        'How long the QR code stays up waiting to be scanned. A BankID order expires after 30 seconds unscanned; ' +
        'within this time the kiosk renews it silently, so the parent sees one QR code throughout. When the time is ' +
        'up and nobody has scanned, the kiosk says so and asks whether anyone is still there.',
    }),
  orderTimeoutSeconds: wholeNumber(60, 600)
    .default(180)
    .meta({
      description:
        'How long the parent has, once they have scanned the QR code, to finish in the BankID app (enter their ' +
        'security code). After that the attempt ends and the parent is asked to try again.',
    }),
  idleSeconds: wholeNumber(15, 600)
    .default(60)
    .meta({
      description:
        'How long a screen may go untouched before the kiosk asks "Are you still there?". On the welcome screen ' +
        'nothing is asked: the language and the low-reach layout quietly go back to their defaults for the next ' +
        'parent. Lower it at a busy reception; raise it if parents need longer to read.',
    }),
  waitingIdleSeconds: wholeNumber(30, 1800)
    .default(180)
    .meta({
      description:
        'Like `timing.idleSeconds`, but while the QR code is up or the kiosk is waiting for BankID, when parents are ' +
        'busy with their phone rather than the screen; hence longer by default.',
    }),
  idleWarningSeconds: wholeNumber(5, 120)
    .default(20)
    .meta({
      description:
        'How long "Are you still there?" counts down before the kiosk gives up and goes back to the welcome screen. ' +
        'A touch anywhere stops the countdown.',
    }),
  loggedInSeconds: wholeNumber(3, 60)
    .default(8)
    .meta({
      description:
        'How long the "You are logged in" screen stays up before the kiosk gets ready for the next parent.',
    }),
  outOfServiceRetrySeconds: wholeNumber(5, 600)
    .default(30)
    .meta({
      description:
        'While the kiosk is out of service because BankID cannot be reached, how often it tries BankID again. It ' +
        'goes back to the welcome screen by itself as soon as BankID answers.',
    }),
  serviceFailuresBeforeOutOfService: wholeNumber(1, 20)
    .default(3)
    .meta({
      description:
        'How many logins in a row may fail because BankID cannot be reached (network or BankID down) before the ' +
        'kiosk goes out of service. Until then each parent sees a message and may try again; any answer from BankID ' +
        'starts the count afresh.',
    }),
})

const language = oneOf(LANGUAGES)
const languages = section({
  available: z
    .array(language, { error: `must be a list of languages, from ${quotedList(LANGUAGES)}` })
    .min(1, { error: `must list at least one of the languages ${quotedList(LANGUAGES, 'and')}` })
    .superRefine(noDuplicates)
    .default(() => [...LANGUAGES])
    .meta({
      description:
        'The languages parents can choose on the kiosk: `"sv"` Swedish, `"en"` English, `"ar"` Arabic, `"so"` Somali ' +
        'and `"fi"` Finnish. Each is offered by its own name. List each language once; remove those your families do ' +
        'not need.',
    }),
  default: language.optional().meta({
    description:
      'The language the kiosk starts in, and returns to after each parent. It must be one of ' +
      '`languages.available`. Left out, it is Swedish when Swedish is offered, otherwise the first language listed.',
    examples: ['sv'],
  }),
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
  name: text(1, 80)
    .default('Skolan')
    .meta({
      description:
        'The school\'s name, shown on the kiosk\'s screens and, unless `bankid.intentText` is set, in the BankID app.',
      examples: ['Exempelskolan'],
    }),
  primaryColor: colour('#1f3a5f')
    .default('#1f3a5f')
    .meta({
      description:
        'The school\'s main colour, for the header band and the buttons, written as `#rrggbb`. If text would be hard ' +
        'to read on it, the kiosk darkens it until the contrast is high enough.',
    }),
  accentColor: colour('#ffd200')
    .default('#ffd200')
    .meta({
      description:
        'A second colour, for highlights and the outline that marks the control in focus, written as `#rrggbb`. It ' +
        'is never used for text.',
    }),
})

const banks = z
  .array(text(1, 60, 'a bank name'), { error: 'must be a list of bank names' })
  .min(1, { error: 'must list 1 to 30 bank names' })
  .max(30, { error: 'must list 1 to 30 bank names' })
  .superRefine(noDuplicates)

export const logging = section({
  directory: filePath('folder')
    .optional()
    .meta({
      description:
        'The folder for the kiosk\'s log (`kiosk.log` and its older copies). Left out, it is the `logs` folder in ' +
        'the kiosk\'s application data folder. The kiosk creates the folder if it is missing.',
      examples: ['D:\\Logs\\BankID Kiosk'],
    }),
  level: oneOf(LOG_LEVELS)
    .default('info')
    .meta({
      description:
        'How much the log records: `"error"` only failures, `"warn"` also warnings, `"info"` also each session\'s ' +
        'steps, `"debug"` also detail for troubleshooting. Use `"debug"` only while investigating a problem. At ' +
        'every level, personnummer and names are never written.',
    }),
  maxFileSizeMB: wholeNumber(1, 100)
    .default(10)
    .meta({
      description:
        'The size in megabytes at which the log file is put aside and a new one started.',
    }),
  maxFiles: wholeNumber(1, 365)
    .default(14)
    .meta({
      description:
        'How many of the put-aside log files are kept; beyond that the oldest is deleted. The log therefore takes ' +
        'at most about `logging.maxFileSizeMB` × (`logging.maxFiles` + 1) megabytes.',
    }),
})

const httpsUrl = (() => {
  const error = 'must be an https:// address'
  return z.string({ error }).refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', { error })
})()

/** Updates are IT's decision: off unless the settings turn them on (and say where from). */
const updates = section({
  enabled: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .meta({
      description:
        'Whether the kiosk updates itself. Off unless you turn it on: when to update is IT\'s decision. When on, the ' +
        'kiosk checks `updates.url` on a schedule, downloads a new version in the background and installs it only ' +
        'while nobody is using the kiosk.',
    }),
  url: httpsUrl.optional().meta({
    description:
      'The `https://` address of the folder on your web server where you publish the kiosk\'s new versions (the ' +
      'installers and the `latest.yml` file the build makes next to them).',
    examples: ['https://updates.example-skola.se/bankid-kiosk/'],
  }),
  checkIntervalMinutes: wholeNumber(15, 1440)
    .default(60)
    .meta({ description: 'How often, in minutes, the kiosk asks `updates.url` for a new version.' }),
}).superRefine((settings, ctx) => {
  if (settings.enabled && settings.url === undefined) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required when "updates.enabled" is true' })
  }
})

// ---- handoff (product.md §5) ----

export const HANDOFF_AUTH = ['hmac', 'mtls', 'gateway'] as const
export type HandoffAuth = (typeof HANDOFF_AUTH)[number]
/** The shortest shared secret accepted, in bytes: as long as the HMAC-SHA256 it keys. */
export const HANDOFF_SECRET_MIN_BYTES = 32

const HANDOFF_SECRET_SHAPES =
  'must be either { "file": "path" } or { "env": "VARIABLE_NAME" } (the secret itself never goes in this file)'
/** A secret's whereabouts: a file or an environment variable, never the secret itself. */
export const secretSource = (phrase: string, file: { description: string; example: string }, env: { description: string; example: string }) =>
  section(
    {
      file: filePath('file').optional().meta({ description: file.description, examples: [file.example] }),
      env: environmentVariable.optional().meta({ description: env.description, examples: [env.example] }),
    },
    phrase,
  )
    .superRefine((source, ctx) => {
      if ((source.file === undefined) === (source.env === undefined)) ctx.addIssue({ code: 'custom', message: phrase })
    })
    .transform((source): PassphraseSource => (source.file !== undefined ? { file: source.file } : { env: source.env ?? '' }))

const handoffUrl = (() => {
  const error = 'must be an https:// address without a user name or password'
  return z
    .string({ error })
    .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', { error })
    .refine((value) => !URL.canParse(value) || (new URL(value).username === '' && new URL(value).password === ''), { error })
})()

export const httpsOrigin = (() => {
  const error = 'must be an https:// origin without a path, like "https://portal.example-skola.se"'
  return z.string({ error }).refine(isHttpsOrigin, { error })
})()

const kioskId = (() => {
  const error = 'must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit'
  return z.string({ error }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error })
})()

export const handoff = section({
  enabled: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .meta({
      description:
        'Whether the kiosk passes each completed login on to the school\'s own service. Off, the kiosk is a check-in ' +
        'point: the parent sees "You are logged in" and the kiosk gets ready for the next parent.',
    }),
  url: handoffUrl.optional().meta({
    description:
      'The `https://` address of the school\'s service that receives each login (an HTTP POST of JSON, described in ' +
      'the README\'s "Hand-off to the school\'s service"). The kiosk sends nothing anywhere else.',
    examples: ['https://portal.example-skola.se/kiosk/login'],
  }),
  kioskId: kioskId.optional().meta({
    description:
      'The name this kiosk gives itself in every hand-off, so the service knows which reception a login came from. ' +
      'Left out, it is the computer\'s name.',
    examples: ['reception-hus-a'],
  }),
  auth: oneOf(HANDOFF_AUTH)
    .default('hmac')
    .meta({
      description:
        'How the service knows a hand-off really comes from this kiosk. `"hmac"`: each request is signed with a ' +
        'secret shared with the service (`handoff.secret`), with a timestamp and a one-time nonce so that a copied ' +
        'request cannot be sent again. `"mtls"`: the kiosk presents a client certificate (`handoff.certificate`) that ' +
        'the service checks in the TLS handshake. `"gateway"`: the municipality\'s BankID gateway hands the login ' +
        'off itself, signed with its own key, and tells the kiosk only what to show; the kiosk then holds no hand-off ' +
        'secret at all (`bankid.environment` must be `"custom"`, and `handoff.url`, `secret` and `certificate` are ' +
        'not set).',
    }),
  secret: secretSource(
    HANDOFF_SECRET_SHAPES,
    {
      description:
        'A text file that holds only the shared secret (one line break at the end is ignored), for example the 64 ' +
        `hexadecimal characters that \`openssl rand -hex 32\` prints; at least ${HANDOFF_SECRET_MIN_BYTES} bytes. Make it readable ` +
        'only by administrators and the account the kiosk runs as.',
      example: 'handoff-secret.txt',
    },
    {
      description:
        'The name of an environment variable that holds the shared secret, set for the kiosk\'s account by your ' +
        'deployment tool. Write the variable\'s name here, not its value.',
      example: 'KIOSK_HANDOFF_SECRET',
    },
  )
    .optional()
    .meta({
      description:
        'Where the kiosk finds the secret it shares with the service, for `"hmac"`: in a file (`file`) or an ' +
        'environment variable (`env`), never in this settings file. The service verifies each request\'s signature ' +
        'with the same secret.',
      examples: [{ file: 'handoff-secret.txt' }],
    }),
  certificate: section(
    {
      pkcs12: filePath('file').meta({
        description:
          'The client certificate and its key as a PKCS#12 file (`.p12` or `.pfx`), issued by a CA the service ' +
          'trusts for client certificates.',
        examples: ['handoff-client.p12'],
      }),
    },
    'must be { "pkcs12": "path" }',
  )
    .optional()
    .meta({
      description:
        'The client certificate the kiosk presents to the service, for `"mtls"`. It is opened when the kiosk starts; ' +
        'a missing file or a wrong passphrase keeps the kiosk out of service with a sentence naming this setting.',
      examples: [{ pkcs12: 'handoff-client.p12' }],
    }),
  passphrase: secretSource(
    PASSPHRASE_SHAPES,
    {
      description: 'A text file that holds only the passphrase of `handoff.certificate` (one line break at the end is ignored).',
      example: 'handoff-client-passphrase.txt',
    },
    {
      description: 'The name of an environment variable that holds the passphrase of `handoff.certificate`.',
      example: 'KIOSK_HANDOFF_PASSPHRASE',
    },
  )
    .optional()
    .meta({
      description:
        'Where the kiosk finds the passphrase that protects `handoff.certificate`: a file or an environment ' +
        'variable. Leave it out only if the certificate file has no passphrase.',
      examples: [{ file: 'handoff-client-passphrase.txt' }],
    }),
  ca: filePath('file')
    .optional()
    .meta({
      description:
        'For a service whose certificate comes from the school\'s or municipality\'s own CA: that CA\'s certificate ' +
        'as a PEM file. When set, it is the only CA the kiosk trusts for the hand-off; left out, the computer\'s ' +
        'usual public CAs are trusted. (It is not used for the pages shown in the locked view: install an internal ' +
        'CA in the operating system for those.)',
      examples: ['school-root-ca.pem'],
    }),
  demo: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .meta({
      description:
        'true declares a demonstration: the hand-off may then run while `bankid.environment` is "simulator". ' +
        'Without it the kiosk refuses that combination, so that simulated logins are never signed with a real ' +
        'service\'s secret. Never set it on a kiosk that talks to a real service. (The body names the environment ' +
        'in any case, and the example receiver accepts "simulator" only when told to.)',
      examples: [true],
    }),
  allowedOrigins: z
    .array(httpsOrigin, { error: 'must be a list of https:// origins' })
    .max(20, { error: 'must list at most 20 origins' })
    .superRefine(noDuplicates)
    .default(() => [])
    .meta({
      description:
        'The web origins (`https://` and the host, with no path) that the locked view may show. When the service ' +
        'answers with a page address, that address must be on one of these, and the page can only move between ' +
        'them: anything else is refused. Empty, the service can only answer with a message.',
      examples: [['https://portal.example-skola.se']],
    }),
  timeoutSeconds: wholeNumber(1, 30)
    .default(10)
    .meta({
      description:
        'How long the kiosk waits for the service to answer one request before it counts the hand-off as failed. A ' +
        'request that never reached the service is tried again at most twice.',
    }),
  messageSeconds: wholeNumber(5, 120)
    .default(15)
    .meta({
      description:
        'How long a message from the service stays on the screen before the kiosk gets ready for the next parent. ' +
        'The parent can close it sooner with "Klar".',
    }),
})
  .superRefine((settings, ctx) => {
    const auth = `when "handoff.auth" is "${settings.auth}"`
    const unused =
      settings.auth === 'hmac'
        ? (['certificate', 'passphrase'] as const)
        : settings.auth === 'mtls'
          ? (['secret'] as const)
          : (['url', 'secret', 'certificate', 'passphrase', 'ca'] as const)
    for (const key of unused) {
      const why = settings.auth === 'gateway' ? ' (the gateway delivers the login)' : ''
      if (settings[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `must not be set ${auth}${why}` })
    }
    if (!settings.enabled) return
    const when = 'when "handoff.enabled" is true'
    if (settings.url === undefined && settings.auth !== 'gateway') {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `is required ${when}` })
    }
    if (settings.auth === 'hmac' && settings.secret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: `is required ${when} and "handoff.auth" is "hmac"` })
    }
    if (settings.auth === 'mtls' && settings.certificate === undefined) {
      ctx.addIssue({ code: 'custom', path: ['certificate'], message: `is required ${when} and "handoff.auth" is "mtls"` })
    }
  })
  // Origins compared in one spelling: "https://Portal.example:443/" is "https://portal.example".
  .transform((settings) => ({ ...settings, allowedOrigins: settings.allowedOrigins.map(canonicalOrigin) }))

// ---- staff (product.md §2.10) ----

const pinHash = z.string({ error: 'must be the line made by "npm run staff-pin", in quotes' }).superRefine((value, ctx) => {
  const parsed = parsePinHash(value)
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem })
})

const staff = section({
  pinHash: pinHash.optional().meta({
    description:
      'The staff PIN (6 to 12 digits), as a hash: never the PIN itself. Make the line with `npm run staff-pin` ' +
      '(it asks for the PIN without showing it) and paste it here. Left out, the staff screen cannot be opened. ' +
      'Five wrong PINs in a row lock the PIN pad for 5 minutes, each later lock twice as long, at most an hour; ' +
      'the lock survives a restart (staff-lockout.json in the data folder). A hash made earlier for a 4- or ' +
      '5-digit PIN still opens the screen but logs staff.pin-too-short: make a new one.',
    examples: ['scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g='],
  }),
  allowExit: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .meta({
      description:
        'Whether the staff screen offers a button that closes the kiosk program (for maintenance on the computer). ' +
        'Off by default: on a locked-down terminal the kiosk should only ever be closed by IT.',
    }),
})

// ---- health ----

/** Where the heartbeat's shared secret is: like the passphrase, never in this file. */
export type SecretSource = { file: string } | { env: string }

const SECRET_SHAPES =
  'must be either { "file": "path" } or { "env": "VARIABLE_NAME" } (the secret itself never goes in this file)'
const heartbeatSecret = section(
  {
    file: filePath('file')
      .optional()
      .meta({
        description:
          'A text file that holds only the shared secret (one line break at the end is ignored), at least 16 ' +
          'characters. Make it readable only by administrators and the account the kiosk runs as.',
        examples: ['heartbeat-secret.txt'],
      }),
    env: environmentVariable.optional().meta({
      description:
        'The name of an environment variable that holds the shared secret. Write the variable\'s name here, not ' +
        'its value.',
      examples: ['BANKID_KIOSK_HEARTBEAT_SECRET'],
    }),
  },
  SECRET_SHAPES,
)
  .superRefine((source, ctx) => {
    if ((source.file === undefined) === (source.env === undefined)) ctx.addIssue({ code: 'custom', message: SECRET_SHAPES })
  })
  .transform((source): SecretSource => (source.file !== undefined ? { file: source.file } : { env: source.env ?? '' }))

const heartbeatUrl = (() => {
  const error = 'must be an https:// address'
  const noCredentials = 'must not hold a user name or password (use "health.heartbeat.secret" to authenticate)'
  return z
    .string({ error })
    .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', { error, abort: true })
    .refine((value) => {
      const url = new URL(value)
      return url.username === '' && url.password === ''
    }, { error: noCredentials })
})()

const heartbeat = section({
  url: heartbeatUrl.optional().meta({
    description:
      'The `https://` address the kiosk reports its health to (a POST of the same JSON as the health file). Left ' +
      'out, no report is sent. Your monitoring notices a kiosk that stops reporting.',
    examples: ['https://monitor.example-skola.se/kiosk-heartbeat'],
  }),
  intervalMinutes: wholeNumber(1, 60)
    .default(5)
    .meta({
      description:
        'How often, in minutes, the kiosk sends its report. After a failed report the kiosk waits longer before ' +
        'the next one (up to four times as long, at most an hour), and it never sends a second while one is still on ' +
        'its way.',
    }),
  secret: heartbeatSecret.optional().meta({
    description:
      'Where the kiosk finds a secret it shares with the receiver, to sign each report: in a file (`file`) or an ' +
      'environment variable (`env`). Each report then carries the header `X-Kiosk-Signature: t=<unix time>,v1=<hex>`, ' +
      'the HMAC-SHA256 with the secret over the time, a full stop and the body, so the receiver can check that the ' +
      'report came from a kiosk and is fresh. Left out, reports are not signed.',
    examples: [{ file: 'heartbeat-secret.txt' }],
  }),
  ca: filePath('file')
    .optional()
    .meta({
      description:
        'A PEM file with the certificate authority that issued the receiver\'s certificate, for receivers with a ' +
        'certificate from your own (internal) authority. When set it is the only authority trusted for the ' +
        'heartbeat; left out, the usual public authorities are.',
      examples: ['monitoring-ca.pem'],
    }),
  timeoutSeconds: wholeNumber(1, 60)
    .default(10)
    .meta({ description: 'How long the kiosk waits for the receiver to answer a report before it counts it as failed.' }),
}).superRefine((settings, ctx) => {
  // A secret or an authority without an address would be silently ignored: say so instead.
  if (settings.url !== undefined) return
  for (const key of ['secret', 'ca'] as const) {
    if (settings[key] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'must not be set without "health.heartbeat.url"' })
    }
  }
})

const health = section({
  file: filePath('file')
    .optional()
    .meta({
      description:
        'Where the kiosk writes its health report (JSON) for the computer\'s monitoring agent. Left out, it is ' +
        '`health.json` in the kiosk\'s application data folder. Beside it the kiosk writes the same report as ' +
        'metrics text with the same name and `.prom` (for a Prometheus textfile collector). The account the kiosk ' +
        'runs as must be allowed to write in the folder.',
      examples: ['C:\\ProgramData\\BankID Kiosk\\health\\health.json'],
    }),
  intervalSeconds: wholeNumber(10, 3600)
    .default(60)
    .meta({
      description:
        'How often, in seconds, the kiosk rewrites the health file; it also rewrites it at once when its status ' +
        'changes. A monitoring agent can treat a file whose `updatedAt` is older than about three times this as a ' +
        'kiosk that has stopped.',
    }),
  heartbeat: heartbeat.prefault({}).meta({
    description:
      'An optional regular report of the kiosk\'s health, sent by HTTPS POST to a web address of your monitoring ' +
      'service. Off unless `health.heartbeat.url` is set.',
  }),
})

// prefault({}), not default({}): the empty section is parsed, so its fields' own defaults apply.
export const settingsSchema = z.strictObject(
  {
    bankid: bankid.prefault({}),
    flow: flow.prefault({}),
    timing: timing.prefault({}),
    languages: languages.prefault({}),
    school: school.prefault({}),
    banks: banks
      .default(() => [...DEFAULT_BANKS])
      .meta({
        description:
          'The banks named in the guide "Getting Mobilt BankID", which tells parents without BankID where to get it, ' +
          'and in the FAQ, in the order shown. The default is the banks that public pages (read in December 2026) ' +
          'name as issuing Mobilt BankID; it is not BankID\'s complete list, and the guide tells parents that most ' +
          'banks in Sweden issue it. Change the list if your guide should name other banks; list each bank once.',
      }),
    logging: logging.prefault({}),
    updates: updates.prefault({}),
    handoff: handoff.prefault({}),
    staff: staff.prefault({}),
    health: health.prefault({}),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : SECTION_PHRASE) },
).superRefine((settings, ctx) => {
  // Only a gateway can hand a login off for the kiosk; BankID itself never does.
  if (settings.handoff.auth === 'gateway' && settings.bankid.environment !== 'custom') {
    ctx.addIssue({
      code: 'custom',
      path: ['handoff', 'auth'],
      message: `can be "gateway" only when "bankid.environment" is "custom", not "${settings.bankid.environment}"`,
    })
  }
  checkHandoffDemo(settings, ctx)
})

/**
 * The hand-off with the simulator is a demonstration, and says so (handoff.demo): simulated logins
 * must never be signed with a real service's secret. The kiosk's and the gateway's settings alike.
 */
export function checkHandoffDemo(
  settings: { bankid: { environment: string }; handoff: { enabled: boolean; demo?: boolean | undefined } },
  ctx: z.RefinementCtx,
): void {
  const simulator = settings.bankid.environment === 'simulator'
  if (settings.handoff.enabled && simulator && settings.handoff.demo !== true) {
    ctx.addIssue({
      code: 'custom',
      path: ['handoff', 'enabled'],
      message:
        'can be true with "bankid.environment" "simulator" only when "handoff.demo" is also true, so that simulated ' +
        'logins never reach a real service with its real secret',
    })
  }
  if (settings.handoff.demo === true && !simulator) {
    ctx.addIssue({
      code: 'custom',
      path: ['handoff', 'demo'],
      message: `can be true only when "bankid.environment" is "simulator", and that is "${settings.bankid.environment}"`,
    })
  }
}

export type KioskSettings = z.output<typeof settingsSchema>

/** The zero-configuration kiosk: the simulator, Swedish first, every timing as BankID recommends. */
export const DEFAULT_SETTINGS: KioskSettings = settingsSchema.parse({})
