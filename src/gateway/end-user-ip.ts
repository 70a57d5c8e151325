// BankID wants the end user's address as the RP sees it (reference §2.1, §10.1). At a kiosk the
// user's device is the kiosk, and the RP is the gateway, so the rule is:
//   - the kiosk's address as the gateway sees the connection (IPv4-mapped IPv6 written as IPv4);
//   - except when that address is in endUserIp.trustKioskClaimsFrom (the municipality's own network,
//     where it is an internal address): then the address the kiosk sends, its configured public one.
// A kiosk elsewhere cannot make BankID believe it is somewhere else.
import { BlockList, isIP } from 'node:net'
import { parseCidr } from './settings/schema'

export function endUserIpPolicy(trustKioskClaimsFrom: readonly string[]): (peer: string, claim: unknown) => string {
  const trusted = new BlockList()
  for (const range of trustKioskClaimsFrom) {
    const parsed = parseCidr(range)
    if (parsed) trusted.addSubnet(parsed.address, parsed.prefix, parsed.family)
  }
  return (peer, claim) => {
    const seen = unmapped(peer)
    const family = isIP(seen) === 6 ? 'ipv6' : 'ipv4'
    if (trustKioskClaimsFrom.length > 0 && typeof claim === 'string' && isIP(claim) !== 0 && trusted.check(seen, family)) {
      return unmapped(claim)
    }
    return seen
  }
}

/** "::ffff:10.1.2.3" → "10.1.2.3": how Node reports IPv4 peers on a dual-stack socket. */
export function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return match?.[1] ?? address
}
