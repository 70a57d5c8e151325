import { chromium } from '@playwright/test'
import { writeFileSync } from 'node:fs'
import { ensureChromium } from '../scripts/chromium'
import { startKiosk, openKioskPage, loadWelcome } from '../bench/lib/kiosk'
const kiosk = await startKiosk()
const browser = await chromium.launch({ executablePath: ensureChromium(), headless: true })
for (let i = 0; i < 3; i++) { const kp = await openKioskPage(browser, kiosk); await loadWelcome(kp, kiosk); await kp.close() }
const kp = await openKioskPage(browser, kiosk)
await browser.startTracing(kp.page, { path: '/tmp/trace.json', categories: ['devtools.timeline', 'v8.execute', 'blink', 'loading', 'disabled-by-default-devtools.timeline'] })
const m = await loadWelcome(kp, kiosk)
await browser.stopTracing()
console.log('painted', m.painted)
await kp.close(); await browser.close(); await kiosk.close()
