// parsePersonnummer against an oracle written here from Skatteverket's rules (SKV 704 and the
// project's reference §9), over a large random sample, and against the npm `personnummer`
// package where both apply. The oracle shares no code or structure with the module: it scans the
// characters by hand, picks the century by counting back from a reference year, checks the date by
// round-tripping through a UTC Date, and checks Luhn in its validating form (all ten digits).
import fc from 'fast-check'
import Npm from 'personnummer'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CalendarDate, ParseResult } from '../../src/shared/personnummer'
import { parsePersonnummer } from '../../src/shared/personnummer'
import { fuzzOptions } from './support'

// ---- the oracle ------------------------------------------------------------------------------

type Kind = 'format' | 'length' | 'date' | 'check-digit' | 'future-date'
type Verdict =
  | { ok: true; normalized: string; coordination: boolean; birth: string }
  | { ok: false; kind: Kind; digits?: number }

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9' && ch.length === 1

/** A UTC day number for y-m-d if that calendar date exists (any year 0–9999), else null. */
function dayNumber(year: number, month: number, day: number): number | null {
  const probe = new Date(0)
  probe.setUTCFullYear(year, month - 1, day)
  const same = probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day
  return same ? probe.getTime() / 86_400_000 : null
}

/** Luhn, validating form: weights 2,1,2,1,… over all ten digits; valid when the sum ends in 0. */
function luhnValid(tenDigits: string): boolean {
  let sum = 0
  for (let i = 0; i < tenDigits.length; i++) {
    const weighted = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1)
    sum += Math.floor(weighted / 10) + (weighted % 10)
  }
  return sum % 10 === 0
}

/**
 * Skatteverket: a personnummer is YYMMDD-NNNC (10 digits) or YYYYMMDDNNNC (12); the separator is
 * '-', or '+' from the year the person turns 100; a samordningsnummer adds 60 to the day. The
 * kiosk also accepts the 10/12 digits without a separator and trims surrounding white space.
 */
function oracle(input: string, today: CalendarDate): Verdict {
  const text = input.replace(/^\s+|\s+$/g, '')
  let separatorAt = -1
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (isDigit(ch)) continue
    if ((ch === '-' || ch === '+') && separatorAt === -1) {
      separatorAt = i
      continue
    }
    return { ok: false, kind: 'format' }
  }
  // A separator needs digits before it and exactly four after it.
  if (separatorAt !== -1 && (separatorAt === 0 || text.length - separatorAt !== 5)) return { ok: false, kind: 'format' }
  const digits = separatorAt === -1 ? text : text.slice(0, separatorAt) + text.slice(separatorAt + 1)
  const plus = separatorAt !== -1 && text[separatorAt] === '+'
  if (digits.length !== 10 && digits.length !== 12) return { ok: false, kind: 'length', digits: digits.length }

  let full = digits
  if (digits.length === 10) {
    // The latest year ending in YY that is not after the reference year ('+' = a century earlier).
    const reference = today.year - (plus ? 100 : 0)
    const yy = Number(digits.slice(0, 2))
    let year = reference
    while (year % 100 !== yy) year -= 1
    full = String(year).padStart(4, '0') + digits.slice(2)
  }
  const year = Number(full.slice(0, 4))
  const month = Number(full.slice(4, 6))
  const writtenDay = Number(full.slice(6, 8))
  const coordination = writtenDay > 60
  const day = coordination ? writtenDay - 60 : writtenDay
  const born = dayNumber(year, month, day)
  if (born === null) return { ok: false, kind: 'date' }
  if (!luhnValid(full.slice(2))) return { ok: false, kind: 'check-digit' }
  const now = dayNumber(today.year, today.month, today.day)
  if (now === null) throw new Error(`bad today ${JSON.stringify(today)}`)
  if (born > now) return { ok: false, kind: 'future-date' }
  return { ok: true, normalized: full, coordination, birth: `${full.slice(0, 4)}-${full.slice(4, 6)}-${String(day).padStart(2, '0')}` }
}

function verdictOf(result: ParseResult): Verdict {
  if (!result.ok) {
    return result.error.kind === 'length' ? { ok: false, kind: 'length', digits: result.error.digits } : { ok: false, kind: result.error.kind }
  }
  const { normalized, isCoordinationNumber, birthDate } = result.value
  const pad = (n: number, w: number) => String(n).padStart(w, '0')
  return {
    ok: true,
    normalized,
    coordination: isCoordinationNumber,
    birth: `${pad(birthDate.year, 4)}-${pad(birthDate.month, 2)}-${pad(birthDate.day, 2)}`,
  }
}

// ---- generators ------------------------------------------------------------------------------

const DAY_MS = 86_400_000

/** "Today" anywhere from 1950 to 2150, as a calendar date (from a UTC day number). */
const todayArb: fc.Arbitrary<CalendarDate> = fc
  .integer({ min: Date.UTC(1950, 0, 1) / DAY_MS, max: Date.UTC(2150, 11, 31) / DAY_MS })
  .map((n) => {
    const d = new Date(n * DAY_MS)
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
  })

