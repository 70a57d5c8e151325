// `npm run simulator` as a person uses it: a child process that prints where everything is and an
// example request, which must work exactly as printed.
import { execFile, spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_PASSPHRASE, loadOrCreateSimulatorPki } from '../../../src/main/simulator/certificates'
import { httpsRequest, jsonOf } from '../../support/raw-https'
import type { RawTls } from '../../support/raw-https'
import { TEST_PKI_DIR } from '../../support/simulator'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx')
const CLI = 'src/main/simulator/cli.ts'
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const hasCurl = spawnSync('curl', ['--version']).status === 0

let tmp: string
let certDir: string
let child: ChildProcess
let stdout = ''
let stderr = ''

/** What the CLI printed, parsed. */
interface Printed {
  rpBaseUrl: string
  appUrl: string
  caPath: string
  certPath: string
  keyPath: string
  passphrase: string
  contentType: string
  body: string
  exampleUrl: string
  curlCommand: string
}
let printed: Printed

function match(pattern: RegExp): string[] {
  const found = pattern.exec(stdout)
  if (!found) throw new Error(`${String(pattern)} not found in the CLI output:\n${stdout}`)
  return found.slice(1).map((group) => group ?? '')
}

beforeAll(async () => {
  // Reuse the run's PKI (generating RSA keys is the slow part), in a folder of our own.
  await loadOrCreateSimulatorPki(TEST_PKI_DIR)
  tmp = await mkdtemp(path.join(os.tmpdir(), 'kiosk-cli-'))
  certDir = path.join(tmp, 'pki')
  await cp(TEST_PKI_DIR, certDir, { recursive: true })

  // Its own process group, so afterAll can stop tsx and the node process it starts together.
  child = spawn(TSX, [CLI, '--cert-dir', certDir, '--port', '0', '--app-port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  child.stdout?.setEncoding('utf8')
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => (stderr += chunk))
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk
      if (stdout.includes('Press Ctrl+C')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`the CLI exited (${String(code)}) before it was ready:\n${stdout}\n${stderr}`)))
  })

  const [rpBaseUrl = ''] = match(/RP API:\s+(https:\/\/\S+)/)
  const [appUrl = ''] = match(/Simulated app:\s+(http:\/\/\S+)/)
  const [caPath = '', certPath = '', keyPath = '', passphrase = ''] = match(
    /curl --cacert '([^']+)' --cert '([^']+)' --key '([^']+)' --pass (\S+)/,
  )
  const [contentType = '', body = '', exampleUrl = ''] = match(/-H 'Content-Type: ([^']+)' -d '([^']+)' (https:\/\/\S+)/)
  const [curlCommand = ''] = match(/^\s*(curl [^\n]*\\\n[^\n]*)$/m)
  printed = { rpBaseUrl, appUrl, caPath, certPath, keyPath, passphrase, contentType, body, exampleUrl, curlCommand }
}, 30_000)

afterAll(async () => {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await rm(tmp, { recursive: true, force: true })
})

describe('npm run simulator', () => {
  it('prints the RP API URL, the app URL and the certificates in the folder it was given', () => {
    expect(printed.rpBaseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/rp\/v6\.0\/$/)
    expect(printed.rpBaseUrl).not.toMatch(/:0\//)
    expect(printed.appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(printed.exampleUrl).toBe(`${printed.rpBaseUrl}auth`)
    expect(printed.caPath).toBe(path.join(certDir, 'ssl-root-ca.pem'))
    expect(printed.certPath).toBe(path.join(certDir, 'client.crt'))
    expect(printed.keyPath).toBe(path.join(certDir, 'client.key'))
    expect(printed.passphrase).toBe(CLIENT_PASSPHRASE)
    expect(printed.contentType).toBe('application/json')
    expect(stdout).toContain(`Certificates:   ${certDir}`)
  })

  it('the printed example request works as printed: 200, then alreadyInProgress, and GET is 405', async () => {
    const tls: RawTls = {
      ca: readFileSync(printed.caPath),
      cert: readFileSync(printed.certPath),
      key: readFileSync(printed.keyPath),
      passphrase: printed.passphrase,
    }
    const send = () =>
      httpsRequest(printed.exampleUrl, tls, { headers: { 'Content-Type': printed.contentType }, body: printed.body })

    const first = await send()
    expect(first.status, first.text).toBe(200)
    expect((jsonOf(first) as { orderRef: string }).orderRef).toMatch(UUID_V4)

    const second = await send()
    expect({ status: second.status, body: jsonOf(second) }).toEqual({
      status: 400,
      body: { errorCode: 'alreadyInProgress', details: 'Order already in progress for pno' },
    })

    const get = await httpsRequest(printed.exampleUrl, tls, { method: 'GET' })
    expect({ status: get.status, allow: get.headers.allow, body: jsonOf(get) }).toEqual({
      status: 405,
      allow: 'POST',
      body: { errorCode: 'methodNotAllowed', details: 'Method not allowed' },
    })
  })

  it('serves the simulated app at the printed URL', async () => {
    const response = await fetch(printed.appUrl)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<title>Simulated BankID app</title>')
  })

  it.skipIf(!hasCurl)('the printed curl command works when pasted into a shell', async () => {
    // The second request above cancelled the first order (the default conflictCancelsExisting), so
    // nothing is in progress for the example's personal number and this one starts a new order.
    const { stdout: out } = await promisify(execFile)('sh', ['-c', `${printed.curlCommand} -s -w '\\n%{http_code}'`])
    const [body = '', status] = out.split('\n')
    expect(status, out).toBe('200')
    expect((JSON.parse(body) as { orderRef: string }).orderRef).toMatch(UUID_V4)
  })

  it('stops on SIGTERM with exit code 0 and closes its ports', async () => {
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null]
    expect({ code, signal }).toEqual({ code: 0, signal: null })
    await expect(fetch(printed.appUrl)).rejects.toThrow()
  })
})

describe('bad arguments', () => {
  /** Runs the CLI to its end; resolves with its exit code and everything it printed. */
  async function runToEnd(args: string[]): Promise<{ code: number | null; out: string }> {
    const run = spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    run.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    run.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const [code] = (await once(run, 'exit')) as [number | null]
    return { code, out }
  }

  it('a bad --port or --app-port exits 1 naming the flag, before making any certificates', async () => {
    const cases = [
      ['--port', 'abc'],
      ['--app-port', '70000'],
      ['--port', '1.5'],
    ] as const
    // In parallel: each run costs a tsx start-up.
    const results = await Promise.all(
      cases.map(([flag, value], i) => runToEnd(['--cert-dir', path.join(tmp, `never-${i}`), flag, value])),
    )
    results.forEach(({ code, out }, i) => {
      const [flag, value] = cases[i] ?? ['', '']
      expect(code, out).toBe(1)
      expect(out).toContain(`The simulator could not start: ${flag} must be a port number (0–65535), not "${value}"`)
      expect(out).not.toContain('Press Ctrl+C')
      expect(existsSync(path.join(tmp, `never-${i}`))).toBe(false)
    })
  })
})
