// Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer),
// as typed at the kiosk and sent to BankID (§9 of the reference). Shared by main and renderer, so
// plain TypeScript only. "Today" is always passed in: the century of a 10-digit number and the
// future-date check depend on it, and tests must not depend on the wall clock.

/** A local calendar date; month and day are 1-based. */
export interface CalendarDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

/**
 * Why an input was rejected. Checks run in this order and the first failure wins:
 * format → length → date → check-digit → future-date.
 */
export type PersonnummerError =
  /** Anything but digits with at most one '-' or '+' just before the last four digits (after trimming). */
  | { kind: 'format' }
  /** Well-formed, but not 10 or 12 digits. */
  | { kind: 'length'; digits: number }
  /** No such calendar date (for a coordination number: after removing the 60). */
  | { kind: 'date' }
  /** The Luhn check digit is wrong. */
  | { kind: 'check-digit' }
  /** A valid number for someone not yet born. */
  | { kind: 'future-date' }

export interface Personnummer {
  /** 12 digits YYYYMMDDNNNC, the only form BankID accepts */
  readonly normalized: string
  /** Samordningsnummer: the day is written with 60 added. */
  readonly isCoordinationNumber: boolean
  /** For a coordination number, the day with 60 removed. */
  readonly birthDate: CalendarDate
}

export type ParseResult = { ok: true; value: Personnummer } | { ok: false; error: PersonnummerError }

const COORDINATION_OFFSET = 60

const fail = (error: PersonnummerError): ParseResult => ({ ok: false, error })

export function parsePersonnummer(input: string, today: CalendarDate): ParseResult {
  // 1. Format. The separator is optional; when present it must sit just before the last four digits.
  const text = input.trim()
  const separated = /^(\d+)([-+])(\d{4})$/.exec(text)
  let digits: string
  let separator = ''
  if (separated) {
    digits = `${separated[1] ?? ''}${separated[3] ?? ''}`
    separator = separated[2] ?? ''
  } else if (/^\d*$/.test(text)) {
    digits = text
  } else {
    return fail({ kind: 'format' })
  }

  // 2. Length.
  if (digits.length !== 10 && digits.length !== 12) return fail({ kind: 'length', digits: digits.length })

  // A 12-digit number carries its century, and any '+' in it means nothing. A 10-digit number was
  // born in the latest year ending in YY that is not after this year; '+' (written from the year
  // the person turns 100) moves it back another century (Skatteverket).
  let normalized = digits
  if (digits.length === 10) {
    const yy = Number(digits.slice(0, 2))
    const century = Math.floor((today.year - yy - (separator === '+' ? 100 : 0)) / 100)
    normalized = String(century).padStart(2, '0') + digits
  }

  // 3. Date.
  const year = Number(normalized.slice(0, 4))
  const month = Number(normalized.slice(4, 6))
  const writtenDay = Number(normalized.slice(6, 8))
  const isCoordinationNumber = writtenDay > COORDINATION_OFFSET
  const day = isCoordinationNumber ? writtenDay - COORDINATION_OFFSET : writtenDay
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return fail({ kind: 'date' })

  // 4. Check digit, over the 10-digit form YYMMDDNNN.
  if (luhnCheckDigit(normalized.slice(2, 11)) !== Number(normalized.slice(11))) return fail({ kind: 'check-digit' })

  // 5. Not born yet. Last, so that a mistyped number reports the typing error rather than this.
  const birthDate: CalendarDate = { year, month, day }
  if (compareDates(birthDate, today) > 0) return fail({ kind: 'future-date' })

  return { ok: true, value: { normalized, isCoordinationNumber, birthDate } }
}

/**
 * ÅÅÅÅMMDD-NNNN for display while typing: groups whatever digits exist so far, e.g. "1990" → "1990",
 * "199001011" → "19900101-1". Anything but digits in the input is ignored.
 */
export function formatPersonnummerDigits(digits: string): string {
  const only = digits.replace(/\D/g, '')
  return only.length > 8 ? `${only.slice(0, 8)}-${only.slice(8)}` : only
}

/** ÅÅÅÅMMDD-•••• : hides the last four digits (for the waiting screen). */
export function maskPersonnummer(normalized12: string): string {
  // A programming error, not user input; the message must not echo the number.
  if (!/^\d{12}$/.test(normalized12)) throw new RangeError('maskPersonnummer expects 12 digits')
  return `${normalized12.slice(0, 8)}-••••`
}

/** The local calendar date of a moment (what the person at the kiosk would call today). */
export function todayOf(date: Date): CalendarDate {
  return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate() }
}

function luhnCheckDigit(nineDigits: string): number {
  let sum = 0
  for (let i = 0; i < nineDigits.length; i++) {
    const product = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1)
    sum += product > 9 ? product - 9 : product
  }
  return (10 - (sum % 10)) % 10
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day
}
