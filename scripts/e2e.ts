// `npm run test:e2e` after the build: Playwright's browser and Electron specs. Electron's binary is
// fetched first where it is missing (scripts/electron-fetch.ts); where it cannot be had, the
// Electron specs are skipped with the reason (KIOSK_ELECTRON_UNAVAILABLE). On Linux without a
// display they run under xvfb-run (Debian's xvfb, installed like Chromium when missing).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { hasApt, installWithApt } from './debian-package'
import { ensureElectronBinary } from './electron-fetch'

const root = fileURLToPath(new URL('..', import.meta.url))
const XVFB_RUN = ['/usr/bin/xvfb-run', '/usr/local/bin/xvfb-run']

/** xvfb-run's path, installing Debian's xvfb when possible; null (with the reason) when not. */
function ensureXvfbRun(): { path: string | null; reason: string | null } {
  const found = XVFB_RUN.find((path) => existsSync(path))
  if (found) return { path: found, reason: null }
  if (!hasApt()) return { path: null, reason: 'no display and no xvfb-run (install Xvfb: apt-get install xvfb)' }
  try {
    installWithApt(['xvfb', 'xauth'], 'No display: installing Debian\'s xvfb for the Electron specs…')
  } catch (error) {
    return { path: null, reason: `no display, and apt-get could not install xvfb: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` }
  }
  const installed = XVFB_RUN.find((path) => existsSync(path))
  return installed ? { path: installed, reason: null } : { path: null, reason: 'no display, and xvfb-run is still missing after installing xvfb' }
}

const env = { ...process.env }
const args = ['playwright', 'test', ...process.argv.slice(2)]
let command = 'npx'
let commandArgs = args
const electron = await ensureElectronBinary(root)
if (!electron.binary) {
  env.KIOSK_ELECTRON_UNAVAILABLE = electron.reason ?? 'unknown'
} else if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
  const xvfb = ensureXvfbRun()
  if (xvfb.path) {
    command = xvfb.path
    commandArgs = ['-a', '--server-args=-screen 0 1920x1080x24', 'npx', ...args]
  } else {
    env.KIOSK_ELECTRON_UNAVAILABLE = xvfb.reason ?? 'no display'
  }
}
if (env.KIOSK_ELECTRON_UNAVAILABLE) console.log(`Electron specs will be skipped: ${env.KIOSK_ELECTRON_UNAVAILABLE}`)
const result = spawnSync(command, commandArgs, { cwd: root, env, stdio: 'inherit' })
process.exit(result.status ?? 1)
