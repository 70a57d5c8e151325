// @vitest-environment node
// What the keypad says about the digits typed so far, with a fixed "today" (2026-11-24).
import { describe, expect, it } from 'vitest'
import { MAX_DIGITS, displayDigits, evaluateDigits, templateRest } from '../../src/renderer/src/keypad-logic'
import { parsePersonnummer } from '../../src/shared/personnummer'

const today = { year: 2026, month: 11, day: 24 }
const TEMPLATE = 'ÅÅÅÅMMDD-NNNN'
const evaluate = (digits: string) => evaluateDigits(digits, today)
const shown = (digits: string) => displayDigits(digits, evaluate(digits))

describe('evaluateDigits', () => {
  it.each([
    ['', 12],
    ['1', 11],
    ['1990', 8],
    ['19900101', 4],
    ['199001012', 3],
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
    ['9001012386', 'check-digit'],
    ['9013012385', 'date'],
    ['9002302385', 'date'],
    // 2026-11-25: tomorrow.
    ['2611251238', 'future-date'],
  ] as const)('names the fault of a wrong 10-digit number %s (%s)', (digits, fault) => {
    expect(evaluate(digits)).toEqual({ kind: 'fault', fault })
  })

  it('asks for one more digit at 11 digits, valid or not', () => {
    expect(evaluate('19900101238')).toEqual({ kind: 'keep-typing' })
    expect(evaluate('99999999999')).toEqual({ kind: 'keep-typing' })
  })

  it('accepts a valid 12-digit number and shows it as ÅÅÅÅMMDD-NNNN', () => {
    expect(evaluate('199001012385')).toEqual({ kind: 'valid', display: '19900101-2385' })
    expect(shown('199001012385')).toBe('19900101-2385')
  })

  it('accepts a leap day and a birthday today', () => {
    expect(evaluate('200002292381').kind).toBe('valid')
    expect(evaluate('202611241239').kind).toBe('valid')
  })

  it('names a wrong check digit in a 12-digit number', () => {
    expect(evaluate('199001012386')).toEqual({ kind: 'fault', fault: 'check-digit' })
  })

  it('names an impossible date (before the check digit)', () => {
    expect(evaluate('199002302385')).toEqual({ kind: 'fault', fault: 'date' })
    expect(evaluate('199013012385')).toEqual({ kind: 'fault', fault: 'date' })
    expect(evaluate('200102292385')).toEqual({ kind: 'fault', fault: 'date' })
  })

  it('names a date that has not been yet', () => {
    expect(evaluate('202611251238')).toEqual({ kind: 'fault', fault: 'future-date' })
  })

  it('accepts a valid coordination number (day + 60)', () => {
    expect(evaluate('199001612382')).toEqual({ kind: 'valid', display: '19900161-2382' })
    expect(evaluate('199001612383')).toEqual({ kind: 'fault', fault: 'check-digit' })
  })

  it('depends on the given today, not the clock', () => {
    expect(evaluateDigits('202611251238', { year: 2026, month: 11, day: 25 }).kind).toBe('valid')
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
