// The kiosk refuses to run with a debugging switch: with Chromium's remote debugging
// (--remote-debugging-port, -pipe, -address) anyone on the machine could drive the kiosk's pages,
// read the parent's screens and the school's session. The EnableNodeCliInspectArguments fuse does
// NOT cover these (it covers Node's --inspect family and SIGUSR1 only), so main checks them itself,
// before anything else. Node's --inspect* are checked too, in case a build has that fuse on (a
// --test-build, or a developer's Electron); where the fuse is off they never take effect anyway.
// Note that --inspect-brk with the fuse on stops before this code runs: the fuse is the real lock.
//
// Both what the process was given (process.argv, read the way Chromium and Node read switches: one
// or two dashes, "/" on Windows, any case, "_" for "-") and Chromium's own parse
// (app.commandLine.hasSwitch) are asked.
//
// One exception, and only in a developer's build (not packaged: loose out/main under the
// development Electron, where anything can be changed anyway) or a `dist.ts --test-build` (its
// package.json says kioskTestBuild; it is never installed on a kiosk): exactly --inspect=0 and
// --remote-debugging-port=0, which Playwright's _electron always adds, so the Electron end-to-end
// tests can run. A packaged release refuses those too.

/** The parts of Electron's app.commandLine this uses. */
export interface CommandLineLike {
  hasSwitch(name: string): boolean
  getSwitchValue(name: string): string
}

export interface SwitchCheckOptions {
  platform: NodeJS.Platform
  isPackaged: boolean
  /** A `dist.ts --test-build` (package.json kioskTestBuild): Playwright's switches are tolerated as unpackaged. */
  testBuild?: boolean
}

/** Every switch name this refuses starts with one of these. */
const REFUSED_PREFIXES = ['remote-debugging', 'inspect']
/** What Chromium's parse is asked about (it only answers for exact names). */
const CHROMIUM_SWITCHES = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-debugging-io-pipes',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-wait',
  'inspect-publish-uid',
]
/** Playwright's _electron adds these to every launch; tolerated only where not packaged. */
const PLAYWRIGHT_SWITCHES: Readonly<Record<string, string>> = { inspect: '0', 'remote-debugging-port': '0' }

function parseSwitch(arg: string, platform: NodeJS.Platform): { name: string; value: string } | null {
  const prefix = /^-{1,2}/.exec(arg)?.[0] ?? (platform === 'win32' && arg.startsWith('/') ? '/' : null)
  if (!prefix) return null
  const body = arg.slice(prefix.length)
  const at = body.indexOf('=')
  const name = (at === -1 ? body : body.slice(0, at)).toLowerCase().replaceAll('_', '-')
  return { name, value: at === -1 ? '' : body.slice(at + 1) }
}

const isRefused = (name: string) => REFUSED_PREFIXES.some((prefix) => name.startsWith(prefix))

/**
 * The first debugging switch the kiosk refuses, as `--name` (never its value), or null.
 * argv: process.argv (its first entry, the executable, is skipped).
 */
export function findDebuggingSwitch(argv: readonly string[], commandLine: CommandLineLike, options: SwitchCheckOptions): string | null {
  const tolerated = (name: string, value: string) =>
    (!options.isPackaged || options.testBuild === true) && Object.hasOwn(PLAYWRIGHT_SWITCHES, name) && PLAYWRIGHT_SWITCHES[name] === value
  for (const arg of argv.slice(1)) {
    const parsed = parseSwitch(arg, options.platform)
    if (parsed && isRefused(parsed.name) && !tolerated(parsed.name, parsed.value)) return `--${parsed.name}`
  }
  for (const name of CHROMIUM_SWITCHES) {
    if (commandLine.hasSwitch(name) && !tolerated(name, commandLine.getSwitchValue(name))) return `--${name}`
  }
  return null
}
