// Reads the administrator's settings file: all of it or nothing. Either every setting is valid, or
// the result is one sentence for the out-of-service screen and the log. No file at the OS location
// means the defaults. Opening the files the settings name (the RP certificate, the hand-off's and
// the heartbeat's secrets) is each feature's own business; ../load-settings.ts composes the two.
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import path from 'node:path'
import { SETTINGS_ENV, SETTINGS_OPTION, settingsLocation } from './location'
import type { SettingsLocation } from './location'
import { MAX_SENTENCE, describeIssue, fallbackPhrase, printable, shownPath } from './messages'
import type { SettingsProblem } from './messages'
import type { KioskSettings } from './schema'
import { settingsSchema } from './schema'

/** The settings file read and checked, before any feature opens the files it names (see ../load-settings). */
export type SettingsFileResult =
  | {
      ok: true
      settings: KioskSettings
      /** The absolute path looked at, whether or not a file was there. */
      path: string
      fromFile: boolean
    }
  | {
      ok: false
      path: string
      /** One sentence, never containing a secret. */
      problem: string
      /** The setting at fault as written in the file, e.g. "timing.idleSeconds"; null for the file as a whole. */
      key: string | null
    }

export interface ReadSettingsOptions {
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
}

/** A settings file is a few kilobytes; anything this big was pointed at by mistake. */
export const MAX_SETTINGS_BYTES = 1024 * 1024

/**
 * The settings file at the location the options name, checked against the schema, with every
 * relative path made absolute. No file at the OS location means the defaults.
 */
export async function readSettings(options: ReadSettingsOptions): Promise<SettingsFileResult> {
  const location = settingsLocation(options.argv, options.env, options.platform)
  if (location.path === '') {
    return { ok: false, path: '', key: null, problem: `The ${SETTINGS_OPTION} option needs the path of a settings file.` }
  }
  // The platform's own path rules, so that a Windows path stays one in tests on Linux.
  const paths = options.platform === 'win32' ? path.win32 : path.posix
  const file = paths.resolve(location.path)
  const fail = (problem: string, key: string | null = null): SettingsFileResult => ({ ok: false, path: file, problem: finished(problem), key })

  const read = await readSettingsFile(file, location)
  if (read.kind === 'problem') return fail(read.problem)
  if (read.kind === 'absent') {
    // A fresh copy: the caller may keep and change it without touching DEFAULT_SETTINGS.
    return { ok: true, settings: settingsSchema.parse({}), path: file, fromFile: false }
  }

  const parsed = parseJson(file, read.text)
  if (!parsed.ok) return fail(parsed.problem)

  const checked = checkSettings(parsed.value)
  if (!checked.ok) return fail(checked.problem, checked.key)
  const settings = resolvePaths(checked.settings, (p) => paths.resolve(paths.dirname(file), p))
  return { ok: true, settings, path: file, fromFile: true }
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