const FORMS = ['12', '12-', '12+', '10', '10-', '10+'] as const
type Form = (typeof FORMS)[number]

/** Writes a valid number for a birth date in one of the forms; null if the form cannot carry it. */
function writeValid(birth: Date, today: CalendarDate, coordination: boolean, serial: number, form: Form): string | null {
  const y = birth.getUTCFullYear()
  const body9 =
    String(y % 100).padStart(2, '0') +
    String(birth.getUTCMonth() + 1).padStart(2, '0') +
    String(birth.getUTCDate() + (coordination ? 60 : 0)).padStart(2, '0') +
    String(serial).padStart(3, '0')
  let check = 0
  while (!luhnValid(body9 + check)) check++
  const ten = body9 + check
  const age = today.year - y
  if (form.startsWith('12')) {
    const sep = form.slice(2)
    return `${String(Math.floor(y / 100)).padStart(2, '0')}${ten.slice(0, 6)}${sep}${ten.slice(6)}`
  }
  // The 10-digit forms say the century only through the separator.
  if (age >= 200) return null
  if (form === '10+' && age < 100) return null
  if (form !== '10+' && age >= 100) return null
  return `${ten.slice(0, 6)}${form.slice(2)}${ten.slice(6)}`
}

interface Case {
  input: string
  today: CalendarDate
}

const whitespace = fc.constantFrom('', '', '', ' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff')

const validArb: fc.Arbitrary<Case> = todayArb.chain((today) => {
  const todayN = Date.UTC(today.year, today.month - 1, today.day) / DAY_MS
  return fc
    .record({
      back: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 0, max: 199 * 366 }) },
        // the edges: born today, this year, about 100 and 200 years ago
        fc.constantFrom(0, 1, 365, 36_524, 36_525, 36_526, 72_000),
      ),
      coordination: fc.boolean(),
      serial: fc.integer({ min: 0, max: 999 }),
      form: fc.constantFrom(...FORMS),
      before: whitespace,
      after: whitespace,
    })
    .map(({ back, coordination, serial, form, before, after }) => {
      const birth = new Date((todayN - back) * DAY_MS)
      const written =
        writeValid(birth, today, coordination, serial, form) ?? writeValid(birth, today, coordination, serial, '12-') ?? ''
      return { input: `${before}${written}${after}`, today }
    })
})

/** One small typing mistake: what a parent at the keypad actually produces. */
const nearMissArb: fc.Arbitrary<Case> = fc
  .tuple(validArb, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.constantFrom(...'0123456789-+ /.–Oo'))
  .map(([{ input, today }, i, j, kind, ch]) => {
    const s = input.trim()
    const at = s.length === 0 ? 0 : i % s.length
    const other = s.length === 0 ? 0 : j % s.length
    let mutated: string
    switch (kind) {
      case 0: // one digit changed
        mutated = isDigit(s[at]) ? s.slice(0, at) + String((Number(s[at]) + 1 + (j % 9)) % 10) + s.slice(at + 1) : s
        break
      case 1: // two neighbours transposed
        mutated = at + 1 < s.length ? s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2) : s
        break
      case 2: // a character dropped
        mutated = s.slice(0, at) + s.slice(at + 1)
        break
      case 3: // a character inserted
        mutated = s.slice(0, at) + ch + s.slice(at)
        break
      case 4: // the separator moved (or added)
        mutated = s.replace(/[-+]/, '')
        mutated = mutated.slice(0, other) + (ch === '+' ? '+' : '-') + mutated.slice(other)
        break
      case 5: // the separator replaced
        mutated = s.replace(/[-+]/, ch)
        break
      case 6: // a digit doubled
        mutated = s.slice(0, at + 1) + (s[at] ?? '') + s.slice(at + 1)
        break
      default: // a character replaced by anything
        mutated = s.slice(0, at) + ch + s.slice(at + 1)
    }
    return { input: mutated, today }
  })

const randomStringArb: fc.Arbitrary<Case> = fc
  .tuple(
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.stringMatching(/^[0-9+\- ]{0,15}$/),
      fc.array(fc.constantFrom(...'0123456789'), { minLength: 8, maxLength: 14 }).map((a) => a.join('')),
      fc.array(fc.constantFrom(...'٠١٢٣٤٥٦٧٨٩０１２３４５６７８９0123456789-'), { maxLength: 14 }).map((a) => a.join('')),
    ),
    todayArb,
  )
  .map(([input, today]) => ({ input, today }))

// ---- properties ------------------------------------------------------------------------------

