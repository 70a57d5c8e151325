import { chromium } from '@playwright/test'
import { ensureChromium } from '../scripts/chromium'
import { startKiosk, openKioskPage, loadWelcome } from '../bench/lib/kiosk'
import { median } from '../bench/lib/stats'

const WRAP = `(() => {
  const W = globalThis.WebSocket; const t = (globalThis.__ws = {});
  globalThis.WebSocket = function (...a) { t.created = performance.now(); const ws = new W(...a);
    ws.addEventListener('open', () => (t.open = performance.now()));
    ws.addEventListener('message', () => (t.msg ??= performance.now())); return ws };
  globalThis.WebSocket.prototype = W.prototype; Object.assign(globalThis.WebSocket, { OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2 });
  new MutationObserver(() => { if (!t.mounted && document.querySelector('#app *')) t.mounted = performance.now() }).observe(document, { subtree: true, childList: true });
})()`
const kiosk = await startKiosk()
const browser = await chromium.launch({ executablePath: ensureChromium(), headless: true })
const rows: Record<string, number>[] = []
for (let i = 0; i < 12; i++) {
  const kp = await openKioskPage(browser, kiosk)
  await kp.context.addInitScript({ content: WRAP })
  const mark = await loadWelcome(kp, kiosk)
  const t = (await kp.page.evaluate('globalThis.__ws')) as Record<string, number>
  rows.push({ ...t, dom: mark.dom, painted: mark.painted! })
  await kp.close()
}
for (const k of ['mounted', 'created', 'open', 'msg', 'dom', 'painted']) console.log(k, median(rows.slice(2).map((r) => r[k]!)).toFixed(1))
await browser.close(); await kiosk.close()
