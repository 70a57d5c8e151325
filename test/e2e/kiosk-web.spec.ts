// The real kiosk stack in Chromium: runtime (settings, log, simulator, session) + browser host +
// the built renderer (`npm run test:e2e` builds it first).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { openCounterStore } from '../../src/main/counters/outcome-counters'
import { startBrowserHost } from '../../src/main/browser-host/server'
import type { BrowserHost } from '../../src/main/browser-host/server'
import { startRuntime } from '../../src/main/runtime'
import type { KioskRuntime } from '../../src/main/runtime'

let runtime: KioskRuntime
let host: BrowserHost

test.beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-web-'))
  const settings = join(dataDir, 'settings.json')
  writeFileSync(settings, JSON.stringify({ school: { name: 'Testskolan' } }))
  runtime = await startRuntime({
    argv: ['--settings', settings],
    env: {},
    platform: process.platform,
    resourcesDir: 'resources',
    dataDir,
    openCounterStore: () => openCounterStore(dataDir),
    version: 'e2e',
  })
  host = await startBrowserHost({ session: runtime.session, rendererDir: 'out/renderer' })
})
test.afterAll(async () => {
  await host.close()
  await runtime.close()
})

test('the built renderer connects to the session through the bridge', async ({ page }) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  await page.goto(host.url)
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome')
  expect(page.url()).not.toContain('token')
  expect(problems).toEqual([])
})
