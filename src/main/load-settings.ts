// Loads the kiosk's settings at start: all of it or nothing. The settings file is read and checked
// (./settings, a leaf that knows no feature), then each feature proves the files it names usable
// (the heartbeat's secret, the hand-off's credentials, the RP certificate). The result is either
// everything the kiosk needs, or one sentence for the out-of-service screen and the log; the kiosk
// never starts half-configured.
import { loadRpCredentials } from './bankid/credentials'
import type { RpCertificateInfo } from './bankid/credentials'
import type { RpCredentials } from './bankid/transport'
import { loadHandoffCredentials } from './handoff/credentials'
import type { HandoffCredentials } from './handoff/credentials'
import { loadHeartbeatCredentials } from './health/heartbeat-credentials'
import { finished, readSettings } from './settings/load'
import type { ReadSettingsOptions } from './settings/load'
import type { KioskSettings } from './settings/schema'
import { readCaFile, settingProblemOf } from './settings/secret-files'
import { brandingWarning } from '../shared/theme'

export type { RpCertificateInfo } from './bankid/credentials'

export type SettingsResult =
  | {
      ok: true
      settings: KioskSettings
      /** The absolute path looked at, whether or not a file was there. */
      path: string
      fromFile: boolean
      /** For test and production; null for the simulator, which brings its own. */
      credentials: RpCredentials | null
      certificate: RpCertificateInfo | null
      /** Sentences to log and show staff while the kiosk runs normally, e.g. a certificate about to expire. */
      warnings: string[]
      /** What the hand-off authenticates with, proven at start; null (or absent) when the hand-off is off. */
      handoff?: HandoffCredentials | null
      /** For "custom": the PEM of bankid.ca, the endpoint's only trust anchor; null (or absent) otherwise. */
      endpointCaPem?: string | null
    }
  | {
      ok: false
      path: string
      /** One sentence, never containing a secret. */
      problem: string
      /** The setting at fault as written in the file, e.g. "timing.idleSeconds"; null for the file as a whole. */
      key: string | null
    }

export interface LoadSettingsOptions extends ReadSettingsOptions {
  now: Date
}

export async function loadSettings(options: LoadSettingsOptions): Promise<SettingsResult> {
  const read = await readSettings(options)
  if (!read.ok) return read
  const { settings, path: file, fromFile } = read
  if (!fromFile) return { ok: true, settings, path: file, fromFile, credentials: null, certificate: null, warnings: [] }
  const fail = (problem: string, key: string | null = null): SettingsResult => ({ ok: false, path: file, problem: finished(problem), key })

  // The heartbeat's secret and CA files: missing ones are a settings problem like any other.
  const heartbeat = await loadHeartbeatCredentials(settings.health.heartbeat, options.env)
  if (!heartbeat.ok) return fail(heartbeat.problem, heartbeat.key)
  // The hand-off's secret or client certificate, and its CA: proven now, never half-configured.
  const handoff = await loadHandoffCredentials(settings.handoff, options.env, options.now)
  if (!handoff.ok) return fail(handoff.problem, handoff.key)

  // Colours the kiosk will not use as written are a warning, not a failure: the screens still work.
  const colours = brandingWarning(settings.school)
  const brandingWarnings = colours === null ? [] : [colours]

  const { certificate: files, passphrase, environment } = settings.bankid
  if (environment === 'simulator' || files === undefined) {
    return {
      ok: true,
      settings,
      path: file,
      fromFile,
      credentials: null,
      certificate: null,
      warnings: [...brandingWarnings, ...handoff.warnings],
      handoff: handoff.credentials,
    }
  }
  let endpointCaPem: string | null = null
  if (environment === 'custom' && settings.bankid.ca !== undefined) {
    try {
      endpointCaPem = await readCaFile('bankid.ca', settings.bankid.ca, { requireCa: { now: options.now } })
    } catch (error) {
      const problem = settingProblemOf(error)
      return fail(problem.problem, problem.key)
    }
  }
  const purpose = environment === 'custom' ? 'kiosk' : 'rp'
  const loaded = await loadRpCredentials(files, passphrase, options.env, options.now, purpose)
  if (!loaded.ok) return fail(loaded.problem, loaded.key)
  return {
    ok: true,
    settings,
    path: file,
    fromFile,
    credentials: loaded.credentials,
    certificate: loaded.certificate,
    warnings: [...brandingWarnings, ...loaded.warnings, ...handoff.warnings],
    handoff: handoff.credentials,
    endpointCaPem,
  }
}
