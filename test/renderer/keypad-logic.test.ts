// @vitest-environment node
// What the keypad says about the digits typed so far, with a fixed "today" (2026-11-24).
import { describe, expect, it } from 'vitest'
import type { KeypadState, NumberPart } from '../../src/renderer/src/keypad-logic'
import {
  MAX_DIGITS,
  displayDigits,
  evaluateDigits,
  explainFault,
  splitAtPart,
  templateRest,
} from '../../src/renderer/src/keypad-logic'
import { parsePersonnummer } from '../../src/shared/personnummer'

const today = { year: 2026, month: 11, day: 24 }
const TEMPLATE = 'ÅÅÅÅMMDD-NNNN'
const evaluate = (digits: string) => evaluateDigits(digits, today)
const shown = (digits: string) => displayDigits(digits, evaluate(digits))
const MONTH: KeypadState = { kind: 'fault', fault: 'month', part: 'month' }
const DAY: KeypadState = { kind: 'fault', fault: 'day', part: 'day' }

describe('evaluateDigits', () => {
  it('calls the empty field empty (its hint asks for 12 digits)', () => {
    expect(evaluate('')).toEqual({ kind: 'empty' })
  })

  it.each([
    // One digit could start either form: counted toward 12.
    ['1', 11],
    ['9', 11],
    // The 12-digit form ÅÅÅÅMMDD-NNNN ("19…", "20…") counts toward 12…
    ['19', 10],
    ['1990', 8],
    ['200001', 6],
    ['19900101', 4],
    ['199001012', 3],
    // …the 10-digit form ÅÅMMDD-NNNN (any other start) toward 10.
    ['90', 8],
    ['21', 8],
    ['9001', 6],
    ['900101', 4],
    ['900101238', 1],
  ])('counts the digits still to type for %j', (digits, left) => {
    expect(evaluate(digits)).toEqual({ kind: 'incomplete', digitsLeft: left })
  })

  it('accepts a valid 10-digit number and shows it as ÅÅMMDD-NNNN', () => {
    expect(evaluate('9001012385')).toEqual({ kind: 'valid', display: '900101-2385' })
    expect(shown('9001012385')).toBe('900101-2385')
  })

  it.each([
    // As a 10-digit number 2019-90-01: no such month; but it is the start of 19900101-….
    ['1990010123'],
    // 2019-01-01 with a wrong check digit: still just the start of a 12-digit number.
    ['1901011234'],
    // 2020-26-11: no such month.
    ['2026112412'],
  ])('does not call a 10-digit start with 19/20 wrong (%s): keep typing', (digits) => {
    expect(evaluate(digits)).toEqual({ kind: 'keep-typing' })
  })

  it.each([
    ['9001012386', { fault: 'check-digit', part: 'serial' }],
    ['9013012385', { fault: 'month', part: 'month' }],
    ['9002302385', { fault: 'day', part: 'day' }],
    // 2026-11-25: tomorrow.
    ['2611251238', { fault: 'future-date', part: 'date' }],
  ] as const)('names the fault of a wrong 10-digit number %s, and its part', (digits, report) => {
    expect(evaluate(digits)).toEqual({ kind: 'fault', ...report })
  })

  it('asks for one more digit at 11 digits of a 12-digit number with a possible date', () => {
    expect(evaluate('19900101238')).toEqual({ kind: 'keep-typing' })
    expect(evaluate('19900101999')).toEqual({ kind: 'keep-typing' })
  })

  it('calls more than 10 digits after a 10-digit start too many, with no one part to point at', () => {
    expect(evaluate('90010123851')).toEqual({ kind: 'fault', fault: 'length', part: null })
    expect(evaluate('900101238512')).toEqual({ kind: 'fault', fault: 'length', part: null })
    // A wrong month is still the first thing to fix.
    expect(evaluate('99999999999')).toEqual(MONTH)
  })

  it('accepts a valid 12-digit number and shows it as ÅÅÅÅMMDD-NNNN', () => {
    expect(evaluate('199001012385')).toEqual({ kind: 'valid', display: '19900101-2385' })
    expect(shown('199001012385')).toBe('19900101-2385')
  })

  it('accepts a leap day and a birthday today', () => {
    expect(evaluate('200002292381').kind).toBe('valid')
    expect(evaluate('202611241239').kind).toBe('valid')
  })

  it('names a wrong check digit in a 12-digit number: the last four digits', () => {
    expect(evaluate('199001012386')).toEqual({ kind: 'fault', fault: 'check-digit', part: 'serial' })
  })

  it('names an impossible date by its month or day (before the check digit)', () => {
    expect(evaluate('199002302385')).toEqual(DAY)
    expect(evaluate('199013012385')).toEqual(MONTH)
    expect(evaluate('200102292385')).toEqual(DAY)
  })

  it('names a date that has not been yet: the date', () => {
    expect(evaluate('202611251238')).toEqual({ kind: 'fault', fault: 'future-date', part: 'date' })
  })

  it('accepts a valid coordination number (day + 60)', () => {
    expect(evaluate('199001612382')).toEqual({ kind: 'valid', display: '19900161-2382' })
    expect(evaluate('199001612383')).toEqual({ kind: 'fault', fault: 'check-digit', part: 'serial' })
  })

  it('depends on the given today, not the clock', () => {
    expect(evaluateDigits('202611251238', { year: 2026, month: 11, day: 25 }).kind).toBe('valid')
  })
})

