// Installs Debian packages that the tests need, where that is possible: Debian/Ubuntu with apt-get,
// as root or through a password-less sudo. Used by scripts/chromium.ts and scripts/haproxy.ts.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** True where apt-get exists, so an install can at least be tried. */
export function hasApt(): boolean {
  return process.platform === 'linux' && existsSync('/usr/bin/apt-get')
}

/** Runs apt-get update, then installs `packages` without recommends; throws if apt-get (or sudo) fails. */
export function installWithApt(packages: readonly string[], announcement: string): void {
  const asRoot = process.getuid?.() === 0
  // `sudo -n` fails at once rather than waiting for a password nobody will type. apt's chatter goes
  // to stderr so that `--ensure` prints nothing but the path on stdout.
  const run = (args: string[]) =>
    execFileSync(asRoot ? args[0]! : 'sudo', asRoot ? args.slice(1) : ['-n', ...args], { stdio: ['inherit', 2, 'inherit'] })
  console.error(announcement)
  run(['apt-get', 'update', '-qq'])
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages])
}
