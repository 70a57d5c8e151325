// What the keypad says about the digits typed so far. The parent types digits only. From the
// second digit the form is known: "19…"/"20…" is the 12-digit form ÅÅÅÅMMDD-NNNN, any other start
// the 10-digit form ÅÅMMDD-NNNN (a single first digit could be either, so it is not judged). A
// month or day that cannot be is named as soon as its digits show it: month "2…" at its first
// digit, month "13" at its second, 30 February at the day's "3". The whole number is judged when
// it could be complete (10 or 12 digits), and a 10-digit start that looks like the first part of a
// 12-digit number ("19…", "20…") is not called wrong while they keep typing.
import type { PersonnummerFault } from '../../shared/contract'
import type { CalendarDate } from '../../shared/personnummer'
import { formatPersonnummerDigits, parsePersonnummer } from '../../shared/personnummer'

export const MAX_DIGITS = 12
const SHORT_DIGITS = 10

/** What the keypad can call wrong: main's faults, and (seen while typing) a month or day that cannot be. */
export type KeypadFault = PersonnummerFault | 'month' | 'day'
/** The part of the number a fault is in, for the field to point at. */
export type NumberPart = 'year' | 'month' | 'day' | 'date' | 'serial'

export interface FaultReport {
  readonly fault: KeypadFault
  /** null: no one part (e.g. too many digits); the field as a whole is wrong. */
  readonly part: NumberPart | null
}

export type KeypadState =
  | { kind: 'empty' }
  | { kind: 'incomplete'; digitsLeft: number }
  | { kind: 'keep-typing' }
  | ({ kind: 'fault' } & FaultReport)
  | { kind: 'valid'; display: string }

type Form = 'twelve' | 'ten'

/** Where each part sits in the digits of each form: [start, end). */
const PARTS: Readonly<Record<Form, Readonly<Record<NumberPart, readonly [number, number]>>>> = {
  twelve: { year: [0, 4], month: [4, 6], day: [6, 8], date: [0, 8], serial: [8, 12] },
  ten: { year: [0, 2], month: [2, 4], day: [4, 6], date: [0, 6], serial: [6, 10] },
}

function formOf(digits: string): Form | null {
  if (digits.length < 2) return null
  return /^(19|20)/.test(digits) ? 'twelve' : 'ten'
}

export function evaluateDigits(digits: string, today: CalendarDate): KeypadState {
  if (digits === '') return { kind: 'empty' }
  const form = formOf(digits)
  if (form === null) return { kind: 'incomplete', digitsLeft: MAX_DIGITS - digits.length }
  const early = dateFault(digits, form, today)
  if (early) return { kind: 'fault', ...early }
  if (form === 'ten') {
    if (digits.length < SHORT_DIGITS) return { kind: 'incomplete', digitsLeft: SHORT_DIGITS - digits.length }
    // A 10-digit start typed on past ten digits is no personnummer in either form.
    if (digits.length > SHORT_DIGITS) return { kind: 'fault', fault: 'length', part: null }
  } else {
    if (digits.length < SHORT_DIGITS) return { kind: 'incomplete', digitsLeft: MAX_DIGITS - digits.length }
    // Ten digits starting 19 or 20 are the start of a 12-digit number: as a 10-digit number they
    // would mean someone born 1919/2019 or 1920/2020, and taking them for that would start an order
    // for the wrong person (some 12-digit starts are valid 10-digit numbers by chance).
    if (digits.length < MAX_DIGITS) return { kind: 'keep-typing' }
  }
  const parsed = parsePersonnummer(digits, today)
  if (parsed.ok) return { kind: 'valid', display: form === 'ten' ? tenDigitDisplay(digits) : formatPersonnummerDigits(digits) }
  return { kind: 'fault', ...explainFault(digits, parsed.error.kind, today) }
}

/**
 * A verdict on a whole number (the keypad's own, or main's on what was sent) with the part it is
 * about: the check digit is in the last four digits, a future date is the whole date, and an
 * impossible date is its month or its day when that can be told.
 */
