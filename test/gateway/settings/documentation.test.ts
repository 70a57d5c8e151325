// docs/gateway-settings.md is made from the gateway's schema; it must be current, and every
// setting described where it is declared.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeDifference, settingEntries, undescribedKeys } from '../../../src/main/settings/documentation'
import { GATEWAY_SETTINGS_DOC_FILE, renderGatewaySettingsDoc } from '../../../src/gateway/settings/documentation'
import { gatewaySettingsSchema } from '../../../src/gateway/settings/schema'

const root = join(import.meta.dirname, '..', '..', '..')

describe('docs/gateway-settings.md', () => {
  it('is up to date (run npm run docs:settings after changing the gateway settings)', () => {
    const onDisk = readFileSync(join(root, GATEWAY_SETTINGS_DOC_FILE), 'utf8')
    expect(describeDifference(renderGatewaySettingsDoc(), onDisk)).toBeNull()
  })

  it('describes every setting, and has a heading for each', () => {
    expect(undescribedKeys(gatewaySettingsSchema)).toEqual([])
    const page = renderGatewaySettingsDoc()
    const entries = settingEntries(gatewaySettingsSchema)
    expect(entries.length).toBeGreaterThan(30)
    for (const entry of entries) expect(page, entry.key).toContain(`### \`${entry.key}\``)
    // The sample mistakes are the gateway's own sentences.
    expect(page).toContain('Setting "handoff.auth" must be "hmac" or "mtls" on the gateway')
  })
})
