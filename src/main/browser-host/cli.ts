// `npm run start:web`: the kiosk without Electron — the runtime (settings, log, BankID or the
// simulator, session) plus the browser host serving the built renderer. Importing this runs it.
import { readFileSync, existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { openCounterStore } from '../counters/outcome-counters'
import { defaultDataDir } from '../paths'
import { startRuntime } from '../runtime'
import { startBrowserHost } from './server'

const root = fileURLToPath(new URL('../../..', import.meta.url))

/** Set once the host runs; until then (the runtime still starting) exiting just ends the process. */
let stopHost: (() => void) | null = null
let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  if (stopHost) stopHost()
  else process.exit(0)
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, settings: { type: 'string' } }, strict: false })
  const rendererDir = join(root, 'out', 'renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${rendererDir} is missing): run "npm run build" first`)
  }
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, not "${String(values.port)}"`)
  const dataDir = defaultDataDir(process.platform, process.env, homedir())
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  const runtime = await startRuntime({
    argv: process.argv.slice(2),
    env: process.env,
    platform: process.platform,
    resourcesDir: join(root, 'resources'),
    dataDir,
    openCounterStore: () => openCounterStore(dataDir),
    version,
    // The staff screen's exit (only offered when the settings allow it) stops the host.
    exit: () => stop(),
  })
  const host = await startBrowserHost({
    session: runtime.session,
    rendererDir,
    port,
    frameOrigins: runtime.frameOrigins,
    log: (level, event, fields) => runtime.logger[level](event, fields),
  })
  const lines = [
    'The kiosk is running in the browser host.',
    `  Kiosk:          ${host.url}`,
    ...(runtime.simulator ? [`  Simulated app:  ${runtime.simulator.appUrl}   (the parent's phone: scan, security code 123456)`] : []),
    `  Settings:       ${runtime.settings.path}${runtime.settings.ok && !runtime.settings.fromFile ? ' (not found: defaults, the built-in BankID simulator)' : ''}`,
    `  Logs:           ${runtime.logDirectory}`,
    `  Health:         ${runtime.health.file}${runtime.health.heartbeat ? ' (and the heartbeat)' : ''}`,
  ]
  if (!runtime.settings.ok) lines.push(`  OUT OF SERVICE: ${runtime.settings.problem}`)
  console.log([...lines, '', 'Open the kiosk URL in Chromium or Chrome. Press Ctrl+C to stop.'].join('\n'))
  stopHost = () => {
    void host
      .close()
      .then(() => runtime.close())
      .then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(`The kiosk could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
