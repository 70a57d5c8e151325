// Reads the RP certificate the settings point at and proves, at start, that it will work: the files
// exist, the passphrase opens them, the key belongs to the certificate, TLS accepts them, and the
// certificate is valid today. Each failure is one sentence naming the key. The passphrase is never
// put into any message: it is only ever handed to the parsers.
import { X509Certificate, createPrivateKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { TLSSocket, createSecureContext } from 'node:tls'
import type { SecureContext } from 'node:tls'
import forge from 'node-forge'
import type { RpCredentials } from './transport'
import { shownPath } from '../settings/messages'
import type { SettingsProblem } from '../settings/messages'
import type { CertificateFiles, PassphraseSource } from '../settings/schema'
import {
  EXPIRY_WARNING_DAYS,
  SettingProblem,
  notPkcs12,
  pkcs12Asn1,
  readSecretText,
  readSettingFile,
  settingProblem,
  settingProblemOf,
} from '../settings/secret-files'

export interface RpCertificateInfo {
  /** e.g. "CN=FP Testcert 5, O=Testbank A AB (publ)" */
  subject: string
  notAfter: Date
  /** Whole days from now until notAfter. */
  daysLeft: number
}

export type CredentialsResult =
  | { ok: true; credentials: RpCredentials; certificate: RpCertificateInfo; warnings: string[] }
  | ({ ok: false } & SettingsProblem)

const DAY_MS = 24 * 60 * 60 * 1000

const problem = settingProblem

/** The settings section that names the files: "bankid" (certificate, passphrase), or the gateway's "server". */
export type CertificateSection = 'bankid' | 'server'
const wrongPassphrase = (section: CertificateSection, file: string) =>
  problem(`${section}.passphrase`, `the passphrase is wrong for ${shownPath(file)}`)
const missingPassphrase = (section: CertificateSection, file: string) =>
  new SettingProblem(
    `${section}.passphrase`,
    `Setting "${section}.passphrase" is required: ${shownPath(file)} is protected by a passphrase.`,
  )

/** What the certificate is, for the sentences: the school's RP certificate, or a kiosk's own (gateway mode). */
export type CertificatePurpose = 'rp' | 'kiosk' | 'server'
const PURPOSE_WORDS: Record<CertificatePurpose, { name: string; renew: string }> = {
  server: { name: 'the server certificate', renew: 'renew it before then' },
  rp: { name: 'the RP certificate', renew: 'order a new one from the bank before then' },
  kiosk: { name: 'the kiosk certificate', renew: 'ask IT for a new one from the kiosk CA before then' },
}

export async function loadRpCredentials(
  files: CertificateFiles,
  passphraseSource: PassphraseSource | undefined,
  env: NodeJS.ProcessEnv,
  now: Date,
  purpose: CertificatePurpose = 'rp',
  section: CertificateSection = 'bankid',
): Promise<CredentialsResult> {
  try {
    const passphrase =
      passphraseSource === undefined ? undefined : await readSecretText(`${section}.passphrase`, passphraseSource, env)
    const loaded =
      'pkcs12' in files ? await loadPkcs12(section, files.pkcs12, passphrase) : await loadPem(section, files, passphrase)
    const certificateKey = 'pkcs12' in files ? `${section}.certificate.pkcs12` : `${section}.certificate.cert`
    const certificateFile = 'pkcs12' in files ? files.pkcs12 : files.cert
    const { certificate, warnings } = checkValidity(loaded.certificate, certificateKey, certificateFile, now, PURPOSE_WORDS[purpose])
    return { ok: true, credentials: loaded.credentials, certificate, warnings }
  } catch (error) {
    return settingProblemOf(error)
  }
}

// ---- files and passphrase ----


// ---- PKCS#12 ----

interface Loaded {
  credentials: RpCredentials
  certificate: X509Certificate
}

async function loadPkcs12(section: CertificateSection, file: string, passphrase: string | undefined): Promise<Loaded> {
  const key = `${section}.certificate.pkcs12`
  const pfx = await readSettingFile(key, file)
  if (pfx.subarray(0, 64).toString('latin1').includes('-----BEGIN')) {
    throw problem(key, `${shownPath(file)} is a PEM file, not PKCS#12 (for PEM files set "${section}.certificate.cert" and "key")`)
  }
  const asn1 = pkcs12Asn1(key, file, pfx)
  // node-forge, not OpenSSL, judges the passphrase: its MAC check (over the passphrase as UTF-16,
  // exactly as OpenSSL and BoringSSL do it) words a wrong passphrase the same on every platform,
  // where OpenSSL (tests) and Electron's BoringSSL (the kiosk) word their errors differently.
  let forgeRead = true
  try {
    forge.pkcs12.pkcs12FromAsn1(asn1, passphrase ?? '')
  } catch (error) {
    if (/MAC could not be verified/.test((error as Error).message)) {
      throw passphrase === undefined ? missingPassphrase(section, file) : wrongPassphrase(section, file)
    }
    // Past the MAC, forge may still fail to decrypt what TLS can: it feeds PBES2 (OpenSSL 3's
    // default) the passphrase as Latin-1 where OpenSSL feeds UTF-8, so "å" breaks only forge.
    forgeRead = false
  }

  const options = { pfx, ...(passphrase === undefined ? {} : { passphrase }) }
  let certificate: X509Certificate | undefined
  try {
    // The proof: what the BankID transport will do with these bytes. And the certificate TLS will
    // present is the one whose dates matter, so read it back from the context rather than guess
    // which of the file's certificate bags (RP certificate, issuing CA) it is.
    certificate = presentedCertificate(createSecureContext(options))
  } catch (error) {
    if (!forgeRead && !isUnsupported(error)) throw notPkcs12(key, file)
    throw tlsRefused(key, file, error)
  }
  if (certificate === undefined) throw problem(key, `the file ${shownPath(file)} holds no certificate`)
  return { credentials: { kind: 'pkcs12', ...options }, certificate }
}

/** The certificate a connection with this context would present: asked of a socket that never connects. */
function presentedCertificate(secureContext: SecureContext): X509Certificate | undefined {
  const socket = new TLSSocket(new PassThrough(), { secureContext })
  try {
    return socket.getX509Certificate()
  } finally {
    socket.destroy()
  }
}

// ---- PEM ----

async function loadPem(
  section: CertificateSection,
  files: { cert: string; key: string },
  passphrase: string | undefined,
): Promise<Loaded> {
  const certKey = `${section}.certificate.cert`
  const keyKey = `${section}.certificate.key`
  const certPem = await readSettingFile(certKey, files.cert)
  const keyPem = await readSettingFile(keyKey, files.key)

  let certificate: X509Certificate
  try {
    if (!certPem.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate')
    certificate = new X509Certificate(certPem)
  } catch {
    throw problem(certKey, `the file ${shownPath(files.cert)} is not a PEM certificate`)
  }

  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey({ key: keyPem, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE') throw missingPassphrase(section, files.key)
    // A wrong passphrase usually fails the padding check, but 1 time in 256 it decrypts to garbage
    // that fails to parse instead: for an encrypted key, any failure means the passphrase.
    const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyPem.toString('latin1'))
    if (encrypted) throw passphrase === undefined ? missingPassphrase(section, files.key) : wrongPassphrase(section, files.key)
    throw problem(keyKey, `the file ${shownPath(files.key)} is not a PEM private key`)
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw problem(keyKey, `the key in ${shownPath(files.key)} does not belong to the certificate in ${shownPath(files.cert)}`)
  }

  const credentials: RpCredentials = {
    kind: 'pem',
    cert: certPem,
    key: keyPem,
    ...(passphrase === undefined ? {} : { passphrase }),
  }
  try {
    createSecureContext({ cert: certPem, key: keyPem, ...(passphrase === undefined ? {} : { passphrase }) })
  } catch (error) {
    throw tlsRefused(certKey, files.cert, error)
  }
  return { credentials, certificate }
}

/** OpenSSL 3 without its legacy provider refuses the RC2/RC4 encryption of older PKCS#12 files. */
const isUnsupported = (error: unknown) => /unsupported/i.test((error as Error).message)

/** The files parsed, yet TLS will not take them; OpenSSL's own words say why. */
function tlsRefused(key: string, file: string, error: unknown): SettingProblem {
  const reason = (error as Error).message
  if (isUnsupported(error)) {
    return problem(key, `${shownPath(file)} uses old encryption this computer cannot read (re-export it with AES-256)`)
  }
  return problem(key, `${shownPath(file)} cannot be used for TLS (${reason})`)
}

// ---- validity ----

const day = (date: Date) => date.toISOString().slice(0, 10)

function checkValidity(
  certificate: X509Certificate,
  key: string,
  file: string,
  now: Date,
  words: { name: string; renew: string },
): { certificate: RpCertificateInfo; warnings: string[] } {
  const notBefore = new Date(certificate.validFrom)
  const notAfter = new Date(certificate.validTo)
  if (now.getTime() > notAfter.getTime()) {
    throw problem(key, `${words.name} in ${shownPath(file)} expired on ${day(notAfter)}`)
  }
  if (now.getTime() < notBefore.getTime()) {
    throw problem(key, `${words.name} in ${shownPath(file)} is not valid until ${day(notBefore)} (check the computer's clock)`)
  }
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS)
  const warnings: string[] = []
  if (notAfter.getTime() - now.getTime() <= EXPIRY_WARNING_DAYS * DAY_MS) {
    const when = daysLeft === 0 ? 'today' : daysLeft === 1 ? 'in 1 day' : `in ${daysLeft} days`
    warnings.push(
      `Setting "${key}": ${words.name} in ${shownPath(file)} expires on ${day(notAfter)} (${when}); ${words.renew}.`,
    )
  }
  const subject = certificate.subject.split('\n').join(', ')
  return { certificate: { subject, notAfter, daysLeft }, warnings }
}
