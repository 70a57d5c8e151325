// Masking of personal data before anything reaches a log line (product.md §6: a personnummer or a
// person's name is never written to a log). Every value a caller logs goes through
// maskPersonalData first; the result is a JSON-safe copy with:
// - every personnummer-like number replaced by PERSONNUMMER_MASK, in every string, every number,
//   every object key and every Error message and stack. Personnummer-like is: 10 or 12 digits,
//   grouped as date + last four (YYYYMMDD NNNN or YYMMDD NNNN), where
//   - a digit is any Unicode decimal digit (\p{Nd}): ASCII, fullwidth U+FF10-FF19, Arabic-Indic
//     U+0660-0669, Persian U+06F0-06F9 and every other script, mixed freely;
//   - between the year, the month, the day and the last four there may be one separator each
//     (none is fine too): spaces (one or more of U+0020, no-break U+00A0, figure U+2007, thin
//     U+2009, narrow no-break U+202F; or a single URL-encoded %20), or one dash or plus ('-', '+',
//     U+2010 hyphen, U+2011 non-breaking hyphen, U+2012 figure dash, U+2013 en dash, U+2014 em
//     dash, U+2212 minus, U+FE63 small hyphen-minus, U+FF0B fullwidth plus, U+FF0D fullwidth
//     hyphen-minus, or URL-encoded %2B / %2D in either case), possibly with spaces around it; so
//     19900101-2385, 900101+2385, 1990-01-01-2385, 90 01 01 2385, 900101%2B2385 are all masked;
//   - not preceded or followed by another digit of any script; letters and punctuation around it
//     do not matter; no date or Luhn check.
//   Not masked: other separators ('.', '/', ':', '_', tabs), a separator between the century and
//   the year or inside the last four, other groupings (phone numbers like 070-123 45 67), and any
//   other number of digits. ISO timestamps, ports, counters and orderRef hashes stay readable.
// - the value under a personal key (personalNumber, name, givenName, ...) replaced by REDACTED,
//   whatever it is;
// - an `orderRef` replaced by its hash, under `orderRefHash`.
// Names in free text cannot be recognised: callers must never interpolate a name into an event or
// a message, only pass it under one of the personal keys (if at all).
import { createHash } from 'node:crypto'

/** What a personnummer-like number becomes. */
export const PERSONNUMMER_MASK = '[personnummer]'
/** What the value under a personal key becomes. */
export const REDACTED = '[redacted]'
/** The key an orderRef hash is logged under; the logger moves a logged `orderRef` here, hashed. */
export const ORDER_REF_HASH_KEY = 'orderRefHash'

/** A digit of any script: ASCII, fullwidth, Arabic-Indic, Persian, Devanagari, ... */
const DIGIT = String.raw`\p{Nd}`
/** A space: ASCII, no-break, figure, thin, narrow no-break. */
const SPACE = String.raw`[\u0020\u00A0\u2007\u2009\u202F]`
/** One dash or plus: ASCII, the Unicode hyphens and dashes, minus, small and fullwidth forms, URL-encoded. */
const DASH = String.raw`(?:[-+\u2010-\u2014\u2212\uFE63\uFF0B\uFF0D]|%2[BbDd])`
/**
 * What may stand between two groups: one URL-encoded space, or spaces, or one dash or plus, with
 * optional spaces around it. %20 is not repeatable: its "20" are digits, so "%20%20%20..." would
 * give every "20" a start that scans the rest of the run (quadratic time).
 */
const SEPARATOR = `(?:%20|${SPACE}+(?:${DASH}${SPACE}*)?|${DASH}${SPACE}*)`
const TWO = `${DIGIT}{2}`
const FOUR = `${DIGIT}{4}`

/**
 * 10 or 12 digits of any script, grouped as (YY)YY MM DD NNNN with an optional separator after
 * each of the first three groups, and not part of a longer digit run. See the top of this file for
 * the exact digits and separators. Letters around it do not matter ("pnr199001012385" is masked
 * too). No date or Luhn check: a wrongly typed number is just as personal. Phone numbers written
 * as ten digits, organisation numbers (NNNNNN-NNNN) and a date followed by a four-digit number
 * ("2026-12-07 1430"; in "2026-12-07 2027-01-01" the first date and the year) are masked as
 * well; that is the price of not guessing. The separator has no ambiguous repetition, so a long
 * run of spaces or dashes costs linear time, not exponential.
 */
const PERSONNUMMER_LIKE = new RegExp(
  `(?<!${DIGIT})(?:${FOUR}|${TWO})${SEPARATOR}?${TWO}${SEPARATOR}?${TWO}${SEPARATOR}?${FOUR}(?!${DIGIT})`,
  'gu',
)

/** Keys whose values are personal whatever they hold, compared lower-case without '_' or '-'. */
const PERSONAL_KEYS = new Set([
  // the brief's list
  'personalnumber',
  'personnummer',
  'pnr',
  'name',
  'givenname',
  'surname',
  'fullname',
  // other spellings of a person's name
  'firstname',
  'lastname',
  'familyname',
  // the rest of BankID's completionData.user / device: the signature is base64 XML that contains
  // the personnummer and the name, the OCSP response names the person's certificate, and the
  // device's IP address and hardware id identify the parent's phone.
  'signature',
  'ocspresponse',
  'ipaddress',
  'uhi',
])

