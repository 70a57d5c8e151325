// The Electron specs' shared start: the binary (or a skip where it is missing), the kiosk launched
// on a settings file, and the built-in simulator's control API found through the kiosk's own log.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import type { ElectronApplication, Page } from '@playwright/test'
import { findElectronBinary } from '../../../scripts/electron-binary'

const binary = findElectronBinary(process.cwd())

/**
 * Call at the top of a spec: its tests are reported as skipped where Electron cannot run, with the
 * reason scripts/e2e.ts found (the download's own error, or no display), else "not installed".
 */
export function skipWithoutElectron(): void {
  const unavailable = process.env.KIOSK_ELECTRON_UNAVAILABLE
  test.skip(
    binary === null || unavailable !== undefined,
    `Electron cannot run here: ${unavailable ?? 'its binary is not installed (npm run test:e2e fetches it)'}; these specs run wherever it can`,
  )
}

/** The built kiosk on `settings`, once it shows the welcome screen; `chromiumArgs` go before the app. */
export async function launchKiosk(settings: string, chromiumArgs: readonly string[] = []): Promise<{ app: ElectronApplication; page: Page }> {
  const app = await electron.launch({
    ...(binary ? { executablePath: binary } : {}),
    args: [...chromiumArgs, 'out/main/index.js', '--settings', settings],
  })
  const page = await app.firstWindow()
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome')
  return { app, page }
}

/** The kiosk's simulator.start log line, under dataDir/logs. */
function simulatorStart(dataDir: string): { appUrl: string; signingRoot: string } {
  const logs = join(dataDir, 'logs')
  for (const file of readdirSync(logs)) {
    for (const line of readFileSync(join(logs, file), 'utf8').split('\n')) {
      if (line.includes('"simulator.start"')) return JSON.parse(line) as { appUrl: string; signingRoot: string }
    }
  }
  throw new Error('the kiosk logged no simulator.start')
}

/** The built-in simulator's control API, found through the kiosk's log under dataDir/logs. */
export const simulatorAppUrl = (dataDir: string): string => simulatorStart(dataDir).appUrl

/** Where the built-in simulator keeps the root its login signatures chain to (a receiver in test mode trusts it). */
export const simulatorSigningRoot = (dataDir: string): string => simulatorStart(dataDir).signingRoot

/** POSTs `body` to the simulator's control API at `path`; its JSON answer. */
export async function simulatorControl(dataDir: string, path: string, body: unknown = {}): Promise<unknown> {
  const response = await fetch(new URL(path, simulatorAppUrl(dataDir)), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return response.json()
}
