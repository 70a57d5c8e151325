// Packs the app the way a release does (`electron-builder --dir --linux`), offline: electron-builder
// would download Electron from GitHub, so it gets a stand-in Electron dist instead (support.ts).
// That exercises everything but the installers themselves: `files`, app.asar, the production
// node_modules, app-update.yml and the fuse flipping (the stand-in carries a fuse wire). Then it
// looks inside app.asar. Takes ~15 s: two packs (release, and a --test-build through scripts/dist.ts).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { extractAll, extractFile, listPackage } from '@electron/asar'
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UPDATE_URL_ENV, PLACEHOLDER_UPDATE_URL } from '../../scripts/dist'
import { DEFAULT_FUSE_WIRE, makeStandInElectronDist, root } from './support'

const PACK_TIMEOUT = 120_000
const UPDATE_URL = 'https://updates.example.test/bankid-kiosk/'
const sourcePackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/** The environment without anything that would make a build signed or change its update URL. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.keys(env)) {
    if (/^(AZURE_|WIN_CSC_|CSC_|WIN_CERTIFICATE_)/.test(name) || name === UPDATE_URL_ENV) delete env[name]
  }
  return { ...env, ...extra }
}

function run(args: string[], env: NodeJS.ProcessEnv, cwd = root): void {
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: PACK_TIMEOUT })
  if (result.status !== 0) {
    throw new Error(`${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`)
  }
}

/** What the running app imports and cannot find in the asar would be: a stand-in for Electron's own module. */
const ELECTRON_STUB = [
  'app', 'autoUpdater', 'BrowserWindow', 'contextBridge', 'dialog', 'ipcMain', 'ipcRenderer', 'Menu', 'net',
  'Notification', 'powerSaveBlocker', 'protocol', 'safeStorage', 'screen', 'session', 'shell', 'utilityProcess',
].map((name) => `exports.${name} = {};`).join('\n')

/** out/ is what electron-vite builds; build it if a fresh clone has none (PACKAGING_REBUILD=1 forces it). */
function ensureAppBuilt(): void {
  const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']
  if (process.env.PACKAGING_REBUILD === '1' || outputs.some((file) => !existsSync(join(root, file)))) {
    run([join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], process.env)
  }
  // Built too, so that the pack proves the gateway stays out of a terminal's app.
  if (!existsSync(join(root, 'out/gateway/cli.js'))) {
    run([join(root, 'node_modules/vite/bin/vite.js'), 'build', '--ssr', 'src/gateway/cli.ts', '--outDir', 'out/gateway', '--emptyOutDir'], process.env)
  }
}

interface Packed {
  appOutDir: string
  asar: string
  /** Paths inside app.asar, relative, with forward slashes. */
  entries: Set<string>
  read(path: string): Buffer
}

