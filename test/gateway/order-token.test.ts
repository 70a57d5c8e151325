// The sealed orderRef the gateway hands its kiosks: opens only for the kiosk it was sealed for,
// only while young, only under a secret the gateway holds, and any damage is refused, never read.
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_TOKEN_AGE_MS, OrderTokens, TOKEN_PREFIX } from '../../src/gateway/order-token'
import type { OrderClaims } from '../../src/gateway/order-token'
import { SecretBytes } from '../../src/main/handoff/credentials'

const secret = (text: string) => new SecretBytes(Buffer.from(text.padEnd(32, '.'), 'utf8'))
const CURRENT = secret('current state secret, 32 bytes or more')
const PREVIOUS = secret('previous state secret, 32 bytes or more')
const OTHER = secret('someone else entirely, 32 bytes or more')

/** A fingerprint shaped like Node's fingerprint256. */
const fingerprint = () => (randomBytes(32).toString('hex').toUpperCase().match(/../g) ?? []).join(':')
const KIOSK_A = fingerprint()
const KIOSK_B = fingerprint()

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0)
const claims = (overrides: Partial<OrderClaims> = {}): OrderClaims => ({
  bankIdOrderRef: '131daac9-16c6-4618-beb0-365768f37288',
  issuedAt: NOW,
  endpoint: 'auth',
  ...overrides,
})

const sealedPart = (token: string) => Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url')
const tokenOf = (sealed: Buffer) => TOKEN_PREFIX + sealed.toString('base64url')

