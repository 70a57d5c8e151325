// The reference a parent reads on the failure and out-of-service screens, instead of the internal
// code (`H-certificateErr`, `B-503-maintenance`) that the log, the health file and the docs use.
// Four characters, e.g. `K7QZ`: short enough to read out at the reception, and neutral: digits 2–9
// and consonants only, so it spells no word in any of the kiosk's languages and never repeats three
// characters of the code it stands for. Deterministic, so staff can look it up in the staff screen's
// recent errors, in the log (field `staffReference`) and in docs/reliability.md.

/** No vowels (so no words), no 0 or 1 (read as O, I or L): 8 digits and 20 consonants. */
export const STAFF_REFERENCE_ALPHABET = '23456789BCDFGHJKLMNPQRSTVWXZ'
export const STAFF_REFERENCE_LENGTH = 4

/** The reference for an internal code: the same code gives the same reference, everywhere. */
export function staffReference(code: string): string {
  const upper = code.toUpperCase()
  let reference = ''
  // Almost always the first try; another only if the reference would repeat part of the code.
  for (let salt = 0; salt < 16; salt++) {
    reference = encode(mix(fnv1a(code, salt)))
    if (!sharesRun(reference, upper)) return reference
  }
  return reference
}

const encoder = new TextEncoder()

/** FNV-1a, 32 bits, over the code's UTF-8 bytes; a salt other than 0 is hashed in first. */
function fnv1a(text: string, salt: number): number {
  let hash = 0x811c9dc5
  const bytes = salt === 0 ? encoder.encode(text) : encoder.encode(`${salt}:${text}`)
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193)
  return hash >>> 0
}

/** Murmur3's finaliser: FNV-1a's low bits change little between similar codes; these all do. */
function mix(hash: number): number {
  let h = hash
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

function encode(hash: number): string {
  const base = STAFF_REFERENCE_ALPHABET.length
  let rest = hash
  let text = ''
  for (let i = 0; i < STAFF_REFERENCE_LENGTH; i++) {
    text += STAFF_REFERENCE_ALPHABET[rest % base]
    rest = Math.floor(rest / base)
  }
  return text
}

/** Whether any three characters in a row of the reference also appear in a row in the code. */
function sharesRun(reference: string, upperCode: string): boolean {
  for (let i = 0; i + 3 <= reference.length; i++) if (upperCode.includes(reference.slice(i, i + 3))) return true
  return false
}
