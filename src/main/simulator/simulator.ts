// Starts the whole BankID simulator: the mutual-TLS RP API and the loopback control side (the
// simulated app and its JSON API), sharing one order book, one fault table and one clock.
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:net'
import type { Clock } from '../clock'
import { monotonicClock } from '../clock'
import { CLIENT_PASSPHRASE, loadOrCreateSimulatorPki } from './certificates'
import type { SimulatorPki } from './certificates'
import { createControlServer } from './control-server'
import { SimulatorProofSigner } from './bankid-proof'
import { FaultTable } from './faults'
import { BANKID_TIMINGS, OrderBook } from './order-book'
import type { SimulatorTimings } from './order-book'
import { PeopleRegistry } from './people'
import { createRpServer, RequestLog, RP_API_PATH } from './rp-server'

export const SIMULATOR_HOST = '127.0.0.1'

export interface SimulatorOptions {
  /** Where the simulator keeps its CA, server and client certificates (made on first start). */
  pkiDir: string
  /** 0 picks a free port. */
  rpPort?: number
  controlPort?: number
  clock?: Clock
  timings?: Partial<SimulatorTimings>
  /** Serve this certificate instead of the generated one (fault tests: an expired server cert). */
  serverCertificate?: { certPem: string; keyPem: string }
}

export interface RunningSimulator {
  /** e.g. https://127.0.0.1:7443/rp/v6.0/ */
  rpBaseUrl: string
  /** The simulated BankID app, and the base of the control API (…/api/…). */
  appUrl: string
  pki: SimulatorPki
  orders: OrderBook
  faults: FaultTable
  people: PeopleRegistry
  log: RequestLog
  close(): Promise<void>
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const clock = options.clock ?? monotonicClock
  const pki = await loadOrCreateSimulatorPki(options.pkiDir)
  const people = new PeopleRegistry()
  const signer = new SimulatorProofSigner(pki.proof)
  const orders = new OrderBook(clock, people, (input) => signer.prove(input), { ...BANKID_TIMINGS, ...options.timings })
  const faults = new FaultTable()
  const log = new RequestLog()
  const rp = createRpServer({
    key: options.serverCertificate?.keyPem ?? pki.serverKeyPem,
    cert: options.serverCertificate?.certPem ?? pki.serverCertPem,
    clientCaPem: pki.clientCaPem,
    orders,
    faults,
    log,
    clock,
  })
  const control = createControlServer({ orders, faults, people, log })

  const rpPort = await listen(rp.server, options.rpPort ?? 0)
  let controlPort: number
  try {
    controlPort = await listen(control, options.controlPort ?? 0)
  } catch (error) {
    await rp.close()
    throw error
  }

  return {
    rpBaseUrl: `https://${SIMULATOR_HOST}:${rpPort}${RP_API_PATH}`,
    appUrl: `http://${SIMULATOR_HOST}:${controlPort}/`,
    pki,
    orders,
    faults,
    people,
    log,
    async close() {
      await Promise.all([
        rp.close(),
        new Promise<void>((resolve) => {
          control.close(() => resolve())
          control.closeAllConnections()
        }),
      ])
    },
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${SIMULATOR_HOST} is already in use; choose another one`)
          : error,
      )
    }
    server.once('error', onError)
    server.listen(port, SIMULATOR_HOST, () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** What `npm run simulator` prints: where everything is, and a curl line that starts an order. */
export function describeSimulator(simulator: RunningSimulator): string {
  const { pki } = simulator
  const exampleBody = JSON.stringify({ endUserIp: '127.0.0.1', requirement: { personalNumber: '199001012385' } })
  return [
    'BankID simulator (RP API v6) is running.',
    `  RP API:         ${simulator.rpBaseUrl}   (HTTPS, mutual TLS)`,
    `  Simulated app:  ${simulator.appUrl}`,
    `  Certificates:   ${pki.dir}`,
    `    trust only:   ${pki.serverCaPath}`,
    `    client:       ${pki.clientCertPath} + ${pki.clientKeyPath}, or ${pki.clientP12Path} (passphrase ${CLIENT_PASSPHRASE})`,
    `    logins signed under: ${pki.signingRootCaPath}   (a hand-off receiver in test mode trusts this)`,
    '',
    'Start an order:',
    `  curl --cacert '${pki.serverCaPath}' --cert '${pki.clientCertPath}' --key '${pki.clientKeyPath}' --pass ${CLIENT_PASSPHRASE} \\`,
    `    -H 'Content-Type: application/json' -d '${exampleBody}' ${simulator.rpBaseUrl}auth`,
    '',
    'Press Ctrl+C to stop.',
  ].join('\n')
}
