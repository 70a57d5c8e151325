// The shared HTTP pieces on their own: reading a request target and refusing an upgrade.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy, refuseUpgrade, requestPath, SECURITY_HEADERS } from '../../../src/main/browser-host/http'

describe('requestPath', () => {
  it.each([
    ['/', '/'],
    ['/assets/x.js?v=1', '/assets/x.js'],
    ['/a#b', '/a'],
    ['/%2e%2e/x', '/../x'],
    ['/caf%C3%A9', '/café'],
  ])('%s → %s', (target, path) => {
    expect(requestPath(target)).toBe(path)
  })

  it.each(['http://127.0.0.1/x', '*', '', 'x', '/%zz', '/a%00b', '/a%0Ab', '/a%7Fb'])('refuses %j', (target) => {
    expect(requestPath(target)).toBeNull()
  })
})

describe('the policy', () => {
  it('frames nothing without a hand-off, and only the given origins with one', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'")
    expect(CONTENT_SECURITY_POLICY).not.toContain('frame-src')
    expect(contentSecurityPolicy(['https://service.example'])).toContain('https://service.example')
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY)
  })
})

describe('refuseUpgrade', () => {
  it('answers with a plain HTTP status and the security headers, then closes', async () => {
    const socket = new PassThrough()
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    const ended = new Promise<void>((done) => socket.on('end', () => done()))
    refuseUpgrade(socket, 401)
    await ended
    const answer = Buffer.concat(chunks).toString('utf8')
    expect(answer.startsWith('HTTP/1.1 401 Unauthorized\r\n')).toBe(true)
    expect(answer).toContain(`Content-Security-Policy: ${CONTENT_SECURITY_POLICY}\r\n`)
    expect(answer).toContain('Connection: close\r\n')
    expect(answer.endsWith('\r\n\r\n401 Unauthorized\n')).toBe(true)
  })

  it('destroys a socket that can no longer be written to', () => {
    const socket = new PassThrough()
    socket.end()
    refuseUpgrade(socket, 400)
    expect(socket.destroyed).toBe(true)
  })
})
