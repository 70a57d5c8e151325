// The endUserIp the gateway gives BankID: the kiosk's address as the connection shows it, unless the
// connection comes from a range IT trusts, where the kiosk's own (valid) claim is used.
import { describe, expect, it } from 'vitest'
import { endUserIpPolicy, unmapped } from '../../src/gateway/end-user-ip'

const CLAIM = '198.51.100.23'
const INVALID_CLAIMS: unknown[] = ['nope', '', ' 198.51.100.23', '198.51.100.23/32', '999.1.1.1', '198.51.100', 42, null, undefined, {}, ['198.51.100.23']]

describe('by default (no trusted ranges)', () => {
  const policy = endUserIpPolicy([])

  it('uses the peer\'s address and ignores any claim, even a valid one', () => {
    expect(policy('203.0.113.7', CLAIM)).toBe('203.0.113.7')
    expect(policy('10.1.2.3', CLAIM)).toBe('10.1.2.3')
    expect(policy('2001:db8::7', '2001:db8::1')).toBe('2001:db8::7')
    expect(policy('203.0.113.7', undefined)).toBe('203.0.113.7')
  })

  it('writes an IPv4-mapped IPv6 peer as IPv4', () => {
    expect(policy('::ffff:203.0.113.7', CLAIM)).toBe('203.0.113.7')
    expect(policy('::FFFF:127.0.0.1', CLAIM)).toBe('127.0.0.1')
  })
})

describe('unmapped', () => {
  it.each([
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['10.1.2.3', '10.1.2.3'],
    ['::1', '::1'],
    ['2001:db8::ffff:10.1.2.3', '2001:db8::ffff:10.1.2.3'],
    ['::ffff:10.1.2', '::ffff:10.1.2'],
  ])('%s → %s', (address, expected) => {
    expect(unmapped(address)).toBe(expected)
  })
})

describe('with trustKioskClaimsFrom ["10.0.0.0/8", "2001:db8::/32"]', () => {
  const policy = endUserIpPolicy(['10.0.0.0/8', '2001:db8::/32'])

  it.each(['10.0.0.0', '10.20.30.40', '10.255.255.255', '::ffff:10.20.30.40', '2001:db8::1', '2001:db8:ffff:ffff::1', '2001:DB8::abcd'])(
    'a peer inside (%s) uses the kiosk\'s valid claim',
    (peer) => {
      expect(policy(peer, CLAIM)).toBe(CLAIM)
      expect(policy(peer, '2001:db8:1::5')).toBe('2001:db8:1::5')
      expect(policy(peer, '::ffff:198.51.100.23')).toBe(CLAIM)
    },
  )

  it.each(['11.0.0.1', '9.255.255.255', '192.168.1.10', '127.0.0.1', '::ffff:192.168.1.10', '2001:db9::1', '2001:db7:ffff::1', '::1'])(
    'a peer outside (%s) uses its own address',
    (peer) => {
      expect(policy(peer, CLAIM)).toBe(unmapped(peer))
    },
  )

  it('never uses an invalid claim, even from inside', () => {
    for (const claim of INVALID_CLAIMS) {
      expect(policy('10.20.30.40', claim), JSON.stringify(claim)).toBe('10.20.30.40')
      expect(policy('::ffff:10.20.30.40', claim), JSON.stringify(claim)).toBe('10.20.30.40')
      expect(policy('2001:db8::1', claim), JSON.stringify(claim)).toBe('2001:db8::1')
    }
  })
})

describe('narrow ranges', () => {
  it('a bare address trusts that one host, and /32 likewise', () => {
    for (const policy of [endUserIpPolicy(['10.1.1.1']), endUserIpPolicy(['10.1.1.1/32'])]) {
      expect(policy('10.1.1.1', CLAIM)).toBe(CLAIM)
      expect(policy('10.1.1.2', CLAIM)).toBe('10.1.1.2')
    }
  })

  it('a /24 ends where it should', () => {
    const policy = endUserIpPolicy(['192.168.7.0/24'])
    expect(policy('192.168.7.255', CLAIM)).toBe(CLAIM)
    expect(policy('192.168.8.0', CLAIM)).toBe('192.168.8.0')
  })
})
