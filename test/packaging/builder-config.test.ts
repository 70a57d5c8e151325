// electron-builder.yml against electron-builder's own schema (app-builder-lib's getConfig +
// validateConfiguration, what `electron-builder` runs before it builds anything), and the
// decisions in it that IT depends on. Offline and quick (~2 s).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Configuration } from 'app-builder-lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadBuilderConfig, root } from './support'

const ymlText = readFileSync(join(root, 'electron-builder.yml'), 'utf8')

describe('electron-builder.yml', () => {
  let config: Configuration
  beforeAll(async () => {
    config = await loadBuilderConfig(root)
  })

  it("passes electron-builder's own schema", () => {
    expect(config.appId).toBe('se.skolkiosk.bankidkiosk')
    expect(config.productName).toBe('BankID Kiosk')
  })

  describe('the check can fail', () => {
    let dir: string
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'builder-config-'))
      copyFileSync(join(root, 'package.json'), join(dir, 'package.json'))
    })
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('rejects an unknown top-level property and names it', async () => {
      writeFileSync(join(dir, 'electron-builder.yml'), `appIdd: se.example.typo\n${ymlText}`)
      await expect(loadBuilderConfig(dir)).rejects.toThrow(/unknown property 'appIdd'/)
    })

    it('rejects a misspelt installer option (electron-builder names only its section, "nsis")', async () => {
      expect(ymlText).toContain('\nnsis:\n')
      writeFileSync(join(dir, 'electron-builder.yml'), ymlText.replace('\nnsis:\n', '\nnsis:\n  perMachin: true\n'))
      await expect(loadBuilderConfig(dir)).rejects.toThrow(/configuration\.nsis should be/)
    })

    it('accepts the unchanged copy (so the rejections above are about the typo)', async () => {
      writeFileSync(join(dir, 'electron-builder.yml'), ymlText)
      await expect(loadBuilderConfig(dir)).resolves.toMatchObject({ appId: 'se.skolkiosk.bankidkiosk' })
    })
  })

  it('ships only the built app, the CAs and package.json; its "!" patterns cannot hide whole folders in node_modules', () => {
    // getConfig normalises `files` to [{ filter: [...] }].
    const files = (config.files as { filter: string[] }[]).flatMap((set) => set.filter)
    expect(files.filter((pattern) => !pattern.startsWith('!'))).toEqual(['out/**', 'resources/**', 'package.json'])
    // Exclusions reach into node_modules too: those starting with **/ may only name file extensions.
    for (const pattern of files.filter((item) => item.startsWith('!**/'))) {
      expect(pattern).toMatch(/^!\*\*\/\*\.(\w+|\{[\w,]+\})$/)
    }
    expect(files).toContain('!**/*.map')
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toEqual([])
  })

  it('flips the release fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('builds per-machine Windows installers: NSIS without a folder choice, and an MSI with a fixed upgrade code', () => {
    expect(config.win?.target).toEqual([
      { target: 'nsis', arch: ['x64'] },
      { target: 'msi', arch: ['x64'] },
    ])
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: true,
      allowToChangeInstallationDirectory: false,
      runAfterFinish: false,
    })
    expect(config.msi).toMatchObject({ perMachine: true, runAfterFinish: false })
    expect(config.msi?.upgradeCode).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/)
  })

  it('holds no signing configuration or secret: signing comes from the environment (scripts/dist.ts)', () => {
    expect(config.win).not.toHaveProperty('azureSignOptions')
    expect(config.win).not.toHaveProperty('signtoolOptions')
    expect(config.forceCodeSigning ?? false).toBe(false)
    expect(ymlText).not.toMatch(/^\s*[^#\s].*(password|secret|cscLink|certificateSha1|certificateFile)\s*:/im)
  })

  it('publishes to a generic server whose URL comes from BANKID_KIOSK_UPDATE_URL', () => {
    expect(config.publish).toEqual([{ provider: 'generic', url: '${env.BANKID_KIOSK_UPDATE_URL}' }])
  })

  it('makes a deb that installs /opt/BankID Kiosk/bankid-kiosk with its libraries declared', () => {
    expect(config.linux?.target).toEqual(['deb', 'AppImage'])
    expect(config.linux?.executableName).toBe('bankid-kiosk')
    expect(config.deb?.depends).toEqual(expect.arrayContaining(['libnss3', 'libgtk-3-0', 'libgbm1', 'libasound2']))
  })
})
