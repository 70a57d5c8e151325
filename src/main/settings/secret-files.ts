// What the credential readers (RP certificate, hand-off, heartbeat) share: a failure that is one
// sentence naming the key, reading a file a setting points at, and reading a secret's text from a
// file or an environment variable. A secret is never put into any message.
import { X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createSecureContext } from 'node:tls'
import forge from 'node-forge'
import { shownName, shownPath } from './messages'
import type { SettingsProblem } from './messages'
import type { PassphraseSource } from './schema'

/** Thrown inside the credential readers only; settingProblemOf turns it into a result. */
/** Warn this long before a certificate runs out: ordering a new one from the bank takes days. */
export const EXPIRY_WARNING_DAYS = 30

export class SettingProblem extends Error {
  constructor(
    readonly key: string,
    readonly sentence: string,
  ) {
    super(sentence)
  }
}

export const settingProblem = (key: string, text: string) => new SettingProblem(key, `Setting "${key}": ${text}.`)

/** The problem a SettingProblem names; anything else is rethrown. */
export function settingProblemOf(error: unknown): { ok: false } & SettingsProblem {
  if (error instanceof SettingProblem) return { ok: false, key: error.key, problem: error.sentence }
  throw error
}

export async function readSettingFile(key: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw settingProblem(key, `the file ${shownPath(file)} does not exist`)
    if (code === 'EISDIR') throw settingProblem(key, `the file ${shownPath(file)} cannot be read (it is a folder)`)
    if (code === 'EACCES' || code === 'EPERM') {
      throw settingProblem(key, `the file ${shownPath(file)} cannot be read (permission denied)`)
    }
    throw settingProblem(key, `the file ${shownPath(file)} cannot be read (${code ?? 'unknown error'})`)
  }
}

/**
 * A secret's text for the setting `key`: a file's or a variable's (problems name `${key}.file` or
 * `${key}.env`). One trailing newline is what every editor and `echo` adds, and a byte-order mark
 * is what Windows Notepad adds; anything else is part of the secret.
 */
export async function readSecretText(key: string, source: PassphraseSource, env: NodeJS.ProcessEnv): Promise<string> {
  if ('file' in source) {
    const value = (await readSettingFile(`${key}.file`, source.file))
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .replace(/\r?\n$/, '')
    if (value === '') throw settingProblem(`${key}.file`, `the file ${shownPath(source.file)} is empty`)
    return value
  }
  const value = env[source.env]
  if (value === undefined) throw settingProblem(`${key}.env`, `the environment variable ${shownName(source.env)} is not set`)
  if (value === '') throw settingProblem(`${key}.env`, `the environment variable ${shownName(source.env)} is empty`)
  return value
}

/** Where a secret came from, as the messages name it: "the file …" or "the environment variable …". */
export const secretSourceName = (source: PassphraseSource): string =>
  'file' in source ? `the file ${shownPath(source.file)}` : `the environment variable ${shownName(source.env)}`

export const notPkcs12 = (key: string, file: string) => settingProblem(key, `the file ${shownPath(file)} is not a PKCS#12 (.p12) file`)

/** The DER structure of a PKCS#12 file's bytes, or the problem that it is not one. */
export function pkcs12Asn1(key: string, file: string, pfx: Buffer): forge.asn1.Asn1 {
  try {
    return forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')))
  } catch {
    throw notPkcs12(key, file)
  }
}

export interface CaFileOptions {
  /** Refuse a certificate that is not a CA's (a server's own certificate given by mistake) or has expired. */
  requireCa?: { now: Date }
}

/**
 * A PEM file of one or more CA certificates for the setting `key`, proven usable as a TLS trust
 * store. With requireCa, each must be a CA certificate valid today: pinning a server's own
 * certificate instead would break at its next renewal, which is exactly what BankID warns against.
 */
export async function readCaFile(key: string, file: string, options: CaFileOptions = {}): Promise<string> {
  const pem = (await readSettingFile(key, file)).toString('utf8')
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) throw settingProblem(key, `the file ${shownPath(file)} is not a PEM certificate`)
  for (const block of blocks) {
    let certificate: X509Certificate
    try {
      certificate = new X509Certificate(block)
    } catch {
      throw settingProblem(key, `the file ${shownPath(file)} holds a certificate that cannot be read`)
    }
    if (options.requireCa) {
      const subject = certificate.subject.split('\n').join(', ')
      if (!certificate.ca) {
        throw settingProblem(
          key,
          `the certificate in ${shownPath(file)} (${subject}) is not a CA certificate; name the CA that issued the server's certificate`,
        )
      }
      const day = new Date(certificate.validTo).toISOString().slice(0, 10)
      if (options.requireCa.now.getTime() > new Date(certificate.validTo).getTime()) {
        throw settingProblem(key, `the CA certificate in ${shownPath(file)} (${subject}) expired on ${day}`)
      }
    }
  }
  try {
    createSecureContext({ ca: pem })
  } catch (error) {
    throw settingProblem(key, `${shownPath(file)} cannot be used for TLS (${(error as Error).message})`)
  }
  return pem
}
