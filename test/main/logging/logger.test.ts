// The kiosk log: no personnummer and no name ever reaches the file (checked by reading every file
// the logger wrote, after close()), non-personal numbers survive, the line format, level filtering,
// rotation with maxFiles, and hashOrderRef. Plus fast-check properties over random text and objects.
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { openRotatingFileLogger } from '../../../src/main/logging/core'
import {
  createFileLogger,
  createMemoryLogger,
  hashOrderRef,
  maskPersonalData,
  PERSONNUMMER_MASK,
  REDACTED,
  silentLogger,
} from '../../../src/main/logging/logger'
import type { FileLoggerOptions, KioskLogger } from '../../../src/main/logging/logger'

const PNR_12 = '199001012385'
const PNR_10 = '9001012385'
/** Every way the test personnummer can be written, and the birth date it starts with. */
const PNR_FORMS = [PNR_12, '19900101-2385', '19900101+2385', PNR_10, '900101-2385', '900101+2385', '19900101', '900101']
const NAMES = ['Elsa', 'Backström', 'Elsa Backström']

let directory: string

function newDirectory(): string {
  return mkdtempSync(path.join(tmpdir(), 'kiosk-log-'))
}

/** Every file under `dir`, name → content. */
function readAll(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]))
}

function logLines(dir: string, fileName = 'kiosk.log'): string[] {
  return readFileSync(path.join(dir, fileName), 'utf8').split('\n').filter((line) => line !== '')
}

function options(overrides: Partial<FileLoggerOptions> = {}): FileLoggerOptions {
  return { directory, level: 'debug', maxFileSizeMB: 5, maxFiles: 3, ...overrides }
}

beforeEach(() => {
  directory = newDirectory()
})

afterEach(() => {
  rmSync(directory, { recursive: true, force: true })
})

interface PersonalCase {
  label: string
  log: (logger: KioskLogger) => void
  /** Strings that must not appear in the line. */
  raw: string[]
  /** The placeholder that must appear instead. */
  placeholder: string
}

function errorWith(message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), extra)
}

const signedXml =
  `<bankIdSignedData><usrNonVisibleData/><personalNumber>${PNR_12}</personalNumber>` +
  '<name>Elsa Backström</name></bankIdSignedData>'

