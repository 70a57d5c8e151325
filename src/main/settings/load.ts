// Loads the administrator's settings file: all of it or nothing. Either every setting is valid and
// the RP certificate proven usable, or the result is one sentence for the out-of-service screen and
// the log; the kiosk never starts half-configured. No file at the OS location means the defaults.
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import path from 'node:path'
import type { RpCredentials } from '../bankid/transport'
import { loadHeartbeatCredentials } from '../health/heartbeat-credentials'
import { loadRpCredentials } from './credentials'
import { loadHandoffCredentials } from './handoff-credentials'
import { readCaFile, settingProblemOf } from './secret-files'
import type { HandoffCredentials } from './handoff-credentials'
import type { RpCertificateInfo } from './credentials'
import { SETTINGS_ENV, SETTINGS_OPTION, settingsLocation } from './location'
import type { SettingsLocation } from './location'
import { MAX_SENTENCE, describeIssue, fallbackPhrase, printable, shownPath } from './messages'
import type { SettingsProblem } from './messages'
import type { KioskSettings } from './schema'
import { settingsSchema } from './schema'

export type { RpCertificateInfo } from './credentials'

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

export interface LoadSettingsOptions {
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
  now: Date
}

/** A settings file is a few kilobytes; anything this big was pointed at by mistake. */
export const MAX_SETTINGS_BYTES = 1024 * 1024

export async function loadSettings(options: LoadSettingsOptions): Promise<SettingsResult> {
  const location = settingsLocation(options.argv, options.env, options.platform)
  if (location.path === '') {
    return { ok: false, path: '', key: null, problem: `The ${SETTINGS_OPTION} option needs the path of a settings file.` }
  }
  // The platform's own path rules, so that a Windows path stays one in tests on Linux.
  const paths = options.platform === 'win32' ? path.win32 : path.posix
  const file = paths.resolve(location.path)
  const fail = (problem: string, key: string | null = null): SettingsResult => ({ ok: false, path: file, problem: finished(problem), key })

  const read = await readSettingsFile(file, location)
  if (read.kind === 'problem') return fail(read.problem)
  if (read.kind === 'absent') {
    // A fresh copy: the caller may keep and change it without touching DEFAULT_SETTINGS.
    const settings = settingsSchema.parse({})
    return { ok: true, settings, path: file, fromFile: false, credentials: null, certificate: null, warnings: [] }
  }

  const parsed = parseJson(file, read.text)
  if (!parsed.ok) return fail(parsed.problem)

  const checked = checkSettings(parsed.value)
  if (!checked.ok) return fail(checked.problem, checked.key)
  const settings = resolvePaths(checked.settings, (p) => paths.resolve(paths.dirname(file), p))
  // The heartbeat's secret and CA files: missing ones are a settings problem like any other.
  const heartbeat = await loadHeartbeatCredentials(settings.health.heartbeat, options.env)
  if (!heartbeat.ok) return fail(heartbeat.problem, heartbeat.key)
  // The hand-off's secret or client certificate, and its CA: proven now, never half-configured.
  const handoff = await loadHandoffCredentials(settings.handoff, options.env, options.now)
  if (!handoff.ok) return fail(handoff.problem, handoff.key)

  const { certificate: files, passphrase, environment } = settings.bankid
  if (environment === 'simulator' || files === undefined) {
    return {
      ok: true,
      settings,
      path: file,
      fromFile: true,
      credentials: null,
      certificate: null,
      warnings: handoff.warnings,
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
    fromFile: true,
    credentials: loaded.credentials,
    certificate: loaded.certificate,
    warnings: [...loaded.warnings, ...handoff.warnings],
    handoff: handoff.credentials,
    endpointCaPem,
  }
}

/** Every sentence one printable line of bounded length, whatever the file or its path held. */
export function finished(problem: string): string {
  const line = printable(problem)
  return line.length <= MAX_SENTENCE ? line : `${line.slice(0, MAX_SENTENCE - 1)}…`
}

/** The settings file's parsed JSON against the schema: the settings, or the first problem as one sentence. */
export function checkSettings(value: unknown): { ok: true; settings: KioskSettings } | ({ ok: false } & SettingsProblem) {
  const result = settingsSchema.safeParse(value, { error: fallbackPhrase })
  if (result.success) return { ok: true, settings: result.data }
  const [issue] = result.error.issues
  if (issue === undefined) return { ok: false, key: null, problem: 'The settings are not valid.' }
  return { ok: false, ...describeIssue(issue, value, settingsSchema) }
}

// ---- reading ----

export type Read = { kind: 'text'; text: string } | { kind: 'absent' } | { kind: 'problem'; problem: string }

export async function readSettingsFile(file: string, location: SettingsLocation): Promise<Read> {
  const shown = shownPath(file)
  const cannotRead = (why: string): Read => ({ kind: 'problem', problem: `The settings file ${shown} cannot be read (${why}).` })
  let handle
  try {
    // Non-blocking, so that a FIFO or device named by mistake is refused below instead of waiting for a writer.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (!location.explicit) return { kind: 'absent' }
      const namedBy = location.source === 'argument' ? SETTINGS_OPTION : `the environment variable ${SETTINGS_ENV}`
      return { kind: 'problem', problem: `The settings file ${shown} does not exist (it was named by ${namedBy}).` }
    }
    if (code === 'EISDIR') return cannotRead('it is a folder')
    if (code === 'EACCES' || code === 'EPERM') return cannotRead('permission denied')
    return cannotRead(code ?? 'unknown error')
  }
  try {
    const stats = await handle.stat()
    if (stats.isDirectory()) return cannotRead('it is a folder')
    if (!stats.isFile()) return cannotRead('it is not an ordinary file')
    const tooLarge = (size: string): Read => ({
      kind: 'problem',
      problem: `The settings file ${shown} is too large (${size}; at most 1 MB).`,
    })
    if (stats.size > MAX_SETTINGS_BYTES) return tooLarge(`${stats.size} bytes`)
    // Read at most one byte past the limit, in case the file grew since stat.
    const buffer = Buffer.alloc(MAX_SETTINGS_BYTES + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
      if (length > MAX_SETTINGS_BYTES) return tooLarge('over 1 MB')
    }
    return { kind: 'text', text: buffer.toString('utf8', 0, length) }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return cannotRead(code === 'EISDIR' ? 'it is a folder' : (code ?? 'unknown error'))
  } finally {
    await handle.close()
  }
}

