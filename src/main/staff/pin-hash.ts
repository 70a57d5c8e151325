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
import { PIN_HASH_PREFIX, PIN_PATTERN, parsePinHash, scryptMemoryBytes } from '../settings/pin-hash-format'
import type { PinHash, ScryptParameters } from '../settings/pin-hash-format'

// The line's format is the settings' (they check it when the file is read); hashing and checking a PIN is staff's.
export { PIN_HASH_PREFIX, PIN_PATTERN, SCRYPT_BOUNDS, parsePinHash } from '../settings/pin-hash-format'
export type { ParsedPinHash, PinHash, ScryptParameters } from '../settings/pin-hash-format'

/** The fewest digits a new staff PIN may have. */
export const MIN_PIN_DIGITS = 6
/** What a new staff PIN must be: 6 to 12 digits. */
export const NEW_PIN_PATTERN = /^[0-9]{6,12}$/

/** About 0.1 s and 32 MiB on a kiosk PC: slow for a guesser with the settings file, quick for staff. */
export const DEFAULT_SCRYPT: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 }
export const SALT_BYTES = 16
export const HASH_BYTES = 32

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

function derive(pin: string, salt: Buffer, { N, r, p }: ScryptParameters, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Node refuses above maxmem (32 MiB by default, exactly what the default parameters need).
    scrypt(pin, salt, length, { N, r, p, maxmem: scryptMemoryBytes({ N, r, p }) * 2 }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}
