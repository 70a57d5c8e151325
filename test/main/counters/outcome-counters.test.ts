// The per-day outcome counters: (a) the logic with a tiny in-memory store, (b) the exact file the
// real electron-store writes (electron mocked away, electron-store inlined by vitest, see
// vitest.config.ts), (c) the exact file conf writes for the browser host. Nothing but day keys,
// outcome names and numbers may ever reach the store.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Store from 'electron-store'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  COUNTS_KEY,
  dayKey,
  OutcomeCounters,
  openCounterStore,
  SESSION_OUTCOMES,
} from '../../../src/main/counters/outcome-counters'
import type { KeyValueStore, SessionOutcome } from '../../../src/main/counters/outcome-counters'
import { FAILURE_CAUSES } from '../../../src/shared/contract'

vi.mock('electron', () => ({ default: { app: undefined, ipcMain: undefined, shell: undefined } }))

/** A KeyValueStore in a Map, which hands out deep copies like the real stores (they re-read the file). */
class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>()
  sets = 0
  get(key: string): unknown {
    const value = this.data.get(key)
    return value === undefined ? undefined : structuredClone(value)
  }
  set(key: string, value: unknown): void {
    this.sets += 1
    this.data.set(key, structuredClone(value))
  }
}

function zeros(): Record<SessionOutcome, number> {
  return Object.fromEntries(SESSION_OUTCOMES.map((outcome) => [outcome, 0])) as Record<SessionOutcome, number>
}

describe('outcomes', () => {
  it('are success, abandoned, cancelled and every failure cause of the contract', () => {
    expect(SESSION_OUTCOMES).toEqual(['success', 'abandoned', 'cancelled', ...FAILURE_CAUSES])
    expect(new Set(SESSION_OUTCOMES).size).toBe(SESSION_OUTCOMES.length)
  })
})

describe('dayKey', () => {
  it('is the local calendar date', () => {
    expect(dayKey(new Date(2026, 10, 24, 0, 0, 0))).toBe('2026-11-24')
    expect(dayKey(new Date(2026, 10, 24, 23, 59, 59, 999))).toBe('2026-11-24')
    expect(dayKey(new Date(2027, 0, 1, 0, 0))).toBe('2027-01-01')
    expect(dayKey(new Date(2028, 1, 29, 12))).toBe('2028-02-29')
  })

  it('refuses an invalid Date', () => {
    expect(() => dayKey(new Date(Number.NaN))).toThrow(RangeError)
  })
})

