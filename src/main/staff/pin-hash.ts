// The staff PIN, stored only as a scrypt hash in the settings file (product.md §2.10, §4):
//
//   scrypt$N$r$p$<salt, base64>$<hash, base64>
//
// e.g. scrypt$32768$8$1$3q2+7w…==$Vb1c…= (npm run staff-pin makes one). The parameters travel with
// the hash, so they can be raised later without invalidating what administrators have deployed;
// they are checked against sane bounds before any work is done, so a hand-edited line can neither
// make verification trivially cheap nor make the kiosk spend a gigabyte on one PIN. A PIN is never
// logged, never echoed in a settings message, and compared in constant time.
//
// A new PIN has at least MIN_PIN_DIGITS (6) digits: hashPin, and so npm run staff-pin, refuse
// fewer. The line does not say how long the PIN behind it is (and must not: that would help a
// guesser), so the settings cannot refuse a hash made for a shorter PIN before 6 were required;
// verifyPin still accepts 4 and 5 digits, so such a kiosk keeps working, and the staff desk logs
// staff.pin-too-short when one is used, until a new line is made.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * What can be checked as a staff PIN: 4 to 12 digits (the contract's staff-pin intent and the PIN
 * pad say the same), so that hashes made before 6 digits were required keep working.
 */
export const PIN_PATTERN = /^[0-9]{4,12}$/

/** The fewest digits a new staff PIN may have. */
export const MIN_PIN_DIGITS = 6
/** What a new staff PIN must be: 6 to 12 digits. */
export const NEW_PIN_PATTERN = /^[0-9]{6,12}$/

export const PIN_HASH_PREFIX = 'scrypt'

export interface ScryptParameters {
  /** CPU/memory cost: a power of two. */
  N: number
  /** Block size. */
  r: number
  /** Parallelisation. */
  p: number
}

/** About 0.1 s and 32 MiB on a kiosk PC: slow for a guesser with the settings file, quick for staff. */
export const DEFAULT_SCRYPT: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 }
export const SALT_BYTES = 16
export const HASH_BYTES = 32

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
  if (memoryFor({ N, r, p }) > SCRYPT_BOUNDS.maxMemoryBytes) {
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

/** The line for the settings file. Throws a RangeError for anything but 6–12 digits. */
export async function hashPin(pin: string, parameters: ScryptParameters = DEFAULT_SCRYPT): Promise<string> {
  if (!NEW_PIN_PATTERN.test(pin)) throw new RangeError(`a staff PIN is ${MIN_PIN_DIGITS} to 12 digits`)
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(pin, salt, parameters, HASH_BYTES)
  const stored = [PIN_HASH_PREFIX, parameters.N, parameters.r, parameters.p, salt.toString('base64'), hash.toString('base64')].join('$')
  // What we write must be what we accept (parameters outside the bounds included).
  const check = parsePinHash(stored)
  if (!check.ok) throw new RangeError(`scrypt parameters out of bounds: the hash ${check.problem}`)
  return stored
}

/**
 * Whether `pin` is the PIN behind `stored` (a settings line or a parsed one). False, never an
 * exception, for a malformed line or a PIN that is not 4–12 digits.
 */
export async function verifyPin(pin: string, stored: string | PinHash): Promise<boolean> {
  const parsed = typeof stored === 'string' ? parsePinHash(stored) : { ok: true as const, value: stored }
  if (!parsed.ok || !PIN_PATTERN.test(pin)) return false
  const { salt, hash } = parsed.value
  let candidate: Buffer
  try {
    candidate = await derive(pin, salt, parsed.value, hash.length)
  } catch {
    return false
  }
  return candidate.length === hash.length && timingSafeEqual(candidate, hash)
}

function memoryFor({ N, r }: ScryptParameters): number {
  return 128 * N * r
}

function derive(pin: string, salt: Buffer, { N, r, p }: ScryptParameters, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Node refuses above maxmem (32 MiB by default, exactly what the default parameters need).
    scrypt(pin, salt, length, { N, r, p, maxmem: memoryFor({ N, r, p }) * 2 }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

function decodeBase64(text: string): Buffer | null {
  if (text === '' || text.length % 4 !== 0 || !BASE64.test(text)) return null
  return Buffer.from(text, 'base64')
}
