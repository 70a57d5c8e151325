// The gateway benchmarks' rig: the simulator in this process, one gateway forked into its own
// (gateway-worker.ts), and kiosk clients made here with kiosk certificates from the test PKI.
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BankIdClient } from '../../src/main/bankid/client'
import { createHttpsTransport } from '../../src/main/bankid/transport'
import type { RpCredentials } from '../../src/main/bankid/transport'
import { issuerFromPem } from '../../src/main/pki/issue'
import { issueKioskCertificate } from '../../src/gateway/pki'
import { gatewayTestPki } from '../../test/support/gateway'
import type { GatewayTestPki } from '../../test/support/gateway'
import { startTestSimulator } from '../../test/support/simulator'
import type { TestSimulator } from '../../test/support/simulator'
import type { GatewayWorkerInput, GatewayWorkerMessage } from './gateway-worker'

const WORKER = fileURLToPath(new URL('./gateway-worker.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface GatewayRig {
  sim: TestSimulator
  pki: GatewayTestPki
  url: string
  /** A kiosk's BankID client: the gateway's URL, its CA only, the given kiosk certificate. */
  kioskClient(credentials: RpCredentials): BankIdClient
  /** The gateway process's memory after a full GC, its event-loop delay p99 since the last reset, its pending orders. */
  measure(): Promise<Extract<GatewayWorkerMessage, { kind: 'memory' }>>
  resetDelay(): void
  close(): Promise<void>
}

export async function startGatewayRig(): Promise<GatewayRig> {
  const sim = await startTestSimulator()
  const pki = await gatewayTestPki()
  const input: GatewayWorkerInput = {
    rpBaseUrl: sim.simulator.rpBaseUrl,
    serverCaPem: sim.simulator.pki.serverCaPem,
    clientP12Path: sim.simulator.pki.clientP12Path,
  }
  const child: ChildProcess = fork(WORKER, [JSON.stringify(input)], { cwd: ROOT, execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const next = <K extends GatewayWorkerMessage['kind']>(kind: K) =>
    new Promise<Extract<GatewayWorkerMessage, { kind: K }>>((resolve, reject) => {
      const onMessage = (message: GatewayWorkerMessage) => {
        if (message.kind !== kind) return
        child.off('message', onMessage)
        child.off('exit', onExit)
        resolve(message as Extract<GatewayWorkerMessage, { kind: K }>)
      }
      const onExit = (code: number | null) => reject(new Error(`the gateway process exited (${code}) before "${kind}"`))
      child.on('message', onMessage)
      child.once('exit', onExit)
    })
  const ready = await next('ready')
  const clients: BankIdClient[] = []
  return {
    sim,
    pki,
    url: ready.url,
    kioskClient(credentials) {
      const client = new BankIdClient({
        clock: { now: () => performance.now() },
        maintenanceRetry: { maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0 },
        transport: createHttpsTransport({ baseUrl: ready.url, caPem: pki.gatewayCaPem, credentials }),
      })
      clients.push(client)
      return client
    },
    measure() {
      const answer = next('memory')
      child.send({ kind: 'measure' })
      return answer
    },
    resetDelay() {
      child.send({ kind: 'reset-delay' })
    },
    async close() {
      for (const client of clients) client.close()
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.send({ kind: 'stop' })
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
      })
      await sim.close()
    },
  }
}

/** `count` kiosk certificates from the test PKI's kiosk CA, made once per run (RSA keys are the slow part). */
export async function kioskCertificates(pki: GatewayTestPki, count: number): Promise<RpCredentials[]> {
  const issuer = issuerFromPem(readFileSync(join(pki.dir, 'kiosk-ca.pem'), 'utf8'), readFileSync(join(pki.dir, 'kiosk-ca.key'), 'utf8'))
  const outDir = join(pki.dir, `bench-kiosks-${process.pid}`)
  const issued = await Promise.all(
    Array.from({ length: count }, (_, i) => issueKioskCertificate({ name: `bench-kiosk-${String(i).padStart(3, '0')}`, issuer, outDir })),
  )
  return issued.map((kiosk) => ({
    kind: 'pkcs12' as const,
    pfx: readFileSync(kiosk.p12Path),
    passphrase: readFileSync(kiosk.passphrasePath, 'utf8').trim(),
  }))
}