const PERSONAL_CASES: PersonalCase[] = [
  ...[
    ['12 digits', PNR_12],
    ['12 digits with -', '19900101-2385'],
    ['12 digits with +', '19900101+2385'],
    ['10 digits', PNR_10],
    ['10 digits with -', '900101-2385'],
    ['10 digits with +', '900101+2385'],
    ['after pnr=', `pnr=${PNR_12}`],
    ['followed by text', '19900101-2385 failed'],
    ['in parentheses', 'user (900101-2385) cancelled'],
    ['glued to letters', `abc${PNR_12}xyz`],
    ['in a URL', `https://school.example/login?pnr=${PNR_12}&x=1`],
    ['in JSON text', `{"personalNumber":"${PNR_12}"}`],
    ['twice', `${PNR_12} and 900101-2385`],
    ['after a newline', `line one\n${PNR_12}\r\n`],
  ].map(
    ([label, text]): PersonalCase => ({
      label: `string: ${label}`,
      log: (logger) => logger.info('case', { input: text }),
      raw: PNR_FORMS,
      placeholder: PERSONNUMMER_MASK,
    }),
  ),
  {
    label: 'samordningsnummer (day + 60)',
    log: (logger) => logger.info('case', { input: '19900161-2380' }),
    raw: ['199001612380', '19900161-2380', '900161'],
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'wrong check digit (no Luhn check)',
    log: (logger) => logger.info('case', { input: '199001012384' }),
    raw: ['199001012384', '9001012384'],
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'in the event name',
    log: (logger) => logger.info(`login.${PNR_12}`),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'nested objects and arrays',
    log: (logger) => logger.info('case', { a: { b: { c: ['x', { d: `id 900101-2385` }, [[PNR_12]]] } } }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'a number-typed value (12 digits)',
    log: (logger) => logger.info('case', { value: 199001012385 }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'a number-typed value (10 digits) in an array',
    log: (logger) => logger.info('case', { values: [1, 9001012385, 3] }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'a bigint',
    log: (logger) => logger.info('case', { value: 199001012385n }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'an object key',
    log: (logger) => logger.info('case', { seen: { [PNR_12]: true, '900101-2385': 1 } }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'a Map and a Set',
    log: (logger) => logger.info('case', { map: new Map([[PNR_12, 'x']]), set: new Set(['900101-2385']) }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'an Error message and stack',
    log: (logger) => logger.error('case', { err: new Error(`lookup failed for 19900101-2385`) }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'an Error cause, code and own properties',
    log: (logger) =>
      logger.error('case', {
        err: errorWith('outer', {
          code: `E_${PNR_12}`,
          input: '900101-2385',
          personalNumber: PNR_12,
          cause: new TypeError(`bad ${PNR_12}`),
        }),
      }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'an AggregateError',
    log: (logger) => logger.error('case', { err: new AggregateError([new Error(PNR_12)], 'several') }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  {
    label: 'an Error as the value of any field',
    log: (logger) => logger.warn('case', { failure: new RangeError(`900101+2385 out of range`) }),
    raw: PNR_FORMS,
    placeholder: PERSONNUMMER_MASK,
  },
  ...[
    ['personalNumber', PNR_12],
    ['personnummer', '19900101-2385'],
    ['pnr', PNR_10],
    ['maskedPersonnummer', '19900101-••••'],
    ['name', 'Elsa Backström'],
    ['givenName', 'Elsa'],
    ['surname', 'Backström'],
    ['fullName', 'Elsa Backström'],
    ['NAME', 'Elsa Backström'],
    ['GivenName', 'Elsa'],
    ['given_name', 'Elsa'],
    ['first-name', 'Elsa'],
    ['lastName', 'Backström'],
  ].map(
    ([key = '', value]): PersonalCase => ({
      label: `key ${key}`,
      log: (logger) => logger.info('case', { user: { [key]: value } }),
      raw: [...PNR_FORMS, ...NAMES],
      placeholder: REDACTED,
    }),
  ),
  {
    label: 'a name key holding an object',
    log: (logger) => logger.info('case', { name: { first: 'Elsa', last: 'Backström' } }),
    raw: NAMES,
    placeholder: REDACTED,
  },
  {
    label: 'a name key deep inside arrays',
    log: (logger) => logger.info('case', { people: [[{ surname: 'Backström' }], { fullName: ['Elsa'] }] }),
    raw: NAMES,
    placeholder: REDACTED,
  },
  {
    label: "BankID's whole completionData",
    log: (logger) =>
      logger.info('case', {
        completionData: {
          user: { personalNumber: PNR_12, name: 'Elsa Backström', givenName: 'Elsa', surname: 'Backström' },
          device: { ipAddress: '192.0.2.44', uhi: 'OZvYM9VvyiAmG7NA5jU5zqGcVpo=' },
          bankIdIssueDate: '2020-02-01',
          signature: Buffer.from(signedXml).toString('base64'),
          ocspResponse: 'MIIHfgoBAKCCB3cwggdzBgkrBgEFBQcwAQEEggdkMIIHYDCCAT',
        },
      }),
    raw: [...PNR_FORMS, ...NAMES, '192.0.2.44', 'OZvYM9Vvy', Buffer.from(signedXml).toString('base64').slice(0, 40)],
    placeholder: REDACTED,
  },
]

describe('no personnummer and no name reaches the file', () => {
  let lines: string[]
  let files: Map<string, string>
  let logDirectory: string

  beforeAll(async () => {
    logDirectory = newDirectory()
    const { logger, close } = createFileLogger({
      directory: logDirectory,
      level: 'debug',
      maxFileSizeMB: 1,
      maxFiles: 2,
    })
    for (const [index, personalCase] of PERSONAL_CASES.entries()) {
      logger.debug('case.start', { index })
      personalCase.log(logger)
    }
    await close()
    files = readAll(logDirectory)
    lines = logLines(logDirectory)
  })

  afterAll(() => {
    rmSync(logDirectory, { recursive: true, force: true })
  })

  it('wrote one line per case (and one marker before each) into kiosk.log only', () => {
    expect([...files.keys()]).toEqual(['kiosk.log'])
    expect(lines).toHaveLength(PERSONAL_CASES.length * 2)
  })

  it.each(PERSONAL_CASES.map((personalCase, index) => [personalCase.label, index] as const))(
    '%s',
    (_label, index) => {
      const personalCase = PERSONAL_CASES[index]
      const line = lines[index * 2 + 1]
      expect(personalCase).toBeDefined()
      expect(line).toBeDefined()
      if (personalCase === undefined || line === undefined) return
      expect(JSON.parse(lines[index * 2] ?? '')).toMatchObject({ event: 'case.start', index })
      for (const raw of personalCase.raw) expect(line).not.toContain(raw)
      expect(line).toContain(personalCase.placeholder)
    },
  )

  it('none of the raw values is anywhere in any file', () => {
    const everything = [...files.values()].join('\n')
    for (const raw of [...PNR_FORMS, ...NAMES, '199001612380', '199001012384']) expect(everything).not.toContain(raw)
  })
})

describe('what survives', () => {
  it('ports, statuses, durations, counts, times, addresses, hint codes and orderRef hashes', async () => {
    // A hash with a run of exactly ten digits between its letters would be masked anywhere but
    // under orderRefHash; find such an orderRef (about one in a hundred).
    let digitHeavyRef = ''
    for (let index = 0; index < 10_000 && digitHeavyRef === ''; index += 1) {
      const candidate = `order-${index}`
      if (/(?<!\d)(?:\d{10}|\d{12})(?!\d)/.test(hashOrderRef(candidate))) digitHeavyRef = candidate
    }
    expect(digitHeavyRef).not.toBe('')
    const fields = {
      port: 7443,
      portText: 'listening on 127.0.0.1:7443',
      status: 503,
      httpStatus: '200',
      durationMs: 180000,
      timeoutMs: 1_800_000,
      nineDigits: 123456789,
      epochMs: 1764000000000,
      iso: '2026-11-24T14:03:07.123Z',
      date: '2026-11-24',
      version: '45.4.1',
      ip: '192.168.100.200',
      hintCode: 'outstandingTransaction',
      errorCode: 'alreadyInProgress',
      orderRefHash: hashOrderRef('131c3ede-6a2a-4f1b-9bd8-9f1ef1d9f2c5'),
      digitHeavy: { orderRefHash: hashOrderRef(digitHeavyRef) },
      elevenDigits: '12345678901',
      thirteenDigits: '1234567890123',
      schoolName: 'Björkskolan',
      fileName: 'kiosk.log',
      ok: true,
      nothing: null,
    }
    const { logger, close } = createFileLogger(options({ level: 'info' }))
    logger.info('order.collected', fields)
    await close()
    const [line] = logLines(directory)
    expect(JSON.parse(line ?? '')).toMatchObject(fields)
    expect(line).not.toContain(PERSONNUMMER_MASK)
    expect(line).not.toContain(REDACTED)
  })

  it('an orderRef is logged as its hash, under orderRefHash', () => {
    const memory = createMemoryLogger()
    const orderRef = '131c3ede-6a2a-4f1b-9bd8-9f1ef1d9f2c5'
    memory.info('order.started', { orderRef })
    expect(memory.entries()[0]).toMatchObject({ orderRefHash: hashOrderRef(orderRef) })
    expect(memory.lines[0]).not.toContain(orderRef)
    expect(memory.lines[0]).not.toContain('"orderRef"')
  })

  it('under orderRefHash only a 16-hex-digit value is kept whole', () => {
    expect(maskPersonalData({ orderRefHash: PNR_12 })).toEqual({ orderRefHash: PERSONNUMMER_MASK })
    // The price of the exemption, deliberately narrow: exactly 16 lower-case hex characters, under
    // exactly this key (which is what hashOrderRef produces, and nothing a parent can type).
    expect(maskPersonalData({ orderRefHash: `${PNR_12}abcd` })).toEqual({ orderRefHash: `${PNR_12}abcd` })
    expect(maskPersonalData({ reference: `${PNR_12}abcd` })).toEqual({ reference: `${PERSONNUMMER_MASK}abcd` })
  })
})

describe('line format', () => {
  it('is one JSON object per line with level, ISO time, pid and event; no hostname or msg', async () => {
    const before = Date.now()
    const { logger, close } = createFileLogger(options())
    logger.error('a.error', { n: 1 })
    logger.warn('a.warn')
    logger.info('a.info', { nested: { ok: true } })
    logger.debug('a.debug', { list: [1, 2] })
    await close()
    const after = Date.now()
    const entries = logLines(directory).map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(entries.map((entry) => [entry.level, entry.event])).toEqual([
      ['error', 'a.error'],
      ['warn', 'a.warn'],
      ['info', 'a.info'],
      ['debug', 'a.debug'],
    ])
    for (const entry of entries) {
      expect(typeof entry.time).toBe('string')
      const time = Date.parse(String(entry.time))
      expect(new Date(time).toISOString()).toBe(entry.time)
      expect(time).toBeGreaterThanOrEqual(before)
      expect(time).toBeLessThanOrEqual(after)
      expect(entry.pid).toBe(process.pid)
      expect(entry).not.toHaveProperty('hostname')
      expect(entry).not.toHaveProperty('msg')
    }
    expect(entries[0]).toMatchObject({ n: 1 })
    expect(entries[2]).toMatchObject({ nested: { ok: true } })
  })

  it("keeps a caller's time, level, event and pid fields apart from the line's own", () => {
    const memory = createMemoryLogger()
    memory.info('x', { time: 'then', level: 'low', event: 'other', pid: 1 })
    const [entry] = memory.entries()
    expect(entry).toMatchObject({ level: 'info', event: 'x', pid: process.pid })
    expect(entry).toMatchObject({ field_time: 'then', field_level: 'low', field_event: 'other', field_pid: 1 })
  })

  it('serialises an Error as name, message, stack and code, and does not copy it into msg', () => {
    const memory = createMemoryLogger()
    memory.error('x', { err: errorWith('boom', { code: 'ECONNRESET' }) })
    const [entry] = memory.entries()
    expect(entry?.err).toMatchObject({ name: 'Error', message: 'boom', code: 'ECONNRESET' })
    expect(String((entry?.err as { stack?: unknown }).stack)).toMatch(/^Error: boom\n\s+at /)
    expect(entry).not.toHaveProperty('msg')
  })

  it('writes the same lines from the memory logger as from the file logger', async () => {
    const memory = createMemoryLogger()
    const { logger, close } = createFileLogger(options())
    for (const target of [memory, logger]) target.info('same', { a: [1, { b: PNR_12 }], name: 'Elsa' })
    await close()
    const strip = (line: string): string => line.replace(/"time":"[^"]+"/, '')
    expect(logLines(directory).map(strip)).toEqual(memory.lines.map(strip))
  })
})

describe('levels', () => {
  it.each([
    ['error', ['error']],
    ['warn', ['error', 'warn']],
    ['info', ['error', 'warn', 'info']],
    ['debug', ['error', 'warn', 'info', 'debug']],
  ] as const)('at %s writes %j', async (level, written) => {
    const { logger, close } = createFileLogger(options({ level }))
    logger.debug('l.debug')
    logger.info('l.info')
    logger.warn('l.warn')
    logger.error('l.error')
    await close()
    const levels = logLines(directory).map((line) => (JSON.parse(line) as { level: string }).level)
    expect(levels.sort()).toEqual([...written].sort())
  })

  it('does not even look at the fields of a line it will not write', async () => {
    const getter = vi.fn(() => 'x')
    const fields = Object.defineProperty({}, 'lazy', { get: getter, enumerable: true })
    const { logger, close } = createFileLogger(options({ level: 'info' }))
    logger.debug('skipped', fields)
    silentLogger.error('skipped', fields)
    expect(getter).not.toHaveBeenCalled()
    logger.info('written', fields)
    expect(getter).toHaveBeenCalledTimes(1)
    await close()
  })
})

describe('the file', () => {
  it('creates the directory, appends to an existing file, and honours fileName', async () => {
    const nested = path.join(directory, 'a', 'b')
    const settings: FileLoggerOptions = { directory: nested, level: 'info', maxFileSizeMB: 1, maxFiles: 1, fileName: 'k.log' }
    const first = createFileLogger(settings)
    first.logger.info('one')
    await first.close()
    const second = createFileLogger(settings)
    second.logger.info('two')
    await second.close()
    const events = logLines(nested, 'k.log').map((line) => (JSON.parse(line) as { event: string }).event)
    expect(events).toEqual(['one', 'two'])
  })

  it('close() is idempotent and later calls are dropped without throwing', async () => {
    const { logger, close } = createFileLogger(options())
    logger.info('before')
    await Promise.all([close(), close()])
    await close()
    expect(() => logger.info('after')).not.toThrow()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(logLines(directory).map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['before'])
  })

  it.each([
    ['maxFileSizeMB 0.5', { maxFileSizeMB: 0.5 }],
    ['maxFileSizeMB 0', { maxFileSizeMB: 0 }],
    ['maxFileSizeMB NaN', { maxFileSizeMB: Number.NaN }],
    ['maxFiles 0', { maxFiles: 0 }],
    ['maxFiles 2.5', { maxFiles: 2.5 }],
    ['a fileName with a directory', { fileName: 'sub/kiosk.log' }],
    ['an empty fileName', { fileName: '' }],
    ['an unknown level', { level: 'trace' as FileLoggerOptions['level'] }],
  ])('refuses %s with a RangeError', (_label, overrides) => {
    expect(() => createFileLogger(options(overrides))).toThrow(RangeError)
  })

  it('a file that cannot be opened is reported on stderr, masked, and does not crash anything', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      mkdirSync(path.join(directory, 'kiosk.log')) // a directory where the file should be
      const { logger, close } = createFileLogger(options())
      logger.info('dropped', { note: PNR_12 })
      await new Promise((resolve) => setTimeout(resolve, 50))
      logger.info('dropped too')
      await close()
      const reports = stderr.mock.calls.map(([chunk]) => String(chunk))
      expect(reports).toHaveLength(1)
      expect(JSON.parse(reports[0] ?? '')).toMatchObject({ level: 'error', event: 'log.stream-error' })
      expect(reports[0]).toContain('it is not a file')
    } finally {
      stderr.mockRestore()
    }
  })
})

describe('rotation', () => {
  const ROTATED = /^kiosk\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}(?:-\d+)?\.log$/

  it('rotates at the size and keeps only the newest maxFiles rotated files', async () => {
    const { logger, close } = openRotatingFileLogger(options({ maxFiles: 2 }), '1K')
    const total = 80
    for (let index = 0; index < total; index += 1) logger.info('tick', { index, padding: 'x'.repeat(150) })
    await close()

    const names = readdirSync(directory).sort()
    const rotated = names.filter((name) => ROTATED.test(name))
    expect(rotated).toHaveLength(2)
    expect(names).toEqual(['kiosk.log', 'kiosk.log.txt', ...rotated].sort())
    // rotating-file-stream's history file lists the rotated files it still keeps.
    const history = readFileSync(path.join(directory, 'kiosk.log.txt'), 'utf8').trim().split('\n')
    expect(history.map((file) => path.basename(file)).sort()).toEqual(rotated)

    // Each rotated file reached the size (a line is never split), every line is JSON, and the
    // kept lines are exactly the newest ones, oldest file first.
    const byAge = rotated.map((name) => readFileSync(path.join(directory, name), 'utf8'))
    for (const content of byAge) expect(Buffer.byteLength(content)).toBeGreaterThanOrEqual(1024)
    const kept = [...byAge, readFileSync(path.join(directory, 'kiosk.log'), 'utf8')]
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { index: number }).index)
    expect(kept.length).toBeLessThan(total)
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, offset) => total - kept.length + offset))
  })

  it('rotates at maxFileSizeMB megabytes through the public createFileLogger', async () => {
    const { logger, close } = createFileLogger(options({ maxFileSizeMB: 1, maxFiles: 1 }))
    const padding = 'y'.repeat(1000)
    for (let index = 0; index < 1100; index += 1) logger.info('tick', { index, padding })
    await close()
    const names = readdirSync(directory)
    const rotated = names.filter((name) => ROTATED.test(name))
    expect(rotated).toHaveLength(1)
    const size = Buffer.byteLength(readFileSync(path.join(directory, rotated[0] ?? ''), 'utf8'))
    expect(size).toBeGreaterThanOrEqual(1024 * 1024)
    expect(size).toBeLessThan(1024 * 1024 + 2000)
  })

  it('rotates a file that is already over the size when it is opened', async () => {
    writeFileSync(path.join(directory, 'kiosk.log'), `${'{"old":true}\n'.repeat(200)}`)
    const { logger, close } = openRotatingFileLogger(options({ maxFiles: 3 }), '1K')
    logger.info('fresh')
    await close()
    expect(logLines(directory).map((line) => (JSON.parse(line) as { event?: string }).event)).toEqual(['fresh'])
    expect(readdirSync(directory).filter((name) => ROTATED.test(name))).toHaveLength(1)
  })
})

describe('hashOrderRef', () => {
  it('is the first 16 hex characters of sha256, stable, and not the input', () => {
    const orderRef = '131c3ede-6a2a-4f1b-9bd8-9f1ef1d9f2c5'
    const hash = hashOrderRef(orderRef)
    expect(hash).toMatch(/^[0-9a-f]{16}$/)
    expect(hash).toBe(hashOrderRef(orderRef))
    expect(hash).toBe(createHash('sha256').update(orderRef).digest('hex').slice(0, 16))
    expect(hash).not.toBe(orderRef)
    expect(orderRef).not.toContain(hash)
    expect(hashOrderRef('131c3ede-6a2a-4f1b-9bd8-9f1ef1d9f2c6')).not.toBe(hash)
  })
})

describe('maskPersonalData on awkward values', () => {
  it('handles cycles, depth, dates, binary, functions, symbols, undefined and __proto__ keys', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    const shared = { pnr: PNR_12 }
    let deep: unknown = PNR_12
    for (let level = 0; level < 40; level += 1) deep = { next: deep }
    const proto = JSON.parse(`{"__proto__": {"polluted": "${PNR_12}"}}`) as unknown

    const masked = maskPersonalData({
      cyclic,
      twice: [shared, shared],
      deep,
      date: new Date(Date.UTC(2026, 10, 24)),
      invalidDate: new Date(Number.NaN),
      buffer: Buffer.from(PNR_12),
      fn: () => PNR_12,
      symbol: Symbol(PNR_12),
      missing: undefined,
      proto,
      infinite: Number.POSITIVE_INFINITY,
      url: new URL(`https://example.test/?p=${PNR_12}`),
    })
    const text = JSON.stringify(masked)
    expect(text).not.toContain(PNR_12)
    expect(masked).toMatchObject({
      cyclic: { a: 1, self: '[circular]' },
      twice: [{ pnr: REDACTED }, { pnr: REDACTED }],
      date: '2026-11-24T00:00:00.000Z',
      invalidDate: null,
      buffer: '[binary 12 bytes]',
      fn: '[function]',
      symbol: `Symbol(${PERSONNUMMER_MASK})`,
      url: `https://example.test/?p=${PERSONNUMMER_MASK}`,
    })
    expect(text).toContain('[too deep]')
    expect(masked).not.toHaveProperty('missing')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getOwnPropertyNames((masked as { proto: object }).proto)).toEqual(['__proto__'])
  })

  it('leaves short digit runs and other lengths alone', () => {
    expect(maskPersonalData('port 7443, 180000 ms, status 503, 12345678901, 1234567890123')).toBe(
      'port 7443, 180000 ms, status 503, 12345678901, 1234567890123',
    )
    expect(maskPersonalData(1764000000000)).toBe(1764000000000)
  })
})