describe('OutcomeCounters with an in-memory store', () => {
  let store: MemoryStore
  let counters: OutcomeCounters

  beforeEach(() => {
    store = new MemoryStore()
    counters = new OutcomeCounters(store)
  })

  it('starts empty: zeros for every outcome, no days', () => {
    expect(counters.day('2026-11-24')).toEqual(zeros())
    expect(counters.days()).toEqual([])
    expect(store.sets).toBe(0)
  })

  it('counts per outcome per day and stores exactly { counts: { day: { outcome: n } } }', () => {
    counters.record('success', '2026-11-24')
    counters.record('timeout', '2026-11-24')
    counters.record('success', '2026-11-24')
    counters.record('abandoned', '2026-11-23')
    counters.record('cancelled-in-app', '2026-11-25')

    expect(counters.day('2026-11-24')).toEqual({ ...zeros(), success: 2, timeout: 1 })
    expect(counters.day('2026-11-23')).toEqual({ ...zeros(), abandoned: 1 })
    expect(counters.day('2026-11-22')).toEqual(zeros())
    expect(counters.days()).toEqual(['2026-11-23', '2026-11-24', '2026-11-25'])
    expect([...store.data.keys()]).toEqual([COUNTS_KEY])
    expect(JSON.stringify(store.data.get(COUNTS_KEY))).toBe(
      JSON.stringify({
        '2026-11-23': { abandoned: 1 },
        '2026-11-24': { success: 2, timeout: 1 },
        '2026-11-25': { 'cancelled-in-app': 1 },
      }),
    )
  })

  it('keeps keepDays days counting the recorded one, and drops older days on record', () => {
    counters = new OutcomeCounters(store, { keepDays: 3 })
    counters.record('success', '2026-12-29')
    counters.record('success', '2026-12-30')
    counters.record('success', '2026-12-31')
    expect(counters.days()).toEqual(['2026-12-29', '2026-12-30', '2026-12-31'])
    counters.record('network', '2027-01-01')
    expect(counters.days()).toEqual(['2026-12-30', '2026-12-31', '2027-01-01'])
    counters.record('network', '2027-03-01')
    expect(counters.days()).toEqual(['2027-03-01'])
  })

  it('keeps 90 days by default', () => {
    counters.record('success', '2026-01-01')
    counters.record('success', '2026-03-31') // day 90 counting 2026-01-01 as day 1
    expect(counters.days()).toEqual(['2026-01-01', '2026-03-31'])
    counters.record('success', '2026-04-01')
    expect(counters.days()).toEqual(['2026-03-31', '2026-04-01'])
  })

  it('keeps days after the recorded one (the clock went back)', () => {
    counters = new OutcomeCounters(store, { keepDays: 2 })
    counters.record('success', '2026-11-24')
    counters.record('success', '2026-11-01')
    expect(counters.days()).toEqual(['2026-11-01', '2026-11-24'])
  })

  it.each([
    ['an unknown outcome', 'failed', '2026-11-24'],
    ['a personnummer as outcome', '199001012385', '2026-11-24'],
    ['a name as outcome', 'Anna Andersson', '2026-11-24'],
    ['an empty outcome', '', '2026-11-24'],
    ['a personnummer as day', 'success', '199001012385'],
    ['a name as day', 'success', 'Anna'],
    ['a day without zero padding', 'success', '2026-1-5'],
    ['a day with a time', 'success', '2026-11-24T10:00'],
    ['no such date', 'success', '2026-02-30'],
    ['month 13', 'success', '2026-13-01'],
    ['a number as day', 'success', 20261124],
  ])('record throws a TypeError for %s and writes nothing', (_label, outcome, day) => {
    expect(() => counters.record(outcome as SessionOutcome, day as string)).toThrow(TypeError)
    expect(store.sets).toBe(0)
  })

  it('day() refuses a malformed day too', () => {
    expect(() => counters.day('24/11/2026')).toThrow(TypeError)
  })

  it.each([0, -1, 1.5, Number.NaN])('refuses keepDays %s', (keepDays) => {
    expect(() => new OutcomeCounters(store, { keepDays })).toThrow(RangeError)
  })

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [{ '2026-11-24': { success: 1 } }]],
    ['a number', 42],
  ])('ignores counts that are %s', (_label, junk) => {
    store.data.set(COUNTS_KEY, junk)
    expect(counters.days()).toEqual([])
    expect(counters.day('2026-11-24')).toEqual(zeros())
    counters.record('success', '2026-11-24')
    expect(store.data.get(COUNTS_KEY)).toEqual({ '2026-11-24': { success: 1 } })
  })

  it('keeps the valid entries of a hand-edited store and drops the rest at the next record', () => {
    store.data.set(COUNTS_KEY, {
      '2026-11-23': { success: 4, timeout: -1, blocked: 1.5, network: '2', tls: 0, name: 'Anna Andersson' },
      '2026-11-22': 'three',
      '2026-11-21': [1, 2],
      '2026-11-20': { 199001012385: 1, personnummer: '19900101-2385' },
      'Anna Andersson': { success: 1 },
      '199001012385': { success: 1 },
      '2026-02-30': { success: 1 },
      '2026-11-19': { unknown: 2, 'risk-blocked': 1 },
    })
    expect(counters.days()).toEqual(['2026-11-19', '2026-11-23'])
    expect(counters.day('2026-11-23')).toEqual({ ...zeros(), success: 4 })
    counters.record('timeout', '2026-11-24')
    const written = JSON.stringify(store.data.get(COUNTS_KEY))
    expect(written).toBe(
      JSON.stringify({
        '2026-11-19': { 'risk-blocked': 1, unknown: 2 },
        '2026-11-23': { success: 4 },
        '2026-11-24': { timeout: 1 },
      }),
    )
    expect(written).not.toMatch(/Anna|1990|2385/)
  })

  it('never throws when the store cannot be read', () => {
    const broken: KeyValueStore = {
      get: () => {
        throw new SyntaxError('Unexpected token')
      },
      set: () => undefined,
    }
    const brokenCounters = new OutcomeCounters(broken)
    expect(brokenCounters.days()).toEqual([])
    expect(brokenCounters.day('2026-11-24')).toEqual(zeros())
    expect(() => brokenCounters.record('success', '2026-11-24')).not.toThrow()
  })

  it('passes on an error from set()', () => {
    const full: KeyValueStore = {
      get: () => undefined,
      set: () => {
        throw new Error('ENOSPC')
      },
    }
    expect(() => new OutcomeCounters(full).record('success', '2026-11-24')).toThrow('ENOSPC')
  })

  it('property: matches a simple model, and the store only ever holds days, outcome names and counts', () => {
    const day = fc
      .date({ min: new Date(2026, 0, 1), max: new Date(2026, 11, 31), noInvalidDate: true })
      .map((date) => dayKey(date))
    const outcome = fc.constantFrom(...SESSION_OUTCOMES)
    const dayIndex = (text: string): number => Date.parse(`${text}T00:00:00Z`) / 86_400_000
    const records = fc.array(fc.tuple(outcome, day), { maxLength: 60 })
    fc.assert(
      fc.property(records, fc.integer({ min: 1, max: 400 }), (recorded, keepDays) => {
        const propertyStore = new MemoryStore()
        const propertyCounters = new OutcomeCounters(propertyStore, { keepDays })
        const model = new Map<string, Record<SessionOutcome, number>>()
        for (const [recordedOutcome, recordedDay] of recorded) {
          propertyCounters.record(recordedOutcome, recordedDay)
          const counts = model.get(recordedDay) ?? zeros()
          counts[recordedOutcome] += 1
          model.set(recordedDay, counts)
          for (const modelDay of model.keys()) {
            if (dayIndex(recordedDay) - dayIndex(modelDay) >= keepDays) model.delete(modelDay)
          }
        }
        expect(propertyCounters.days()).toEqual([...model.keys()].sort())
        for (const [modelDay, counts] of model) expect(propertyCounters.day(modelDay)).toEqual(counts)

        const text = JSON.stringify(propertyStore.data.get(COUNTS_KEY) ?? {})
        const vocabulary = new RegExp(`^(?:"\\d{4}-\\d{2}-\\d{2}"|"(?:${SESSION_OUTCOMES.join('|')})"|\\d+|[{}:,])*$`)
        expect(text).toMatch(vocabulary)
      }),
      { numRuns: 200 },
    )
  })
})

