// scripts/dist.ts: how the build picks its signing and update URL from the environment. Each plan's
// overrides are checked with electron-builder's own schema, merged over electron-builder.yml,
// because that is what electron-builder makes of the -c.… arguments the plan passes it.
import { describe, expect, it } from 'vitest'
import {
  AZURE_SIGNING_ENV,
  PLACEHOLDER_UPDATE_URL,
  UPDATE_URL_ENV,
  planBuild,
  targetsWindows,
  toConfigArgs,
} from '../../scripts/dist'
import { loadBuilderConfig, root } from './support'

const azureEnv = {
  [AZURE_SIGNING_ENV.publisherName]: 'Exempel Kommun',
  [AZURE_SIGNING_ENV.endpoint]: 'https://weu.codesigning.azure.net/',
  [AZURE_SIGNING_ENV.codeSigningAccountName]: 'exempel-signing',
  [AZURE_SIGNING_ENV.certificateProfileName]: 'bankid-kiosk',
}
const URL_ENV = { [UPDATE_URL_ENV]: 'https://updates.example-skola.se/bankid-kiosk/' }

describe('planBuild', () => {
  it('builds unsigned with the placeholder update URL when nothing is configured (a developer build)', async () => {
    const plan = planBuild(['--win', '--dir'], {}, 'linux')
    expect(plan.signing).toBe('unsigned')
    expect(plan.builderArgs).toEqual(['--win', '--dir'])
    expect(plan.env[UPDATE_URL_ENV]).toBe(PLACEHOLDER_UPDATE_URL)
    expect(plan.notes.join('\n')).toMatch(/NOT be signed/)
    await loadBuilderConfig(root, plan.overrides)
  })

  it('signs with Azure Trusted Signing when its four variables are set', async () => {
    const plan = planBuild(['--win'], { ...azureEnv, ...URL_ENV }, 'linux')
    expect(plan.signing).toBe('azure')
    expect(plan.overrides).toEqual({
      win: {
        azureSignOptions: {
          publisherName: 'Exempel Kommun',
          endpoint: 'https://weu.codesigning.azure.net/',
          codeSigningAccountName: 'exempel-signing',
          certificateProfileName: 'bankid-kiosk',
        },
      },
    })
    expect(plan.builderArgs).toContain('-c.win.azureSignOptions.publisherName=Exempel Kommun')
    const config = await loadBuilderConfig(root, plan.overrides)
    expect(config.win?.azureSignOptions?.endpoint).toBe('https://weu.codesigning.azure.net/')
    expect(config.win?.target).toHaveLength(2) // the yml's settings are still there
  })

  it('refuses half an Azure configuration, and two signing methods at once', () => {
    const { [AZURE_SIGNING_ENV.endpoint]: _endpoint, ...threeOfFour } = azureEnv
    expect(() => planBuild(['--win'], threeOfFour, 'linux')).toThrow(/AZURE_TRUSTED_SIGNING_ENDPOINT/)
    expect(() => planBuild(['--win'], { ...azureEnv, WIN_CSC_LINK: 'cert.pfx' }, 'linux')).toThrow(/choose one/)
  })

  it('signs with signtool for a certificate file (read by electron-builder) or one in the store', async () => {
    expect(planBuild(['--win'], { WIN_CSC_LINK: 'C:\\certs\\kiosk.pfx' }, 'win32')).toMatchObject({ signing: 'signtool', overrides: {} })
    const store = planBuild(['--win'], { WIN_CERTIFICATE_SHA1: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' }, 'win32')
    expect(store.overrides).toEqual({ win: { signtoolOptions: { certificateSha1: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' } } })
    await loadBuilderConfig(root, store.overrides)
  })

  it('a --release must be signed (for Windows) and have a real https update URL', async () => {
    expect(() => planBuild(['--win', '--release'], URL_ENV, 'linux')).toThrow(/must be signed/)
    expect(() => planBuild(['--win', '--release'], azureEnv, 'linux')).toThrow(UPDATE_URL_ENV)
    expect(() => planBuild(['--linux'], { [UPDATE_URL_ENV]: 'http://updates.example-skola.se/' }, 'linux')).toThrow(/https/)
    const plan = planBuild(['--win', '--release'], { ...azureEnv, ...URL_ENV }, 'linux')
    expect(plan.overrides).toMatchObject({ win: { forceCodeSigning: true } })
    await loadBuilderConfig(root, plan.overrides)
    // Linux packages are not signed; a Linux release only needs the URL.
    expect(planBuild(['--linux', '--release'], URL_ENV, 'linux')).toMatchObject({ signing: 'unsigned', overrides: {} })
  })

  it('a --test-build turns the inspector fuse on for Playwright, and is never a release', async () => {
    const plan = planBuild(['--test-build', '--dir'], {}, 'linux')
    expect(plan.builderArgs).toEqual(['--dir', '-c.electronFuses.enableNodeCliInspectArguments=true', '-c.extraMetadata.kioskTestBuild=true'])
    const config = await loadBuilderConfig(root, plan.overrides)
    expect(config.electronFuses).toMatchObject({ enableNodeCliInspectArguments: true, runAsNode: false, onlyLoadAppFromAsar: true })
    // Main tolerates Playwright's own switches only in a build that says so (shell/debugging-switches.ts).
    expect(config.extraMetadata).toMatchObject({ kioskTestBuild: true })
    expect(() => planBuild(['--test-build', '--release'], { ...azureEnv, ...URL_ENV }, 'linux')).toThrow(/never be a --release/)
  })

  it('knows which arguments build for Windows', () => {
    expect(targetsWindows([], 'win32')).toBe(true)
    expect(targetsWindows([], 'linux')).toBe(false)
    expect(targetsWindows(['--linux', 'deb'], 'win32')).toBe(false)
    expect(targetsWindows(['-wl'], 'linux')).toBe(true)
    expect(targetsWindows(['--windows', 'nsis'], 'linux')).toBe(true)
  })

  it('never passes a value that electron-builder\'s command line would turn into a number or true/false', () => {
    expect(toConfigArgs({ win: { azureSignOptions: { endpoint: 'https://x.example/' } } })).toEqual([
      '-c.win.azureSignOptions.endpoint=https://x.example/',
    ])
    expect(() => toConfigArgs({ win: { signtoolOptions: { certificateSha1: '1234567890' } } })).toThrow(/cannot be passed/)
    expect(() => toConfigArgs({ name: 'true' })).toThrow(/cannot be passed/)
  })
})
