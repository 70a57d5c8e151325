// bankid: which BankID the kiosk uses, and the RP certificate and passphrase it proves itself with.
import { isIP } from 'node:net'
import { z } from 'zod'
import { sectionDocs, settingRules } from '../documented'
import { filePath, oneOf, section, text, wholeNumber } from './fields'

export const ENVIRONMENTS = ['simulator', 'test', 'production', 'custom'] as const
/** Which BankID the kiosk talks to; ../bankid/environments.ts knows where each one is. */
export type BankIdEnvironment = (typeof ENVIRONMENTS)[number]

/** BankID limits userVisibleData to 1 500 Base64 characters, i.e. 1 125 bytes of UTF-8. */
export const INTENT_TEXT_MAX_BYTES = 1125

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
      })
      .register(settingRules, {
        rules: [
          {
            kind: 'required',
            text: 'with `bankid.certificate.key`',
            probes: [{ bankid: { environment: 'test', certificate: { key: 'rp-key.pem' } } }],
          },
        ],
      }),
    key: filePath('file')
      .optional()
      .meta({
        description:
          'The private key that belongs to `bankid.certificate.cert`, as a PEM file. The kiosk checks at start that ' +
          'the key and the certificate belong together.',
        examples: ['rp-key.pem'],
      })
      .register(settingRules, {
        rules: [
          {
            kind: 'required',
            text: 'with `bankid.certificate.cert`',
            probes: [{ bankid: { environment: 'test', certificate: { cert: 'rp.pem' } } }],
          },
        ],
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

export const bankid = section({
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
  }).register(settingRules, {
    rules: [
      {
        kind: 'required',
        text: 'when `bankid.environment` is `"test"` or `"production"`',
        probes: [{ bankid: { environment: 'test' } }, { bankid: { environment: 'production' } }],
      },
      {
        kind: 'check',
        text: 'Must not be set when `bankid.environment` is `"simulator"` (the simulator brings its own certificate).',
        probes: [{ bankid: { certificate: { pkcs12: 'rp-certificate.p12' } } }],
      },
      {
        kind: 'check',
        text: 'It names one of the two (`pkcs12`, or `cert` with `key`): not neither, not both.',
        probes: [
          { bankid: { environment: 'test', certificate: {} } },
          { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12', cert: 'rp.pem', key: 'rp-key.pem' } } },
        ],
      },
    ],
  }),
  passphrase: passphrase.optional().meta({
    description:
      'Where the kiosk finds the passphrase that protects the RP certificate: in a file (`file`) or in an ' +
      'environment variable (`env`), never in this settings file, which more people can read than should know the ' +
      'secret. Leave it out only if the certificate file has no passphrase.',
    examples: [{ file: 'rp-passphrase.txt' }],
  }).register(settingRules, {
    rules: [
      {
        kind: 'required',
        text: 'when the certificate file is protected by a passphrase (checked when the kiosk starts)',
        probes: [],
      },
      {
        kind: 'check',
        text: 'Must not be set when `bankid.environment` is `"simulator"`.',
        probes: [{ bankid: { passphrase: { env: 'BANKID_RP_PASSPHRASE' } } }],
      },
      {
        kind: 'check',
        text: 'Exactly one of `file` and `env`.',
        probes: [
          { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: {} } },
          { bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' }, passphrase: { file: 'p.txt', env: 'P' } } },
        ],
      },
    ],
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
  }).register(settingRules, {
    rules: [
      {
        kind: 'check',
        text:
          `At most ${INTENT_TEXT_MAX_BYTES} bytes as UTF-8, as BankID allows: ` +
          'å, ä, ö and other non-ASCII letters count as 2 or more.',
        probes: [{ bankid: { intentText: 'å'.repeat(600) } }],
      },
    ],
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
}).register(sectionDocs, {
  title: 'the BankID connection',
  intro:
    'Which BankID the kiosk uses, and how it proves to BankID that it acts for the school. Out of the box the ' +
    'kiosk uses its built-in simulator, which needs nothing here. To log parents in for real the school needs a ' +
    'BankID agreement with its bank and the RP certificate (relying-party certificate) that comes with it: set ' +
    '`bankid.environment` to `"production"`, say where the certificate is, and where its passphrase is. BankID\'s ' +
    '`"test"` environment works the same way with a test RP certificate, and is the place to check everything ' +
    'before going live.',
})
