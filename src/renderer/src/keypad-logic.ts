// What the keypad says about the digits typed so far. The parent types digits only; a number
// is judged when it could be complete (10 or 12 digits), and a 10-digit start that looks like
// the first part of a 12-digit number ("19…", "20…") is not called wrong while they keep typing.
import type { PersonnummerFault } from '../../shared/contract'
import type { CalendarDate } from '../../shared/personnummer'
import { formatPersonnummerDigits, parsePersonnummer } from '../../shared/personnummer'

export const MAX_DIGITS = 12

export type KeypadState =
  | { kind: 'incomplete'; digitsLeft: number }
  | { kind: 'keep-typing' }
  | { kind: 'fault'; fault: PersonnummerFault }
  | { kind: 'valid'; display: string }

export function evaluateDigits(digits: string, today: CalendarDate): KeypadState {
  if (digits.length < 10) return { kind: 'incomplete', digitsLeft: MAX_DIGITS - digits.length }
  // Ten digits starting 19 or 20 are the start of a 12-digit number: as a 10-digit number they
  // would mean someone born 1919/2019 or 1920/2020, and taking them for that would start an order
  // for the wrong person (some 12-digit starts are valid 10-digit numbers by chance).
  if (digits.length === 11 || (digits.length === 10 && /^(19|20)/.test(digits))) return { kind: 'keep-typing' }
  const parsed = parsePersonnummer(digits, today)
  if (parsed.ok) {
    const display = digits.length === 10 ? `${digits.slice(0, 6)}-${digits.slice(6)}` : formatPersonnummerDigits(digits)
    return { kind: 'valid', display }
  }
  return { kind: 'fault', fault: parsed.error.kind }
}

/** The digits as they appear while typing: ÅÅÅÅMMDD-NNNN, filled in from the left. */
export function displayDigits(digits: string, state: KeypadState): string {
  return state.kind === 'valid' ? state.display : formatPersonnummerDigits(digits)
}

/** The part of the template still to type, e.g. "MMDD-NNNN" after "1990"; nothing once valid. */
export function templateRest(digits: string, template: string, state: KeypadState): string {
  if (state.kind === 'valid' || digits.length >= MAX_DIGITS) return ''
  return template.slice(formatPersonnummerDigits(digits).length)
}
