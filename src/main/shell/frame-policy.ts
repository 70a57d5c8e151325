// The hand-off's locked view in Electron (product.md §5): the kiosk page frames the school's service,
// and that frame (and any frame inside it) may only ever show the allowed origins. Electron-free:
// harden.ts applies isAllowedFrameUrl to will-frame-navigate and will-redirect of subframes, and
// index.ts applies framableHeaders to the kiosk session's responses.
import { isOnAllowedOrigins } from '../handoff/origins'

/**
 * A subframe may show an allowed origin over https, or an empty document (about:blank / srcdoc,
 * which pages create for their own widgets and which inherit their creator's origin). Nothing else:
 * no other site, no http, no data:, blob:, file: or javascript: documents.
 */
export function isAllowedFrameUrl(url: string, origins: readonly string[]): boolean {
  if (url === 'about:blank' || url === 'about:srcdoc') return true
  return isOnAllowedOrigins(url, origins)
}

export type ResponseHeaders = Record<string, string[] | string>

/**
 * The response headers to use instead for a page of an allowed origin loaded into a frame: without
 * X-Frame-Options and without the CSP's frame-ancestors directive, which would otherwise refuse to
 * be framed by app://kiosk (an origin no school's service lists). Only for subframe documents of the
 * allowed origins; null (leave the headers alone) for everything else. The rest of the service's CSP
 * stays in force.
 */
export function framableHeaders(
  details: { url: string; resourceType: string; responseHeaders?: ResponseHeaders },
  origins: readonly string[],
): ResponseHeaders | null {
  if (details.resourceType !== 'subFrame' || !details.responseHeaders || !isOnAllowedOrigins(details.url, origins)) return null
  const headers: ResponseHeaders = {}
  let changed = false
  for (const [name, value] of Object.entries(details.responseHeaders)) {
    const lower = name.toLowerCase()
    if (lower === 'x-frame-options') {
      changed = true
      continue
    }
    if (lower === 'content-security-policy') {
      const values = (Array.isArray(value) ? value : [value]).map(withoutFrameAncestors)
      const kept = values.filter((policy) => policy !== '')
      if (kept.length !== values.length || values.some((policy, i) => policy !== (Array.isArray(value) ? value[i] : value))) {
        changed = true
      }
      if (kept.length > 0) headers[name] = kept
      continue
    }
    headers[name] = value
  }
  return changed ? headers : null
}

/** A policy without its frame-ancestors directive(s). */
function withoutFrameAncestors(policy: string): string {
  return policy
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '' && !/^frame-ancestors(\s|$)/i.test(directive))
    .join('; ')
}
