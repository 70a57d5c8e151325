// `npm run simulator`: the BankID simulator on its own, for people and for curl. Importing this
// module runs it.
import { homedir } from 'node:os'
import { parseArgs } from 'node:util'
import { defaultSimulatorPkiDir } from './certificates'
import { describeSimulator, startSimulator } from './simulator'

export const DEFAULT_RP_PORT = 7443
export const DEFAULT_APP_PORT = 7480

const USAGE = `Usage: npm run simulator -- [--cert-dir DIR] [--port N] [--app-port N]

  --cert-dir DIR   where the simulator keeps its certificates (made on first start)
  --port N         port of the RP API (HTTPS, mutual TLS), default ${DEFAULT_RP_PORT}; 0 picks a free one
  --app-port N     port of the simulated BankID app, default ${DEFAULT_APP_PORT}; 0 picks a free one`

function parsePort(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`${flag} must be a port number (0–65535), not "${value}"`)
  return port
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'cert-dir': { type: 'string' },
      port: { type: 'string' },
      'app-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const simulator = await startSimulator({
    pkiDir: values['cert-dir'] ?? defaultSimulatorPkiDir(process.platform, process.env, homedir()),
    rpPort: parsePort(values.port, DEFAULT_RP_PORT, '--port'),
    controlPort: parsePort(values['app-port'], DEFAULT_APP_PORT, '--app-port'),
  })
  console.log(describeSimulator(simulator))
  const stop = () => {
    void simulator.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(`The simulator could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
