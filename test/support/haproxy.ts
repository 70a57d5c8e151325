// A real HAProxy in TCP mode in front of backends on 127.0.0.1, for tests of several servers behind
// one address. TCP mode passes the bytes through untouched: TLS (mutual TLS included) is between the
// client and the backend, which sees HAProxy's 127.0.0.1 as the peer, and the client verifies the
// backend's certificate against 127.0.0.1 as it would when connecting directly.
//
// Round robin is per TCP *connection*, not per request. A client with HTTP keep-alive keeps one
// connection and so stays on one backend; Node 20's global agent keeps connections alive by
// default (so does fetch). To alternate backends, open a new connection for each request:
// `agent: false` or `new https.Agent({ keepAlive: false })`, or send `Connection: close`.
//
// Health checks are TCP connects to each backend every 500 ms (fall 1, rise 1): a TLS backend sees
// them as connections closed (often reset) before any handshake, e.g. 'tlsClientError' events. Point
// them at another port with `healthCheck.port`, or turn them off with `healthCheck: false` and rely
// on `option redispatch`: a connection refused by a dead backend is retried on another one. A
// backend that accepts and then fails (a TLS or HTTP error) is not retried: TCP mode cannot tell.
//
// On a fresh machine call ensureHaproxy() (scripts/haproxy.ts) in a beforeAll with a long timeout:
// it may install Debian's package.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureHaproxy } from '../../scripts/haproxy'

export interface LoadBalancerBackend {
  host: string
  port: number
  /** HAProxy's name for the server (letters, digits, `_.:-`); default `b0`, `b1`, … in order. */
  name?: string
}

export interface LoadBalancerOptions {
  backends: LoadBalancerBackend[]
  /**
   * Default: a TCP check on each backend's own port every 500 ms. `port` sends the checks to
   * another port (one for all, or per backend); `false` turns checks off.
   */
  healthCheck?: false | { port?: number | ((backend: LoadBalancerBackend, index: number) => number); intervalMs?: number }
  /** How long to wait for the front port to accept connections; default 10 s. */
  startTimeoutMs?: number
  /** Default: ensureHaproxy(). */
  haproxyPath?: string
}

export interface BackendState {
  name: string
  /** HAProxy's own word: `UP`, `DOWN`, `no check`, `MAINT`, `UP 1/2`… */
  status: string
  up: boolean
}

export interface TcpLoadBalancer {
  host: '127.0.0.1'
  port: number
  /** The haproxy child's process id. */
  pid: number
  hasExited(): boolean
  /** The servers as HAProxy sees them, from its stats socket. */
  backendStates(): Promise<BackendState[]>
  /** Polls backendStates() until `name` is up (or down); throws after `timeoutMs` (default 5 s). */
  waitForBackend(name: string, up: boolean, timeoutMs?: number): Promise<void>
  /** SIGTERM, SIGKILL after 2 s; removes the temp dir. Safe to call twice. */
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const SERVER_NAME = /^[A-Za-z0-9_.:-]+$/

// Whatever a test forgets (or a failure skips), no haproxy outlives the test process.
const live = new Set<{ child: ChildProcess; watchdog: ChildProcess | undefined; dir: string }>()
let exitHookInstalled = false
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const entry of live) {
      entry.watchdog?.kill('SIGKILL')
      entry.child.kill('SIGKILL')
      rmSync(entry.dir, { recursive: true, force: true })
    }
  })
}

function loopback(host: string): string {
  if (host === 'localhost') return HOST // not ::1: haproxy would resolve it on its own
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return host
  throw new Error(`backend host ${host}: only loopback IPv4 addresses are used in these tests`)
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, resolve)
  })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Connects from `localPort` (so that HAProxy can tell the probe apart); resolves false if refused. */
function probe(port: number, localPort: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: HOST, port, localAddress: HOST, localPort })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

