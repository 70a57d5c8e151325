// The heartbeat's shared secret and CA, read from where the settings say. Checked when the
// settings are loaded (a missing file is one sentence naming the key, like every other setting),
// and read again when the heartbeat starts. The secret never appears in a message.
import { X509Certificate } from 'node:crypto'
import { shownPath } from '../settings/messages'
import type { SettingsProblem } from '../settings/messages'
import type { KioskSettings } from '../settings/schema'
import { readSecretText, readSettingFile, secretSourceName, settingProblem, settingProblemOf } from '../settings/secret-files'

export type HeartbeatSettings = KioskSettings['health']['heartbeat']

/** A shared secret shorter than this is too easy to guess. */
export const MIN_SECRET_LENGTH = 16

export type HeartbeatCredentials =
  | { ok: true; secret: Buffer | null; caPem: string | null }
  | ({ ok: false } & SettingsProblem)

const problem = settingProblem

export async function loadHeartbeatCredentials(
  heartbeat: HeartbeatSettings,
  env: NodeJS.ProcessEnv,
): Promise<HeartbeatCredentials> {
  try {
    const secret = heartbeat.secret === undefined ? null : await readSecret(heartbeat.secret, env)
    const caPem = heartbeat.ca === undefined ? null : await readCa(heartbeat.ca)
    return { ok: true, secret, caPem }
  } catch (error) {
    return settingProblemOf(error)
  }
}

async function readSecret(source: NonNullable<HeartbeatSettings['secret']>, env: NodeJS.ProcessEnv): Promise<Buffer> {
  const value = await readSecretText('health.heartbeat.secret', source, env)
  const key = 'file' in source ? 'health.heartbeat.secret.file' : 'health.heartbeat.secret.env'
  const where = secretSourceName(source)
  if ([...value].length < MIN_SECRET_LENGTH) {
    throw problem(key, `the secret in ${where} is too short (at least ${MIN_SECRET_LENGTH} characters)`)
  }
  return Buffer.from(value, 'utf8')
}

async function readCa(file: string): Promise<string> {
  const key = 'health.heartbeat.ca'
  const text = (await readSettingFile(key, file)).toString('utf8')
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw problem(key, `the file ${shownPath(file)} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
  }
  try {
    new X509Certificate(text)
  } catch {
    throw problem(key, `the file ${shownPath(file)} holds no readable certificate`)
  }
  return text
}