describe('parsePersonnummer against an independent oracle (fuzz)', () => {
  it('the oracle itself gets hand-checked numbers right', () => {
    const TODAY = { year: 2026, month: 11, day: 24 }
    const row = (input: string) => {
      const v = oracle(input, TODAY)
      return v.ok ? v.normalized : v.kind
    }
    expect(row('199908072391')).toBe('199908072391') // BankID's test number
    expect(row('811218-9876')).toBe('198112189876')
    expect(row('121212-1212')).toBe('201212121212') // Tolvan, this century
    expect(row('121212+1212')).toBe('191212121212') // Tolvan, over 100
    expect(row('701063-2391')).toBe('197010632391') // Skatteverket's samordningsnummer example
    expect(row(' 20000229-1235 ')).toBe('200002291235')
    expect(row('190002291235')).toBe('date') // 1900 is no leap year
    expect(row('900160-1237')).toBe('date') // coordination day 0
    expect(row('199908072392')).toBe('check-digit')
    expect(row('261125-1238')).toBe('future-date')
    expect(row('261225-1237')).toBe('future-date') // later this year: the '+' changes by year
    expect(row('8112189-876')).toBe('format')
    expect(oracle('81121-9876', TODAY)).toEqual({ ok: false, kind: 'length', digits: 9 })
  })

  const check = ({ input, today }: Case) => {
    let result: ParseResult
    try {
      result = parsePersonnummer(input, today)
    } catch (error) {
      throw new Error(`threw on ${JSON.stringify(input)}: ${String(error)}`, { cause: error })
    }
    expect(verdictOf(result)).toEqual(oracle(input, today))
    if (result.ok) {
      expect(result.value.normalized).toMatch(/^\d{12}$/)
      const again = parsePersonnummer(result.value.normalized, today)
      expect(again.ok && again.value.normalized).toBe(result.value.normalized)
    }
  }

  it('valid numbers in every form (20 000 cases)', () => {
    let accepted = 0
    fc.assert(
      fc.property(validArb, (c) => {
        check(c)
        if (oracle(c.input, c.today).ok) accepted++
      }),
      fuzzOptions(0x5eed_0001, 20_000),
    )
    // The generator writes valid numbers: nearly all must be accepted (future ones are not).
    expect(accepted).toBeGreaterThan(19_000)
  })

  it('near-misses: one digit changed, transposed, dropped, inserted, separator moved (20 000 cases)', () => {
    const kinds = new Map<string, number>()
    fc.assert(
      fc.property(nearMissArb, (c) => {
        check(c)
        const v = oracle(c.input, c.today)
        const k = v.ok ? 'ok' : v.kind
        kinds.set(k, (kinds.get(k) ?? 0) + 1)
      }),
      fuzzOptions(0x5eed_0002, 20_000),
    )
    // Every verdict is exercised.
    for (const kind of ['ok', 'format', 'length', 'date', 'check-digit', 'future-date']) expect(kinds.get(kind) ?? 0).toBeGreaterThan(20)
  })

  it('random strings, including non-ASCII digits and white space (10 000 cases)', () => {
    fc.assert(fc.property(randomStringArb, check), fuzzOptions(0x5eed_0003, 10_000))
  })
})

/*
 * The npm package as a second opinion, scoped as in test/shared/personnummer.test.ts: it reads the
 * century from the wall clock (faked to noon of `today`), has no future-date rule, rejects serial
 * 000 and 12-digit numbers of century 00, and neither trims nor needs anything but digits and
 * separators; inputs are restricted accordingly.
 */
describe('parsePersonnummer against the personnummer package (fuzz)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const digitsAndSeparators = (s: string) => /^[0-9+-]*$/.test(s)
  const serial = (s: string) => s.replace(/\D/g, '').slice(-4, -1)
  const century00 = (s: string) => {
    const d = s.replace(/\D/g, '')
    return d.length === 12 && d.startsWith('00')
  }

  it('agrees on valid numbers and near-misses (5 000 cases)', () => {
    const comparable = fc
      .oneof(validArb, nearMissArb)
      .map(({ input, today }) => ({ input: input.trim(), today }))
      .filter(({ input }) => digitsAndSeparators(input) && serial(input) !== '000' && !century00(input))
    let agreedOk = 0
    fc.assert(
      fc.property(comparable, ({ input, today }) => {
        vi.setSystemTime(new Date(today.year, today.month - 1, today.day, 12))
        let npm: Npm | null
        try {
          npm = Npm.parse(input, { allowCoordinationNumber: true, allowInterimNumber: false })
        } catch {
          npm = null
        }
        const ours = parsePersonnummer(input, today)
        if (npm === null) {
          expect(ours.ok, input).toBe(false)
          return
        }
        const normalized = npm.format(true)
        const day = Number(npm.day) - (npm.isCoordinationNumber() ? 60 : 0)
        const born = Date.UTC(Number(npm.fullYear), Number(npm.month) - 1, day)
        const future = born > Date.UTC(today.year, today.month - 1, today.day)
        if (future) {
          expect(ours, input).toEqual({ ok: false, error: { kind: 'future-date' } })
        } else {
          expect(ours.ok && ours.value.normalized, input).toBe(normalized)
          agreedOk++
        }
      }),
      fuzzOptions(0x5eed_0004, 5_000),
    )
    expect(agreedOk).toBeGreaterThan(1_000)
  })
})
