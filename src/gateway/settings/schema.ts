// The gateway's settings file (product.md §9), as a zod schema built from the same field builders as
// the kiosk's, so that every mistake is worded the same way: one sentence naming the key. Every
// object is strict. With no file at all the gateway runs its zero-configuration demo (cli.ts); with
// a file, everything a real deployment needs must be in it: it never starts half-configured.
import { isIP } from 'node:net'
import { z } from 'zod'
import {
  LOG_LEVELS,
  PASSPHRASE_SHAPES,
  SECTION_PHRASE,
  certificate,
  filePath,
  checkHandoffDemo,
  handoff as kioskHandoff,
  oneOf,
  passphrase,
  section,
  secretSource,
  wholeNumber,
} from '../../main/settings/schema'

export const GATEWAY_ENVIRONMENTS = ['simulator', 'test', 'production'] as const
export type GatewayEnvironment = (typeof GATEWAY_ENVIRONMENTS)[number]

/** The shortest state secret accepted, in bytes: it keys AES-256-GCM (after HKDF). */
export const STATE_SECRET_MIN_BYTES = 32

const ipAddress = (() => {
  const error = 'must be an IPv4 or IPv6 address, like "0.0.0.0" (every address) or "127.0.0.1"'
  return z.string({ error }).refine((value) => isIP(value) !== 0, { error })
})()

const port = wholeNumber(1, 65535)

/** "10.0.0.0/8" or "2001:db8::/32"; a bare address is one host. */
const cidr = (() => {
  const error = 'must be an address range like "10.0.0.0/8" or "2001:db8::/32"'
  return z.string({ error }).refine((value) => parseCidr(value) !== null, { error })
})()

export function parseCidr(value: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = value.split('/')
  if (extra !== undefined) return null
  const version = isIP(address)
  if (version === 0) return null
  const max = version === 4 ? 32 : 128
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' }
}

const SECRET_SHAPES = 'must be either { "file": "path" } or { "env": "VARIABLE_NAME" } (the secret itself never goes in this file)'
const stateSecret = (what: string) =>
  secretSource(
    SECRET_SHAPES,
    {
      description:
        `A text file that holds only the ${what} (one line break at the end is ignored), at least ` +
        `${STATE_SECRET_MIN_BYTES} bytes, e.g. the 64 hexadecimal characters \`openssl rand -hex 32\` prints.`,
      example: 'state-key.txt',
    },
    {
      description: `The name of an environment variable that holds the ${what}.`,
      example: 'BANKID_GATEWAY_STATE_KEY',
    },
  )

const bankid = section({
  environment: oneOf(GATEWAY_ENVIRONMENTS)
    .default('simulator')
    .meta({
      description:
        'Which BankID the gateway calls for its kiosks. `"simulator"` is the practice BankID built into the ' +
        'gateway (no agreement, no certificate); `"test"` is BankID\'s test service; `"production"` is the real ' +
        'BankID. For test and production the gateway holds the RP certificate: the kiosks never do.',
    }),
  certificate: certificate.optional().meta({
    description:
      'The RP certificate the bank issued with the municipality\'s or school\'s BankID agreement: a PKCS#12 file ' +
      '(`pkcs12`), or a PEM certificate and key (`cert` and `key`). Required for `"test"` and `"production"`. ' +
      'It is opened at start; a missing file, a wrong passphrase or an expired certificate stops the gateway with ' +
      'a sentence naming this setting.',
    examples: [{ pkcs12: 'rp-certificate.p12' }],
  }),
  passphrase: passphrase.optional().meta({
    description:
      'Where the gateway finds the RP certificate\'s passphrase: a file (`file`) or an environment variable ' +
      '(`env`), never this settings file.',
    examples: [{ file: 'rp-passphrase.txt' }],
  }),
  requestTimeoutSeconds: wholeNumber(1, 30)
    .default(5)
    .meta({
      description:
        'How long the gateway waits for BankID before it answers the kiosk that BankID cannot be reached. Keep it ' +
        'below the kiosks\' own `bankid.requestTimeoutSeconds` (10 by default), so that a kiosk hears why.',
    }),
}).superRefine((settings, ctx) => {
  if (settings.environment === 'simulator') {
    for (const key of ['certificate', 'passphrase'] as const) {
      if (settings[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'must not be set when "bankid.environment" is "simulator" (the simulator uses its own certificate)' })
      }
    }
  } else if (settings.certificate === undefined) {
    ctx.addIssue({ code: 'custom', path: ['certificate'], message: `is required when "bankid.environment" is "${settings.environment}"` })
  }
})

const server = section({
  certificate: certificate.meta({
    description:
      'The gateway\'s own TLS server certificate, which kiosks check against their `bankid.ca`: a PKCS#12 file ' +
      '(`pkcs12`) or a PEM certificate and key (`cert` and `key`). Its names (DNS or IP) must be the address the ' +
      'kiosks use in `bankid.url`.',
    examples: [{ cert: 'server.crt', key: 'server.key' }],
  }),
  passphrase: passphrase.optional().meta({
    description: 'Where the gateway finds the passphrase of `server.certificate`, if it has one.',
    examples: [{ file: 'server-passphrase.txt' }],
  }),
})

