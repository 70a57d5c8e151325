// Where the settings file is. The OS location is a folder only administrators can write to; the
// command-line option and the environment variable exist for testing and for unusual installs.
import path from 'node:path'

export const SETTINGS_OPTION = '--settings'
export const SETTINGS_ENV = 'BANKID_KIOSK_SETTINGS'

export type SettingsSource = 'argument' | 'environment' | 'os'

export interface SettingsLocation {
  /** As given (maybe relative); empty when --settings was given without a value. */
  path: string
  /** Named by the admin (argument or environment): then a missing file is an error, not "use defaults". */
  explicit: boolean
  source: SettingsSource
}

export function settingsLocation(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): SettingsLocation {
  const argument = settingsArgument(argv)
  if (argument !== undefined) return { path: argument, explicit: true, source: 'argument' }
  const fromEnv = env[SETTINGS_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return { path: fromEnv, explicit: true, source: 'environment' }
  return { path: osSettingsPath(env, platform), explicit: false, source: 'os' }
}

/** The last `--settings PATH` or `--settings=PATH` wins, as with most command-line tools; "" if the value is missing. */
function settingsArgument(argv: readonly string[]): string | undefined {
  let found: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === SETTINGS_OPTION) {
      const next = argv[i + 1]
      found = next === undefined || next.startsWith('--') ? '' : next
      if (found !== '') i++
    } else if (arg.startsWith(`${SETTINGS_OPTION}=`)) {
      found = arg.slice(SETTINGS_OPTION.length + 1)
    }
  }
  return found
}

export function osSettingsPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    // Windows variable names are case-insensitive; process.env knows that, a plain object does not.
    const key = Object.keys(env).find((name) => name.toLowerCase() === 'programdata')
    const programData = (key === undefined ? undefined : env[key]) || 'C:\\ProgramData'
    return path.win32.join(programData, 'BankID Kiosk', 'settings.json')
  }
  if (platform === 'darwin') return '/Library/Application Support/BankID Kiosk/settings.json'
  return '/etc/bankid-kiosk/settings.json'
}
