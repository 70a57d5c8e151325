// Loads the gateway's settings file: all of it or nothing, like the kiosk's. Every file it names is
// opened and proven now (the RP certificate, the server certificate, the kiosk CA, the revocation
// list, the state secret, the hand-off's credentials), so a running gateway never finds out later
// that it was half-configured. Each problem is one sentence naming the key; no secret is ever echoed.
import path from 'node:path'
import type { RpCredentials } from '../../main/bankid/transport'
import { loadRpCredentials } from '../../main/bankid/credentials'
import type { RpCertificateInfo } from '../../main/bankid/credentials'
import { SecretBytes, loadHandoffCredentials } from '../../main/handoff/credentials'
import type { HandoffCredentials } from '../../main/handoff/credentials'
import { finished, parseJson, readSettingsFile } from '../../main/settings/load'
import { describeIssue, fallbackPhrase } from '../../main/settings/messages'
import type { SettingsProblem } from '../../main/settings/messages'
import type { PassphraseSource } from '../../main/settings/schema'
import { readCaFile, readSecretText, secretSourceName, settingProblem, settingProblemOf } from '../../main/settings/secret-files'
import { readRevocationFile } from '../revocations'
import type { RevocationList } from '../revocations'
import type { GatewaySettings } from './schema'
import { STATE_SECRET_MIN_BYTES, gatewaySettingsSchema } from './schema'

export const GATEWAY_SETTINGS_OPTION = '--settings'
export const GATEWAY_SETTINGS_ENV = 'BANKID_GATEWAY_SETTINGS'

export interface GatewayConfig {
  settings: GatewaySettings
  /** The absolute path of the settings file. */
  path: string
  /** The RP certificate for test and production; null for the simulator, which brings its own. */
  rp: { credentials: RpCredentials; certificate: RpCertificateInfo } | null
  server: { credentials: RpCredentials; certificate: RpCertificateInfo }
  kioskCaPem: string
  revocations: RevocationList | null
  /** The current state secret first, then the previous one while it is being changed. */
  stateSecrets: SecretBytes[]
  handoff: HandoffCredentials | null
  warnings: string[]
}

export type GatewayConfigResult = { ok: true; config: GatewayConfig } | ({ ok: false; path: string } & SettingsProblem)

export function checkGatewaySettings(value: unknown): { ok: true; settings: GatewaySettings } | ({ ok: false } & SettingsProblem) {
  const result = gatewaySettingsSchema.safeParse(value, { error: fallbackPhrase })
  if (result.success) return { ok: true, settings: result.data as GatewaySettings }
  const [issue] = result.error.issues
  if (issue === undefined) return { ok: false, key: null, problem: 'The settings are not valid.' }
  return { ok: false, ...describeIssue(issue, value, gatewaySettingsSchema) }
}

