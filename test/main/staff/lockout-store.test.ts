// The lockout's store on disk (conf, in the kiosk's data folder, as the counters are kept): what
// one run of the kiosk wrote, the next one reads; a damaged file locks instead of crashing.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PinLockout } from '../../../src/main/staff/lockout'
import { LOCKOUT_FILE, openLockoutStore } from '../../../src/main/staff/lockout-store'
import { ManualClock } from '../../support/manual-clock'

const MINUTE = 60_000
const WALL = Date.UTC(2026, 10, 24, 10, 0, 0)

let directory = ''
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'kiosk-lockout-'))
})
afterEach(() => {
  rmSync(directory, { recursive: true, force: true })
})

function boot(dir = directory, monoStart = 0) {
  const problems: string[] = []
  const lockout = new PinLockout(new ManualClock(monoStart), {}, {
    store: openLockoutStore(dir),
    wallNow: () => WALL,
    report: (event) => problems.push(event.problem),
  })
  return { lockout, problems }
}

describe('openLockoutStore', () => {
  it('keeps the lockout in staff-lockout.json in the data folder, and the next run reads it', () => {
    const first = boot(directory, 5_000_000)
    for (let i = 0; i < 5; i++) first.lockout.recordFailure()
    expect(LOCKOUT_FILE).toBe('staff-lockout.json')
    expect(JSON.parse(readFileSync(join(directory, LOCKOUT_FILE), 'utf8'))).toEqual({
      lockout: { failures: 0, locks: 1, lastFailureAt: WALL, lockedUntil: WALL + 5 * MINUTE },
    })
    const second = boot(directory, 3)
    expect(second.lockout.status()).toEqual({ locked: true, remainingMs: 5 * MINUTE })
    expect(second.problems).toEqual([])
  })

  it('writes no file until there is something to remember', () => {
    const { lockout } = boot()
    lockout.status()
    lockout.recordSuccess()
    expect(existsSync(join(directory, LOCKOUT_FILE))).toBe(false)
  })

  it('locks, instead of starting afresh or crashing, when the file is not JSON; then writes a sound one', () => {
    writeFileSync(join(directory, LOCKOUT_FILE), '{"lockout": {"failures": 4, "lo')
    const { lockout, problems } = boot()
    expect(lockout.status()).toEqual({ locked: true, remainingMs: 5 * MINUTE })
    expect(problems).toEqual(['damaged'])
    expect(JSON.parse(readFileSync(join(directory, LOCKOUT_FILE), 'utf8'))).toEqual({
      lockout: { failures: 0, locks: 1, lastFailureAt: WALL, lockedUntil: WALL + 5 * MINUTE },
    })
    expect(boot().problems).toEqual([])
  })

  it('does not throw when the data folder cannot be used at all; it locks and says so', () => {
    const notAFolder = join(directory, 'file')
    writeFileSync(notAFolder, '')
    const { lockout, problems } = boot(join(notAFolder, 'data'))
    expect(lockout.status()).toEqual({ locked: true, remainingMs: 5 * MINUTE })
    expect(problems).toEqual(['damaged', 'save-failed'])
    expect(() => lockout.recordFailure()).not.toThrow()
  })
})
