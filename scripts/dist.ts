// Builds the installers: `electron-vite build`, then electron-builder with electron-builder.yml plus
// what may only come from the environment — the code-signing configuration and the update URL.
//
//   npx tsx scripts/dist.ts --win                 Windows: NSIS .exe + .msi
//   npx tsx scripts/dist.ts --linux               Linux: .deb + AppImage
//   npx tsx scripts/dist.ts --win --release       a release: must be signed, needs a real update URL
//   npx tsx scripts/dist.ts --test-build --dir    a build for Playwright's _electron (inspector fuse on)
//
// Every other argument goes to electron-builder unchanged (e.g. --dir, --x64, -c.electronDist=DIR).
// --skip-app-build uses out/ as it is. Why signing is added here and not written in the yml:
// electron-builder.yml, "Signing". The environment variables are listed in docs/deployment.md.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export const UPDATE_URL_ENV = 'BANKID_KIOSK_UPDATE_URL'
/** `.invalid` never resolves (RFC 2606): a build made without a real URL cannot reach anything. */
export const PLACEHOLDER_UPDATE_URL = 'https://updates.invalid/bankid-kiosk/'

/** win.azureSignOptions field → the environment variable it comes from. */
export const AZURE_SIGNING_ENV = {
  publisherName: 'AZURE_TRUSTED_SIGNING_PUBLISHER_NAME',
  endpoint: 'AZURE_TRUSTED_SIGNING_ENDPOINT',
  codeSigningAccountName: 'AZURE_TRUSTED_SIGNING_ACCOUNT',
  certificateProfileName: 'AZURE_TRUSTED_SIGNING_CERTIFICATE_PROFILE',
} as const

/** win.signtoolOptions field → the environment variable it comes from (a certificate in the store or on a token). */
export const SIGNTOOL_ENV = {
  certificateSha1: 'WIN_CERTIFICATE_SHA1',
  certificateSubjectName: 'WIN_CERTIFICATE_SUBJECT_NAME',
} as const

/** A .pfx/.p12 file (path, URL or base64) and its password: electron-builder reads these itself. */
export const SIGNTOOL_FILE_ENV = ['WIN_CSC_LINK', 'CSC_LINK'] as const

export type Signing = 'azure' | 'signtool' | 'unsigned'

export interface BuildPlan {
  /** Arguments for electron-builder: the caller's, then one -c.path=value per override. */
  builderArgs: string[]
  /** The same overrides as an object, merged over electron-builder.yml by electron-builder. */
  overrides: Record<string, unknown>
  /** The environment electron-builder runs with (the update URL filled in). */
  env: NodeJS.ProcessEnv
  signing: Signing
  buildApp: boolean
  notes: string[]
}

export class PlanError extends Error {}

const value = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const found = env[name]?.trim()
  return found === undefined || found === '' ? undefined : found
}

/** Whether electron-builder will build Windows targets for these arguments on this platform. */
export function targetsWindows(args: readonly string[], platform: NodeJS.Platform): boolean {
  const platformFlag = /^(--(win|windows|linux|mac|macos)|-[mwl]+)$/
  const flags = args.filter((arg) => platformFlag.test(arg))
  if (flags.length === 0) return platform === 'win32'
  return flags.some((arg) => arg === '--win' || arg === '--windows' || /^-[mwl]*w[mwl]*$/.test(arg))
}