describe('properties (fast-check)', () => {
  const pad = (value: number, width: number): string => String(value).padStart(width, '0')

  /** A valid-looking personnummer in one of its written forms, with its 12- and 10-digit forms. */
  const personnummer = fc
    .record({
      year: fc.integer({ min: 1900, max: 2025 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      coordination: fc.boolean(),
      last: fc.integer({ min: 0, max: 9999 }),
      form: fc.constantFrom('12', '12-', '12+', '10', '10-', '10+'),
    })
    .map(({ year, month, day, coordination, last, form }) => {
      const date = `${pad(year, 4)}${pad(month, 2)}${pad(day + (coordination ? 60 : 0), 2)}`
      const twelve = `${date}${pad(last, 4)}`
      const ten = twelve.slice(2)
      const digits = form.startsWith('12') ? twelve : ten
      const separator = form.slice(2)
      const written = `${digits.slice(0, -4)}${separator}${digits.slice(-4)}`
      return { twelve, ten, written }
    })

  /** `text` with `inserted` at `at`; a space keeps it from merging with neighbouring digits. */
  function embed(text: string, inserted: string, at: number): string {
    const position = Math.min(at, text.length)
    const before = text.slice(0, position)
    const after = text.slice(position)
    const left = /\d$/.test(before) ? ' ' : ''
    const right = /^\d/.test(after) ? ' ' : ''
    return `${before}${left}${inserted}${right}${after}`
  }

  function expectClean(output: string, forms: { twelve: string; ten: string; written: string }): void {
    expect(output).not.toContain(forms.twelve)
    expect(output).not.toContain(forms.ten)
    expect(output).not.toContain(forms.written)
  }

  it('a personnummer anywhere in random text never comes out', () => {
    fc.assert(
      fc.property(personnummer, fc.string({ maxLength: 40 }), fc.nat(), (forms, text, at) => {
        const input = embed(text, forms.written, at)
        const output = maskPersonalData(input)
        expect(typeof output).toBe('string')
        expectClean(String(output), forms)
        expect(String(output)).toContain(PERSONNUMMER_MASK)
      }),
      { numRuns: 500 },
    )
  })

  it('a personnummer anywhere in random objects never reaches a log line', () => {
    type Tree = string | number | boolean | null | Tree[] | { [key: string]: Tree }
    fc.assert(
      fc.property(
        personnummer,
        fc.letrec<{ tree: Tree }>((tie) => ({
          tree: fc.oneof(
            { depthSize: 'small', withCrossShrink: true },
            fc.string({ maxLength: 12 }),
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.array(tie('tree'), { maxLength: 4 }),
            fc.dictionary(fc.string({ maxLength: 8 }), tie('tree'), { maxKeys: 4 }),
          ),
        })).tree,
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('value', 'number', 'key', 'error'),
        fc.nat(),
        (forms, tree, path, where, at) => {
          const leaf = (text: string): Tree => {
            if (where === 'number' && /^\d+$/.test(forms.written)) return Number(forms.written)
            return embed(text, forms.written, at)
          }
          const planted = plant(tree, path, leaf, where === 'key' ? forms.written : undefined)
          const fields: Record<string, unknown> =
            where === 'error' ? { err: new Error(embed('failed', forms.written, at)), planted } : { planted }
          const memory = createMemoryLogger()
          memory.info('property', fields)
          expect(memory.lines).toHaveLength(1)
          expectClean(memory.lines[0] ?? '', forms)
        },
      ),
      { numRuns: 300 },
    )

    /** Puts the personnummer into the tree: as a leaf at the end of `path`, or as a key on the way. */
    function plant(tree: Tree, path: number[], leaf: (text: string) => Tree, asKey: string | undefined): Tree {
      const [step = 0, ...rest] = path
      if (Array.isArray(tree) && tree.length > 0 && rest.length > 0) {
        const copy = [...tree]
        const index = step % copy.length
        copy[index] = plant(copy[index] ?? null, rest, leaf, asKey)
        return copy
      }
      if (tree !== null && typeof tree === 'object' && !Array.isArray(tree)) {
        const keys = Object.keys(tree)
        if (asKey !== undefined) return { ...tree, [embed('k', asKey, step)]: 'v' }
        if (keys.length > 0 && rest.length > 0) {
          const key = keys[step % keys.length] ?? ''
          return { ...tree, [key]: plant(tree[key] ?? null, rest, leaf, asKey) }
        }
      }
      return [tree, leaf(typeof tree === 'string' ? tree : '')]
    }
  })
})
