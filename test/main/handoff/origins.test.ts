// handoff.allowedOrigins go into the kiosk page's CSP (frame-src) verbatim: an origin is letters,
// digits, dots and dashes (or an IP address) and a port, nothing a CSP would read as syntax
// (security review, finding 5).
import { describe, expect, it } from 'vitest'
import { canonicalOrigin, isHttpsOrigin } from '../../../src/main/handoff/origins'
import { settingsSchema } from '../../../src/main/settings/schema'

describe('isHttpsOrigin', () => {
  it.each([
    'https://*.example-skola.se',
    'https://portal.example-skola.se;script-src',
    'https://portal.example-skola.se,https://evil.example',
    "https://portal.example-skola.se'unsafe-inline'",
    'https://portal"example.se',
    'https://portal.example-skola.se*',
    'https://porta$l.example.se',
    'https://portal_x.example.se',
    'https://-portal.example.se',
    'https://portal.example.se:99999',
  ])('refuses %j', (origin) => {
    expect(isHttpsOrigin(origin)).toBe(false)
  })

  it.each([
    ['https://portal.example-skola.se', 'https://portal.example-skola.se'],
    ['HTTPS://Portal.Example-Skola.se/', 'https://portal.example-skola.se'],
    ['https://räksmörgås.se', 'https://xn--rksmrgs-5wao1o.se'],
    ['https://portal.example-skola.se:8443', 'https://portal.example-skola.se:8443'],
    ['https://127.0.0.1:8443', 'https://127.0.0.1:8443'],
    ['https://[::1]:8443', 'https://[::1]:8443'],
  ])('accepts %j as %j', (origin, canonical) => {
    expect(isHttpsOrigin(origin)).toBe(true)
    expect(canonicalOrigin(origin)).toBe(canonical)
  })

  it('settings refuse such an origin with the key named', () => {
    const parsed = settingsSchema.safeParse({ handoff: { allowedOrigins: ['https://*.example-skola.se'] } })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.path).toEqual(['handoff', 'allowedOrigins', 0])
  })
})