export async function loadGatewaySettings(
  file: string,
  env: NodeJS.ProcessEnv,
  now: Date,
  /** How the file was named, for the sentence when it is missing. */
  source: 'argument' | 'environment' = 'argument',
): Promise<GatewayConfigResult> {
  const absolute = path.resolve(file)
  const fail = (problem: string, key: string | null = null): GatewayConfigResult => ({
    ok: false,
    path: absolute,
    key,
    problem: finished(problem),
  })
  // Not "explicit" for the reader: a missing file comes back as absent and is worded here, with the gateway's names.
  const read = await readSettingsFile(absolute, { path: file, explicit: false, source: 'os' })
  if (read.kind === 'problem') return fail(read.problem)
  if (read.kind === 'absent') {
    const namedBy = source === 'argument' ? GATEWAY_SETTINGS_OPTION : `the environment variable ${GATEWAY_SETTINGS_ENV}`
    return fail(`The settings file ${absolute} does not exist (it was named by ${namedBy}).`)
  }
  const parsed = parseJson(absolute, read.text)
  if (!parsed.ok) return fail(parsed.problem)
  const checked = checkGatewaySettings(parsed.value)
  if (!checked.ok) return fail(checked.problem, checked.key)
  const settings = resolvePaths(checked.settings, (p) => path.resolve(path.dirname(absolute), p))

  try {
    const warnings: string[] = []
    const server = await loadRpCredentials(settings.server.certificate, settings.server.passphrase, env, now, 'server', 'server')
    if (!server.ok) return fail(server.problem, server.key)
    warnings.push(...server.warnings)
    let rp: GatewayConfig['rp'] = null
    const { certificate, passphrase, environment } = settings.bankid
    if (environment !== 'simulator' && certificate !== undefined) {
      const loaded = await loadRpCredentials(certificate, passphrase, env, now, 'rp', 'bankid')
      if (!loaded.ok) return fail(loaded.problem, loaded.key)
      warnings.push(...loaded.warnings)
      rp = { credentials: loaded.credentials, certificate: loaded.certificate }
    }
    const kioskCaPem = await readCaFile('kiosks.ca', settings.kiosks.ca, { requireCa: { now } })
    const revocations =
      settings.kiosks.revocationFile === undefined ? null : await readRevocationFile('kiosks.revocationFile', settings.kiosks.revocationFile)
    const stateSecrets = [await readStateSecret('state.secret', settings.state.secret, env)]
    if (settings.state.previousSecret !== undefined) {
      stateSecrets.push(await readStateSecret('state.previousSecret', settings.state.previousSecret, env))
    }
    const handoff = await loadHandoffCredentials(settings.handoff, env, now)
    if (!handoff.ok) return fail(handoff.problem, handoff.key)
    warnings.push(...handoff.warnings)
    return {
      ok: true,
      config: {
        settings,
        path: absolute,
        rp,
        server: { credentials: server.credentials, certificate: server.certificate },
        kioskCaPem,
        revocations,
        stateSecrets,
        handoff: handoff.credentials,
        warnings,
      },
    }
  } catch (error) {
    const problem = settingProblemOf(error)
    return fail(problem.problem, problem.key)
  }
}

export async function readStateSecret(key: string, source: PassphraseSource, env: NodeJS.ProcessEnv): Promise<SecretBytes> {
  const bytes = Buffer.from(await readSecretText(key, source, env), 'utf8')
  if (bytes.length < STATE_SECRET_MIN_BYTES) {
    throw settingProblem(
      'file' in source ? `${key}.file` : `${key}.env`,
      `the secret in ${secretSourceName(source)} is too short (${bytes.length} bytes; at least ${STATE_SECRET_MIN_BYTES}; "openssl rand -hex 32" makes one)`,
    )
  }
  return new SecretBytes(bytes)
}

/** Relative paths are relative to the settings file, as for the kiosk. */
function resolvePaths(settings: GatewaySettings, resolve: (relative: string) => string): GatewaySettings {
  const files = <T extends { pkcs12: string } | { cert: string; key: string }>(certificate: T): T =>
    ('pkcs12' in certificate ? { pkcs12: resolve(certificate.pkcs12) } : { cert: resolve(certificate.cert), key: resolve(certificate.key) }) as T
  const secret = <T extends PassphraseSource | undefined>(source: T): T =>
    (source !== undefined && 'file' in source ? { file: resolve(source.file) } : source) as T
  const { handoff } = settings
  return {
    ...settings,
    bankid: {
      ...settings.bankid,
      ...(settings.bankid.certificate === undefined ? {} : { certificate: files(settings.bankid.certificate) }),
      passphrase: secret(settings.bankid.passphrase),
    },
    server: { certificate: files(settings.server.certificate), passphrase: secret(settings.server.passphrase) },
    kiosks: {
      ...settings.kiosks,
      ca: resolve(settings.kiosks.ca),
      ...(settings.kiosks.revocationFile === undefined ? {} : { revocationFile: resolve(settings.kiosks.revocationFile) }),
    },
    state: { secret: secret(settings.state.secret), previousSecret: secret(settings.state.previousSecret) },
    handoff: {
      ...handoff,
      secret: secret(handoff.secret),
      passphrase: secret(handoff.passphrase),
      ...(handoff.certificate === undefined ? {} : { certificate: { pkcs12: resolve(handoff.certificate.pkcs12) } }),
      ...(handoff.ca === undefined ? {} : { ca: resolve(handoff.ca) }),
    },
  }
}
