// A running simulator plus clients wired to it over real mutual TLS, for tests.
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src/main/clock'
import type { BankIdClientOptions } from '../../src/main/bankid/client'
import { BankIdClient } from '../../src/main/bankid/client'
import type { RpCredentials, TransportOptions } from '../../src/main/bankid/transport'
import { createHttpsTransport } from '../../src/main/bankid/transport'
import { CLIENT_PASSPHRASE } from '../../src/main/simulator/certificates'
import type { SimulatorOptions, RunningSimulator } from '../../src/main/simulator/simulator'
import { startSimulator } from '../../src/main/simulator/simulator'
import { ManualClock } from './manual-clock'

/** One PKI for the whole test run: generating RSA keys is the slow part, and the folder is reused. */
export const TEST_PKI_DIR = join(tmpdir(), 'bankid-kiosk-test-pki')

export interface TestSimulator {
  simulator: RunningSimulator
  clock: ManualClock
  credentials: RpCredentials
  /** A client trusting only the simulator's CA, with the simulator's client certificate. */
  client(options?: Partial<Omit<BankIdClientOptions, 'transport'>> & { transport?: Partial<TransportOptions> }): BankIdClient
  close(): Promise<void>
}

export async function startTestSimulator(options: Partial<SimulatorOptions> & { clock?: Clock } = {}): Promise<TestSimulator> {
  const clock = new ManualClock()
  const simulator = await startSimulator({ pkiDir: TEST_PKI_DIR, clock, ...options })
  const credentials: RpCredentials = {
    kind: 'pkcs12',
    pfx: readFileSync(simulator.pki.clientP12Path),
    passphrase: CLIENT_PASSPHRASE,
  }
  const clients: BankIdClient[] = []
  return {
    simulator,
    clock,
    credentials,
    client({ transport, ...clientOptions } = {}) {
      const client = new BankIdClient({
        clock,
        // Retries in tests wait a few milliseconds, not seconds.
        maintenanceRetry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 20 },
        ...clientOptions,
        transport: createHttpsTransport({
          baseUrl: simulator.rpBaseUrl,
          caPem: simulator.pki.serverCaPem,
          credentials,
          ...transport,
        }),
      })
      clients.push(client)
      return client
    },
    async close() {
      for (const client of clients) client.close()
      await simulator.close()
    },
  }
}

/** A personnummer nobody else in the test run uses, so orders never collide by accident. */
let serial = 100
export function freshPersonalNumber(): string {
  serial += 1
  const nine = `900101${String(serial).padStart(3, '0')}`
  let sum = 0
  for (let i = 0; i < 9; i++) {
    let digit = Number(nine[i]) * (i % 2 === 0 ? 2 : 1)
    if (digit > 9) digit -= 9
    sum += digit
  }
  return `19${nine}${(10 - (sum % 10)) % 10}`
}