// ---- parsing ----

export type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string }

export function parseJson(file: string, raw: string): Parsed {
  // Notepad writes a byte-order mark; JSON.parse does not accept one.
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw
  if (text.trim() === '') {
    return { ok: false, problem: `The settings file ${shownPath(file)} is empty (write {} in it to use all the defaults).` }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, problem: `The settings file ${shownPath(file)} is not valid JSON: ${parserMessage(error, text)}.` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`
    return { ok: false, problem: `The settings file ${shownPath(file)} must hold one JSON object in { } (it holds ${found}).` }
  }
  return { ok: true, value: value as Record<string, unknown> }
}

/**
 * V8's message, without the excerpt of the file it quotes (which could be anything, even a secret
 * pasted in by mistake) and with "position N" turned into a line and column an editor can find.
 */
function parserMessage(error: unknown, text: string): string {
  const message = (error as Error).message
  const position = /at position (\d+)/.exec(message)
  let cleaned = message
    .replace(/, .* is not valid JSON$/s, '')
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*(in JSON )?at position \d+/, '')
  if (position?.[1] !== undefined) {
    const before = text.slice(0, Number(position[1]))
    const line = before.split('\n').length
    const column = before.length - before.lastIndexOf('\n')
    cleaned += ` at line ${line}, column ${column}`
  }
  // Windows paths are the usual culprit: "C:\certs" is not valid JSON, "C:\\certs" or "C:/certs" is.
  if (/escape/i.test(message)) cleaned += ' (write each \\ in a path as \\\\ or use /)'
  return cleaned
}

// ---- relative paths ----

/** Relative paths are relative to the settings file, so a folder of settings and certificates can be moved whole. */
function resolvePaths(settings: KioskSettings, resolve: (relative: string) => string): KioskSettings {
  const { certificate, passphrase, ca } = settings.bankid
  return {
    ...settings,
    bankid: {
      ...settings.bankid,
      ...(ca === undefined ? {} : { ca: resolve(ca) }),
      ...(certificate === undefined
        ? {}
        : {
            certificate:
              'pkcs12' in certificate
                ? { pkcs12: resolve(certificate.pkcs12) }
                : { cert: resolve(certificate.cert), key: resolve(certificate.key) },
          }),
      ...(passphrase === undefined ? {} : { passphrase: 'file' in passphrase ? { file: resolve(passphrase.file) } : passphrase }),
    },
    logging: {
      ...settings.logging,
      ...(settings.logging.directory === undefined ? {} : { directory: resolve(settings.logging.directory) }),
    },
    health: resolveHealthPaths(settings.health, resolve),
    handoff: resolveHandoffPaths(settings.handoff, resolve),
  }
}

function resolveHandoffPaths(handoff: KioskSettings['handoff'], resolve: (relative: string) => string): KioskSettings['handoff'] {
  const { secret, certificate, passphrase, ca } = handoff
  return {
    ...handoff,
    ...(secret === undefined ? {} : { secret: 'file' in secret ? { file: resolve(secret.file) } : secret }),
    ...(certificate === undefined ? {} : { certificate: { pkcs12: resolve(certificate.pkcs12) } }),
    ...(passphrase === undefined ? {} : { passphrase: 'file' in passphrase ? { file: resolve(passphrase.file) } : passphrase }),
    ...(ca === undefined ? {} : { ca: resolve(ca) }),
  }
}

function resolveHealthPaths(health: KioskSettings['health'], resolve: (relative: string) => string): KioskSettings['health'] {
  const { secret, ca } = health.heartbeat
  return {
    ...health,
    ...(health.file === undefined ? {} : { file: resolve(health.file) }),
    heartbeat: {
      ...health.heartbeat,
      ...(secret === undefined ? {} : { secret: 'file' in secret ? { file: resolve(secret.file) } : secret }),
      ...(ca === undefined ? {} : { ca: resolve(ca) }),
    },
  }
}
