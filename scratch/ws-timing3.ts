import { chromium } from '@playwright/test'
import { ensureChromium } from '../scripts/chromium'
import { startKiosk, openKioskPage, loadWelcome } from '../bench/lib/kiosk'
const WRAP = `(() => { const t = (globalThis.__t = { long: [] }); const W = globalThis.WebSocket; globalThis.WebSocket = function (...a) { t.created = performance.now(); const ws = new W(...a); ws.addEventListener('open', () => (t.open = performance.now())); ws.addEventListener('message', () => (t.msg ??= performance.now())); return ws }; globalThis.WebSocket.prototype = W.prototype; Object.assign(globalThis.WebSocket, { OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2 });
new PerformanceObserver((l) => { for (const e of l.getEntries()) t.long.push([Math.round(e.startTime), Math.round(e.duration)]) }).observe({ type: 'longtask', buffered: true });
let last = performance.now(); const gaps = (t.gaps = []); const tick = () => { const n = performance.now(); if (n - last > 20) gaps.push([Math.round(last), Math.round(n - last)]); last = n; if (n < 600) setTimeout(tick, 0) }; setTimeout(tick, 0) })()`
const kiosk = await startKiosk()
const browser = await chromium.launch({ executablePath: ensureChromium(), headless: true })
for (let i = 0; i < 6; i++) {
  const kp = await openKioskPage(browser, kiosk)
  await kp.context.addInitScript({ content: WRAP })
  const m = await loadWelcome(kp, kiosk)
  const t = (await kp.page.evaluate('globalThis.__t')) as any
  if (i >= 2) console.log(JSON.stringify({ created: Math.round(t.created), open: Math.round(t.open), msg: Math.round(t.msg), painted: Math.round(m.painted!), long: t.long, gaps: t.gaps }))
  await kp.close()
}
await browser.close(); await kiosk.close()
