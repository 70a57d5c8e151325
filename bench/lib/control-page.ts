// A control for the page-load metric: the smallest page that does what the kiosk's first screen
// does (HTML, one module script, a welcome button), served from loopback like the browser host.
// Measured the same way, interleaved with the kiosk's runs, it shows what this machine, this
// Chromium and a fresh Playwright context cost before the kiosk's own code adds anything.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const HTML =
  '<!doctype html><html lang="sv"><head><meta charset="UTF-8"><title>control</title></head>' +
  '<body><div id="app"></div><script type="module" src="/main.js"></script></body></html>'

const SCRIPT = `
const section = document.createElement('section')
section.className = 'screen welcome'
const button = document.createElement('button')
button.type = 'button'
button.className = 'primary huge'
button.textContent = 'Logga in med Mobilt BankID'
section.append(button)
document.getElementById('app').append(section)
`

export interface ControlPage {
  /** The bare page. */
  url: string
  /** The same page with the browser host's Cross-Origin-Opener-Policy: same-origin. */
  coopUrl: string
  close(): Promise<void>
}

export async function startControlPage(): Promise<ControlPage> {
  const server = createServer((request, response) => {
    const script = request.url === '/main.js'
    response.writeHead(200, {
      'Content-Type': script ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      ...(request.url === '/coop/' ? { 'Cross-Origin-Opener-Policy': 'same-origin' } : {}),
    })
    response.end(script ? SCRIPT : HTML)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    coopUrl: `http://127.0.0.1:${port}/coop/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
