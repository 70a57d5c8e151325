// `npm start` (after `electron-vite build`): the kiosk in Electron, fetching Electron's binary first
// where it is missing (scripts/electron-fetch.ts: bounded, a few seconds at most offline); only
// where it cannot be had, the same kiosk in the browser through the browser host.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ensureElectronBinary } from './electron-fetch'

const root = fileURLToPath(new URL('..', import.meta.url))
const { binary, reason } = await ensureElectronBinary(root)
if (binary) {
  const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  console.log(`Electron is not available (${reason}): starting the kiosk in the browser instead.`)
  await import('../src/main/browser-host/cli')
}
