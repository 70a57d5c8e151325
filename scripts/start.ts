// `npm start` (after `electron-vite build`): the kiosk in Electron, or — where this machine has no
// Electron binary — the same kiosk in the browser through the browser host.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { findElectronBinary } from './electron-binary'

const root = fileURLToPath(new URL('..', import.meta.url))
const electron = findElectronBinary(root)
if (electron) {
  const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  console.log('Electron is not installed on this machine (no binary in node_modules/electron): starting the kiosk in the browser instead.')
  await import('../src/main/browser-host/cli')
}
