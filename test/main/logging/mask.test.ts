// maskText, the personnummer masking under every log line of the kiosk and the gateway: every
// separator a personnummer can be written with (dashes, spaces, no-break spaces, URL-encoded '+'
// and '-'), every digit script a keyboard or a paste can produce (ASCII, fullwidth, Arabic-Indic,
// Persian), dashes inside the date, and what must stay readable (timestamps, ports, counters,
// orderRef hashes). Plus fast-check properties over random renderings in random text.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hashOrderRef, maskPersonalData, maskText, PERSONNUMMER_MASK } from '../../../src/main/logging/mask'

const MASK = PERSONNUMMER_MASK

/** The first code point of each digit script the masking must know. */
const SCRIPTS = {
  ascii: 0x30,
  fullwidth: 0xff10,
  arabicIndic: 0x0660,
  persian: 0x06f0,
} as const
type Script = keyof typeof SCRIPTS

/** `text` with every ASCII digit written in `script`. */
function inScript(text: string, script: Script): string {
  return text.replace(/[0-9]/g, (digit) => String.fromCodePoint(SCRIPTS[script] + Number(digit)))
}

/** Every digit of the scripts above back to ASCII. */
function toAscii(text: string): string {
  return text.replace(/[\uff10-\uff19\u0660-\u0669\u06f0-\u06f9]/g, (digit) => {
    const code = digit.codePointAt(0) ?? 0
    const base = Object.values(SCRIPTS).find((start) => code >= start && code <= start + 9) ?? code
    return String(code - base)
  })
}

/** Every separator the brief lists between the date and the last four (and inside the date). */
const SEPARATORS: ReadonlyArray<readonly [label: string, separator: string]> = [
  ['hyphen-minus', '-'],
  ['plus', '+'],
  ['a space', ' '],
  ['two spaces', '  '],
  ['three spaces', '   '],
  ['en dash U+2013', '\u2013'],
  ['minus sign U+2212', '\u2212'],
  ['non-breaking hyphen U+2011', '\u2011'],
  ['hyphen U+2010', '\u2010'],
  ['figure dash U+2012', '\u2012'],
  ['no-break space U+00A0', '\u00a0'],
  ['URL-encoded + (%2B)', '%2B'],
  ['URL-encoded + (%2b)', '%2b'],
  ['URL-encoded - (%2D)', '%2D'],
  ['URL-encoded - (%2d)', '%2d'],
]

const TWELVE = '199001012385'
const TEN = '9001012385'

describe('the shapes masked before the review (kept)', () => {
  it.each([
    TWELVE,
    TEN,
    '19900101-2385',
    '19900101+2385',
    '900101-2385',
    '900101+2385',
  ])('%s', (written) => {
    expect(maskText(written)).toBe(MASK)
    expect(maskText(`pnr=${written};`)).toBe(`pnr=${MASK};`)
  })

  it('letters around it do not matter', () => {
    expect(maskText(`pnr${TWELVE}x`)).toBe(`pnr${MASK}x`)
    expect(maskText(`abc${TEN}def`)).toBe(`abc${MASK}def`)
  })

  it('there is no date or Luhn check', () => {
    expect(maskText('199013452384')).toBe(MASK) // month 13, day 45, wrong check digit
    expect(maskText('0000000000')).toBe(MASK)
  })

  it('is not part of a longer ASCII digit run', () => {
    for (const text of [`1${TWELVE}`, `${TWELVE}1`, `1${TEN}`, `${TEN}1`, '12345678901', '1234567890123']) {
      expect(maskText(text)).toBe(text)
    }
  })
})

