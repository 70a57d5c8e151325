// The syntax of a web origin as an administrator writes one (handoff.allowedOrigins): what the
// settings accept, and so what the hand-off, the CSP and Electron's frame policy compare against
// (../handoff/origins.ts re-uses these, so that they all agree on what "on the allow-list" means).

/** "https://host[:port]" with at most a trailing "/": no path, query, fragment or user name. */
const ORIGIN_SHAPE = /^https:\/\/[^/?#@\\\s]+\/?$/i

/** True for an https origin as an administrator writes it: "https://portal.example-skola.se". */
export function isHttpsOrigin(value: string): boolean {
  if (!ORIGIN_SHAPE.test(value) || !URL.canParse(value)) return false
  const url = new URL(value)
  return url.protocol === 'https:' && isPlainHost(url.hostname) && url.username === '' && url.password === ''
}

/** DNS labels (letters, digits, inner dashes; IDNs arrive as xn--), an IPv4 address, or [IPv6]. */
const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const IPV6 = /^\[[0-9a-f:.]+\]$/

/**
 * The URL parser lets `*`, `;`, `,` and quotes through in a host; the origins go into the CSP's
 * frame-src verbatim, where they would be syntax (a wildcard, a new directive, a keyword).
 */
function isPlainHost(hostname: string): boolean {
  return DNS_NAME.test(hostname) || IPV6.test(hostname)
}

/** The canonical form of an origin ("HTTPS://Portal.example:443/" → "https://portal.example"). */
export function canonicalOrigin(value: string): string {
  return new URL(value).origin
}
