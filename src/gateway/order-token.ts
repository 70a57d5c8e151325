// The orderRef a kiosk gets from the gateway: BankID's orderRef and what the gateway must know about
// the order, sealed with AES-256-GCM under the state secret every instance shares. That is the whole
// of the gateway's per-order state, and it rides with the kiosk: any instance can open it for the
// kiosk's next collect or cancel, so instances come and go without losing a login.
//
// - Unforgeable and unreadable: without the secret nobody can make or read one.
// - Bound to the kiosk: its certificate's fingerprint is the additional authenticated data, so a
//   token another kiosk presents does not open (no swapping orders between terminals).
// - Short-lived: older than MAX_TOKEN_AGE_MS it does not open (BankID forgets the order by then).
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import type { SecretBytes } from '../main/handoff/credentials'

export const TOKEN_PREFIX = 'g1.'
/** BankID keeps an order at most ~30 s unscanned + 3 min to finish + 5 min collectable after it fails. */
export const MAX_TOKEN_AGE_MS = 10 * 60 * 1000
const IV_BYTES = 12
const TAG_BYTES = 16

export interface OrderClaims {
  /** BankID's own orderRef: never shown to the kiosk. */
  bankIdOrderRef: string
  /** Wall-clock ms when the gateway started the order. */
  issuedAt: number
  endpoint: 'auth' | 'sign'
}

interface Key {
  seal: Buffer
  mac: Buffer
}

export class OrderTokens {
  readonly #keys: Key[]
  readonly #now: () => number

  /** secrets: the current one first; older ones are still opened (while the secret is being changed). */
  constructor(secrets: readonly SecretBytes[], now: () => number = Date.now) {
    if (secrets.length === 0) throw new Error('at least one state secret is needed')
    this.#keys = secrets.map((secret) => ({
      seal: Buffer.from(hkdfSync('sha256', secret.reveal(), Buffer.alloc(0), 'bankid-gateway order token v1', 32)),
      mac: Buffer.from(hkdfSync('sha256', secret.reveal(), Buffer.alloc(0), 'bankid-gateway derived identifiers v1', 32)),
    }))
    this.#now = now
  }

  seal(claims: OrderClaims, kioskFingerprint: string): string {
    const key = this.#keys[0] as Key
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key.seal, iv)
    cipher.setAAD(Buffer.from(kioskFingerprint, 'utf8'))
    const plain = Buffer.from(JSON.stringify([claims.bankIdOrderRef, claims.issuedAt, claims.endpoint]), 'utf8')
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()])
    return TOKEN_PREFIX + sealed.toString('base64url')
  }

  /** The claims, or why not: forged, damaged, another kiosk's, or too old. */
  open(token: unknown, kioskFingerprint: string): { ok: true; claims: OrderClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' } {
    if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX) || token.length > 512) return { ok: false, reason: 'malformed' }
    const body = token.slice(TOKEN_PREFIX.length)
    if (!/^[A-Za-z0-9_-]+$/.test(body)) return { ok: false, reason: 'malformed' }
    const sealed = Buffer.from(body, 'base64url')
    if (sealed.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'malformed' }
    const iv = sealed.subarray(0, IV_BYTES)
    const tag = sealed.subarray(sealed.length - TAG_BYTES)
    const ciphertext = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)
    for (const key of this.#keys) {
      let plain: Buffer
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.seal, iv, { authTagLength: TAG_BYTES })
        decipher.setAAD(Buffer.from(kioskFingerprint, 'utf8'))
        decipher.setAuthTag(tag)
        plain = Buffer.concat([decipher.update(ciphertext), decipher.final()])
      } catch {
        continue
      }
      const claims = parseClaims(plain)
      if (claims === null) return { ok: false, reason: 'malformed' }
      const age = this.#now() - claims.issuedAt
      if (age > MAX_TOKEN_AGE_MS || age < -60_000) return { ok: false, reason: 'expired' }
      return { ok: true, claims }
    }
    return { ok: false, reason: 'forged' }
  }

  /**
   * A keyed hash under the current secret, the same on every instance: for the hand-off's nonce (one
   * login, one nonce, whichever instance delivers it) and for remembering a personnummer's pending
   * order without keeping the number itself.
   */
  derive(purpose: string, value: string, bytes = 16): string {
    const key = this.#keys[0] as Key
    return createHmac('sha256', key.mac).update(`${purpose}\u0000${value}`).digest().subarray(0, bytes).toString('hex')
  }
}

function parseClaims(plain: Buffer): OrderClaims | null {
  let value: unknown
  try {
    value = JSON.parse(plain.toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(value) || value.length !== 3) return null
  const [bankIdOrderRef, issuedAt, endpoint] = value as unknown[]
  if (typeof bankIdOrderRef !== 'string' || bankIdOrderRef === '' || typeof issuedAt !== 'number') return null
  if (endpoint !== 'auth' && endpoint !== 'sign') return null
  return { bankIdOrderRef, issuedAt, endpoint }
}