describe('separators between the date and the last four', () => {
  it.each(SEPARATORS)('%s', (_label, separator) => {
    for (const date of ['19900101', '900101']) {
      const written = `${date}${separator}2385`
      expect(maskText(written)).toBe(MASK)
      expect(maskText(`personnummer: ${written}.`)).toBe(`personnummer: ${MASK}.`)
      expect(maskText(`x${written}y`)).toBe(`x${MASK}y`)
    }
  })

  it('in a query string: %2B, %2D, a literal + and a space-encoded + (a space)', () => {
    expect(maskText('GET /collect?pnr=19900101%2B2385&lang=sv')).toBe(`GET /collect?pnr=${MASK}&lang=sv`)
    expect(maskText('GET /collect?pnr=900101%2d2385&lang=sv')).toBe(`GET /collect?pnr=${MASK}&lang=sv`)
    expect(maskText('GET /collect?pnr=900101+2385&lang=sv')).toBe(`GET /collect?pnr=${MASK}&lang=sv`)
    expect(maskText('pnr: 900101 2385 (decoded)')).toBe(`pnr: ${MASK} (decoded)`)
  })
})

describe('digit scripts', () => {
  it.each(['fullwidth', 'arabicIndic', 'persian'] as const)('all digits %s', (script) => {
    for (const written of [TWELVE, TEN, '19900101-2385', '900101+2385', '1990-01-01-2385', '90 01 01 2385']) {
      const rendered = inScript(written, script)
      expect(maskText(rendered)).toBe(MASK)
      expect(maskText(`pnr=${rendered}&`)).toBe(`pnr=${MASK}&`)
    }
  })

  it('mixed with ASCII digits, digit by digit', () => {
    const scripts: Script[] = ['ascii', 'fullwidth', 'arabicIndic', 'persian']
    const mixed = [...TWELVE].map((digit, index) => inScript(digit, scripts[index % scripts.length] ?? 'ascii')).join('')
    expect(maskText(mixed)).toBe(MASK)
    const mixedTen = `${inScript('900101', 'fullwidth')}\u2013${inScript('23', 'arabicIndic')}85`
    expect(maskText(`id ${mixedTen} ok`)).toBe(`id ${MASK} ok`)
  })

  it('every digit kind counts as a digit for "not part of a longer digit run"', () => {
    for (const neighbour of ['1', '\uff11', '\u0661', '\u06f1']) {
      for (const written of [TWELVE, TEN, inScript(TEN, 'fullwidth'), inScript(TWELVE, 'persian')]) {
        expect(maskText(`${neighbour}${written}`)).toBe(`${neighbour}${written}`)
        expect(maskText(`${written}${neighbour}`)).toBe(`${written}${neighbour}`)
      }
    }
  })
})

describe('dashes and separators inside the date', () => {
  it.each(['1990-01-01-2385', '19900101-2385', '900101-2385', '90-01-01-2385', '1990-01-01 2385', '1990 01 01 2385'])(
    '%s',
    (written) => {
      expect(maskText(written)).toBe(MASK)
      expect(maskText(`[${written}]`)).toBe(`[${MASK}]`)
    },
  )

  it.each(SEPARATORS)('with %s inside the date and before the last four', (_label, separator) => {
    expect(maskText(['1990', '01', '01', '2385'].join(separator))).toBe(MASK)
    expect(maskText(['90', '01', '01', '2385'].join(separator))).toBe(MASK)
    expect(maskText(`1990${separator}0101-2385`)).toBe(MASK)
  })
})

describe('beyond the brief: near relatives of the listed shapes', () => {
  it.each([
    ['URL-encoded space (%20)', '%20'],
    ['em dash U+2014', '\u2014'],
    ['small hyphen-minus U+FE63', '\ufe63'],
    ['fullwidth hyphen-minus U+FF0D', '\uff0d'],
    ['fullwidth plus U+FF0B', '\uff0b'],
    ['narrow no-break space U+202F', '\u202f'],
    ['thin space U+2009', '\u2009'],
    ['figure space U+2007', '\u2007'],
    ['spaces around a dash', ' - '],
    ['spaces around an en dash', ' \u2013 '],
    ['a space before a plus', ' +'],
  ])('%s', (_label, separator) => {
    expect(maskText(`pnr ${'19900101'}${separator}2385 ok`)).toBe(`pnr ${MASK} ok`)
    expect(maskText(`pnr ${'900101'}${separator}2385 ok`)).toBe(`pnr ${MASK} ok`)
    expect(maskText(['90', '01', '01', '2385'].join(separator))).toBe(MASK)
  })

  it('any Unicode decimal digit (Devanagari, Bengali) is a digit, in the number and around it', () => {
    const devanagari = [...TWELVE].map((digit) => String.fromCodePoint(0x0966 + Number(digit))).join('')
    const bengali = [...TEN].map((digit) => String.fromCodePoint(0x09e6 + Number(digit))).join('')
    expect(maskText(`x${devanagari}y`)).toBe(`x${MASK}y`)
    expect(maskText(`x${bengali}y`)).toBe(`x${MASK}y`)
    expect(maskText(`\u0967${TEN}`)).toBe(`\u0967${TEN}`)
  })
})

