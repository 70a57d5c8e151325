import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { cp, mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises'
import type { AddressInfo, Socket } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { promisify } from 'node:util'
import forge from 'node-forge'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  CLIENT_PASSPHRASE,
  createForeignClientCertificate,
  defaultSimulatorPkiDir,
  issueServerCertificate,
  loadOrCreateSimulatorPki,
} from '../../../src/main/simulator/certificates'
import type { SimulatorPki } from '../../../src/main/simulator/certificates'

const DAY = 24 * 60 * 60 * 1000
const YEAR = 365.25 * DAY
const OID = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' }
const ALL_FILES = [
  'README.txt',
  'client.crt',
  'client.key',
  'client.p12',
  'ocsp.crt',
  'ocsp.key',
  'rp-ca.key',
  'rp-ca.pem',
  'server.crt',
  'server.key',
  'signing-ca.key',
  'signing-ca.pem',
  'signing-person.key',
  'signing-root-ca.pem',
  'ssl-root-ca.key',
  'ssl-root-ca.pem',
]

const tempDirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-pki-'))
  tempDirs.push(dir)
  return dir
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

async function fingerprints(pki: SimulatorPki): Promise<string[]> {
  const pems = [pki.serverCaPem, pki.serverCertPem, pki.clientCaPem, await readFile(pki.clientCertPath, 'utf8')]
  return pems.map((pem) => new X509Certificate(pem).fingerprint256)
}

// ---- TLS helpers: every server and client socket is closed after each test ----

interface TestServer {
  port: number
  /** Connections the server let through, with the client certificate's CN. */
  accepted: { authorized: boolean; clientCn: unknown }[]
  /** Why the server dropped a connection: Node completes the handshake, checks the client
   * certificate, then destroys the socket (no TLS alert), so the reason is only known here. */
  rejected: { authorizationError: unknown }[]
}
const servers: tls.Server[] = []
const sockets = new Set<Socket>()
afterEach(async () => {
  for (const socket of sockets) socket.destroy()
  sockets.clear()
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

async function startServer(options: tls.TlsOptions): Promise<TestServer> {
  const result: TestServer = { port: 0, accepted: [], rejected: [] }
  const server = tls.createServer({ requestCert: true, rejectUnauthorized: true, ...options }, (socket) => {
    result.accepted.push({ authorized: socket.authorized, clientCn: socket.getPeerCertificate().subject?.CN })
    socket.end('hello from the simulator')
  })
  servers.push(server)
  server.on('connection', (socket: Socket) => track(socket))
  server.on('tlsClientError', (_error, socket) => {
    result.rejected.push({ authorizationError: socket.authorizationError })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  result.port = (server.address() as AddressInfo).port
  return result
}

function track(socket: Socket): void {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
}

type Outcome = { ok: true; data: string } | { ok: false; error: NodeJS.ErrnoException }

/** Connects, reads until the server closes, and reports what the client saw. */
function talk(port: number, options: tls.ConnectionOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...options })
    track(socket)
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (data += chunk))
    socket.on('error', (error) => resolve({ ok: false, error }))
    socket.on('close', () => {
      resolve(data ? { ok: true, data } : { ok: false, error: new Error('closed without data') })
    })
  })
}

// ---- the tests ----