describe('seal and open', () => {
  it('round-trips the claims for the kiosk it was sealed for, and hides BankID\'s orderRef', () => {
    const tokens = new OrderTokens([CURRENT], () => NOW + 1_000)
    for (const original of [claims(), claims({ endpoint: 'sign', bankIdOrderRef: 'å-ref with "quotes"', issuedAt: NOW - 5_000 })]) {
      const token = tokens.seal(original, KIOSK_A)
      expect(token.startsWith(TOKEN_PREFIX)).toBe(true)
      expect(token).not.toContain(original.bankIdOrderRef)
      expect(sealedPart(token).toString('latin1')).not.toContain(original.bankIdOrderRef)
      expect(tokens.open(token, KIOSK_A)).toEqual({ ok: true, claims: original })
    }
  })

  it('seals the same claims differently each time (a fresh IV)', () => {
    const tokens = new OrderTokens([CURRENT], () => NOW)
    const first = tokens.seal(claims(), KIOSK_A)
    const second = tokens.seal(claims(), KIOSK_A)
    expect(first).not.toBe(second)
    expect(tokens.open(second, KIOSK_A)).toMatchObject({ ok: true })
  })

  it('does not open for another kiosk (forged), nor under another secret', () => {
    const tokens = new OrderTokens([CURRENT], () => NOW)
    const token = tokens.seal(claims(), KIOSK_A)
    expect(tokens.open(token, KIOSK_B)).toEqual({ ok: false, reason: 'forged' })
    expect(tokens.open(token, '')).toEqual({ ok: false, reason: 'forged' })
    expect(new OrderTokens([OTHER], () => NOW).open(token, KIOSK_A)).toEqual({ ok: false, reason: 'forged' })
  })

  it('refuses any single changed byte of the sealed part: forged or malformed, never claims', () => {
    const tokens = new OrderTokens([CURRENT], () => NOW)
    const token = tokens.seal(claims(), KIOSK_A)
    const sealed = sealedPart(token)
    fc.assert(
      fc.property(fc.nat({ max: sealed.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, xor) => {
        const damaged = Buffer.from(sealed)
        damaged[index] = (damaged[index] as number) ^ xor
        const opened = tokens.open(tokenOf(damaged), KIOSK_A)
        expect(opened.ok).toBe(false)
        if (!opened.ok) expect(['forged', 'malformed']).toContain(opened.reason)
      }),
      { numRuns: 300 },
    )
  })

  it('refuses any single changed character of the text, unless it spells the very same bytes', () => {
    const tokens = new OrderTokens([CURRENT], () => NOW)
    const token = tokens.seal(claims(), KIOSK_A)
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. ']
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), (index, replacement) => {
        fc.pre(token[index] !== replacement)
        const changed = token.slice(0, index) + replacement + token.slice(index + 1)
        const opened = tokens.open(changed, KIOSK_A)
        if (opened.ok) {
          // Only the unused low bits of the last base64url character: the sealed bytes are untouched.
          expect(index).toBe(token.length - 1)
          expect(sealedPart(changed).equals(sealedPart(token))).toBe(true)
        } else {
          expect(['forged', 'malformed']).toContain(opened.reason)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('refuses a cut-short or lengthened token', () => {
    const tokens = new OrderTokens([CURRENT], () => NOW)
    const sealed = sealedPart(tokens.seal(claims(), KIOSK_A))
    for (const variant of [sealed.subarray(0, sealed.length - 1), sealed.subarray(1), Buffer.concat([sealed, Buffer.from([0])]), sealed.subarray(0, 28)]) {
      const opened = tokens.open(tokenOf(variant), KIOSK_A)
      expect(opened.ok, `${variant.length} bytes`).toBe(false)
    }
  })
})

describe('age', () => {
  const sealedAt = (issuedAt: number) => new OrderTokens([CURRENT], () => NOW).seal(claims({ issuedAt }), KIOSK_A)
  const openAt = (token: string, now: number) => new OrderTokens([CURRENT], () => now).open(token, KIOSK_A)

  it('opens up to MAX_TOKEN_AGE_MS old, and is expired beyond it', () => {
    const token = sealedAt(NOW)
    expect(openAt(token, NOW + MAX_TOKEN_AGE_MS)).toMatchObject({ ok: true })
    expect(openAt(token, NOW + MAX_TOKEN_AGE_MS + 1)).toEqual({ ok: false, reason: 'expired' })
    expect(openAt(token, NOW + 24 * 60 * 60 * 1000)).toEqual({ ok: false, reason: 'expired' })
  })

  it('tolerates a minute of clock difference between instances, and no more', () => {
    expect(openAt(sealedAt(NOW + 60_000), NOW)).toMatchObject({ ok: true })
    expect(openAt(sealedAt(NOW + 60_001), NOW)).toEqual({ ok: false, reason: 'expired' })
    expect(openAt(sealedAt(NOW + 3_600_000), NOW)).toEqual({ ok: false, reason: 'expired' })
  })
})

describe('changing the state secret', () => {
  it('opens a token sealed with the previous secret while it is listed second, and not once it is gone', () => {
    const token = new OrderTokens([PREVIOUS], () => NOW).seal(claims(), KIOSK_A)
    expect(new OrderTokens([CURRENT, PREVIOUS], () => NOW).open(token, KIOSK_A)).toEqual({ ok: true, claims: claims() })
    expect(new OrderTokens([CURRENT], () => NOW).open(token, KIOSK_A)).toEqual({ ok: false, reason: 'forged' })
    // Still bound to the kiosk under the previous secret.
    expect(new OrderTokens([CURRENT, PREVIOUS], () => NOW).open(token, KIOSK_B)).toEqual({ ok: false, reason: 'forged' })
  })

  it('seals with the first secret only', () => {
    const token = new OrderTokens([CURRENT, PREVIOUS], () => NOW).seal(claims(), KIOSK_A)
    expect(new OrderTokens([CURRENT], () => NOW).open(token, KIOSK_A)).toMatchObject({ ok: true })
    expect(new OrderTokens([PREVIOUS], () => NOW).open(token, KIOSK_A)).toEqual({ ok: false, reason: 'forged' })
  })

  it('needs at least one secret', () => {
    expect(() => new OrderTokens([])).toThrow(/at least one/)
  })
})

describe('malformed tokens', () => {
  const tokens = new OrderTokens([CURRENT], () => NOW)
  const good = tokens.seal(claims(), KIOSK_A)

  it.each([
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { orderRef: good }],
    ['an array', [good]],
    ['bytes', Buffer.from(good)],
    ['the empty string', ''],
    ['only the prefix', TOKEN_PREFIX],
    ['a UUID (a kiosk talking to BankID directly)', '131daac9-16c6-4618-beb0-365768f37288'],
    ['another prefix', `g2.${good.slice(TOKEN_PREFIX.length)}`],
    ['no prefix', good.slice(TOKEN_PREFIX.length)],
    ['an upper-case prefix', `G1.${good.slice(TOKEN_PREFIX.length)}`],
    ['padding', `${good}=`],
    ['standard base64', `${good.slice(0, -1)}+`],
    ['white space', ` ${good}`],
    ['oversized', TOKEN_PREFIX + 'A'.repeat(600)],
    ['too short to hold IV and tag', TOKEN_PREFIX + Buffer.alloc(28).toString('base64url')],
  ])('%s', (_what, token) => {
    expect(tokens.open(token, KIOSK_A)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('an authentic token whose content is not claims is malformed, not forged', () => {
    // Sealed exactly as the gateway seals (same key derivation), but with contents it never writes.
    const key = Buffer.from(hkdfSync('sha256', CURRENT.reveal(), Buffer.alloc(0), 'bankid-gateway order token v1', 32))
    const sealRaw = (plain: string) => {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(KIOSK_A, 'utf8'))
      return tokenOf(Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]))
    }
    // The derivation is right: a well-formed plain text opens.
    expect(tokens.open(sealRaw(JSON.stringify(['ref', NOW, 'sign'])), KIOSK_A)).toEqual({ ok: true, claims: { bankIdOrderRef: 'ref', issuedAt: NOW, endpoint: 'sign' } })
    for (const plain of ['not json', '{}', '["ref",1]', '["ref","1","auth"]', '["",1,"auth"]', '["ref",1,"collect"]', '["ref",1,"auth",4]']) {
      expect(tokens.open(sealRaw(plain), KIOSK_A), plain).toEqual({ ok: false, reason: 'malformed' })
    }
  })
})

describe('derive', () => {
  it('is the same on every instance with the same secret, and a keyed hash of the requested length', () => {
    const one = new OrderTokens([secret('shared state secret, 32 bytes long')])
    const two = new OrderTokens([secret('shared state secret, 32 bytes long')])
    expect(one.derive('pnr', '199001012385')).toBe(two.derive('pnr', '199001012385'))
    expect(one.derive('pnr', '199001012385')).toMatch(/^[0-9a-f]{32}$/)
    expect(one.derive('handoff', 'ref', 32)).toMatch(/^[0-9a-f]{64}$/)
    expect(one.derive('pnr', '199001012385')).not.toContain('199001012385')
  })

  it('differs across purposes, values and secrets, and uses the current secret', () => {
    const tokens = new OrderTokens([CURRENT, PREVIOUS])
    const value = '199001012385'
    expect(tokens.derive('pnr', value)).not.toBe(tokens.derive('handoff', value))
    expect(tokens.derive('pnr', value)).not.toBe(tokens.derive('pnr', '199001012393'))
    expect(tokens.derive('pnr', value)).not.toBe(new OrderTokens([OTHER]).derive('pnr', value))
    expect(tokens.derive('pnr', value)).toBe(new OrderTokens([CURRENT]).derive('pnr', value))
    expect(tokens.derive('pnr', value)).not.toBe(new OrderTokens([PREVIOUS]).derive('pnr', value))
    // The separator keeps ("a", "bc") and ("ab", "c") apart.
    expect(tokens.derive('a', 'bc')).not.toBe(tokens.derive('ab', 'c'))
  })
})