const kiosks = section({
  ca: filePath('file').meta({
    description:
      'The municipality\'s kiosk CA certificate(s), PEM: only kiosks whose client certificate this CA issued are ' +
      'served. The gateway\'s `issue-kiosk-certificate` command issues such certificates; an MDM (SCEP/Intune) ' +
      'issuing from the same CA works just as well.',
    examples: ['kiosk-ca.pem'],
  }),
  revocationFile: filePath('file')
    .optional()
    .meta({
      description:
        'A text file listing kiosk certificates that are shut out: one per line, as a serial number ' +
        '(`serial:01AB…`) or a SHA-256 fingerprint (`sha256:AB:CD:…`, colons optional); `#` starts a comment. The ' +
        'gateway re-reads it within two seconds of a change, without a restart, refuses the revoked kiosk\'s next ' +
        'request and cancels its pending orders. A file that becomes unreadable keeps the last good list.',
      examples: ['revocations.txt'],
    }),
  authPerMinute: wholeNumber(1, 600)
    .default(6)
    .meta({
      description:
        'How many BankID orders one kiosk may start per minute on average (a token bucket). An honest reception ' +
        'starts at most two a minute even while a QR code is renewed every 30 seconds; a stolen terminal cannot ' +
        'start orders in bulk. A kiosk over the limit is told so, and it is logged.',
    }),
  authBurst: wholeNumber(1, 1000)
    .default(20)
    .meta({
      description: 'How many orders one kiosk may start in a burst before `kiosks.authPerMinute` applies.',
    }),
})

const state = section({
  secret: stateSecret('state secret').meta({
    description:
      'The secret that seals the order references the gateway gives its kiosks (AES-256-GCM), so that any ' +
      'instance can answer a kiosk\'s next request and no kiosk can forge or swap one. Every instance must have ' +
      'the same secret: that is what makes the gateway stateless.',
    examples: [{ file: 'state-key.txt' }],
  }),
  previousSecret: stateSecret('previous state secret')
    .optional()
    .meta({
      description:
        'While changing `state.secret`: the old one, still accepted for orders sealed with it (a few minutes).',
      examples: [{ file: 'state-key.previous.txt' }],
    }),
})

const listen = section({
  host: ipAddress.default('0.0.0.0').meta({ description: 'The address the kiosks\' front listens on.' }),
  port: port.default(8443).meta({ description: 'The kiosks\' front port: HTTPS with mutual TLS, RP API v6.' }),
  keepAliveSeconds: wholeNumber(1, 120)
    .default(5)
    .meta({
      description:
        'How long an idle kiosk connection is kept open. Behind a TCP load balancer each new connection may go to ' +
        'another instance; a short time spreads the kiosks\' requests, a longer one saves TLS handshakes.',
    }),
})

const operations = section({
  host: ipAddress.default('127.0.0.1').meta({
    description:
      'The address of the operations port (`/healthz`, `/readyz`, `/metrics`, plain HTTP, no personal data). ' +
      'Use "0.0.0.0" in a container so that probes and Prometheus can reach it; never expose it to kiosks.',
  }),
  port: port.default(9090).meta({ description: 'The operations port.' }),
})

const endUserIp = section({
  trustKioskClaimsFrom: z
    .array(cidr, { error: 'must be a list of address ranges like "10.0.0.0/8"' })
    .max(100, { error: 'must list at most 100 ranges' })
    .default(() => [])
    .meta({
      description:
        'The `endUserIp` BankID gets is the kiosk\'s address as the gateway sees the connection. Only when the ' +
        'connection comes from one of these ranges (the municipality\'s own network, where that address is an ' +
        'internal one) does the gateway use the address the kiosk itself sends, which is its configured public ' +
        'address. Empty: the kiosk\'s claim is never used.',
      examples: [['10.20.0.0/16']],
    }),
})

const handoff = kioskHandoff.superRefine((settings, ctx) => {
  // The kiosk-only keys: the gateway names each kiosk by its certificate and delivers itself.
  if (settings.auth === 'gateway') {
    ctx.addIssue({ code: 'custom', path: ['auth'], message: 'must be "hmac" or "mtls" on the gateway (it is the gateway that hands off)' })
  }
  if (settings.kioskId !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['kioskId'], message: 'must not be set on the gateway (each kiosk is named by its certificate)' })
  }
})

const logging = section({
  level: oneOf(LOG_LEVELS)
    .default('info')
    .meta({
      description:
        'How much the gateway logs, as JSON lines on standard output (the journal, or the container\'s log): ' +
        '`"error"`, `"warn"`, `"info"` or `"debug"`. Personnummer and names are never written at any level.',
    }),
})

export const gatewaySettingsSchema = z.strictObject(
  {
    bankid: bankid.prefault({}),
    server: server.optional().meta({ description: 'The gateway\'s TLS server certificate (required).' }),
    kiosks: kiosks.optional().meta({ description: 'Which kiosks may use the gateway, and how much (required).' }),
    state: state.optional().meta({ description: 'The secret every instance shares (required).' }),
    listen: listen.prefault({}),
    operations: operations.prefault({}),
    endUserIp: endUserIp.prefault({}),
    handoff: handoff.prefault({}),
    logging: logging.prefault({}),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : SECTION_PHRASE) },
).superRefine((settings, ctx) => {
  const required = {
    server: 'the gateway\'s TLS server certificate, which kiosks check',
    kiosks: 'at least "kiosks.ca", the CA that issues kiosk certificates',
    state: 'at least "state.secret", shared by every instance',
  } as const
  for (const [key, what] of Object.entries(required)) {
    if (settings[key as keyof typeof required] === undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: `is required (${what})` })
    }
  }
  checkHandoffDemo(settings, ctx)
})

export type ParsedGatewaySettings = z.output<typeof gatewaySettingsSchema>
/** After the check above: the required sections are there. */
type RequiredSection = 'server' | 'kiosks' | 'state'
export type GatewaySettings = Omit<ParsedGatewaySettings, RequiredSection> & {
  [Key in RequiredSection]-?: NonNullable<ParsedGatewaySettings[Key]>
}
export { PASSPHRASE_SHAPES }
