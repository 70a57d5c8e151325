// scripts/haproxy.ts finds (or installs) HAProxy; test/support/haproxy.ts runs it as a TCP load
// balancer in front of plain TCP servers that answer each connection with their name.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import type { AddressInfo, Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureHaproxy, findHaproxy } from '../../scripts/haproxy'
import { startTcpLoadBalancer } from '../support/haproxy'
import type { TcpLoadBalancer } from '../support/haproxy'

interface NamedServer {
  port: number
  close(): Promise<void>
}

async function namedServer(name: string): Promise<NamedServer> {
  const server: Server = createServer((socket) => {
    socket.on('error', () => {}) // health checks may reset
    socket.end(name)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** One new connection: what it was sent before the server closed it. */
function ask(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = ''
    const socket = connect(port, '127.0.0.1')
    socket.setEncoding('utf8')
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')))
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
}

async function askInTurn(port: number, times: number): Promise<string[]> {
  const answers: string[] = []
  for (let i = 0; i < times; i++) answers.push(await ask(port))
  return answers
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.setTimeout(2000, () => socket.destroy())
    socket.on('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('findHaproxy', () => {
  it('prefers HAPROXY_PATH, then PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'haproxy-find-'))
    mkdirSync(join(dir, 'bin'))
    const onPath = join(dir, 'bin', 'haproxy')
    writeFileSync(onPath, '#!/bin/sh\n')
    chmodSync(onPath, 0o755)
    expect(findHaproxy({ PATH: join(dir, 'bin') })).toBe(onPath)
    expect(findHaproxy({ PATH: join(dir, 'bin'), HAPROXY_PATH: onPath })).toBe(onPath)
    expect(findHaproxy({ PATH: join(dir, 'bin'), HAPROXY_PATH: join(dir, 'missing') })).toBeUndefined()
    rmSync(dir, { recursive: true })
  })
})

describe('startTcpLoadBalancer (a real HAProxy in TCP mode)', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  // A fresh machine installs Debian's haproxy here.
  beforeAll(() => {
    ensureHaproxy()
  }, 180_000)

  async function twoBackendsBehind(healthCheck?: false): Promise<{ a: NamedServer; b: NamedServer; lb: TcpLoadBalancer }> {
    const a = await namedServer('A')
    const b = await namedServer('B')
    cleanups.push(a.close, b.close)
    const lb = await startTcpLoadBalancer({
      backends: [
        { host: '127.0.0.1', port: a.port, name: 'A' },
        { host: '127.0.0.1', port: b.port, name: 'B' },
      ],
      ...(healthCheck === false ? { healthCheck } : {}),
    })
    cleanups.push(lb.stop)
    return { a, b, lb }
  }

  it('alternates connections, sends all to B once A is down, and leaves nothing running when stopped', async () => {
    const { a, lb } = await twoBackendsBehind()
    expect(lb.host).toBe('127.0.0.1')
    expect(await askInTurn(lb.port, 6)).toEqual(['A', 'B', 'A', 'B', 'A', 'B'])

    await a.close()
    await lb.waitForBackend('A', false, 5000)
    expect(await lb.backendStates()).toEqual([
      { name: 'A', status: 'DOWN', up: false },
      { name: 'B', status: 'UP', up: true },
    ])
    expect(await askInTurn(lb.port, 4)).toEqual(['B', 'B', 'B', 'B'])

    await lb.stop()
    expect(lb.hasExited()).toBe(true)
    expect(processAlive(lb.pid)).toBe(false)
    expect(await refused(lb.port)).toBe(true)
    await lb.stop() // a second stop is harmless
  })

  it('without health checks, redispatch still moves connections off a dead backend', async () => {
    const { a, lb } = await twoBackendsBehind(false)
    expect(await askInTurn(lb.port, 2)).toEqual(['A', 'B'])
    await a.close()
    expect(await askInTurn(lb.port, 4)).toEqual(['B', 'B', 'B', 'B'])
    expect((await lb.backendStates()).map((state) => state.status)).toEqual(['no check', 'no check'])
  })

  it("reports haproxy's own words when it refuses to start, and only loopback backends are taken", async () => {
    const attempt = startTcpLoadBalancer({ backends: [{ host: '127.0.0.1', port: 1 }], healthCheck: { intervalMs: 0 } })
    attempt.then((lb) => cleanups.push(lb.stop), () => {}) // should it start after all
    await expect(attempt).rejects.toThrow(/haproxy exited .*invalid value 0 for argument 'inter'/s)
    await expect(startTcpLoadBalancer({ backends: [{ host: '10.0.0.1', port: 1 }] })).rejects.toThrow(/loopback/)
  })
})
