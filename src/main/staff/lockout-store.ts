// Where the staff PIN lockout (lockout.ts) is kept between runs of the kiosk: one record of four
// numbers under the key "lockout" in <data folder>/staff-lockout.json, e.g.
//   { "lockout": { "failures": 0, "locks": 1, "lastFailureAt": 1795514400000, "lockedUntil": 1795514700000 } }
// Kept with conf, as the counters are (outcome-counters.ts), and in both hosts: conf needs no
// Electron, and the data folder is Electron's userData there anyway. Unlike the counters, a file
// that is not JSON is not quietly started afresh: that would hand a guesser fresh attempts. It is
// reported as damage (load throws), which the lockout treats as one lock; its next save replaces
// the file with a sound one. A folder that cannot be used at all does not stop the kiosk either:
// every load and save throws, and the lockout locks once and then carries on in memory.
import Conf from 'conf'
import type { LockoutRecord, LockoutStore } from './lockout'

export const LOCKOUT_FILE = 'staff-lockout.json'
const CONFIG_NAME = 'staff-lockout'
/** The store key the record lives under. */
export const LOCKOUT_KEY = 'lockout'

function open(directory: string, clearInvalidConfig: boolean): Conf<Record<string, unknown>> {
  return new Conf<Record<string, unknown>>({
    cwd: directory,
    configName: CONFIG_NAME,
    projectName: 'bankid-kiosk',
    clearInvalidConfig,
    accessPropertiesByDotNotation: false,
  })
}

/** The lockout's store in `directory` (the kiosk's data folder). Never throws. */
export function openLockoutStore(directory: string): LockoutStore {
  let damaged: unknown = null
  try {
    // Only to find out whether what is there can be read: conf throws for a file that is not JSON.
    open(directory, false)
  } catch (error) {
    damaged = error
  }
  // The store itself reads a damaged file as empty, so that the next save writes over it.
  let store: Conf<Record<string, unknown>> | null = null
  try {
    store = open(directory, true)
  } catch (error) {
    damaged ??= error
  }
  return {
    load(): unknown {
      if (damaged !== null || store === null) throw damaged ?? new Error('the lockout store could not be opened')
      return store.get(LOCKOUT_KEY)
    },
    save(record: LockoutRecord): void {
      store ??= open(directory, true)
      store.set(LOCKOUT_KEY, record)
      damaged = null
    },
  }
}
