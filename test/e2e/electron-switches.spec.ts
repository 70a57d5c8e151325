// The kiosk in Electron itself, started by hand rather than through Playwright's _electron (which
// always adds --inspect=0 --remote-debugging-port=0, tolerated only in this developer's build): a
// debugging switch on the command line and the kiosk refuses to run (exit code 1), naming the
// switch, before any window. Built by `npm run test:e2e`; Electron's binary cannot be downloaded
// on the development machines, so here this is reported as skipped; it runs wherever the binary exists.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { findElectronBinary } from '../../scripts/electron-binary'
import { skipWithoutElectron } from './support/electron'

skipWithoutElectron()

let dataDir: string

test.beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'kiosk-electron-switches-'))
})
test.afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

/** Starts the built kiosk with `args` before the app; its exit code and what it wrote to stderr. */
async function run(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const binary = findElectronBinary(process.cwd())
  if (!binary) throw new Error('no Electron binary (the spec should have been skipped)')
  const settings = join(dataDir, 'settings.json')
  writeFileSync(settings, JSON.stringify({ school: { name: 'Elektronskolan' }, logging: { directory: join(dataDir, 'logs'), level: 'debug' } }))
  const env = { ...process.env }
  delete env.ELECTRON_RUN_AS_NODE
  delete env.NODE_OPTIONS
  // As Playwright's _electron does on Linux (no setuid sandbox helper in CI containers).
  const sandbox = process.platform === 'linux' ? ['--no-sandbox'] : []
  const child = spawn(binary, [...sandbox, ...args, 'out/main/index.js', '--settings', settings], { env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)))
  clearTimeout(killer)
  return { code, stderr }
}

test('--remote-debugging-port=9222: the kiosk exits with code 1, naming the switch, before anything starts', async () => {
  const { code, stderr } = await run(['--remote-debugging-port=9222'])
  expect(code).toBe(1)
  expect(stderr).toContain('app.debugging-switch-refused')
  expect(stderr).toContain('--remote-debugging-port')
  // It never got as far as the settings and the log (kiosk.start is the runtime's first line).
  expect(existsSync(join(dataDir, 'logs'))).toBe(false)
})

test('the single-dash form Chromium also accepts is refused the same way', async () => {
  const { code, stderr } = await run(['-remote-debugging-port=9222'])
  expect(code).toBe(1)
  expect(stderr).toContain('--remote-debugging-port')
})
