// Reads what the hand-off authenticates with (product.md §5) and proves it at start, like the RP
// certificate: the shared secret (HMAC) or the client certificate (mutual TLS), and the CA the
// school's service chains to. Each failure is one sentence naming the key; a secret or passphrase
// is never put into any message, and the secret is wrapped so that it cannot be logged by mistake.
import type { X509Certificate } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { TLSSocket, createSecureContext } from 'node:tls'
import { inspect } from 'node:util'
import forge from 'node-forge'
import { shownPath } from '../settings/messages'
import type { SettingsProblem } from '../settings/messages'
import type { KioskSettings, PassphraseSource } from '../settings/schema'
import { HANDOFF_SECRET_MIN_BYTES } from '../settings/schema'
import {
  EXPIRY_WARNING_DAYS,
  SettingProblem,
  pkcs12Asn1,
  readCaFile,
  readSecretText,
  readSettingFile,
  secretSourceName,
  settingProblem,
  settingProblemOf,
} from '../settings/secret-files'

/** Bytes that must never reach a log: JSON and util.inspect show a placeholder, only reveal() the bytes. */
export class SecretBytes {
  readonly #bytes: Buffer
  constructor(bytes: Buffer) {
    this.#bytes = Buffer.from(bytes)
  }
  get length(): number {
    return this.#bytes.length
  }
  reveal(): Buffer {
    return this.#bytes
  }
  toJSON(): string {
    return '[secret]'
  }
  toString(): string {
    return '[secret]'
  }
  [inspect.custom](): string {
    return '[secret]'
  }
}

export type HandoffAuthMaterial =
  | { kind: 'hmac'; secret: SecretBytes }
  | { kind: 'mtls'; pfx: Buffer; passphrase?: string }

export interface HandoffCredentials {
  auth: HandoffAuthMaterial
  /** PEM of the only CA trusted for the hand-off, or null for the system's CAs. */
  caPem: string | null
}

export type HandoffCredentialsResult =
  | { ok: true; credentials: HandoffCredentials | null; warnings: string[] }
  | ({ ok: false } & SettingsProblem)

const DAY_MS = 24 * 60 * 60 * 1000

const problem = settingProblem

/** Null when the hand-off is off: nothing is read for a hand-off that will not happen. */
export async function loadHandoffCredentials(
  settings: KioskSettings['handoff'],
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<HandoffCredentialsResult> {
  // The gateway hands off with its own credentials: the kiosk reads none.
  if (!settings.enabled || settings.auth === 'gateway') return { ok: true, credentials: null, warnings: [] }
  try {
    const warnings: string[] = []
    const caPem = settings.ca === undefined ? null : await readCaFile('handoff.ca', settings.ca)
    let auth: HandoffAuthMaterial
    if (settings.auth === 'hmac') {
      if (settings.secret === undefined) throw problem('handoff.secret', 'is required')
      auth = { kind: 'hmac', secret: await readSecret(settings.secret, env) }
    } else {
      if (settings.certificate === undefined) throw problem('handoff.certificate', 'is required')
      const passphrase =
        settings.passphrase === undefined ? undefined : await readSecretText('handoff.passphrase', settings.passphrase, env)
      auth = await readClientCertificate(settings.certificate.pkcs12, passphrase, now, warnings)
    }
    return { ok: true, credentials: { auth, caPem }, warnings }
  } catch (error) {
    return settingProblemOf(error)
  }
}

async function readSecret(source: PassphraseSource, env: NodeJS.ProcessEnv): Promise<SecretBytes> {
  const key = 'handoff.secret'
  const bytes = Buffer.from(await readSecretText(key, source, env), 'utf8')
  if (bytes.length < HANDOFF_SECRET_MIN_BYTES) {
    const where = secretSourceName(source)
    throw problem(
      'file' in source ? `${key}.file` : `${key}.env`,
      `the secret in ${where} is too short (${bytes.length} bytes; at least ${HANDOFF_SECRET_MIN_BYTES}; "openssl rand -hex 32" makes one)`,
    )
  }
  return new SecretBytes(bytes)
}

async function readClientCertificate(
  file: string,
  passphrase: string | undefined,
  now: Date,
  warnings: string[],
): Promise<HandoffAuthMaterial> {
  const key = 'handoff.certificate.pkcs12'
  const pfx = await readSettingFile(key, file)
  const asn1 = pkcs12Asn1(key, file, pfx)
  try {
    forge.pkcs12.pkcs12FromAsn1(asn1, passphrase ?? '')
  } catch (error) {
    // node-forge words a wrong passphrase the same everywhere (see credentials.ts for why forge judges it).
    if (/MAC could not be verified/.test((error as Error).message)) {
      if (passphrase === undefined) {
        throw new SettingProblem('handoff.passphrase', `Setting "handoff.passphrase" is required: ${shownPath(file)} is protected by a passphrase.`)
      }
      throw problem('handoff.passphrase', `the passphrase is wrong for ${shownPath(file)}`)
    }
  }
  const options = { pfx, ...(passphrase === undefined ? {} : { passphrase }) }
  let certificate: X509Certificate | undefined
  try {
    const socket = new TLSSocket(new PassThrough(), { secureContext: createSecureContext(options) })
    try {
      certificate = socket.getX509Certificate()
    } finally {
      socket.destroy()
    }
  } catch (error) {
    throw problem(key, `${shownPath(file)} cannot be used for TLS (${(error as Error).message})`)
  }
  if (certificate === undefined) throw problem(key, `the file ${shownPath(file)} holds no certificate`)
  const notAfter = new Date(certificate.validTo)
  const day = notAfter.toISOString().slice(0, 10)
  if (now.getTime() > notAfter.getTime()) throw problem(key, `the client certificate in ${shownPath(file)} expired on ${day}`)
  if (now.getTime() < new Date(certificate.validFrom).getTime()) {
    throw problem(key, `the client certificate in ${shownPath(file)} is not valid yet (check the computer's clock)`)
  }
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS)
  if (daysLeft <= EXPIRY_WARNING_DAYS) {
    warnings.push(`Setting "${key}": the client certificate in ${shownPath(file)} expires on ${day} (in ${daysLeft} days).`)
  }
  return { kind: 'mtls', ...options }
}
