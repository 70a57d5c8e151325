// Finds a Chromium for the browser tests, or installs one where that is possible without a
// download Playwright would make itself (Debian/Ubuntu: the distribution's package).
//   tsx scripts/chromium.ts --ensure   prints the path, installing Chromium first if needed
import { existsSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { hasApt, installWithApt } from './debian-package'

function candidates(): string[] {
  const fromEnv = [process.env.CHROMIUM_PATH, process.env.CHROME_PATH].filter((path): path is string => !!path)
  const playwrightCache = join(homedir(), '.cache', 'ms-playwright')
  const cached = existsSync(playwrightCache)
    ? readdirSync(playwrightCache)
        .filter((name) => name.startsWith('chromium-'))
        .map((name) => join(playwrightCache, name, 'chrome-linux', 'chrome'))
    : []
  return [
    ...fromEnv,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    ...cached,
  ]
}

export function findChromium(): string | undefined {
  return candidates().find((path) => existsSync(path))
}

export function ensureChromium(): string {
  const found = findChromium()
  if (found) return found
  if (hasApt()) {
    installWithApt(
      ['chromium', 'fonts-liberation'],
      'No Chromium found: installing Debian\'s chromium package for the browser tests…',
    )
    const installed = findChromium()
    if (installed) return installed
  }
  throw new Error(
    'No Chromium or Chrome found for the browser tests. Install Chromium (Debian/Ubuntu: apt-get install chromium) ' +
      'or Google Chrome, or set CHROMIUM_PATH to its executable.',
  )
}

if (process.argv.includes('--ensure')) {
  try {
    console.log(ensureChromium())
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