const ORDER_REF_HASH_SHAPE = /^[0-9a-f]{16}$/
const MAX_DEPTH = 12

/** Lower case, with everything but letters and digits removed: `given_name` → `givenname`. */
function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '')
}

function isPersonalKey(key: string): boolean {
  const normalized = normalizeKey(key)
  return (
    PERSONAL_KEYS.has(normalized) || normalized.includes('personnummer') || normalized.includes('personalnumber')
  )
}

/** Replaces every personnummer-like number in a text (see the top of this file for the shapes). */
export function maskText(text: string): string {
  return text.replace(PERSONNUMMER_LIKE, PERSONNUMMER_MASK)
}

/** sha256 of the orderRef, hex, first 16 characters: logs carry this, never the orderRef itself. */
export function hashOrderRef(orderRef: string): string {
  return createHash('sha256').update(orderRef, 'utf8').digest('hex').slice(0, 16)
}

/**
 * A JSON-safe copy of `value` with personal data masked (see the top of this file). Never throws:
 * what cannot be read becomes a placeholder. Errors become { name, message, stack, code, cause,
 * ...own enumerable properties }, masked like everything else.
 */
export function maskPersonalData(value: unknown): unknown {
  return maskValue(value, 0, new Set())
}

function maskValue(value: unknown, depth: number, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
      return maskText(value)
    case 'number':
      return maskNumber(value)
    case 'bigint':
      return maskText(value.toString())
    case 'boolean':
    case 'undefined':
      return value
    case 'symbol':
      return maskText(value.toString())
    case 'function':
      return '[function]'
  }
  if (value === null) return null
  const object = value as object
  if (ancestors.has(object)) return '[circular]'
  if (depth >= MAX_DEPTH) return '[too deep]'
  ancestors.add(object)
  try {
    return maskObject(object, depth, ancestors)
  } catch {
    return '[unreadable]'
  } finally {
    ancestors.delete(object)
  }
}

function maskNumber(value: number): number | string {
  if (!Number.isFinite(value)) return value
  const text = String(value)
  const masked = maskText(text)
  return masked === text ? value : masked
}

function maskObject(object: object, depth: number, ancestors: Set<object>): unknown {
  const next = depth + 1
  if (object instanceof Error) return serializeError(object, next, ancestors)
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString()
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) return `[binary ${object.byteLength} bytes]`
  if (Array.isArray(object)) return object.map((item: unknown) => maskValue(item, next, ancestors))
  if (object instanceof Map) {
    return Array.from(object.entries(), ([key, item]: [unknown, unknown]) => [
      maskValue(key, next, ancestors),
      maskValue(item, next, ancestors),
    ])
  }
  if (object instanceof Set) return Array.from(object, (item: unknown) => maskValue(item, next, ancestors))
  const toJSON: unknown = (object as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return maskValue(toJSON.call(object), next, ancestors)
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(object)) addEntry(result, key, item, next, ancestors)
  return result
}

/** Copies one property, applying the key rules; defineProperty so that a `__proto__` key stays data. */
function addEntry(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
  depth: number,
  ancestors: Set<object>,
): void {
  if (value === undefined) return
  let outKey = maskText(key)
  let outValue: unknown
  const normalized = normalizeKey(key)
  if (isPersonalKey(key)) {
    outValue = REDACTED
  } else if (normalized === 'orderref' && typeof value === 'string') {
    outKey = ORDER_REF_HASH_KEY
    outValue = hashOrderRef(value)
  } else if (normalized === 'orderrefhash' && typeof value === 'string' && ORDER_REF_HASH_SHAPE.test(value)) {
    // A hash is 16 hex characters, so about one in a hundred has a run of exactly 10 or 12 digits
    // between its letters; under this key it is known to be a hash and is kept whole.
    outValue = value
  } else {
    outValue = maskValue(value, depth, ancestors)
  }
  Object.defineProperty(target, outKey, { value: outValue, enumerable: true, writable: true, configurable: true })
}

const ERROR_FIELDS = new Set(['name', 'message', 'stack', 'code', 'cause', 'errors'])

function serializeError(error: Error, depth: number, ancestors: Set<object>): Record<string, unknown> {
  // `name` is the error's class name here, not a person's: its value is masked as text, not redacted.
  const result: Record<string, unknown> = {
    name: maskText(String(error.name)),
    message: maskText(String(error.message)),
  }
  if (typeof error.stack === 'string') result.stack = maskText(error.stack)
  const extra = error as Error & { code?: unknown; errors?: unknown }
  if (extra.code !== undefined) result.code = maskValue(extra.code, depth, ancestors)
  if (error.cause !== undefined) result.cause = maskValue(error.cause, depth, ancestors)
  if (Array.isArray(extra.errors)) result.errors = maskValue(extra.errors, depth, ancestors)
  for (const [key, item] of Object.entries(error)) {
    if (!ERROR_FIELDS.has(key)) addEntry(result, key, item, depth, ancestors)
  }
  return result
}
