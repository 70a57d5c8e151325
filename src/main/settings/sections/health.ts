// health: the health file and the optional heartbeat.
import { z } from 'zod'
import { environmentVariable } from './bankid'
import { sectionDocs, settingRules } from '../documented'
import { filePath, section, wholeNumber } from './fields'

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
  }).register(settingRules, {
    rules: [
      {
        kind: 'check',
        text: 'Without a user name or password in it: the receiver checks `health.heartbeat.secret` instead.',
        probes: [{ health: { heartbeat: { url: 'https://kiosk:password@monitor.example-skola.se/' } } }],
      },
    ],
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
  }).register(settingRules, {
    rules: [
      {
        kind: 'check',
        text:
          'Exactly one of `file` and `env`; only with `health.heartbeat.url`. When the kiosk starts, the file must exist ' +
          '(or the variable be set) and hold at least 16 characters.',
        probes: [
          { health: { heartbeat: { url: 'https://monitor.example-skola.se/', secret: {} } } },
          { health: { heartbeat: { secret: { env: 'BANKID_KIOSK_HEARTBEAT_SECRET' } } } },
        ],
      },
    ],
  }),
  ca: filePath('file')
    .optional()
    .meta({
      description:
        'A PEM file with the certificate authority that issued the receiver\'s certificate, for receivers with a ' +
        'certificate from your own (internal) authority. When set it is the only authority trusted for the ' +
        'heartbeat; left out, the usual public authorities are.',
      examples: ['monitoring-ca.pem'],
    })
    .register(settingRules, {
      rules: [
        {
          kind: 'check',
          text: 'Only with `health.heartbeat.url`. When the kiosk starts, the file must exist and hold a PEM certificate.',
          probes: [{ health: { heartbeat: { ca: 'monitoring-ca.pem' } } }],
        },
      ],
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

export const health = section({
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
}).register(sectionDocs, {
  title: 'health reporting',
  intro:
    'How the kiosk tells IT that it is well: a small health file the computer\'s monitoring agent can read, and ' +
    'optionally a regular report to a web address. Neither ever contains anything about a parent.',
})
