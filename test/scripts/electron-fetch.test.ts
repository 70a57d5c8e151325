// Fetching the Electron binary where it is missing (scripts/electron-fetch.ts): with Electron's own
// download library against local "mirrors" that fail in each way a network does, so the reason is
// real and the bound is kept; the success path with stand-ins (no real Electron zip here).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server, ServerResponse } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureElectronBinary } from '../../scripts/electron-fetch'

const ROOT = process.cwd()
let cache: string
beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'electron-fetch-cache-'))
})
afterAll(() => rmSync(cache, { recursive: true, force: true }))

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function httpMirror(answer: (url: string, res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer((req, res) => answer(req.url ?? '/', res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

/** Only the environment these tests choose: no binary anywhere, a private cache, the given mirror. */
const envWith = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, electron_config_cache: cache, ...extra })
const lines: string[] = []
const log = (line: string) => lines.push(line)

describe('where the download cannot succeed, it says why in one line, soon', () => {
  it('nothing listens at the mirror: the connection error', async () => {
    const probe = createTcpServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const outcome = await ensureElectronBinary(ROOT, { env: envWith({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/` }), log })
    expect(outcome).toEqual({ binary: null, reason: 'fetch failed: ECONNREFUSED' })
  })

  it('the mirror takes the connection and never answers: given up after stallMs', async () => {
    const sockets = new Set<Socket>()
    const silent: TcpServer = createTcpServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    closers.push(() => new Promise((resolve) => { for (const s of sockets) s.destroy(); silent.close(() => resolve()) }))
    const port = (silent.address() as AddressInfo).port
    const started = Date.now()
    const outcome = await ensureElectronBinary(ROOT, { env: envWith({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/` }), stallMs: 400, log })
    expect(outcome).toEqual({ binary: null, reason: `no answer from 127.0.0.1:${port} within 0.4 s` })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('the mirror has no such file: its status', async () => {
    const mirror = await httpMirror((_, res) => res.writeHead(404).end('not here'))
    const outcome = await ensureElectronBinary(ROOT, { env: envWith({ ELECTRON_MIRROR: mirror }), log })
    expect(outcome.reason).toMatch(/^Response code 404 \(Not Found\) for http:\/\/127\.0\.0\.1:\d+\/v\d+\.\d+\.\d+\/electron-v[\d.]+-[a-z0-9]+-[a-z0-9]+\.zip$/)
  })

  it('the mirror serves something else: refused by the checksum Electron ships', async () => {
    const mirror = await httpMirror((_, res) => res.writeHead(200, { 'Content-Type': 'application/zip' }).end(Buffer.alloc(4096, 1)))
    const outcome = await ensureElectronBinary(ROOT, { env: envWith({ ELECTRON_MIRROR: mirror }), log })
    expect(outcome.binary).toBeNull()
    expect(outcome.reason).toMatch(/checksum/i)
  })

  it('ELECTRON_OVERRIDE_DIST_PATH without a binary in it, and ELECTRON_SKIP_BINARY_DOWNLOAD: nothing fetched', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'electron-override-'))
    try {
      expect(await ensureElectronBinary(ROOT, { env: envWith({ ELECTRON_OVERRIDE_DIST_PATH: empty }), log })).toEqual({
        binary: null,
        reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${empty} holds no Electron binary (nothing is downloaded into it)`,
      })
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
    expect(await ensureElectronBinary(ROOT, { env: envWith({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }), log })).toEqual({
      binary: null,
      reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set',
    })
  })
})

describe('where it can', () => {
  it('an existing binary is used as it is, without any download', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'electron-exec-'))
    const binary = join(dir, 'electron')
    writeFileSync(binary, '#!/bin/sh\n')
    chmodSync(binary, 0o755)
    try {
      const outcome = await ensureElectronBinary(ROOT, {
        env: envWith({ ELECTRON_EXEC_PATH: binary }),
        electronGet: { downloadArtifact: () => Promise.reject(new Error('must not download')), initializeProxy: () => undefined },
        log,
      })
      expect(outcome).toEqual({ binary, reason: null })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('downloads with progress lines, extracts, and finds the binary (stand-ins for the 100 MB zip)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'electron-root-'))
    const electronDir = join(root, 'node_modules', 'electron')
    mkdirSync(electronDir, { recursive: true })
    writeFileSync(join(electronDir, 'package.json'), JSON.stringify({ version: '45.4.1' }))
    writeFileSync(join(electronDir, 'checksums.json'), '{}')
    const asked: Record<string, unknown>[] = []
    const seen: string[] = []
    try {
      const outcome = await ensureElectronBinary(root, {
        env: envWith({ ELECTRON_MIRROR: 'https://mirror.example-kommun.se/electron/' }),
        log: (line) => seen.push(line),
        electronGet: {
          initializeProxy: () => undefined,
          downloadArtifact: async (details) => {
            asked.push(details)
            const progress = (details.downloadOptions as { getProgressCallback: (p: unknown) => void }).getProgressCallback
            for (const percent of [0.05, 0.5, 1]) progress({ transferred: percent * 1e8, total: 1e8, percent })
            return '/cache/electron.zip'
          },
        },
        extract: () => {
          mkdirSync(join(electronDir, 'dist'))
          writeFileSync(join(electronDir, 'dist', 'electron'), '')
          writeFileSync(join(electronDir, 'path.txt'), 'electron')
          return null
        },
      })
      expect(outcome).toEqual({ binary: join(electronDir, 'dist', 'electron'), reason: null })
      expect(asked[0]).toMatchObject({ version: '45.4.1', artifactName: 'electron', mirrorOptions: { mirror: 'https://mirror.example-kommun.se/electron/' } })
      expect(seen).toEqual([
        'Electron 45.4.1 is not installed: fetching it from mirror.example-kommun.se (once; about 100 MB)…',
        '  Electron: 0 % of 100 MB',
        '  Electron: 50 % of 100 MB',
        '  Electron: 100 % of 100 MB',
      ])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