export function planBuild(argv: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): BuildPlan {
  const release = argv.includes('--release')
  const testBuild = argv.includes('--test-build')
  const buildApp = !argv.includes('--skip-app-build')
  const passThrough = argv.filter((arg) => !['--release', '--test-build', '--skip-app-build'].includes(arg))
  if (release && testBuild) throw new PlanError('--test-build turns the inspector fuse on: it can never be a --release')

  const notes: string[] = []
  const overrides: Record<string, unknown> = {}
  const win: Record<string, unknown> = {}
  const windows = targetsWindows(passThrough, platform)

  // Signing: Azure Trusted Signing when all four of its variables are set, else signtool when a
  // certificate is named, else unsigned (developers). Half a configuration is always an error.
  const azure = Object.entries(AZURE_SIGNING_ENV).map(([field, name]) => [field, name, value(env, name)] as const)
  const azureSet = azure.filter(([, , found]) => found !== undefined)
  const signtoolFields = Object.entries(SIGNTOOL_ENV).filter(([, name]) => value(env, name) !== undefined)
  const signtoolFile = SIGNTOOL_FILE_ENV.some((name) => value(env, name) !== undefined)
  let signing: Signing = 'unsigned'
  if (azureSet.length > 0) {
    if (azureSet.length < azure.length) {
      const missing = azure.filter(([, , found]) => found === undefined).map(([, name]) => name)
      throw new PlanError(`Azure Trusted Signing is half configured: set ${missing.join(', ')} as well`)
    }
    if (signtoolFields.length > 0 || signtoolFile) {
      throw new PlanError('Both Azure Trusted Signing and a signtool certificate are configured: choose one')
    }
    win.azureSignOptions = Object.fromEntries(azure.map(([field, , found]) => [field, found]))
    signing = 'azure'
  } else if (signtoolFields.length > 0 || signtoolFile) {
    if (signtoolFields.length > 0) {
      win.signtoolOptions = Object.fromEntries(signtoolFields.map(([field, name]) => [field, value(env, name)]))
    }
    signing = 'signtool'
  }
  if (windows && signing === 'unsigned') {
    if (release) throw new PlanError('A --release for Windows must be signed: see docs/deployment.md, "Signing"')
    notes.push('Windows installers will NOT be signed (no signing configuration in the environment).')
  }
  if (windows && release) win.forceCodeSigning = true
  if (Object.keys(win).length > 0) overrides.win = win

  const updateUrl = value(env, UPDATE_URL_ENV)
  if (updateUrl === undefined && release) {
    throw new PlanError(`A --release needs ${UPDATE_URL_ENV}: the https:// folder the update files are published to`)
  }
  if (updateUrl !== undefined && !(URL.canParse(updateUrl) && new URL(updateUrl).protocol === 'https:')) {
    throw new PlanError(`${UPDATE_URL_ENV} must be an https:// address, not "${updateUrl}"`)
  }
  if (updateUrl === undefined) notes.push(`${UPDATE_URL_ENV} is not set: using ${PLACEHOLDER_UPDATE_URL}`)

  if (testBuild) {
    overrides.electronFuses = { enableNodeCliInspectArguments: true }
    // Read by main (shell/debugging-switches.ts): only a test build tolerates Playwright's own switches.
    overrides.extraMetadata = { kioskTestBuild: true }
    notes.push('TEST BUILD: the inspector fuse is on and Playwright may attach. Never install it on a kiosk.')
  }

  return {
    builderArgs: [...passThrough, ...toConfigArgs(overrides)],
    overrides,
    env: { ...env, [UPDATE_URL_ENV]: updateUrl ?? PLACEHOLDER_UPDATE_URL },
    signing,
    buildApp,
    notes,
  }
}

/**
 * `{ win: { forceCodeSigning: true } }` → `-c.win.forceCodeSigning=true`. electron-builder's
 * command line turns "true", "false", "null" and numbers into those types, so a string that looks
 * like one would arrive changed: refuse it rather than sign with a mangled value.
 */
export function toConfigArgs(overrides: Record<string, unknown>, prefix = '-c'): string[] {
  return Object.entries(overrides).flatMap(([key, item]) => {
    const path = `${prefix}.${key}`
    if (typeof item === 'boolean') return [`${path}=${String(item)}`]
    if (typeof item === 'string') {
      if (/^(true|false|null|undefined)$/.test(item) || /^-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(item)) {
        throw new PlanError(`${path.slice(3)} cannot be passed on electron-builder's command line as "${item}"`)
      }
      return [`${path}=${item}`]
    }
    if (item !== null && typeof item === 'object') return toConfigArgs(item as Record<string, unknown>, path)
    throw new PlanError(`${path.slice(3)}: only text and true/false can be passed`)
  })
}

function main(): number {
  let plan: BuildPlan
  try {
    plan = planBuild(process.argv.slice(2), process.env, process.platform)
  } catch (error) {
    if (!(error instanceof PlanError)) throw error
    console.error(`dist: ${error.message}`)
    return 2
  }
  for (const note of plan.notes) console.error(`dist: ${note}`)
  console.error(`dist: signing: ${plan.signing}`)
  const root = resolve(import.meta.dirname, '..')
  const run = (pkg: string, args: readonly string[]): number =>
    spawnSync(process.execPath, [binOf(pkg), ...args], { cwd: root, env: plan.env, stdio: 'inherit' }).status ?? 1
  if (plan.buildApp) {
    const status = run('electron-vite', ['build'])
    if (status !== 0) return status
  }
  return run('electron-builder', plan.builderArgs)
}

/** The file a package's command of the same name runs (packages with "exports" hide their bin/ from require). */
function binOf(pkg: string): string {
  const manifest = createRequire(import.meta.url).resolve(`${pkg}/package.json`)
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> }
  const file = typeof bin === 'string' ? bin : bin[pkg]
  if (file === undefined) throw new Error(`${pkg} has no command named ${pkg}`)
  return resolve(dirname(manifest), file)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main()
}
