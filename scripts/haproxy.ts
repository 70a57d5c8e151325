// Finds HAProxy for the load-balancer tests (test/support/haproxy.ts), or installs Debian's package
// where that is possible (Debian/Ubuntu with apt-get, as root or through `sudo -n`).
//   tsx scripts/haproxy.ts --ensure   prints the path, installing HAProxy first if needed
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { hasApt, installWithApt } from './debian-package'

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** HAPROXY_PATH if set (and nothing else then), else `haproxy` on PATH, else /usr/sbin/haproxy (not on a non-root PATH). */
export function findHaproxy(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.HAPROXY_PATH) return isExecutable(env.HAPROXY_PATH) ? env.HAPROXY_PATH : undefined
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'haproxy'))
  return [...onPath, '/usr/sbin/haproxy'].find(isExecutable)
}

export function ensureHaproxy(): string {
  const found = findHaproxy()
  if (found) return found
  if (process.env.HAPROXY_PATH) {
    throw new Error(`HAPROXY_PATH is set to ${process.env.HAPROXY_PATH}, which is not an executable file.`)
  }
  let failure = ''
  if (hasApt()) {
    try {
      installWithApt(['haproxy'], 'No HAProxy found: installing Debian\'s haproxy package for the load-balancer tests…')
    } catch (error) {
      failure = ` (apt-get failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`
    }
    const installed = findHaproxy()
    if (installed) return installed
  }
  throw new Error(
    `No HAProxy found for the load-balancer tests${failure}. Install it (Debian/Ubuntu, as root: ` +
      'apt-get update && apt-get install haproxy; macOS: brew install haproxy), or set HAPROXY_PATH to its executable.',
  )
}

if (process.argv.includes('--ensure')) {
  try {
    console.log(ensureHaproxy())
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
