// The gateway as IT runs it: the built bundle (out/gateway/cli.js, what the systemd unit, the
// container and the Kubernetes Deployment start) with a settings file. It refuses to start
// half-configured with one sentence, starts and answers its probes, stops cleanly on SIGTERM, and
// issues kiosk certificates.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { gatewayTestPki } from '../support/gateway'
import type { GatewayTestPki } from '../support/gateway'

const root = join(import.meta.dirname, '..', '..')
const bundle = join(root, 'out/gateway/cli.js')

let pki: GatewayTestPki
beforeAll(async () => {
  if (!existsSync(bundle)) {
    const built = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--ssr', 'src/gateway/cli.ts', '--outDir', 'out/gateway', '--emptyOutDir'], { cwd: root, encoding: 'utf8' })
    if (built.status !== 0) throw new Error(`build:gateway failed: ${built.stderr}`)
  }
  pki = await gatewayTestPki()
}, 60_000)

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function settingsFile(settings: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-cli-'))
  const file = join(dir, 'settings.json')
  writeFileSync(file, typeof settings === 'string' ? settings : JSON.stringify(settings))
  return file
}

const run = (args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'gateway-cli-data-')) } })

async function validSettings(): Promise<{ file: string; port: number; operationsPort: number }> {
  const [port, operationsPort] = [await freePort(), await freePort()]
  const file = settingsFile({
    bankid: { environment: 'simulator' },
    server: { certificate: { cert: pki.serverCertPath, key: pki.serverKeyPath } },
    kiosks: { ca: pki.kioskCaPath },
    state: { secret: { file: pki.stateKeyPath } },
    listen: { host: '127.0.0.1', port },
    operations: { host: '127.0.0.1', port: operationsPort },
  })
  return { file, port, operationsPort }
}

describe('node out/gateway/cli.js', () => {
  it('refuses to start half-configured, with one sentence naming the key', () => {
    const missing = run(['--settings', join(tmpdir(), 'no-such-gateway-settings.json')])
    expect(missing.status).toBe(1)
    expect(missing.stderr.trim()).toMatch(/^The gateway cannot start: The settings file .*no-such-gateway-settings\.json does not exist \(it was named by --settings\)\.$/)

    const unknown = run(['--settings', settingsFile({ bankId: {} })])
    expect(unknown.status).toBe(1)
    expect(unknown.stderr.trim()).toMatch(/^The gateway cannot start: Setting "bankId" is not a known setting \(did you mean "bankid"\?\)\.$/)

    const noState = run(['--settings', settingsFile({ server: { certificate: { pkcs12: 'x.p12' } }, kiosks: { ca: 'ca.pem' } })])
    expect(noState.status).toBe(1)
    expect(noState.stderr).toContain('Setting "state" is required')
    expect(unknown.stdout + noState.stdout).toBe('')
  })

  it('starts, answers /healthz and /readyz, logs JSON lines, and stops cleanly on SIGTERM', async () => {
    const { file, operationsPort } = await validSettings()
    const child = spawn(process.execPath, [bundle, '--settings', file], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    const started = performance.now()
    while (!stdout.includes('"gateway.start"')) {
      if (performance.now() - started > 15_000 || child.exitCode !== null) throw new Error(`no start line: ${stdout}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const health = await fetch(`http://127.0.0.1:${operationsPort}/healthz`)
    expect(health.status).toBe(200)
    const ready = await fetch(`http://127.0.0.1:${operationsPort}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ ready: true, checks: { bankid: { reachable: true } } })

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { event: string }).event)
    expect(events).toEqual(expect.arrayContaining(['gateway.start', 'gateway.signal', 'gateway.stopping', 'gateway.stop']))
  })

  it('issues a kiosk certificate from the kiosk CA, with the line that would revoke it', () => {
    const out = mkdtempSync(join(tmpdir(), 'gateway-issue-'))
    const result = run([
      'issue-kiosk-certificate',
      '--name',
      'reception-hus-c',
      '--ca-cert',
      pki.kioskCaPath,
      '--ca-key',
      join(pki.dir, 'kiosk-ca.key'),
      '--out',
      out,
      '--gateway-url',
      'https://gateway.example-kommun.se:8443/rp/v6.0/',
      '--gateway-ca',
      pki.gatewayCaPath,
    ])
    expect(result.status, result.stderr).toBe(0)
    const p12 = readFileSync(join(out, 'reception-hus-c.p12'))
    const passphrase = readFileSync(join(out, 'reception-hus-c-passphrase.txt'), 'utf8').trim()
    expect(() => createSecureContext({ pfx: p12, passphrase })).not.toThrow()
    const settings = JSON.parse(readFileSync(join(out, 'reception-hus-c-settings.json'), 'utf8')) as { bankid: Record<string, unknown> }
    expect(settings.bankid).toMatchObject({ environment: 'custom', url: 'https://gateway.example-kommun.se:8443/rp/v6.0/', ca: 'gateway-ca.pem' })
    const serial = /serial:([0-9A-F]+)/.exec(result.stdout)?.[1]
    expect(serial).toMatch(/^[0-9A-F]+$/)
    expect(new X509Certificate(readFileSync(pki.kioskCaPath)).subject).toContain('Kiosk CA')

    const wrongName = run(['issue-kiosk-certificate', '--name', '../evil', '--ca-cert', pki.kioskCaPath, '--ca-key', join(pki.dir, 'kiosk-ca.key'), '--out', out])
    expect(wrongName.status).toBe(1)
    expect(wrongName.stderr).toContain('A kiosk name is 1 to 64 letters')
  })
})
