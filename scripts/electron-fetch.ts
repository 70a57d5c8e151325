// Fetches the Electron binary where it is missing (Electron 42+ has no install script: npm ci leaves
// node_modules/electron without dist/). Electron's own download library (@electron/get, resolved
// from the electron package) downloads and checks the zip against the package's checksums.json,
// then Electron's own install.js extracts it from the cache and writes path.txt.
//
// Bounded: no data for `stallMs` (a firewall that drops packets) or longer than `totalMs` ends the
// try; an offline machine fails in well under a second (DNS). The reason is one line, from the
// library's own error (its cause: "ENOTFOUND github.com", "Response code 404 …").
// Honoured: ELECTRON_MIRROR (and npm_config_electron_mirror), electron_config_cache,
// ELECTRON_OVERRIDE_DIST_PATH (never downloaded into: said so), ELECTRON_SKIP_BINARY_DOWNLOAD,
// and HTTPS_PROXY/HTTP_PROXY/NO_PROXY (through @electron/get's initializeProxy).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { findElectronBinary } from './electron-binary'

export interface FetchOutcome {
  binary: string | null
  /** Why there is no binary, in one line (null when there is one). */
  reason: string | null
}

interface Progress {
  transferred: number
  total: number | null
  percent: number
}

/** The part of @electron/get this uses. */
export interface ElectronGet {
  downloadArtifact(details: Record<string, unknown>): Promise<string>
  initializeProxy(): void
}

export interface FetchOptions {
  env?: NodeJS.ProcessEnv
  /** No bytes for this long: give up (default 6 s, so an offline machine never waits long). */
  stallMs?: number
  /** The whole download (default 15 minutes: ~100 MB on a slow line). */
  totalMs?: number
  log?: (line: string) => void
  /** For tests: Electron's download library, and the extraction step. */
  electronGet?: ElectronGet
  extract?: (root: string, env: NodeJS.ProcessEnv) => string | null
}

export async function ensureElectronBinary(root: string, options: FetchOptions = {}): Promise<FetchOutcome> {
  const env = options.env ?? process.env
  const log = options.log ?? ((line: string) => console.log(line))
  const found = findElectronBinary(root, env)
  if (found) return { binary: found, reason: null }
  if (env.ELECTRON_EXEC_PATH) return { binary: null, reason: `ELECTRON_EXEC_PATH is set, but ${env.ELECTRON_EXEC_PATH} does not exist` }
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    return { binary: null, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${env.ELECTRON_OVERRIDE_DIST_PATH} holds no Electron binary (nothing is downloaded into it)` }
  }
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { binary: null, reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set' }

  const electronDir = join(root, 'node_modules', 'electron')
  let version: string
  let checksums: Record<string, string>
  try {
    version = (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string }).version
    checksums = JSON.parse(readFileSync(join(electronDir, 'checksums.json'), 'utf8')) as Record<string, string>
  } catch {
    return { binary: null, reason: 'node_modules/electron is missing or damaged (run npm ci)' }
  }
  const electronGet = options.electronGet ?? (await loadElectronGet(electronDir))
  if (['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => env[name])) electronGet.initializeProxy()

  const mirror = env.ELECTRON_MIRROR ?? env.npm_config_electron_mirror
  const from = hostOf(mirror ?? 'https://github.com/')
  const stallMs = options.stallMs ?? 6_000
  const totalMs = options.totalMs ?? 15 * 60_000
  const controller = new AbortController()
  let why: string | null = null
  const abort = (reason: string) => {
    why ??= reason
    controller.abort()
  }
  let stall = setTimeout(() => abort(`no answer from ${from} within ${stallMs / 1000} s`), stallMs)
  const total = setTimeout(() => abort(`the download took longer than ${Math.round(totalMs / 60_000)} minutes`), totalMs)
  let shown = -1
  log(`Electron ${version} is not installed: fetching it from ${from} (once; about 100 MB)…`)
  try {
    await electronGet.downloadArtifact({
      version,
      artifactName: 'electron',
      platform: env.ELECTRON_INSTALL_PLATFORM ?? process.platform,
      arch: env.ELECTRON_INSTALL_ARCH ?? process.arch,
      checksums,
      ...(env.electron_config_cache ? { cacheRoot: env.electron_config_cache } : {}),
      ...(mirror ? { mirrorOptions: { mirror } } : {}),
      downloadOptions: {
        quiet: true,
        signal: controller.signal,
        getProgressCallback: (progress: Progress) => {
          clearTimeout(stall)
          stall = setTimeout(() => abort(`no data from ${from} for ${stallMs / 1000} s`), stallMs)
          const tenth = Math.floor(progress.percent * 10)
          if (tenth > shown) {
            shown = tenth
            log(`  Electron: ${tenth * 10} %${progress.total ? ` of ${Math.round(progress.total / 1e6)} MB` : ''}`)
          }
        },
      },
    })
  } catch (error) {
    return { binary: null, reason: why ?? describe(error) }
  } finally {
    clearTimeout(stall)
    clearTimeout(total)
  }
  const extracted = (options.extract ?? extractWithInstaller)(root, env)
  if (extracted !== null) return { binary: null, reason: extracted }
  const binary = findElectronBinary(root, env)
  return binary ? { binary, reason: null } : { binary: null, reason: 'downloaded, but the installer left no binary in node_modules/electron/dist' }
}

/** Electron's install.js finds the zip in the cache, extracts it and writes path.txt; null when it did. */
function extractWithInstaller(root: string, env: NodeJS.ProcessEnv): string | null {
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (result.status === 0) return null
  const first = `${result.stderr ?? ''}`.split('\n').find((line) => line.trim() !== '')
  return `Electron's installer failed to extract it: ${first?.trim() ?? `exit ${result.status ?? result.signal}`}`
}

async function loadElectronGet(electronDir: string): Promise<ElectronGet> {
  // Resolved from the electron package (its dependency), not from ours.
  const entry = createRequire(join(electronDir, 'package.json')).resolve('@electron/get')
  return (await import(pathToFileURL(entry).href)) as ElectronGet
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/** One line from the library's error: its cause's code and host when fetch failed, else its message. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { code?: string; hostname?: string; message?: string } | undefined
  if (cause && typeof cause === 'object') {
    const detail = [cause.code, cause.hostname].filter(Boolean).join(' ')
    return `${error.message}: ${detail || cause.message || 'no detail'}`
  }
  return error.message.split('\n')[0] ?? error.name
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.includes('--ensure')) {
  // Never fails the caller: prints the binary, or the reason on standard error.
  const outcome = await ensureElectronBinary(process.cwd())
  if (outcome.binary) console.log(outcome.binary)
  else console.error(`Electron not available: ${outcome.reason}`)
}
