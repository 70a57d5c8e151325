import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import Oracle from 'personnummer'
import {
  formatPersonnummerDigits,
  maskPersonnummer,
  parsePersonnummer,
  todayOf,
  type CalendarDate,
  type ParseResult,
  type PersonnummerError,
} from '../../src/shared/personnummer'

const TODAY: CalendarDate = { year: 2026, month: 11, day: 24 }

/** Our own Luhn, written from §9, so expected values never come from the module under test. */
function luhn(nineDigits: string): number {
  let sum = 0
  ;[...nineDigits].forEach((ch, i) => {
    const p = Number(ch) * (i % 2 === 0 ? 2 : 1)
    sum += p > 9 ? p - 9 : p
  })
  return (10 - (sum % 10)) % 10
}

/** Does a 10- or 12-digit string (separators ignored) carry a correct check digit? */
const hasValidCheckDigit = (s: string): boolean => {
  const d = s.replace(/\D/g, '').slice(-10)
  return luhn(d.slice(0, 9)) === Number(d.slice(9))
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')
const iso = (d: CalendarDate): string => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`
/** The first nine digits of the 10-digit form; writtenDay already includes any +60. */
const yymmddnnn = (year: number, month: number, writtenDay: number, serial: number): string =>
  `${pad(year % 100)}${pad(month)}${pad(writtenDay)}${pad(serial, 3)}`

interface Valid {
  input: string
  normalized: string
  birthDate: string
  coordination?: true
}
interface Invalid {
  input: string
  error: PersonnummerError
}

// Hand-computed; the self-check below re-verifies every check digit with the test's own Luhn.
const VALID: (Valid & { why: string })[] = [
  { why: 'BankID reference test number', input: '199908072391', normalized: '199908072391', birthDate: '1999-08-07' },
  { why: 'BankID reference test number', input: '196904146856', normalized: '196904146856', birthDate: '1969-04-14' },
  { why: '12 digits with -', input: '19811218-9876', normalized: '198112189876', birthDate: '1981-12-18' },
  { why: '12 digits with + (no meaning)', input: '19811218+9876', normalized: '198112189876', birthDate: '1981-12-18' },
  { why: '10 digits with -', input: '811218-9876', normalized: '198112189876', birthDate: '1981-12-18' },
  { why: '10 digits, no separator', input: '8112189876', normalized: '198112189876', birthDate: '1981-12-18' },
  { why: 'surrounding whitespace trimmed', input: ' \t811218-9876\n', normalized: '198112189876', birthDate: '1981-12-18' },
  { why: 'Tolvan with -: born this century', input: '121212-1212', normalized: '201212121212', birthDate: '2012-12-12' },
  { why: 'Tolvan with +: centenarian', input: '121212+1212', normalized: '191212121212', birthDate: '1912-12-12' },
  { why: 'YY after this year: last century', input: '991231-1231', normalized: '199912311231', birthDate: '1999-12-31' },
  {
    why: 'coordination number, 12 digits',
    input: '197010632391',
    normalized: '197010632391',
    birthDate: '1970-10-03',
    coordination: true,
  },
  {
    why: 'coordination number, 10 digits (Skatteverket example)',
    input: '701063-2391',
    normalized: '197010632391',
    birthDate: '1970-10-03',
    coordination: true,
  },
  { why: 'coordination day 61', input: '900161-1236', normalized: '199001611236', birthDate: '1990-01-01', coordination: true },
  { why: 'coordination day 91', input: '900191-1230', normalized: '199001911230', birthDate: '1990-01-31', coordination: true },
  { why: 'Feb 29 in leap year 2000', input: '20000229-1235', normalized: '200002291235', birthDate: '2000-02-29' },
  { why: 'Feb 29 in leap year 2004', input: '040229-1231', normalized: '200402291231', birthDate: '2004-02-29' },
  { why: 'April 30', input: '900430-1231', normalized: '199004301231', birthDate: '1990-04-30' },
  { why: 'born today', input: '261124-1239', normalized: '202611241239', birthDate: '2026-11-24' },
]

const INVALID: (Invalid & { why: string })[] = [
  { why: 'wrong check digit', input: '199908072392', error: { kind: 'check-digit' } },
  { why: "accepted by BankID's test server, wrong Luhn", input: '200003121145', error: { kind: 'check-digit' } },
  { why: 'wrong check digit, 10 digits', input: '811218-9875', error: { kind: 'check-digit' } },
  { why: 'wrong check digit on a future date: check digit first', input: '261225-1230', error: { kind: 'check-digit' } },
  { why: 'Feb 30', input: '900230-1233', error: { kind: 'date' } },
  { why: 'Feb 30 with a wrong check digit: date first', input: '900230-1230', error: { kind: 'date' } },
  { why: 'Feb 29 in non-leap 2005', input: '050229-1230', error: { kind: 'date' } },
  { why: 'Feb 29 in 1900 (not a leap year)', input: '190002291235', error: { kind: 'date' } },
  { why: 'April 31', input: '900431-1230', error: { kind: 'date' } },
  { why: 'coordination April 31 (day 91)', input: '900491-1237', error: { kind: 'date' } },
  { why: 'coordination day 92', input: '900192-1239', error: { kind: 'date' } },
  { why: 'day 60 (coordination day 0)', input: '900160-1237', error: { kind: 'date' } },
  { why: 'day 00', input: '900100-1230', error: { kind: 'date' } },
  { why: 'month 00', input: '900001-1230', error: { kind: 'date' } },
  { why: 'month 13', input: '901301-1235', error: { kind: 'date' } },
  { why: 'tomorrow', input: '261125-1238', error: { kind: 'future-date' } },
  { why: 'later this year (10 digits read as this year)', input: '261225-1237', error: { kind: 'future-date' } },
  { why: 'future, 12 digits', input: '20500101-1237', error: { kind: 'future-date' } },
  { why: '9 digits', input: '811218987', error: { kind: 'length', digits: 9 } },
  { why: '11 digits', input: '81121898761', error: { kind: 'length', digits: 11 } },
  { why: '13 digits', input: '1981121898761', error: { kind: 'length', digits: 13 } },
  { why: '9 digits with a separator', input: '81121-9876', error: { kind: 'length', digits: 9 } },
  { why: '11 digits with a separator', input: '9811218-9876', error: { kind: 'length', digits: 11 } },
  { why: 'empty', input: '', error: { kind: 'length', digits: 0 } },
  { why: 'whitespace only', input: '   ', error: { kind: 'length', digits: 0 } },
  { why: 'letter', input: '811218-987A', error: { kind: 'format' } },
  { why: 'letters only (format before length)', input: 'abc', error: { kind: 'format' } },
  { why: 'interim number letter', input: '811218-T876', error: { kind: 'format' } },
  { why: 'double separator', input: '811218--9876', error: { kind: 'format' } },
  { why: 'two separators', input: '8112-18-9876', error: { kind: 'format' } },
  { why: '+ and -', input: '811218+-9876', error: { kind: 'format' } },
  { why: 'separator too early', input: '8112189-876', error: { kind: 'format' } },
  { why: 'separator too late', input: '81121898-76', error: { kind: 'format' } },
  { why: 'leading separator', input: '-8112189876', error: { kind: 'format' } },
  { why: 'trailing separator', input: '8112189876-', error: { kind: 'format' } },
  { why: 'internal space', input: '811218 9876', error: { kind: 'format' } },
  { why: 'space around separator', input: '811218 - 9876', error: { kind: 'format' } },
  { why: 'slash', input: '811218/9876', error: { kind: 'format' } },
  { why: 'en dash', input: '811218–9876', error: { kind: 'format' } },
  { why: 'full-width digits', input: '８１１２１８９８７６', error: { kind: 'format' } },
]

describe('parsePersonnummer: known numbers', () => {
  it('the table itself is right about check digits (independent Luhn)', () => {
    expect(hasValidCheckDigit('199908072391')).toBe(true)
    expect(hasValidCheckDigit('196904146856')).toBe(true)
    expect(hasValidCheckDigit('200003121145')).toBe(false)
    for (const row of VALID) expect(hasValidCheckDigit(row.normalized), row.input).toBe(true)
    for (const row of INVALID) {
      if (row.error.kind === 'check-digit') expect(hasValidCheckDigit(row.input), row.input).toBe(false)
      // Date and future cases must fail for the reason named, not for a bad check digit.
      if (row.error.kind === 'future-date') expect(hasValidCheckDigit(row.input), row.input).toBe(true)
    }
  })

  it.each(VALID)('accepts $input ($why)', ({ input, normalized, birthDate, coordination }) => {
    const result = parsePersonnummer(input, TODAY)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.normalized).toBe(normalized)
    expect(iso(result.value.birthDate)).toBe(birthDate)
    expect(result.value.isCoordinationNumber).toBe(coordination === true)
  })

  it.each(INVALID)('rejects "$input" as $error.kind ($why)', ({ input, error }) => {
    expect(parsePersonnummer(input, TODAY)).toEqual({ ok: false, error })
  })
})

describe('parsePersonnummer: century of 10-digit numbers depends on today', () => {
  const yearOf = (input: string, today: CalendarDate): number | string => {
    const r = parsePersonnummer(input, today)
    return r.ok ? r.value.birthDate.year : r.error.kind
  }

  it('reads YY as the latest year not after this year', () => {
    expect(yearOf('991231-1231', { year: 2000, month: 6, day: 1 })).toBe(1999)
    expect(yearOf('000101-1238', { year: 2000, month: 6, day: 1 })).toBe(2000)
    expect(yearOf('000101-1238', { year: 2099, month: 12, day: 31 })).toBe(2000)
    expect(yearOf('270101-1237', TODAY)).toBe(1927)
    expect(yearOf('270101-1237', { year: 2027, month: 1, day: 1 })).toBe(2027)
  })

  it("reads '+' as another hundred years back", () => {
    expect(yearOf('991231+1231', { year: 2000, month: 6, day: 1 })).toBe(1899)
    expect(yearOf('000101+1238', { year: 2000, month: 6, day: 1 })).toBe(1900)
    expect(yearOf('270101+1237', TODAY)).toBe(1827)
  })

  it('a date later this year is in the future until it comes', () => {
    expect(yearOf('261225-1237', TODAY)).toBe('future-date')
    expect(yearOf('261225-1237', { year: 2026, month: 12, day: 25 })).toBe(2026)
  })

  it('12-digit numbers keep their century whatever today is', () => {
    expect(yearOf('19121212+1212', TODAY)).toBe(1912)
    expect(yearOf('20121212+1212', TODAY)).toBe(2012)
    expect(yearOf('20121212-1212', { year: 2012, month: 12, day: 11 })).toBe('future-date')
  })
})

describe('todayOf', () => {
  it('takes the local calendar date', () => {
    expect(todayOf(new Date(2026, 10, 24, 23, 59, 59))).toEqual({ year: 2026, month: 11, day: 24 })
    expect(todayOf(new Date(2024, 1, 29, 0, 0, 0))).toEqual({ year: 2024, month: 2, day: 29 })
    expect(todayOf(new Date(2027, 0, 1, 0, 0, 0))).toEqual({ year: 2027, month: 1, day: 1 })
  })
})

/*
 * Oracle: the npm package `personnummer` (3.2.1). It reads the century from the wall clock, so the
 * clock is faked to noon of the generated `today`. Where it legitimately differs from §9, the
 * comparison is scoped exactly:
 * - it has no future-date rule: a number it accepts is expected to be ours only if the birth date
 *   (from its own parse) is not after today; otherwise we must say 'future-date';
 * - it rejects serial 000 (`(?!000)` in its regex); §9 has no such rule, so serial 000 is not generated;
 * - its date test uses `new Date(y, m, d)`, which maps years 0–99 to 1900–1999 and so rejects every
 *   12-digit number with century 00; such inputs are not generated;
 * - it does not trim whitespace and knows interim numbers (letters); inputs are digits and
 *   separators only (whitespace and letters are covered by the table above).
 */
describe('parsePersonnummer agrees with the personnummer package', () => {
  const ORACLE_OPTIONS = { allowCoordinationNumber: true, allowInterimNumber: false }

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  type Verdict =
    | { ok: false; future?: true }
    | { ok: true; normalized: string; isCoordinationNumber: boolean; birthDate: string }

  function oracleVerdict(input: string, today: CalendarDate): Verdict {
    vi.setSystemTime(new Date(today.year, today.month - 1, today.day, 12))
    let parsed: Oracle
    try {
      parsed = Oracle.parse(input, ORACLE_OPTIONS)
    } catch {
      return { ok: false }
    }
    const isCoordinationNumber = parsed.isCoordinationNumber()
    const birthDate = {
      year: Number(parsed.fullYear),
      month: Number(parsed.month),
      day: Number(parsed.day) - (isCoordinationNumber ? 60 : 0),
    }
    const future = iso(birthDate) > iso(today)
    if (future) return { ok: false, future: true }
    return { ok: true, normalized: parsed.format(true), isCoordinationNumber, birthDate: iso(birthDate) }
  }

  function ours(input: string, today: CalendarDate): Verdict {
    const r: ParseResult = parsePersonnummer(input, today)
    if (!r.ok) return r.error.kind === 'future-date' ? { ok: false, future: true } : { ok: false }
    return {
      ok: true,
      normalized: r.value.normalized,
      isCoordinationNumber: r.value.isCoordinationNumber,
      birthDate: iso(r.value.birthDate),
    }
  }

  const todayArb = fc
    .date({ min: new Date(1950, 0, 1), max: new Date(2150, 11, 31), noInvalidDate: true })
    .map((d): CalendarDate => ({ year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() }))

  const serialOf = (s: string): string => s.replace(/\D/g, '').slice(-4, -1)
  const centuryOf12 = (s: string): string | undefined => {
    const d = s.replace(/\D/g, '')
    return d.length === 12 ? d.slice(0, 2) : undefined
  }

  it('on random strings of digits and separators', () => {
    const digitOrSeparator = fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...'0123456789') },
      { weight: 1, arbitrary: fc.constantFrom('-', '+') },
    )
    const shaped = fc
      .tuple(fc.constantFrom(10, 12), fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{12}$/))
      .map(([n, sep, d]) => `${d.slice(0, n - 4)}${sep}${d.slice(n - 4, n)}`)
    const anyMix = fc.array(digitOrSeparator, { minLength: 10, maxLength: 13 }).map((cs) => cs.join(''))
    const input = fc
      .oneof(shaped, anyMix)
      .filter((s) => serialOf(s) !== '000' && centuryOf12(s) !== '00')

    fc.assert(
      fc.property(input, todayArb, (s, today) => {
        expect(ours(s, today)).toEqual(oracleVerdict(s, today))
      }),
      { numRuns: 2000 },
    )
  })

  it('on generated dates and serials, mostly with correct check digits', () => {
    // Date parts, possibly impossible, biased towards the edges: month ends, Feb 29 in century
    // years (1900 and 2100 are not leap years, 2000 is) and the days around today.
    const datePartsArb = (today: CalendarDate) =>
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.record({
            year: fc.integer({ min: today.year - 130, max: today.year + 3 }),
            month: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 12 }) }, fc.constantFrom(0, 13)),
            day: fc.oneof(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 28, max: 31 })),
          }),
        },
        fc.record({
          year: fc.constantFrom(1800, 1900, 2000, 2100),
          month: fc.constant(2),
          day: fc.integer({ min: 28, max: 30 }),
        }),
        fc.record({
          year: fc.constant(today.year),
          month: fc.constant(today.month),
          day: fc.integer({ min: today.day - 1, max: today.day + 1 }),
        }),
      )
    const numberArb = todayArb.chain((today) =>
      fc.record({
        today: fc.constant(today),
        date: datePartsArb(today),
        coordination: fc.boolean(),
        serial: fc.integer({ min: 1, max: 999 }),
        checkOffset: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 9 })),
        form: fc.constantFrom('YYYYMMDDNNNC', 'YYYYMMDD-NNNC', 'YYYYMMDD+NNNC', 'YYMMDDNNNC', 'YYMMDD-NNNC', 'YYMMDD+NNNC'),
      }),
    )

    let accepted = 0
    fc.assert(
      fc.property(numberArb, (g) => {
        const { year, month, day } = g.date
        const body = yymmddnnn(year, month, day + (g.coordination ? 60 : 0), g.serial)
        const check = (luhn(body) + g.checkOffset) % 10
        const century = g.form.startsWith('YYYY') ? pad(Math.floor(year / 100)) : ''
        const sep = g.form.includes('-') ? '-' : g.form.includes('+') ? '+' : ''
        const input = `${century}${body.slice(0, 6)}${sep}${body.slice(6)}${check}`

        const verdict = ours(input, g.today)
        expect(verdict).toEqual(oracleVerdict(input, g.today))
        if (verdict.ok) accepted++
      }),
      { numRuns: 2000 },
    )
    // The generator must actually exercise acceptance, not only rejection.
    expect(accepted).toBeGreaterThan(300)
  })
})

describe('parsePersonnummer: properties', () => {
  it('a valid number reparses to itself from its normalized and its display form', () => {
    const valid12 = fc
      .record({
        date: fc.date({ min: new Date(1900, 0, 1), max: new Date(2026, 10, 24), noInvalidDate: true }),
        serial: fc.integer({ min: 0, max: 999 }),
        coordination: fc.boolean(),
      })
      .map(({ date, serial, coordination }) => {
        const year = date.getFullYear()
        const body = yymmddnnn(year, date.getMonth() + 1, date.getDate() + (coordination ? 60 : 0), serial)
        return `${Math.floor(year / 100)}${body}${luhn(body)}`
      })
    fc.assert(
      fc.property(valid12, (n) => {
        const direct = parsePersonnummer(n, TODAY)
        const displayed = parsePersonnummer(formatPersonnummerDigits(n), TODAY)
        expect(direct.ok && direct.value.normalized).toBe(n)
        expect(displayed).toEqual(direct)
      }),
      { numRuns: 500 },
    )
  })
})

describe('formatPersonnummerDigits', () => {
  it.each([
    ['', ''],
    ['1', '1'],
    ['1990', '1990'],
    ['1990010', '1990010'],
    ['19900101', '19900101'],
    ['199001011', '19900101-1'],
    ['19900101123', '19900101-123'],
    ['199001011234', '19900101-1234'],
    ['19900101-1234', '19900101-1234'],
    [' 1990 01 01 ', '19900101'],
  ])('%j → %j', (input, expected) => {
    expect(formatPersonnummerDigits(input)).toBe(expected)
  })

  it('only inserts one dash, after the eighth digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{0,12}$/), (digits) => {
        const shown = formatPersonnummerDigits(digits)
        expect(shown.replace('-', '')).toBe(digits)
        expect(shown.indexOf('-')).toBe(digits.length > 8 ? 8 : -1)
      }),
      { numRuns: 300 },
    )
  })
})

describe('maskPersonnummer', () => {
  it('hides the last four digits', () => {
    expect(maskPersonnummer('199908072391')).toBe('19990807-••••')
    expect(maskPersonnummer('197010632391')).toBe('19701063-••••')
  })

  it('keeps the date and never the last four, for any 12 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), (n) => {
        expect(maskPersonnummer(n)).toBe(`${n.slice(0, 8)}-••••`)
      }),
      { numRuns: 300 },
    )
  })

  it.each(['9908072391', '19990807-2391', '', '1999080723911', '19990807239x'])(
    'refuses %j without echoing it',
    (input) => {
      expect(() => maskPersonnummer(input)).toThrow(RangeError)
      try {
        maskPersonnummer(input)
      } catch (e) {
        if (input !== '') expect(String(e)).not.toContain(input)
      }
    },
  )
})