describe('through maskPersonalData', () => {
  it('masks the new shapes in values, keys and Error messages', () => {
    const written = '1990\u201301\u201301\u20132385'
    expect(maskPersonalData({ note: `typed ${written}` })).toEqual({ note: `typed ${MASK}` })
    expect(maskPersonalData({ [inScript(TEN, 'arabicIndic')]: 1 })).toEqual({ [MASK]: 1 })
    const error = maskPersonalData(new Error(`no such person 900101%2B2385`)) as { message: string; stack: string }
    expect(error.message).toBe(`no such person ${MASK}`)
    expect(error.stack).not.toContain('2385')
  })
})

describe('what stays readable', () => {
  it('an ISO timestamp', () => {
    expect(maskText('2026-12-07T09:19:30.123Z')).toBe('2026-12-07T09:19:30.123Z')
    expect(maskText('{"time":"2026-12-07T09:19:30.123Z","event":"x"}')).toBe('{"time":"2026-12-07T09:19:30.123Z","event":"x"}')
    expect(maskText('2026-12-07 09:19:30')).toBe('2026-12-07 09:19:30')
    expect(maskText('2026-12-07')).toBe('2026-12-07')
  })

  it('a port', () => {
    expect(maskText('8443')).toBe('8443')
    expect(maskText('listening on 0.0.0.0:8443')).toBe('listening on 0.0.0.0:8443')
    expect(maskText('https://gateway.example:8443/bankid/v6.0/auth')).toBe('https://gateway.example:8443/bankid/v6.0/auth')
    expect(maskPersonalData({ port: 8443 })).toEqual({ port: 8443 })
  })

  it('a 16-hex orderRef hash', () => {
    const hash = hashOrderRef('131c3ede-6a2a-4f1b-9bd8-9f1ef1d9f2c5')
    expect(hash).toMatch(/^[0-9a-f]{16}$/)
    expect(maskText(hash)).toBe(hash)
    expect(maskText(`orderRefHash=${hash}`)).toBe(`orderRefHash=${hash}`)
    expect(maskPersonalData({ orderRefHash: hash })).toEqual({ orderRefHash: hash })
  })

  it('durations, counters, statuses, versions, addresses and phone numbers in groups', () => {
    for (const text of [
      'took 1800000 ms',
      'durationMs=180000',
      'count 123456789',
      'epoch 1764000000000',
      'status 503',
      'electron 45.4.1',
      '192.168.100.200',
      '+46 70 123 45 67',
      '070-123 45 67',
      '12:34:56.789',
      '1 2 3 4 5 6 7 8 9 0',
      '2026.12.07',
    ]) {
      expect(maskText(text)).toBe(text)
    }
  })

  it('long runs of separators and digit groups take linear time (no catastrophic backtracking)', () => {
    // "%20" holds digits, so a repeatable %20 would make "%20%20%20..." quadratic: 150 s for this.
    const units = [' ', ' - ', '%20', '20%20', '%2B', '12 ', '12-', '12 - ', '12%20', '\u00a0\u2013', '\u0661\u0662 ']
    const started = Date.now()
    for (const unit of units) {
      const long = unit.repeat(Math.ceil(200_000 / unit.length))
      expect(maskText(`12${long}34`)).toBe(`12${long}34`)
    }
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})

describe('properties (fast-check)', () => {
  const pad = (value: number, width: number): string => String(value).padStart(width, '0')
  const digitScript = fc.constantFrom<Script>('ascii', 'fullwidth', 'arabicIndic', 'persian')
  const separator = fc.option(fc.constantFrom(...SEPARATORS.map(([, value]) => value)), { nil: '' })

  /** A valid-looking personnummer (10 or 12 digits), rendered digit by digit in random scripts. */
  const personnummer = fc
    .record({
      twelve: fc.boolean(),
      year: fc.integer({ min: 1900, max: 2025 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      coordination: fc.boolean(),
      last: fc.integer({ min: 0, max: 9999 }),
      scripts: fc.array(digitScript, { minLength: 12, maxLength: 12 }),
      afterYear: separator,
      afterMonth: separator,
      beforeLast: separator,
    })
    .map((record) => {
      const year = record.twelve ? pad(record.year, 4) : pad(record.year % 100, 2)
      const groups = [year, pad(record.month, 2), pad(record.day + (record.coordination ? 60 : 0), 2), pad(record.last, 4)]
      const digits = groups.join('')
      const separators = [record.afterYear, record.afterMonth, record.beforeLast]
      let digitIndex = 0
      const render = (group: string): string =>
        [...group].map((digit) => inScript(digit, record.scripts[digitIndex++] ?? 'ascii')).join('')
      const written = groups.map((group, index) => render(group) + (separators[index] ?? '')).join('')
      return { digits, tail: digits.slice(-10), written }
    })

  /** Any text (lone surrogates, control characters, letters, spaces, digits inside). */
  const text = fc.string({ unit: 'binary', maxLength: 30 })
  // Not next to a digit of any script (\p{Nd}, as the masking counts them: a Balinese ᭐ too).
  const prefix = text.filter((value) => !/\p{Nd}$/u.test(value))
  const suffix = text.filter((value) => !/^\p{Nd}/u.test(value))
  const noDigits = fc.string({ unit: 'binary', maxLength: 30 }).filter((value) => !/\p{Nd}/u.test(value))

  /** The output as digits only: every digit kind in ASCII, every separator (and everything else) gone. */
  const digitsOf = (output: string): string => toAscii(output).replace(/[^0-9]/g, '')

  it('none of a personnummer survives, whatever the scripts, separators and surrounding text', () => {
    fc.assert(
      fc.property(personnummer, prefix, suffix, (pnr, before, after) => {
        const output = maskText(`${before}${pnr.written}${after}`)
        expect(output).toContain(MASK)
        expect(digitsOf(output)).not.toContain(pnr.tail)
      }),
      { numRuns: 2_000 },
    )
  })

  it('between text without digits, exactly the personnummer is replaced', () => {
    fc.assert(
      fc.property(personnummer, noDigits, noDigits, (pnr, before, after) => {
        expect(maskText(`${before}${pnr.written}${after}`)).toBe(`${before}${MASK}${after}`)
      }),
      { numRuns: 2_000 },
    )
  })

  it('ISO timestamps are never masked', () => {
    const time = fc.date({ min: new Date('1970-01-01T00:00:00.000Z'), max: new Date('2199-12-31T23:59:59.999Z'), noInvalidDate: true })
    fc.assert(
      fc.property(time, (date) => {
        const iso = date.toISOString()
        expect(maskText(iso)).toBe(iso)
        expect(maskText(`${iso} ${iso}`)).toBe(`${iso} ${iso}`)
      }),
      { numRuns: 1_000 },
    )
  })

  it('a 16-hex hash is masked only when it holds a run of exactly 10 or 12 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{16}$/), (hash) => {
        const digitRun = /(?<!\d)(?:\d{10}|\d{12})(?!\d)/.test(hash)
        expect(maskText(hash) === hash).toBe(!digitRun)
      }),
      { numRuns: 1_000 },
    )
  })

  it('plain counters of any length but 10 and 12 digits are never masked', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), (value) => {
        const digits = value.toString()
        expect(maskText(digits) === digits).toBe(digits.length !== 10 && digits.length !== 12)
      }),
      { numRuns: 1_000 },
    )
  })
})
