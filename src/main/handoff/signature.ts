// The hand-off's HMAC signature (auth "hmac"), the scheme a school's service verifies:
//
//   X-Kiosk-Signature: t=<unix seconds>,n=<nonce>,v1=<hex HMAC-SHA256(secret, "<t>.<n>.<body>")>
//
// - secret: the bytes of handoff.secret (the file's or variable's text as UTF-8);
// - body: the exact bytes of the request body (JSON, UTF-8), so any change to it breaks the HMAC;
// - t: when this try was signed; a receiver refuses t more than 5 minutes from its own clock;
// - n: the body's `nonce` (a receiver checks they are equal), which a receiver accepts only once.
//
// Retries (see client.ts) send the same body, so the same nonce, signed afresh with a new t: a
// receiver that already took the first try refuses the retry as a replay instead of logging the
// parent in twice. examples/handoff-receiver/ verifies exactly this, without any dependency.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'X-Kiosk-Signature'
/** How far a signature's time may be from the receiver's clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300

const NONCE_SHAPE = /^[0-9a-f]{32}$/
const HMAC_SHAPE = /^[0-9a-f]{64}$/

export function signatureOf(secret: Buffer, timestamp: number, nonce: string, body: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.${nonce}.`, 'utf8').update(body).digest('hex')
}

/** The header's value for a body. */
export function signRequest(secret: Buffer, body: Buffer, nonce: string, timestamp: number): string {
  if (!NONCE_SHAPE.test(nonce)) throw new Error('a nonce is 32 lower-case hex characters')
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error('a timestamp is whole unix seconds')
  return `t=${timestamp},n=${nonce},v1=${signatureOf(secret, timestamp, nonce, body)}`
}

export type SignatureCheck =
  | { ok: true; timestamp: number; nonce: string }
  | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' }

/** The header's parts, or null: exactly t, n and v1, each once, in that shape. */
export function parseSignatureHeader(header: string): { timestamp: number; nonce: string; v1: string } | null {
  const parts = new Map<string, string>()
  for (const part of header.split(',')) {
    const at = part.indexOf('=')
    if (at <= 0) return null
    const key = part.slice(0, at).trim()
    if (parts.has(key)) return null
    parts.set(key, part.slice(at + 1).trim())
  }
  const t = parts.get('t')
  const n = parts.get('n')
  const v1 = parts.get('v1')
  if (parts.size !== 3 || t === undefined || n === undefined || v1 === undefined) return null
  if (!/^\d{1,12}$/.test(t) || !NONCE_SHAPE.test(n) || !HMAC_SHAPE.test(v1)) return null
  return { timestamp: Number(t), nonce: n, v1 }
}

/**
 * A receiver's check, here for the kiosk's own tests and as the reference: shape, time window and
 * HMAC (compared in constant time). The nonce's uniqueness and its match with the body's are the
 * receiver's to check.
 */
export function verifySignature(
  secret: Buffer,
  header: string,
  body: Buffer,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  const parsed = parseSignatureHeader(header)
  if (!parsed) return { ok: false, reason: 'malformed' }
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' }
  const expected = Buffer.from(signatureOf(secret, parsed.timestamp, parsed.nonce, body), 'hex')
  const presented = Buffer.from(parsed.v1, 'hex')
  if (!timingSafeEqual(expected, presented)) return { ok: false, reason: 'mismatch' }
  return { ok: true, timestamp: parsed.timestamp, nonce: parsed.nonce }
}
