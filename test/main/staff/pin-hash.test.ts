import { describe, expect, it } from 'vitest'
import { checkSettings } from '../../../src/main/settings/load'
import { scryptSync } from 'node:crypto'
import { DEFAULT_SCRYPT, MIN_PIN_DIGITS, hashPin, parsePinHash, verifyPin } from '../../../src/main/staff/pin-hash'

/** The cheapest parameters the format accepts: the tests check behaviour, not cost. */
const FAST = { N: 2 ** 14, r: 8, p: 1 }
const b64 = (bytes: number, fill = 7) => Buffer.alloc(bytes, fill).toString('base64')
const line = (n: string | number, r: string | number, p: string | number, salt = b64(16), hash = b64(32)) =>
  `scrypt$${n}$${r}$${p}$${salt}$${hash}`

describe('hashPin and verifyPin', () => {
  it('makes scrypt$N$r$p$salt$hash with the default parameters, a 16-byte salt and a 32-byte hash', async () => {
    const stored = await hashPin('123456')
    const [prefix, n, r, p, salt = '', hash = ''] = stored.split('$')
    expect([prefix, Number(n), Number(r), Number(p)]).toEqual(['scrypt', DEFAULT_SCRYPT.N, DEFAULT_SCRYPT.r, DEFAULT_SCRYPT.p])
    expect(Buffer.from(salt, 'base64')).toHaveLength(16)
    expect(Buffer.from(hash, 'base64')).toHaveLength(32)
    expect(stored).not.toContain('123456')
    expect(await verifyPin('123456', stored)).toBe(true)
  })

  it('accepts the right PIN only', async () => {
    const stored = await hashPin('258046', FAST)
    expect(await verifyPin('258046', stored)).toBe(true)
    for (const wrong of ['258047', '025804', '2580460', '25804', '2580', '', '258046 ', 'abcdef']) expect(await verifyPin(wrong, stored)).toBe(false)
  })

  it('salts every hash: the same PIN twice gives two different lines, both valid', async () => {
    const a = await hashPin('999999', FAST)
    const b = await hashPin('999999', FAST)
    expect(a).not.toBe(b)
    expect(await verifyPin('999999', a)).toBe(true)
    expect(await verifyPin('999999', b)).toBe(true)
  })

  it('refuses to hash anything but 6 to 12 digits', async () => {
    for (const pin of ['123', '1234567890123', '12a456', ' 123456', '', '١٢٣٤٥٦']) await expect(hashPin(pin, FAST)).rejects.toThrow(RangeError)
    await expect(hashPin('123456', { N: 2 ** 13, r: 8, p: 1 })).rejects.toThrow(/out of bounds/)
  })

  it('refuses a 4- or 5-digit PIN: a staff PIN has at least 6 digits', async () => {
    expect(MIN_PIN_DIGITS).toBe(6)
    for (const pin of ['1234', '12345']) await expect(hashPin(pin, FAST)).rejects.toThrow(/6 to 12 digits/)
    expect(await verifyPin('123456', await hashPin('123456', FAST))).toBe(true)
  })

  it('still verifies a 4-digit PIN against a hash made before 6 digits were required (the hash cannot tell)', async () => {
    const salt = Buffer.alloc(16, 3)
    const old = `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync('4711', salt, 32, FAST).toString('base64')}`
    expect(parsePinHash(old).ok).toBe(true)
    expect(await verifyPin('4711', old)).toBe(true)
    expect(await verifyPin('4712', old)).toBe(false)
  })

  it('answers false, never throws, for a malformed or tampered line', async () => {
    const stored = await hashPin('432198', FAST)
    const parts = stored.split('$')
    const flipped = Buffer.from(parts[5] ?? '', 'base64')
    flipped[0] = (flipped[0] ?? 0) ^ 1
    expect(await verifyPin('432198', [...parts.slice(0, 5), flipped.toString('base64')].join('$'))).toBe(false)
    expect(await verifyPin('432198', [...parts.slice(0, 4), b64(16, 1), parts[5]].join('$'))).toBe(false)
    expect(await verifyPin('432198', 'nonsense')).toBe(false)
    expect(await verifyPin('432198', '432198')).toBe(false)
  })
})

describe('parsePinHash', () => {
  it('reads a good line', () => {
    const parsed = parsePinHash(line(16384, 8, 1))
    expect(parsed.ok && { N: parsed.value.N, r: parsed.value.r, p: parsed.value.p, salt: parsed.value.salt.length }).toEqual({ N: 16384, r: 8, p: 1, salt: 16 })
  })

  it.each([
    ['the PIN itself', '123456', /never the PIN itself/],
    ['a short PIN itself', '1234', /never the PIN itself/],
    ['another algorithm', line(16384, 8, 1).replace('scrypt', 'bcrypt'), /"scrypt\$" followed by five parts/],
    ['too few parts', 'scrypt$16384$8$1$abc', /five parts/],
    ['a cost that is not a number', line('x', 8, 1), /not a whole number/],
    ['a leading zero', line('016384', 8, 1), /not a whole number/],
    ['a cost that is not a power of two', line(20000, 8, 1), /power of two from 16384 to 1048576/],
    ['a cost too small to protect anything', line(1024, 8, 1), /power of two/],
    ['a cost too big', line(2 ** 21, 1, 1), /power of two/],
    ['a huge block size', line(16384, 64, 1), /block size over 32/],
    ['a huge parallelisation', line(16384, 8, 17), /parallelisation over 16/],
    ['too much memory', line(2 ** 20, 8, 1), /256 MB/],
    ['a salt that is not base64', line(16384, 8, 1, 'not*base64!!'), /salt/],
    ['a short salt', line(16384, 8, 1, b64(8)), /salt/],
    ['a short hash', line(16384, 8, 1, b64(16), b64(8)), /hash that is not/],
    ['an empty hash', line(16384, 8, 1, b64(16), ''), /hash that is not/],
  ])('refuses %s, with a sentence saying why', (_what, text, problem) => {
    const parsed = parsePinHash(text)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.problem).toMatch(problem)
  })
})

describe('staff.pinHash in the settings', () => {
  it('accepts a line from hashPin, and staff.allowExit defaults to false', async () => {
    const stored = await hashPin('123456', FAST)
    const checked = checkSettings({ staff: { pinHash: stored } })
    expect(checked.ok && checked.settings.staff).toEqual({ pinHash: stored, allowExit: false })
  })

  it('names the setting and never repeats a PIN written there by mistake', () => {
    const checked = checkSettings({ staff: { pinHash: '735190' } })
    expect(checked).toMatchObject({ ok: false, key: 'staff.pinHash' })
    if (checked.ok) return
    expect(checked.problem).toBe('Setting "staff.pinHash" must be the hash of the PIN made by "npm run staff-pin", never the PIN itself.')
    expect(checked.problem).not.toContain('735190')
  })

  it('says what is wrong with a damaged line, without quoting it', () => {
    const checked = checkSettings({ staff: { pinHash: line(20000, 8, 1) } })
    expect(checked.ok).toBe(false)
    if (!checked.ok) {
      expect(checked.problem).toMatch(/^Setting "staff\.pinHash" has a cost N that is not a power of two/)
      expect(checked.problem).not.toContain('20000$')
    }
    expect(checkSettings({ staff: { pinHash: 1234 } })).toMatchObject({ ok: false, key: 'staff.pinHash' })
    expect(checkSettings({ staff: { allowExit: 'yes' } })).toMatchObject({ ok: false, key: 'staff.allowExit' })
  })
})