describe('a month that cannot be, as soon as its digits show it', () => {
  it.each([
    // 12-digit form: the month is digits 5–6.
    ['199013', 'month 13, at 6 digits'],
    ['199000', 'month 00'],
    ['199019', 'month 19'],
    ['19902', 'month 2x, at its first digit'],
    ['19909', 'month 9x, at its first digit'],
    ['1990130', 'month 13, while more digits follow'],
    ['199013012385', 'month 13 in a whole number'],
    // 10-digit form: the month is digits 3–4.
    ['9013', 'month 13, at 4 digits'],
    ['9000', 'month 00'],
    ['902', 'month 2x, at its first digit'],
    ['9013012385', 'month 13 in a whole number'],
  ])('%s: %s', (digits) => {
    expect(evaluate(digits)).toEqual(MONTH)
  })

  it('does not judge a month still possible', () => {
    for (const digits of ['1990', '19900', '19901', '199012', '90', '900', '901', '9012']) {
      expect(evaluate(digits).kind, digits).toBe('incomplete')
    }
  })
})

describe('a day that cannot be, as soon as its digits show it', () => {
  it.each([
    ['19900132', 'day 32'],
    ['19900100', 'day 00'],
    ['1990014', 'day 4x, at its first digit'],
    ['19900230', '30 February'],
    ['1990023', '30 or 31 February, at the first digit of the day'],
    ['19900431', '31 April'],
    ['19901131', '31 November'],
    ['19900229', '29 February 1990 (not a leap year)'],
    ['19000229', '29 February 1900 (not a leap year: a century)'],
    ['19900160', 'day 60 (coordination numbers start at 61)'],
    ['19900192', 'coordination day 92 (= 32)'],
    ['19900289', 'coordination day 89 (= 29) in February 1990'],
    ['1990029', 'coordination day 9x in February, at its first digit'],
    // 10-digit form: the day is digits 5–6, the century from today.
    ['900132', 'day 32'],
    ['900230', '30 February'],
    ['900431', '31 April'],
    ['010229', '29 February 2001'],
    ['9004312385', '31 April in a whole number'],
  ])('%s: %s', (digits) => {
    expect(evaluate(digits)).toEqual(DAY)
  })

  it.each([
    ['19960229', '29 February 1996 (leap year)'],
    ['20000229', '29 February 2000 (leap year: divisible by 400)'],
    ['960229', '29 February 1996, 10-digit form'],
    ['000229', '29 February 2000, 10-digit form'],
    ['19900131', '31 January'],
    ['19900430', '30 April'],
    ['1990013', 'day 3x in January, at its first digit'],
    ['1990022', 'day 2x in February, at its first digit'],
    ['19900161', 'coordination day 61 (= 1)'],
    ['19900191', 'coordination day 91 (= 31) in January'],
    ['19960289', 'coordination day 89 (= 29) in February of a leap year'],
  ])('%s is possible: %s', (digits) => {
    expect(evaluate(digits).kind).toBe('incomplete')
  })
})

describe('the early checks and the shared parser agree', () => {
  const parserCallsTheDateWrong = (date: string) => {
    const parsed = parsePersonnummer(`${date}0000`, today)
    return !parsed.ok && parsed.error.kind === 'date'
  }

  it('on every month and day 00–99 (12-digit and 10-digit form, leap years and not)', () => {
    const starts = ['1990', '1996', '1900', '2000', '2024', '2025', '90', '96', '00', '01', '24', '27']
    for (const start of starts) {
      for (let monthDay = 0; monthDay < 10_000; monthDay++) {
        const date = start + String(monthDay).padStart(4, '0')
        if ((evaluate(date).kind === 'fault') !== parserCallsTheDateWrong(date)) expect.fail(`they disagree on ${date}`)
      }
    }
  })

  it('a half-typed month or day is wrong exactly when no next digit can make it right', () => {
    for (const start of ['1990', '2000', '199001', '199002', '199602', '199004', '90', '00', '9002', '9602', '9004']) {
      for (const digit of '0123456789') {
        const half = start + digit
        const noNextDigitHelps = [...'0123456789'].every((next) => evaluate(half + next).kind === 'fault')
        expect(evaluate(half).kind === 'fault', half).toBe(noNextDigitHelps)
      }
    }
  })

  it('a single first digit is never judged: it could start either form', () => {
    for (const digit of '0123456789') expect(evaluate(digit)).toEqual({ kind: 'incomplete', digitsLeft: 11 })
  })
})

