// The staff PIN's line in the settings file (staff.pinHash), as the settings check it:
//
//   scrypt$N$r$p$<salt, base64>$<hash, base64>
//
// The parameters travel with the hash and are checked against sane bounds before any work is done,
// so a hand-edited line can neither make verification trivially cheap nor make the kiosk spend a
// gigabyte on one PIN. Making and checking a PIN against the line is ../staff/pin-hash.ts's.

/**
 * What can be checked as a staff PIN: 4 to 12 digits (the contract's staff-pin intent and the PIN
 * pad say the same), so that hashes made before 6 digits were required keep working.
 */
export const PIN_PATTERN = /^[0-9]{4,12}$/

export const PIN_HASH_PREFIX = 'scrypt'

export interface ScryptParameters {
  /** CPU/memory cost: a power of two. */
  N: number
  /** Block size. */
  r: number
  /** Parallelisation. */
  p: number
}

/** The bounds a stored hash's parameters must lie within. */
export const SCRYPT_BOUNDS = {
  minLogN: 14,
  maxLogN: 20,
  maxR: 32,
  maxP: 16,
  /** scrypt needs about 128·N·r bytes. */
  maxMemoryBytes: 256 * 1024 * 1024,
  minSaltBytes: 16,
  maxSaltBytes: 64,
  minHashBytes: 16,
  maxHashBytes: 64,
} as const

export interface PinHash extends ScryptParameters {
  salt: Buffer
  hash: Buffer
}

export type ParsedPinHash = { ok: true; value: PinHash } | { ok: false; problem: string }

const HOW_TO_MAKE = 'made by "npm run staff-pin"'
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const DECIMAL = /^[1-9][0-9]{0,9}$/

/**
 * Reads a stored hash. The problem, when there is one, is worded to follow `Setting "staff.pinHash"`
 * and never repeats the text (it might be a PIN written there by mistake).
 */
export function parsePinHash(text: string): ParsedPinHash {
  const fail = (problem: string): ParsedPinHash => ({ ok: false, problem })
  if (PIN_PATTERN.test(text.trim())) {
    return fail(`must be the hash of the PIN ${HOW_TO_MAKE}, never the PIN itself`)
  }
  const parts = text.split('$')
  if (parts.length !== 6 || parts[0] !== PIN_HASH_PREFIX) {
    return fail(`must be the line ${HOW_TO_MAKE}: "scrypt$" followed by five parts separated by "$"`)
  }
  const [, nText = '', rText = '', pText = '', saltText = '', hashText = ''] = parts
  if (!DECIMAL.test(nText) || !DECIMAL.test(rText) || !DECIMAL.test(pText)) {
    return fail(`has a cost, block size or parallelisation that is not a whole number (make it again with "npm run staff-pin")`)
  }
  const N = Number(nText)
  const r = Number(rText)
  const p = Number(pText)
  const logN = Math.log2(N)
  if (!Number.isInteger(logN) || logN < SCRYPT_BOUNDS.minLogN || logN > SCRYPT_BOUNDS.maxLogN) {
    return fail(
      `has a cost N that is not a power of two from ${2 ** SCRYPT_BOUNDS.minLogN} to ${2 ** SCRYPT_BOUNDS.maxLogN} ` +
        '(make it again with "npm run staff-pin")',
    )
  }
  if (r > SCRYPT_BOUNDS.maxR || p > SCRYPT_BOUNDS.maxP) {
    return fail(
      `has a block size over ${SCRYPT_BOUNDS.maxR} or a parallelisation over ${SCRYPT_BOUNDS.maxP} ` +
        '(make it again with "npm run staff-pin")',
    )
  }
  if (scryptMemoryBytes({ N, r, p }) > SCRYPT_BOUNDS.maxMemoryBytes) {
    return fail('asks for more than 256 MB of memory per check (make it again with "npm run staff-pin")')
  }
  const salt = decodeBase64(saltText)
  const hash = decodeBase64(hashText)
  if (!salt || salt.length < SCRYPT_BOUNDS.minSaltBytes || salt.length > SCRYPT_BOUNDS.maxSaltBytes) {
    return fail(`has a salt that is not ${SCRYPT_BOUNDS.minSaltBytes} to ${SCRYPT_BOUNDS.maxSaltBytes} bytes of base64 (copy the whole line ${HOW_TO_MAKE})`)
  }
  if (!hash || hash.length < SCRYPT_BOUNDS.minHashBytes || hash.length > SCRYPT_BOUNDS.maxHashBytes) {
    return fail(`has a hash that is not ${SCRYPT_BOUNDS.minHashBytes} to ${SCRYPT_BOUNDS.maxHashBytes} bytes of base64 (copy the whole line ${HOW_TO_MAKE})`)
  }
  return { ok: true, value: { N, r, p, salt, hash } }
}

/** The memory scrypt needs for these parameters, in bytes (about 128·N·r). */
export function scryptMemoryBytes({ N, r }: ScryptParameters): number {
  return 128 * N * r
}

function decodeBase64(text: string): Buffer | null {
  if (text === '' || text.length % 4 !== 0 || !BASE64.test(text)) return null
  return Buffer.from(text, 'base64')
}