export function explainFault(digits: string, fault: PersonnummerFault, today: CalendarDate): FaultReport {
  if (fault === 'check-digit') return { fault, part: 'serial' }
  if (fault === 'future-date') return { fault, part: 'date' }
  if (fault === 'date') {
    const form = formOf(digits)
    return (form && dateFault(digits, form, today)) ?? { fault, part: 'date' }
  }
  return { fault, part: null }
}

/**
 * A month or day that no more digits can make right, or null. The same rules as the shared parser
 * (src/shared/personnummer.ts): month 01–12; day 01 to the month's last day, or that plus 60 for a
 * samordningsnummer; 29 February only in a leap year. A part typed halfway is wrong when no digit
 * can complete it.
 */
function dateFault(digits: string, form: Form, today: CalendarDate): FaultReport | null {
  const [monthAt, dayAt] = [PARTS[form].month[0], PARTS[form].day[0]]
  const month = digits.slice(monthAt, monthAt + 2)
  if (month === '') return null
  if (!canBe(month, (m) => m >= 1 && m <= 12)) return { fault: 'month', part: 'month' }
  const day = digits.slice(dayAt, dayAt + 2)
  if (month.length < 2 || day === '') return null
  const last = daysInMonth(yearOf(digits, form, today), Number(month))
  const dayIsReal = (written: number) => {
    const date = written > COORDINATION_OFFSET ? written - COORDINATION_OFFSET : written
    return date >= 1 && date <= last
  }
  return canBe(day, dayIsReal) ? null : { fault: 'day', part: 'day' }
}

const COORDINATION_OFFSET = 60

/** Whether a two-digit field typed so far (one or two digits) is, or can still become, `ok`. */
function canBe(typed: string, ok: (value: number) => boolean): boolean {
  if (typed.length >= 2) return ok(Number(typed))
  for (let next = 0; next <= 9; next++) if (ok(Number(typed) * 10 + next)) return true
  return false
}

/** The year of birth; for the 10-digit form the latest year ending in ÅÅ not after this year (as the parser). */
function yearOf(digits: string, form: Form, today: CalendarDate): number {
  if (form === 'twelve') return Number(digits.slice(0, 4))
  const yy = Number(digits.slice(0, 2))
  return Math.floor((today.year - yy) / 100) * 100 + yy
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function tenDigitDisplay(digits: string): string {
  return `${digits.slice(0, 6)}-${digits.slice(6)}`
}

/**
 * The digits as they appear while typing: ÅÅÅÅMMDD-NNNN, filled in from the left; a whole 10-digit
 * number as ÅÅMMDD-NNNN, right or wrong.
 */
export function displayDigits(digits: string, state: KeypadState): string {
  if (state.kind === 'valid') return state.display
  return formOf(digits) === 'ten' && digits.length === SHORT_DIGITS ? tenDigitDisplay(digits) : formatPersonnummerDigits(digits)
}

/** The part of the template still to type, e.g. "MMDD-NNNN" after "1990"; nothing once valid or complete. */
export function templateRest(digits: string, template: string, state: KeypadState): string {
  if (state.kind === 'valid' || digits.length >= MAX_DIGITS) return ''
  if (formOf(digits) === 'ten' && digits.length >= SHORT_DIGITS) return ''
  return template.slice(formatPersonnummerDigits(digits).length)
}

/**
 * The display split around the characters of `part` that are typed: [before, wrong, after], with
 * wrong '' when there is nothing to point at. A separator inside the part stays inside it.
 */
export function splitAtPart(digits: string, display: string, part: NumberPart | null): readonly [string, string, string] {
  const form = formOf(digits)
  if (form === null || part === null) return [display, '', '']
  const [start, end] = PARTS[form][part]
  const lastDigit = Math.min(end, digits.length) - 1
  if (lastDigit < start) return [display, '', '']
  let from = -1
  let to = -1
  let index = 0
  for (let at = 0; at < display.length; at++) {
    if (!/\d/.test(display.charAt(at))) continue
    if (index === start) from = at
    if (index === lastDigit) to = at + 1
    index++
  }
  if (from === -1 || to === -1) return [display, '', '']
  return [display.slice(0, from), display.slice(from, to), display.slice(to)]
}
