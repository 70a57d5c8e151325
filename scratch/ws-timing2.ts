import { chromium } from '@playwright/test'
import { ensureChromium } from '../scripts/chromium'
import { startKiosk, openKioskPage, loadWelcome } from '../bench/lib/kiosk'
import { median } from '../bench/lib/stats'
const WRAP = `(() => { const W = globalThis.WebSocket; globalThis.WebSocket = function (...a) { globalThis.__created = Date.now(); const ws = new W(...a); ws.addEventListener('open', () => (globalThis.__open = Date.now())); return ws }; globalThis.WebSocket.prototype = W.prototype; Object.assign(globalThis.WebSocket, { OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2 }) })()`
const kiosk = await startKiosk()
const browser = await chromium.launch({ executablePath: ensureChromium(), headless: true })
const rows: number[][] = []
for (let i = 0; i < 12; i++) {
  const kp = await openKioskPage(browser, kiosk)
  await kp.context.addInitScript({ content: WRAP })
  await loadWelcome(kp, kiosk)
  const [c, o] = (await kp.page.evaluate('[globalThis.__created, globalThis.__open]')) as number[]
  rows.push([(globalThis as any).__up - c!, o! - (globalThis as any).__up, (globalThis as any).__hs - (globalThis as any).__up])
  await kp.close()
}
console.log('created→server upgrade', median(rows.slice(2).map((r) => r[0]!)), 'upgrade→open', median(rows.slice(2).map((r) => r[1]!)), 'upgrade→handshake cb', median(rows.slice(2).map((r) => r[2]!)))
await browser.close(); await kiosk.close()