describe('a freshly generated simulator PKI', () => {
  const now = new Date()
  let pki: SimulatorPki
  let serverCa: X509Certificate
  let server: X509Certificate
  let clientCa: X509Certificate
  let client: X509Certificate

  beforeAll(async () => {
    pki = await loadOrCreateSimulatorPki(path.join(await tempDir(), 'simulator'), { now })
    serverCa = new X509Certificate(pki.serverCaPem)
    server = new X509Certificate(pki.serverCertPem)
    clientCa = new X509Certificate(pki.clientCaPem)
    client = new X509Certificate(await readFile(pki.clientCertPath))
  })

  it('writes every file into the folder, and only those', async () => {
    expect((await readdir(pki.dir)).sort()).toEqual(ALL_FILES)
    expect(await readFile(pki.serverCaPath, 'utf8')).toBe(pki.serverCaPem)
    expect(await readFile(pki.clientCaPath, 'utf8')).toBe(pki.clientCaPem)
    expect(await readFile(pki.serverCertPath, 'utf8')).toBe(pki.serverCertPem)
    expect(await readFile(pki.serverKeyPath, 'utf8')).toBe(pki.serverKeyPem)
    expect(await readFile(path.join(pki.dir, 'README.txt'), 'utf8')).toContain(CLIENT_PASSPHRASE)
    // no temp folders left next to it
    expect(await readdir(path.dirname(pki.dir))).toEqual(['simulator'])
  })

  it.skipIf(process.platform === 'win32')('makes private key files readable by the owner only', async () => {
    for (const name of ['ssl-root-ca.key', 'rp-ca.key', 'server.key', 'client.key', 'client.p12', 'signing-ca.key', 'signing-person.key', 'ocsp.key']) {
      expect((await stat(path.join(pki.dir, name))).mode & 0o777, name).toBe(0o600)
    }
    expect((await stat(path.join(pki.dir, 'server.crt'))).mode & 0o077).toBe(0o044)
  })

  it('has two self-signed CAs with critical CA constraints', () => {
    for (const [ca, cn] of [
      [serverCa, 'BankID Kiosk Simulator SSL Root CA'],
      [clientCa, 'BankID Kiosk Simulator RP CA'],
    ] as const) {
      expect(ca.subject).toContain(`CN=${cn}`)
      expect(ca.ca).toBe(true)
      expect(ca.checkIssued(ca)).toBe(true)
      expect(ca.verify(ca.publicKey)).toBe(true)
      const parsed = forge.pki.certificateFromPem(ca.toString())
      expect(parsed.getExtension('basicConstraints')).toMatchObject({ cA: true, critical: true })
      expect(parsed.getExtension('keyUsage')).toMatchObject({ keyCertSign: true, cRLSign: true })
    }
    expect(serverCa.fingerprint256).not.toBe(clientCa.fingerprint256)
  })

  it('issues the server certificate from the SSL root CA only, for 127.0.0.1, ::1 and localhost', () => {
    expect(server.checkIssued(serverCa)).toBe(true)
    expect(server.verify(serverCa.publicKey)).toBe(true)
    expect(server.verify(clientCa.publicKey)).toBe(false)
    expect(server.ca).toBe(false)
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1')
    expect(server.subjectAltName).toContain('DNS:localhost')
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(server.checkIP('::1')).toBeDefined()
    expect(server.checkHost('localhost')).toBe('localhost')
    expect(server.keyUsage).toEqual([OID.serverAuth])
  })

  it('issues the client certificate from the RP CA only, for client auth', () => {
    expect(client.subject).toContain('CN=Simulator RP (kiosk)')
    expect(client.checkIssued(clientCa)).toBe(true)
    expect(client.verify(clientCa.publicKey)).toBe(true)
    expect(client.checkIssued(serverCa)).toBe(false)
    expect(client.verify(serverCa.publicKey)).toBe(false)
    expect(client.ca).toBe(false)
    expect(client.keyUsage).toEqual([OID.clientAuth])
  })

  it('dates CAs 10 years and leaves 2 years, starting an hour back; SHA-256, random positive serials', () => {
    const expectWindow = (cert: X509Certificate, years: number) => {
      expect(Math.abs(Date.parse(cert.validFrom) - (now.getTime() - 60 * 60 * 1000))).toBeLessThan(2000)
      expect(Math.abs(Date.parse(cert.validTo) - now.getTime() - years * YEAR)).toBeLessThan(2 * DAY)
    }
    expectWindow(serverCa, 10)
    expectWindow(clientCa, 10)
    expectWindow(server, 2)
    expectWindow(client, 2)
    const certs = [serverCa, server, clientCa, client]
    for (const cert of certs) {
      const { siginfo } = forge.pki.certificateFromPem(cert.toString())
      expect(siginfo.algorithmOid).toBe('1.2.840.113549.1.1.11') // sha256WithRSAEncryption
      expect(Number.parseInt(cert.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80)
    }
    expect(new Set(certs.map((cert) => cert.serialNumber)).size).toBe(4)
  })

  it('encrypts the .p12 key with PBES2 / AES-256-CBC / HMAC-SHA256 and uses no RC2 or RC4', async () => {
    const der = (await readFile(pki.clientP12Path)).toString('binary')
    const { asn1 } = forge
    const oidDer = (oid: string) =>
      asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes())).getBytes()
    expect(der).toContain(oidDer('1.2.840.113549.1.5.13')) // PBES2
    expect(der).toContain(oidDer('2.16.840.1.101.3.4.1.42')) // aes256-CBC
    expect(der).toContain(oidDer('1.2.840.113549.2.9')) // hmacWithSHA256
    const legacy = {
      'rc2-cbc': '1.2.840.113549.3.2',
      rc4: '1.2.840.113549.3.4',
      pbeWithSHAAnd128BitRC4: '1.2.840.113549.1.12.1.1',
      pbeWithSHAAnd40BitRC4: '1.2.840.113549.1.12.1.2',
      'pbeWithSHAAnd128BitRC2-CBC': '1.2.840.113549.1.12.1.5',
      'pbeWithSHAAnd40BitRC2-CBC': '1.2.840.113549.1.12.1.6',
    }
    for (const [name, oid] of Object.entries(legacy)) expect(der, name).not.toContain(oidDer(oid))
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), CLIENT_PASSPHRASE)
    const certBag = '1.2.840.113549.1.12.10.1.3'
    const bags = p12.getBags({ bagType: certBag })[certBag] ?? []
    expect(bags.map((bag) => bag.cert?.subject.getField('CN')?.value)).toEqual([
      'Simulator RP (kiosk)',
      'BankID Kiosk Simulator RP CA',
    ])
  })

  it('loads the .p12 and the encrypted key in a clean Node process without the OpenSSL legacy provider', async () => {
    // RC4 needs the legacy provider: failing to create it proves the provider is not loaded there.
    const script = `
      const crypto = require('node:crypto'), tls = require('node:tls'), fs = require('node:fs')
      const [p12, cert, key, pass] = process.argv.slice(1)
      let legacy = true
      try { crypto.createCipheriv('rc4', Buffer.alloc(16), null) } catch { legacy = false }
      tls.createSecureContext({ pfx: fs.readFileSync(p12), passphrase: pass })
      tls.createSecureContext({ cert: fs.readFileSync(cert), key: fs.readFileSync(key), passphrase: pass })
      console.log(JSON.stringify({ legacy, openssl: process.versions.openssl }))`
    const env = { ...process.env }
    delete env.NODE_OPTIONS
    delete env.OPENSSL_CONF
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-e', script, pki.clientP12Path, pki.clientCertPath, pki.clientKeyPath, CLIENT_PASSPHRASE],
      { env },
    )
    expect(JSON.parse(stdout)).toMatchObject({ legacy: false })
  })

  describe('over real mutual TLS', () => {
    let p12: Buffer
    let clientCertPem: string
    let clientKeyPem: string
    let foreign: Awaited<ReturnType<typeof createForeignClientCertificate>>
    const serverOptions = () => ({ key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.clientCaPem })

    beforeAll(async () => {
      p12 = await readFile(pki.clientP12Path)
      clientCertPem = await readFile(pki.clientCertPath, 'utf8')
      clientKeyPem = await readFile(pki.clientKeyPath, 'utf8')
      foreign = await createForeignClientCertificate()
    })

    it('accepts the RP certificate from client.p12 and the client trusts the server by IP', async () => {
      const server = await startServer(serverOptions())
      const outcome = await talk(server.port, { ca: pki.serverCaPem, pfx: p12, passphrase: CLIENT_PASSPHRASE })
      expect(outcome).toEqual({ ok: true, data: 'hello from the simulator' })
      expect(server.accepted).toEqual([{ authorized: true, clientCn: 'Simulator RP (kiosk)' }])
    })

    it('accepts the RP certificate from client.crt + encrypted client.key, with servername localhost', async () => {
      const server = await startServer(serverOptions())
      const outcome = await talk(server.port, {
        ca: pki.serverCaPem,
        servername: 'localhost',
        cert: clientCertPem,
        key: clientKeyPem,
        passphrase: CLIENT_PASSPHRASE,
      })
      expect(outcome).toEqual({ ok: true, data: 'hello from the simulator' })
      expect(server.accepted).toEqual([{ authorized: true, clientCn: 'Simulator RP (kiosk)' }])
    })

    it('refuses a client certificate from a foreign CA', async () => {
      const server = await startServer(serverOptions())
      const outcome = await talk(server.port, { ca: pki.serverCaPem, cert: foreign.certPem, key: foreign.keyPem })
      expect(outcome.ok).toBe(false)
      expect(server.accepted).toEqual([])
      expect(server.rejected).toEqual([{ authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }])
    })

    it('refuses a client that sends no certificate at all', async () => {
      const server = await startServer(serverOptions())
      const outcome = await talk(server.port, { ca: pki.serverCaPem })
      expect(outcome.ok).toBe(false)
      expect(server.accepted).toEqual([])
      if (!outcome.ok) expect(outcome.error.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')
    })

    it('fails on the client when it trusts a different CA than the SSL root CA', async () => {
      const server = await startServer(serverOptions())
      const outcome = await talk(server.port, { ca: foreign.caPem, pfx: p12, passphrase: CLIENT_PASSPHRASE })
      expect(outcome.ok).toBe(false)
      if (!outcome.ok) expect(outcome.error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
      expect(server.accepted).toEqual([])
    })

    it('fails on the client when it trusts the RP CA instead of the SSL root CA', async () => {
      const server = await startServer(serverOptions())
      const outcome = await talk(server.port, { ca: pki.clientCaPem, pfx: p12, passphrase: CLIENT_PASSPHRASE })
      expect(outcome.ok).toBe(false)
      if (!outcome.ok) expect(outcome.error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    })

    it('throws when building a secure context with the wrong passphrase', () => {
      expect(() => tls.createSecureContext({ pfx: p12, passphrase: 'wrong' })).toThrow(/mac verify failure/i)
      expect(() => tls.createSecureContext({ cert: clientCertPem, key: clientKeyPem, passphrase: 'wrong' })).toThrow(
        /bad decrypt/i,
      )
      expect(() => tls.createSecureContext({ pfx: p12, passphrase: CLIENT_PASSPHRASE })).not.toThrow()
    })

    it('fails with CERT_HAS_EXPIRED for an expired server certificate from the same CA', async () => {
      const expired = await issueServerCertificate(pki, {
        notBefore: new Date(Date.now() - 30 * DAY),
        notAfter: new Date(Date.now() - DAY),
      })
      expect(new X509Certificate(expired.certPem).verify(serverCa.publicKey)).toBe(true)
      const server = await startServer({ key: expired.keyPem, cert: expired.certPem, ca: pki.clientCaPem })
      const outcome = await talk(server.port, { ca: pki.serverCaPem, pfx: p12, passphrase: CLIENT_PASSPHRASE })
      expect(outcome.ok).toBe(false)
      if (!outcome.ok) expect(outcome.error.code).toBe('CERT_HAS_EXPIRED')
    })
  })
})

describe('loading an existing simulator PKI', () => {
  // RSA keygen dominates the run time: generate one PKI and give each test its own copy.
  let template: SimulatorPki
  let templateFingerprints: string[]
  beforeAll(async () => {
    template = await loadOrCreateSimulatorPki(path.join(await tempDir(), 'simulator'))
    templateFingerprints = await fingerprints(template)
  })
  async function copyOfTemplate(): Promise<string> {
    const dir = path.join(await tempDir(), 'simulator')
    await cp(template.dir, dir, { recursive: true })
    return dir
  }
  const expectAllNew = (after: string[]) => {
    after.forEach((fingerprint, i) => expect(fingerprint).not.toBe(templateFingerprints[i]))
  }

  it('loads the existing files instead of regenerating', async () => {
    const dir = await copyOfTemplate()
    const loaded = await loadOrCreateSimulatorPki(dir)
    expect(loaded).toEqual({ ...template, ...pathsIn(dir, template) })
    expect(await fingerprints(loaded)).toEqual(templateFingerprints)
    // random salts: a regenerated .p12 would differ byte for byte
    expect(await readFile(loaded.clientP12Path)).toEqual(await readFile(template.clientP12Path))
    expect(await loadOrCreateSimulatorPki(dir)).toEqual(loaded)
  })

  it('regenerates when the certificates expire within 30 days', async () => {
    const dir = await copyOfTemplate()
    const stillFine = await loadOrCreateSimulatorPki(dir, { now: new Date(Date.now() + 2 * YEAR - 40 * DAY) })
    expect(await fingerprints(stillFine)).toEqual(templateFingerprints)

    const later = new Date(Date.now() + 2 * YEAR - 20 * DAY)
    const renewed = await loadOrCreateSimulatorPki(dir, { now: later })
    expectAllNew(await fingerprints(renewed))
    expect(Date.parse(new X509Certificate(renewed.serverCertPem).validTo)).toBeGreaterThan(later.getTime() + YEAR)
    expect(await readdir(path.dirname(dir))).toEqual(['simulator'])
  })

  it('regenerates when only the server certificate is about to expire', async () => {
    const dir = await copyOfTemplate()
    const shortLived = await issueServerCertificate(template, {
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 10 * DAY),
    })
    await writeFile(path.join(dir, 'server.crt'), shortLived.certPem)
    await writeFile(path.join(dir, 'server.key'), shortLived.keyPem)
    const renewed = await loadOrCreateSimulatorPki(dir)
    expectAllNew(await fingerprints(renewed))
    expect(Date.parse(new X509Certificate(renewed.serverCertPem).validTo)).toBeGreaterThan(Date.now() + YEAR)
  })

  it('regenerates when a file is missing', async () => {
    const dir = await copyOfTemplate()
    await unlink(path.join(dir, 'client.key'))
    const renewed = await loadOrCreateSimulatorPki(dir)
    expect((await readdir(dir)).sort()).toEqual(ALL_FILES)
    expectAllNew(await fingerprints(renewed))
  })

  it('regenerates when a file is corrupt', async () => {
    const dir = await copyOfTemplate()
    await writeFile(path.join(dir, 'client.p12'), 'not a pkcs12 file')
    const renewed = await loadOrCreateSimulatorPki(dir)
    expectAllNew(await fingerprints(renewed))
    const pfx = await readFile(renewed.clientP12Path)
    expect(() => tls.createSecureContext({ pfx, passphrase: CLIENT_PASSPHRASE })).not.toThrow()
  })

  it('gives two concurrent first starts the same PKI and leaves no temp folders behind', async () => {
    const parent = await tempDir()
    const dir = path.join(parent, 'simulator')
    const [a, b] = await Promise.all([loadOrCreateSimulatorPki(dir), loadOrCreateSimulatorPki(dir)])
    expect(await fingerprints(a)).toEqual(await fingerprints(b))
    expect(await fingerprints(await loadOrCreateSimulatorPki(dir))).toEqual(await fingerprints(a))
    expect(await readdir(parent)).toEqual(['simulator'])
  })
})

