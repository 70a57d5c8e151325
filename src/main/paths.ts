// Where the kiosk keeps what it writes itself (logs, counters, the simulator's certificates) when
// it runs outside Electron; inside Electron, app.getPath('userData') is used instead.
import path from 'node:path'

export const APP_DIR_NAME = 'bankid-kiosk'

/** The per-user data folder: %LOCALAPPDATA%, ~/Library/Application Support or $XDG_DATA_HOME. */
export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  if (platform === 'win32') {
    const base = env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local')
    return path.win32.join(base, APP_DIR_NAME)
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_DIR_NAME)
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share')
  return path.posix.join(base, APP_DIR_NAME)
}