describe('explainFault: what a verdict on a whole number (main’s too) points at', () => {
  it.each([
    ['199001012385', 'check-digit', { fault: 'check-digit', part: 'serial' }],
    ['202611251238', 'future-date', { fault: 'future-date', part: 'date' }],
    ['199013012385', 'date', { fault: 'month', part: 'month' }],
    ['199002302385', 'date', { fault: 'day', part: 'day' }],
    ['9004312385', 'date', { fault: 'day', part: 'day' }],
    // A date the keypad finds possible: main's word stands, for the whole date.
    ['199001012385', 'date', { fault: 'date', part: 'date' }],
    ['199001012385', 'length', { fault: 'length', part: null }],
    ['199001012385', 'format', { fault: 'format', part: null }],
  ] as const)('%s, %s', (digits, fault, report) => {
    expect(explainFault(digits, fault, today)).toEqual(report)
  })
})

describe('splitAtPart: the typed characters of the wrong part', () => {
  const split = (digits: string, part: NumberPart | null) => splitAtPart(digits, shown(digits), part)

  it.each([
    ['199013', 'month', ['1990', '13', '']],
    ['1990130', 'month', ['1990', '13', '0']],
    ['19902', 'month', ['1990', '2', '']],
    ['19900132', 'day', ['199001', '32', '']],
    ['1990014', 'day', ['199001', '4', '']],
    ['199001012386', 'serial', ['19900101-', '2386', '']],
    ['202611251238', 'date', ['', '20261125', '-1238']],
    // 10-digit form: month and day two digits earlier; a whole number shows as ÅÅMMDD-NNNN.
    ['9013', 'month', ['90', '13', '']],
    ['900132', 'day', ['9001', '32', '']],
    ['900132123', 'day', ['9001', '32', '12-3']],
    ['9001012386', 'serial', ['900101-', '2386', '']],
    ['2611251238', 'date', ['', '261125', '-1238']],
  ] as const)('%s, %s', (digits, part, parts) => {
    expect(split(digits, part)).toEqual(parts)
  })

  it('marks nothing without a part, or before the part is typed', () => {
    expect(split('90010123851', null)).toEqual(['90010123-851', '', ''])
    expect(split('1990', 'month')).toEqual(['1990', '', ''])
    expect(split('1', 'month')).toEqual(['1', '', ''])
  })
})

describe('displayDigits', () => {
  it.each([
    ['', ''],
    ['1990', '1990'],
    ['19900101', '19900101'],
    ['199001012', '19900101-2'],
    ['19900101238', '19900101-238'],
    // Not (yet) valid as 10 digits: grouped like the start of a 12-digit number.
    ['1990010123', '19900101-23'],
    ['199001012386', '19900101-2386'],
    // A whole 10-digit number, right or wrong, as ÅÅMMDD-NNNN.
    ['9001012386', '900101-2386'],
    ['9013012385', '901301-2385'],
  ])('groups %j as %j', (digits, display) => {
    expect(shown(digits)).toBe(display)
  })
})

describe('templateRest', () => {
  it.each([
    ['', TEMPLATE],
    ['1990', 'MMDD-NNNN'],
    ['199001', 'DD-NNNN'],
    ['19900101', '-NNNN'],
    ['199001012', 'NNN'],
    ['19900101238', 'N'],
    ['199001012385', ''],
    // A whole 10-digit number, right or wrong, or more: nothing of the template left to type.
    ['9001012385', ''],
    ['9001012386', ''],
    ['90010123851', ''],
  ])('after %j is %j', (digits, rest) => {
    expect(templateRest(digits, TEMPLATE, evaluateDigits(digits, today))).toBe(rest)
  })

  it('together with the typed digits fills the template while typing a 12-digit number', () => {
    for (let length = 0; length <= MAX_DIGITS; length++) {
      const digits = '199001012385'.slice(0, length)
      expect(shown(digits) + templateRest(digits, TEMPLATE, evaluateDigits(digits, today))).toHaveLength(TEMPLATE.length)
    }
  })
})

describe('ten digits that begin like a 12-digit number', () => {
  it.each(['2012121212', '1912121215'])('%s is not taken as a 10-digit number although it would be valid as one', (digits) => {
    // At a parents' kiosk "19…"/"20…" is the start of a 12-digit number: as 10 digits it would mean
    // someone born 2019/2020, and BankID would be asked for the wrong person.
    expect(parsePersonnummer(digits, today).ok).toBe(true)
    expect(evaluateDigits(digits, today)).toEqual({ kind: 'keep-typing' })
  })
  it('the 12-digit number they begin is accepted', () => {
    expect(evaluateDigits('191212121212', today)).toMatchObject({ kind: 'valid' })
  })
})