/** The path fields of pki, moved to dir. */
function pathsIn(dir: string, pki: SimulatorPki): Partial<Record<keyof SimulatorPki, string>> {
  const moved: Partial<Record<keyof SimulatorPki, string>> = { dir }
  for (const [key, value] of Object.entries(pki)) {
    if (key.endsWith('Path') && typeof value === 'string') moved[key as keyof SimulatorPki] = path.join(dir, path.basename(value))
  }
  return moved
}

describe('defaultSimulatorPkiDir', () => {
  const dir = defaultSimulatorPkiDir

  it('uses %LOCALAPPDATA% on Windows, falling back to AppData\\Local under the home folder', () => {
    const localAppData = 'D:\\Profiles\\kiosk\\AppData\\Local'
    const home = 'C:\\Users\\kiosk'
    expect(dir('win32', { LOCALAPPDATA: localAppData }, home)).toBe(`${localAppData}\\bankid-kiosk\\simulator`)
    expect(dir('win32', {}, home)).toBe('C:\\Users\\kiosk\\AppData\\Local\\bankid-kiosk\\simulator')
  })

  it('uses Application Support on macOS', () => {
    expect(dir('darwin', { XDG_DATA_HOME: '/ignored' }, '/Users/kiosk')).toBe(
      '/Users/kiosk/Library/Application Support/bankid-kiosk/simulator',
    )
  })

  it('uses $XDG_DATA_HOME on Linux, else ~/.local/share (also when XDG_DATA_HOME is empty or relative)', () => {
    const fallback = '/home/kiosk/.local/share/bankid-kiosk/simulator'
    expect(dir('linux', { XDG_DATA_HOME: '/data/kiosk' }, '/home/kiosk')).toBe('/data/kiosk/bankid-kiosk/simulator')
    expect(dir('linux', {}, '/home/kiosk')).toBe(fallback)
    expect(dir('linux', { XDG_DATA_HOME: '' }, '/home/kiosk')).toBe(fallback)
    expect(dir('linux', { XDG_DATA_HOME: 'relative/data' }, '/home/kiosk')).toBe(fallback)
  })
})
