// HTTP serving on its own: serveStatic behind a bare HTTP server, no session, no bridge, no Host
// check (access.test.ts and server.test.ts have those). Raw HTTP, so paths go out byte for byte.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy } from '../../../src/main/browser-host/http'
import type { Site } from '../../../src/main/browser-host/static-files'
import { findFile, MAX_URL_LENGTH, serveStatic } from '../../../src/main/browser-host/static-files'
import { rawHttp } from '../../support/bridge-client'

let workDir: string
let rendererDir: string
let server: Server
let origin: string

/** A bare server answering every request with serveStatic for `site`. */
async function serve(site: Site): Promise<{ server: Server; origin: string }> {
  const s = createServer((req, res) => void serveStatic(req, res, site))
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', () => done()))
  return { server: s, origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}` }
}

const stop = (s: Server) => new Promise<void>((done) => s.close(() => done()))

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'browser-host-files-'))
  // A secret beside the renderer folder: what a traversal would be after.
  writeFileSync(join(workDir, 'secret.txt'), 'TOP-SECRET-CONTENT')
  writeFileSync(join(workDir, 'package.json'), '{"name":"TOP-SECRET-CONTENT"}')
  rendererDir = join(workDir, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title><script type="module" src="./assets/x.js"></script>')
  writeFileSync(join(rendererDir, 'assets', 'x.js'), 'export const x = 1\n')
  writeFileSync(join(rendererDir, 'assets', 'style.css'), 'body{}\n')
  writeFileSync(join(rendererDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  writeFileSync(join(rendererDir, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]))
  writeFileSync(join(rendererDir, '.env'), 'TOP-SECRET-CONTENT')
  symlinkSync(join(workDir, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'))
  ;({ server, origin } = await serve({ root: realpathSync(rendererDir), pagePolicy: CONTENT_SECURITY_POLICY }))
})
afterAll(async () => {
  await stop(server)
  rmSync(workDir, { recursive: true, force: true })
})

describe('static files', () => {
  const securityHeaders = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  }

  it('/ is index.html, with the CSP and the other security headers', async () => {
    const response = await rawHttp(origin, { path: '/' })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.headers).toMatchObject(securityHeaders)
    expect(response.text).toContain('<title>kiosk</title>')
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
    )
  })

  it.each([
    ['/index.html', 'text/html; charset=utf-8'],
    ['/assets/x.js', 'text/javascript; charset=utf-8'],
    ['/assets/x.js?v=1', 'text/javascript; charset=utf-8'],
    ['/assets/style.css', 'text/css; charset=utf-8'],
    ['/assets/logo.svg', 'image/svg+xml'],
    ['/assets/font.woff2', 'font/woff2'],
  ])('%s is served as %s', async (path, type) => {
    const response = await rawHttp(origin, { path })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe(type)
    expect(response.headers).toMatchObject(securityHeaders)
  })

  it.each([
    ['/../package.json'],
    ['/../secret.txt'],
    ['/%2e%2e/package.json'],
    ['/%2E%2E/secret.txt'],
    ['/assets/..%2f..%2fpackage.json'],
    ['/assets/..%2F..%2Fsecret.txt'],
    ['/assets/%2e%2e/%2e%2e/secret.txt'],
    ['/..%5c..%5csecret.txt'],
    ['/%2Fetc%2Fpasswd'],
    [`/${encodeURIComponent(join(tmpdir(), 'secret.txt'))}`],
    ['//etc/passwd'],
    ['/assets/link.txt'],
    ['/.env'],
    ['/index.html%00.js'],
    ['/assets/x.js%00'],
    ['/%zz'],
  ])('refuses %s', async (path) => {
    const response = await rawHttp(origin, { path })
    expect([400, 404]).toContain(response.status)
    expect(response.text).not.toContain('TOP-SECRET-CONTENT')
    expect(response.headers).toMatchObject(securityHeaders)
  })

  it('refuses an absolute-form request target', async () => {
    const response = await rawHttp(origin, { path: `${origin}/index.html` })
    expect(response.status).toBe(400)
  })

  it(`refuses a request target longer than ${MAX_URL_LENGTH} characters with 414`, async () => {
    expect((await rawHttp(origin, { path: `/${'a'.repeat(MAX_URL_LENGTH)}` })).status).toBe(414)
  })

  it('a missing file is 404 and a folder is not listed', async () => {
    expect((await rawHttp(origin, { path: '/nope.js' })).status).toBe(404)
    expect((await rawHttp(origin, { path: '/assets' })).status).toBe(404)
    expect((await rawHttp(origin, { path: '/assets/' })).status).toBe(404)
  })

  it('a plain GET of /bridge is 426 Upgrade Required, never a file', async () => {
    const response = await rawHttp(origin, { path: '/bridge' })
    expect(response.status).toBe(426)
    expect(response.headers.upgrade).toBe('websocket')
  })

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'])('%s → 405, GET only', async (method) => {
    const response = await rawHttp(origin, { path: '/', method })
    expect(response.status).toBe(405)
    expect(response.headers.allow).toBe('GET')
    expect(response.headers).toMatchObject(securityHeaders)
  })

  it('findFile resolves only regular files inside the folder, through symlinks too', async () => {
    const root = realpathSync(rendererDir)
    expect(await findFile(root, '/')).toBe(join(root, 'index.html'))
    expect(await findFile(root, '/assets/x.js')).toBe(join(root, 'assets', 'x.js'))
    for (const path of ['/assets', '/assets/link.txt', '/.env', '/../secret.txt', '/a\\b', '/c:x', '//x']) {
      expect(await findFile(root, path)).toBeNull()
    }
  })
})

describe('the page', () => {
  it('asks the browser to fetch the WebSocket bridge chunk together with the page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'browser-host-preload-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>k</title></head><body></body></html>')
    writeFileSync(join(dir, 'assets', 'websocket-kiosk-Ab12_x.js'), 'export {}\n')
    const other = await serve({ root: realpathSync(dir), pagePolicy: CONTENT_SECURITY_POLICY })
    try {
      const response = await fetch(other.origin)
      const html = await response.text()
      expect(html).toContain('<link rel="modulepreload" href="./assets/websocket-kiosk-Ab12_x.js" />')
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(html)))
      expect(response.headers.has('cross-origin-opener-policy')).toBe(false)
    } finally {
      await stop(other.server)
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('carries the page policy (frames for the hand-off); other answers keep the plain one', async () => {
    const pagePolicy = contentSecurityPolicy(['https://service.example'])
    const other = await serve({ root: realpathSync(rendererDir), pagePolicy })
    try {
      expect((await rawHttp(other.origin, { path: '/' })).headers['content-security-policy']).toBe(pagePolicy)
      expect((await rawHttp(other.origin, { path: '/nope' })).headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    } finally {
      await stop(other.server)
    }
  })
})