function config(options: LoadBalancerOptions, port: number, probePort: number, statsSocket: string): string {
  const names = new Set<string>()
  const check = options.healthCheck
  const servers = options.backends.map((backend, index) => {
    const name = backend.name ?? `b${index}`
    if (!SERVER_NAME.test(name)) throw new Error(`backend name ${JSON.stringify(name)}: use letters, digits and _.:- only`)
    if (names.has(name)) throw new Error(`backend name ${name} is used twice`)
    names.add(name)
    let line = `    server ${name} ${loopback(backend.host)}:${backend.port}`
    if (check !== false) {
      line += ` check inter ${check?.intervalMs ?? 500}ms fall 1 rise 1`
      const checkPort = typeof check?.port === 'function' ? check.port(backend, index) : check?.port
      if (checkPort !== undefined) line += ` port ${checkPort}`
    }
    return line
  })
  if (servers.length === 0) throw new Error('startTcpLoadBalancer needs at least one backend')
  return [
    'global',
    `    stats socket ${statsSocket} mode 600 level admin`,
    '    maxconn 1024',
    'defaults',
    '    mode tcp',
    '    timeout connect 2s',
    '    timeout client 30s',
    '    timeout server 30s',
    // A connection to a dead backend is retried, the last time on another one.
    '    retries 2',
    '    option redispatch',
    'listen front',
    `    bind ${HOST}:${port}`,
    '    balance roundrobin',
    // The readiness probe is turned away before load balancing, so it takes no backend's turn.
    `    tcp-request connection reject if { src_port ${probePort} }`,
    ...servers,
    '',
  ].join('\n')
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

/** Resolves true once `closed` (exit, and stderr read to its end) settles, false after `timeoutMs`. */
function within(closed: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
  return Promise.race([closed.then(() => true), timeout]).finally(() => clearTimeout(timer))
}

async function statsCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const socket = connect(socketPath)
    socket.setEncoding('utf8')
    socket.setTimeout(2000, () => socket.destroy(new Error(`stats socket: no answer to ${command}`)))
    socket.on('connect', () => socket.write(`${command}\n`))
    socket.on('data', (chunk: string) => (out += chunk))
    socket.on('end', () => resolve(out))
    socket.on('error', reject)
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function startTcpLoadBalancer(options: LoadBalancerOptions): Promise<TcpLoadBalancer> {
  const haproxy = options.haproxyPath ?? ensureHaproxy()
  const startTimeoutMs = options.startTimeoutMs ?? 10_000
  installExitHook()
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-lb-'))
  const cfg = join(dir, 'haproxy.cfg')
  const statsSocket = join(dir, 'stats.sock')
  let lastError = ''
  // The free port is only free until haproxy binds it: another process may take it meanwhile.
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort()
    let probePort = await freePort()
    while (probePort === port) probePort = await freePort()
    try {
      writeFileSync(cfg, config(options, port, probePort, statsSocket))
    } catch (error) {
      rmSync(dir, { recursive: true, force: true })
      throw error
    }
    const child = spawn(haproxy, ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] })
    // Kills haproxy (and removes the temp dir) when this process dies without running its exit hook
    // (SIGKILL, a crash): the pipe to the watchdog's stdin closes then. stop() ends the watchdog
    // first, so it never kills a reused pid.
    const watchdog =
      child.pid === undefined
        ? undefined
        : spawn('/bin/sh', ['-c', 'read _; kill -KILL "$1" 2>/dev/null; rm -rf "$2"', 'haproxy-watchdog', String(child.pid), dir], {
            stdio: ['pipe', 'ignore', 'ignore'],
          })
    watchdog?.on('error', () => {})
    watchdog?.unref()
    const entry = { child, watchdog, dir }
    live.add(entry)
    let stderr = ''
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)))
    let spawnError: Error | undefined
    child.once('error', (error) => (spawnError = error))
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))

    const kill = async () => {
      watchdog?.kill('SIGKILL')
      if (child.pid !== undefined && !spawnError) {
        if (!exited(child)) child.kill('SIGTERM')
        if (!(await within(closed, 2000))) {
          child.kill('SIGKILL')
          await within(closed, 2000)
        }
      }
      live.delete(entry)
    }

    const deadline = Date.now() + startTimeoutMs
    let ready = false
    while (!ready && !spawnError && !exited(child) && Date.now() < deadline) {
      ready = await probe(port, probePort)
      if (!ready) await sleep(25)
    }
    if (ready && !exited(child)) {
      let stopped: Promise<void> | undefined
      const backendStates = async (): Promise<BackendState[]> => {
        const [header, ...rows] = (await statsCommand(statsSocket, 'show stat')).trim().split('\n')
        const columns = (header ?? '').replace(/^# /, '').split(',')
        const at = (row: string[], column: string) => row[columns.indexOf(column)] ?? ''
        return rows
          .map((row) => row.split(','))
          .filter((row) => at(row, 'pxname') === 'front' && !['FRONTEND', 'BACKEND'].includes(at(row, 'svname')))
          .map((row) => {
            const status = at(row, 'status')
            return { name: at(row, 'svname'), status, up: status.startsWith('UP') || status === 'no check' }
          })
      }
      return {
        host: HOST,
        port,
        pid: child.pid!,
        hasExited: () => exited(child),
        backendStates,
        async waitForBackend(name, up, timeoutMs = 5000) {
          const until = Date.now() + timeoutMs
          let seen: BackendState | undefined
          for (;;) {
            seen = (await backendStates()).find((state) => state.name === name)
            if (!seen) throw new Error(`HAProxy has no backend named ${name}`)
            if (seen.up === up) return
            if (Date.now() >= until) break
            await sleep(50)
          }
          throw new Error(`backend ${name} still ${seen.status} after ${timeoutMs} ms (waited for ${up ? 'up' : 'down'})`)
        },
        stop() {
          stopped ??= kill().finally(() => rmSync(dir, { recursive: true, force: true }))
          return stopped
        },
      }
    }
    const exitedByItself = exited(child)
    await kill()
    const why = spawnError ? `could not run ${haproxy}: ${spawnError.message}` : stderr.trim() || '(no output)'
    lastError = why
    // Only a lost race for the port is worth another try; anything else would fail the same way.
    if (exitedByItself && /cannot bind|Address already in use/i.test(stderr)) continue
    rmSync(dir, { recursive: true, force: true })
    const state = exitedByItself ? `exited (${child.exitCode ?? child.signalCode})` : `did not accept connections on ${HOST}:${port} within ${startTimeoutMs} ms`
    throw new Error(`haproxy ${state}: ${why}`)
  }
  rmSync(dir, { recursive: true, force: true })
  throw new Error(`haproxy could not bind a free port on ${HOST} in 5 tries: ${lastError}`)
}
