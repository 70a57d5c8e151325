// The origin, Host and token checks on their own: plain request objects, no server.
import { describe, expect, it } from 'vitest'
import type { AccessPolicy } from '../../../src/main/browser-host/access'
import { accessPolicy, HOST, hostAllowed, newToken, upgradeRefusal } from '../../../src/main/browser-host/access'
import { BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../src/main/browser-host/protocol'

const PORT = 43210
const token = newToken()
const policy: AccessPolicy = accessPolicy(PORT, token)

/** An upgrade with everything right; `change` overrides headers (undefined removes one) or the URL. */
function upgrade(change: { url?: string; headers?: Record<string, string | undefined> } = {}) {
  const headers: Record<string, string | undefined> = {
    host: `${HOST}:${PORT}`,
    origin: `http://${HOST}:${PORT}`,
    'sec-websocket-protocol': `${BRIDGE_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${token}`,
    ...change.headers,
  }
  for (const key of Object.keys(headers)) if (headers[key] === undefined) delete headers[key]
  return { url: change.url ?? '/bridge', headers }
}

describe('the token', () => {
  it('is 32 random bytes in base64url, fresh every start', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(newToken()).not.toBe(token)
  })
})

describe('the Host check', () => {
  it.each([`127.0.0.1:${PORT}`, `localhost:${PORT}`, `LOCALHOST:${PORT}`])('allows %s', (host) => {
    expect(hostAllowed({ headers: { host } }, policy)).toBe(true)
  })

  it.each(['evil.example', `evil.example:${PORT}`, '127.0.0.1', '127.0.0.1:1', `localhost.evil.example:${PORT}`, undefined])(
    'refuses %s',
    (host) => {
      expect(hostAllowed({ headers: host === undefined ? {} : { host } }, policy)).toBe(false)
    },
  )

  it('allows nothing before the port is known', () => {
    const early = accessPolicy(null, token)
    expect(early.hosts.size).toBe(0)
    expect(early.origins.size).toBe(0)
    expect(hostAllowed({ headers: { host: `127.0.0.1:${PORT}` } }, early)).toBe(false)
    expect(upgradeRefusal(upgrade(), early)).toEqual({ status: 421, reason: 'host' })
  })
})

describe('the upgrade checks', () => {
  it('lets the page through, from 127.0.0.1 or localhost, with the token entry in either order', () => {
    expect(upgradeRefusal(upgrade(), policy)).toBeNull()
    expect(
      upgradeRefusal(
        upgrade({
          headers: {
            host: `localhost:${PORT}`,
            origin: `http://localhost:${PORT}`,
            'sec-websocket-protocol': `${TOKEN_PROTOCOL_PREFIX}${token},${BRIDGE_PROTOCOL}`,
          },
        }),
        policy,
      ),
    ).toBeNull()
    expect(upgradeRefusal(upgrade({ url: '/bridge?x=1' }), policy)).toBeNull()
  })

  const changed = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
  it.each([
    ['a foreign Host (DNS rebinding)', upgrade({ headers: { host: `evil.example:${PORT}` } }), 421, 'host'],
    ['another path', upgrade({ url: '/bridge/../x' }), 404, 'path'],
    ['an absolute-form target', upgrade({ url: `http://127.0.0.1:${PORT}/bridge` }), 404, 'path'],
    ['a foreign Origin', upgrade({ headers: { origin: 'http://evil.example' } }), 403, 'origin'],
    ['an opaque Origin', upgrade({ headers: { origin: 'null' } }), 403, 'origin'],
    ['another port as Origin', upgrade({ headers: { origin: 'http://127.0.0.1:1' } }), 403, 'origin'],
    ['no Origin', upgrade({ headers: { origin: undefined } }), 403, 'no-origin'],
    ['no subprotocols', upgrade({ headers: { 'sec-websocket-protocol': undefined } }), 401, 'no-token'],
    ['no token', upgrade({ headers: { 'sec-websocket-protocol': BRIDGE_PROTOCOL } }), 401, 'no-token'],
    ['the token without the protocol name', upgrade({ headers: { 'sec-websocket-protocol': TOKEN_PROTOCOL_PREFIX + token } }), 401, 'no-token'],
    [
      'two token entries',
      upgrade({ headers: { 'sec-websocket-protocol': `${BRIDGE_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${token}, ${TOKEN_PROTOCOL_PREFIX}${token}` } }),
      401,
      'no-token',
    ],
    ['a wrong token of the right length', upgrade({ headers: { 'sec-websocket-protocol': `${BRIDGE_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${'A'.repeat(43)}` } }), 401, 'token'],
    ['a wrong token of another length', upgrade({ headers: { 'sec-websocket-protocol': `${BRIDGE_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}nope` } }), 401, 'token'],
    ['the token with one character changed', upgrade({ headers: { 'sec-websocket-protocol': `${BRIDGE_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${changed}` } }), 401, 'token'],
    ["another start's token", upgrade({ headers: { 'sec-websocket-protocol': `${BRIDGE_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${newToken()}` } }), 401, 'token'],
  ])('refuses %s', (_name, req, status, reason) => {
    expect(upgradeRefusal(req, policy)).toEqual({ status, reason })
  })

  it('checks the Host before the Origin and the Origin before the token', () => {
    const everythingWrong = upgrade({ headers: { host: 'evil.example', origin: 'http://evil.example', 'sec-websocket-protocol': undefined } })
    expect(upgradeRefusal(everythingWrong, policy)?.reason).toBe('host')
    expect(upgradeRefusal({ ...everythingWrong, headers: { ...everythingWrong.headers, host: `${HOST}:${PORT}` } }, policy)?.reason).toBe('origin')
  })
})