function packed(outDir: string): Packed {
  const appOutDir = join(outDir, 'linux-unpacked')
  const asar = join(appOutDir, 'resources', 'app.asar')
  const entries = new Set(listPackage(asar, { isPack: false }).map((path) => path.replace(/\\/g, '/').replace(/^\//, '')))
  return { appOutDir, asar, entries, read: (path) => extractFile(asar, path) }
}

const fuseWire = async (binary: string): Promise<string> => {
  const wire = await getCurrentFuseWire(binary)
  return Array.from({ length: DEFAULT_FUSE_WIRE.length }, (_, index) =>
    String.fromCharCode(wire[index as FuseV1Options] as number),
  ).join('')
}

// The release values of electron-builder.yml, in wire order (RunAsNode … GrantFileProtocolExtraPrivileges).
const RELEASE_WIRE = '01001100'

describe('electron-builder --dir (offline, stand-in Electron)', () => {
  let work: string
  let release: Packed
  let testBuild: Packed

  beforeAll(() => {
    ensureAppBuilt()
    work = mkdtempSync(join(tmpdir(), 'bankid-kiosk-pack-'))
    const dist = makeStandInElectronDist(join(work, 'electron-dist'))
    const common = ['--dir', '--linux', '--x64', `-c.electronDist=${dist}`]
    // The release configuration, straight from electron-builder.yml.
    run(
      [join(root, 'node_modules/electron-builder/cli.js'), ...common, `-c.directories.output=${join(work, 'release')}`],
      cleanEnv({ [UPDATE_URL_ENV]: UPDATE_URL }),
    )
    release = packed(join(work, 'release'))
    // The documented test build for Playwright, through the wrapper, with no update URL set.
    run(
      ['--import', 'tsx', 'scripts/dist.ts', '--test-build', '--skip-app-build', ...common, `-c.directories.output=${join(work, 'test-build')}`],
      cleanEnv({}),
    )
    testBuild = packed(join(work, 'test-build'))
  }, PACK_TIMEOUT)

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('packs the built app, the BankID CAs and package.json', () => {
    for (const path of [
      'package.json',
      'out/main/index.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'resources/bankid-ca/production.pem',
      'resources/bankid-ca/test.pem',
    ]) {
      expect(release.entries, path).toContain(path)
    }
    // Every file electron-vite built is there.
    const built = (readdirSync(join(root, 'out'), { recursive: true }) as string[])
      .filter((path) => statSync(join(root, 'out', path)).isFile())
      .map((path) => `out/${path.replace(/\\/g, '/')}`)
      .filter((path) => !path.startsWith('out/gateway/'))
    expect(built.length).toBeGreaterThan(3)
    expect(built.filter((path) => !release.entries.has(path))).toEqual([])
    expect([...release.entries].filter((path) => path.startsWith('resources/')).sort()).toEqual([
      'resources/bankid-ca',
      'resources/bankid-ca/production.pem',
      'resources/bankid-ca/test.pem',
    ])
  })

  it('ships every runtime dependency', () => {
    for (const name of Object.keys(sourcePackage.dependencies)) {
      expect(release.entries, name).toContain(`node_modules/${name}/package.json`)
    }
  })

  it('ships no sources, tests, configs, maps, devDependencies or native modules', () => {
    const top = new Set([...release.entries].map((path) => path.split('/')[0]))
    expect([...top].sort()).toEqual(['node_modules', 'out', 'package.json', 'resources'])
    for (const name of [...Object.keys(sourcePackage.devDependencies), 'playwright-core', 'app-builder-lib', '@electron/asar']) {
      expect(release.entries, name).not.toContain(`node_modules/${name}`)
    }
    const unwanted = [...release.entries].filter((path) => /\.(ts|mts|cts|tsx|map|node)$/.test(path))
    expect(unwanted).toEqual([])
    // The gateway's build (the municipality's server) is never in a terminal's app.
    expect(existsSync(join(root, 'out/gateway/cli.js'))).toBe(true)
    expect([...release.entries].filter((path) => path.startsWith('out/gateway'))).toEqual([])
  })

  it("keeps every package loadable: each dependency resolves and each package's entry file is there", () => {
    const packageRoots = [...release.entries].filter((path) => {
      const tail = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
      return path.includes('node_modules/') && /^(@[^/]+\/)?[^/@]+\/package\.json$/.test(tail)
    })
    expect(packageRoots.length).toBeGreaterThan(Object.keys(sourcePackage.dependencies).length)
    const problems: string[] = []
    for (const manifestPath of packageRoots) {
      const dir = posix.dirname(manifestPath)
      const manifest = JSON.parse(release.read(manifestPath).toString('utf8')) as {
        main?: string
        exports?: unknown
        dependencies?: Record<string, string>
        optionalDependencies?: Record<string, string>
      }
      for (const dependency of Object.keys(manifest.dependencies ?? {})) {
        if (dependency in (manifest.optionalDependencies ?? {})) continue
        if (!resolves(release.entries, dir, dependency)) problems.push(`${dir} needs ${dependency}`)
      }
      for (const entry of entryFiles(manifest)) {
        const file = posix.join(dir, entry)
        const candidates = [file, `${file}.js`, `${file}.json`, posix.join(file, 'index.js')]
        if (!candidates.some((candidate) => release.entries.has(candidate))) problems.push(`${dir}: ${entry} is missing`)
      }
    }
    expect(problems).toEqual([])
  })

  it('loads: every module the built main process imports, and every runtime dependency, imports from the unpacked archive', () => {
    // Extract app.asar and import the modules with plain Node (no Electron here; "electron" itself is
    // a stub). This catches a file the "files" exclusions removed from inside a package.
    const app = join(work, 'extracted')
    extractAll(release.asar, app)
    mkdirSync(join(app, 'node_modules', 'electron'))
    writeFileSync(join(app, 'node_modules', 'electron', 'package.json'), '{ "name": "electron", "main": "index.js" }')
    writeFileSync(join(app, 'node_modules', 'electron', 'index.js'), ELECTRON_STUB)
    const mainImports = [...readFileSync(join(app, 'out/main/index.js'), 'utf8').matchAll(/(?:from\s*|import\s*\(\s*)["']([^"'./][^"']*)["']/g)]
      .map((match) => match[1] as string)
      .filter((specifier) => !specifier.startsWith('node:') && specifier !== 'electron')
    expect(mainImports).toEqual(expect.arrayContaining(['zod', 'pino']))
    const specifiers = [...new Set([...mainImports, ...Object.keys(sourcePackage.dependencies)])].sort()
    writeFileSync(
      join(app, 'probe.mjs'),
      `const base = new URL('./node_modules/', import.meta.url).href\n` +
        `for (const specifier of ${JSON.stringify(specifiers)}) {\n` +
        `  const url = import.meta.resolve(specifier)\n` +
        `  if (!url.startsWith(base)) throw new Error(specifier + ' resolved outside the app: ' + url)\n` +
        `  await import(specifier)\n` +
        `}\n`,
    )
    expect(() => run(['probe.mjs'], cleanEnv({}), app)).not.toThrow()
  })

  it('ships a package.json without devDependencies, scripts or build settings', () => {
    const manifest = JSON.parse(release.read('package.json').toString('utf8')) as Record<string, unknown>
    expect(manifest).toMatchObject({ name: 'bankid-kiosk', productName: 'BankID Kiosk', main: './out/main/index.js', type: 'module' })
    for (const key of ['devDependencies', 'scripts', 'build', 'directories']) expect(manifest, key).not.toHaveProperty(key)
    expect(Object.keys(manifest).filter((key) => key.startsWith('_'))).toEqual([])
    expect(Object.keys(manifest.dependencies as object).sort()).toEqual(Object.keys(sourcePackage.dependencies).sort())
    expect(JSON.stringify(manifest)).not.toContain(root)
  })

  it('unpacks nothing: resources/ holds only app.asar and app-update.yml', () => {
    expect(readdirSync(join(release.appOutDir, 'resources')).sort()).toEqual(['app-update.yml', 'app.asar'])
  })

  it('writes the update feed from BANKID_KIOSK_UPDATE_URL into app-update.yml', () => {
    const updateYml = readFileSync(join(release.appOutDir, 'resources', 'app-update.yml'), 'utf8')
    expect(updateYml).toMatch(/^provider: generic$/m)
    expect(updateYml).toContain(`url: ${UPDATE_URL}`)
  })

  it('flips the release fuses in the Electron binary', async () => {
    expect(await fuseWire(join(release.appOutDir, 'bankid-kiosk'))).toBe(RELEASE_WIRE)
  })

  it('a --test-build (scripts/dist.ts) differs only in the inspector fuse, and falls back to the placeholder update URL', async () => {
    const wire = await fuseWire(join(testBuild.appOutDir, 'bankid-kiosk'))
    const inspect = FuseV1Options.EnableNodeCliInspectArguments
    expect(wire[inspect]).toBe('1')
    expect(wire.slice(0, inspect) + wire.slice(inspect + 1)).toBe(RELEASE_WIRE.slice(0, inspect) + RELEASE_WIRE.slice(inspect + 1))
    expect(readFileSync(join(testBuild.appOutDir, 'resources', 'app-update.yml'), 'utf8')).toContain(`url: ${PLACEHOLDER_UPDATE_URL}`)
    expect([...testBuild.entries].sort()).toEqual([...release.entries].sort())
    // Only the test build says so, and main tolerates Playwright's switches only then.
    const meta = (packed: Packed) => (JSON.parse(packed.read('package.json').toString('utf8')) as { kioskTestBuild?: unknown }).kioskTestBuild
    expect(meta(testBuild)).toBe(true)
    expect(meta(release)).toBeUndefined()
  })
})

/** Node's lookup: node_modules/<name> in the package's folder, then in each folder above it. */
function resolves(entries: Set<string>, fromDir: string, name: string): boolean {
  let dir = fromDir
  for (;;) {
    if (entries.has(posix.join(dir, 'node_modules', name, 'package.json'))) return true
    if (dir === '.' || dir === '') return false
    dir = posix.dirname(dir)
  }
}

/** The files a package's "main" and the Node conditions of its "exports" point at (not "types" or custom ones). */
function entryFiles(manifest: { main?: string; exports?: unknown }): string[] {
  const files: string[] = []
  if (typeof manifest.main === 'string') files.push(manifest.main)
  const collect = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      if (!value.includes('*')) files.push(value)
    } else if (value !== null && typeof value === 'object' && depth < 4) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === '.' || ['import', 'require', 'node', 'default'].includes(key)) collect(inner, depth + 1)
      }
    }
  }
  collect(manifest.exports, 0)
  return files
}