/** Records the same sessions into a store and checks the file it wrote, byte for byte. */
function recordAndCheckFile(open: () => KeyValueStore, file: string): void {
  const counters = new OutcomeCounters(open())
  counters.record('success', '2026-11-24')
  counters.record('success', '2026-11-24')
  counters.record('timeout', '2026-11-24')
  counters.record('abandoned', '2026-11-23')

  const expected = {
    counts: {
      '2026-11-23': { abandoned: 1 },
      '2026-11-24': { success: 2, timeout: 1 },
    },
  }
  // Both conf and electron-store write JSON.stringify(store, undefined, '\t'), no final newline.
  expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(expected, undefined, '\t'))

  // A fresh instance on the same file reads the same counts back.
  const reopened = new OutcomeCounters(open())
  expect(reopened.days()).toEqual(['2026-11-23', '2026-11-24'])
  expect(reopened.day('2026-11-24')).toEqual({ ...zeros(), success: 2, timeout: 1 })
}

describe('on disk', () => {
  let directory: string

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'kiosk-counters-'))
  })

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true })
  })

  it('(b) the real electron-store writes exactly the counts to config.json', () => {
    recordAndCheckFile(() => new Store({ cwd: directory }), path.join(directory, 'config.json'))
  })

  it('(c) conf, as openCounterStore, writes exactly the counts to counters.json', () => {
    recordAndCheckFile(() => openCounterStore(directory), path.join(directory, 'counters.json'))
  })

  it('openCounterStore creates a missing directory', () => {
    const nested = path.join(directory, 'a', 'b')
    new OutcomeCounters(openCounterStore(nested)).record('success', '2026-11-24')
    expect(JSON.parse(readFileSync(path.join(nested, 'counters.json'), 'utf8'))).toEqual({
      counts: { '2026-11-24': { success: 1 } },
    })
  })

  it('openCounterStore starts afresh from a corrupted file instead of throwing', () => {
    const file = path.join(directory, 'counters.json')
    writeFileSync(file, '{"counts": {"2026-11-24": {"success": 3}')
    const counters = new OutcomeCounters(openCounterStore(directory))
    expect(counters.days()).toEqual([])
    counters.record('success', '2026-11-24')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ counts: { '2026-11-24': { success: 1 } } })
  })

  it('a hand-edited counters.json with personal data in it loses it at the next record', () => {
    const file = path.join(directory, 'counters.json')
    writeFileSync(
      file,
      JSON.stringify({
        counts: { '2026-11-24': { success: 1, note: 'Anna Andersson 19900101-2385' }, '199001012385': { success: 1 } },
      }),
    )
    const counters = new OutcomeCounters(openCounterStore(directory))
    expect(counters.day('2026-11-24')).toEqual({ ...zeros(), success: 1 })
    counters.record('success', '2026-11-24')
    const text = readFileSync(file, 'utf8')
    expect(JSON.parse(text)).toEqual({ counts: { '2026-11-24': { success: 2 } } })
    expect(text).not.toMatch(/Anna|2385/)
  })
})
