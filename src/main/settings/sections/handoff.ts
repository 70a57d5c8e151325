// handoff (product.md §5): passing the verified login on to the school's service.
import { z } from 'zod'
import { canonicalOrigin, isHttpsOrigin } from '../origins'
import { PASSPHRASE_SHAPES, environmentVariable } from './bankid'
import type { PassphraseSource } from './bankid'
import { sectionDocs, settingRules } from '../documented'
import { filePath, noDuplicates, oneOf, section, wholeNumber } from './fields'

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
  }).register(settingRules, {
    rules: [
      {
        kind: 'required',
        text: 'when `handoff.enabled` is `true`',
        probes: [{ handoff: { enabled: true } }],
      },
    ],
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
    })
    .register(settingRules, {
      rules: [
        {
          kind: 'required',
          text: 'when `handoff.enabled` is `true` and `handoff.auth` is `"hmac"`',
          probes: [{ handoff: { enabled: true, url: 'https://portal.example-skola.se/kiosk/login' } }],
        },
        {
          kind: 'check',
          text:
            'Exactly one of `file` and `env`; not with `handoff.auth` `"mtls"`. When the kiosk starts, the file must exist ' +
            '(or the variable be set) and hold at least 32 bytes.',
          probes: [{ handoff: { secret: {} } }, { handoff: { auth: 'mtls', secret: { env: 'KIOSK_HANDOFF_SECRET' } } }],
        },
      ],
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
    })
    .register(settingRules, {
      rules: [
        {
          kind: 'required',
          text: 'when `handoff.enabled` is `true` and `handoff.auth` is `"mtls"`',
          probes: [{ handoff: { enabled: true, url: 'https://portal.example-skola.se/kiosk/login', auth: 'mtls' } }],
        },
        {
          kind: 'check',
          text: 'Only with `handoff.auth` `"mtls"`. When the kiosk starts, the file must open with the passphrase and not have expired.',
          probes: [{ handoff: { certificate: { pkcs12: 'handoff-client.p12' } } }],
        },
      ],
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
    })
    .register(settingRules, {
      rules: [
        {
          kind: 'check',
          text: 'Only with `handoff.auth` `"mtls"`; exactly one of `file` and `env`.',
          probes: [{ handoff: { passphrase: { env: 'KIOSK_HANDOFF_PASSPHRASE' } } }, { handoff: { auth: 'mtls', passphrase: {} } }],
        },
      ],
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
    })
    .register(settingRules, {
      rules: [
        {
          kind: 'check',
          text:
            'Refused with any `bankid.environment` but `"simulator"`, so it cannot be left on when the kiosk goes live. ' +
            '(`handoff.enabled` true with the simulator is refused without it.)',
          probes: [{ bankid: { environment: 'test', certificate: { pkcs12: 'rp.p12' } }, handoff: { demo: true } }],
        },
      ],
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
    })
    .register(settingRules, {
      rules: [
        {
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
      ],
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
  .register(sectionDocs, {
    title: 'passing the login on to the school\'s service',
    intro:
      'What happens after BankID says the parent is who they claim to be. Off by default: the kiosk is then a ' +
      'check-in point. On, the kiosk sends the verified identity to the school\'s own service over HTTPS, signed so ' +
      'the service knows it came from this kiosk, and shows the parent what the service answers: a message, or a ' +
      'page of the service in a locked view.',
  })
  // Origins compared in one spelling: "https://Portal.example:443/" is "https://portal.example".
  .transform((settings) => ({ ...settings, allowedOrigins: settings.allowedOrigins.map(canonicalOrigin) }))

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
