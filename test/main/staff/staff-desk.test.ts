import { describe, expect, it, vi } from 'vitest'
import type { SessionPort } from '../../../src/main/session/unavailable-session'
import { hashPin, verifyPin } from '../../../src/main/staff/pin-hash'
import type { StaffDeskOptions } from '../../../src/main/staff/staff-desk'
import { StaffDesk } from '../../../src/main/staff/staff-desk'
import type { ConnectivityResult, Intent, Snapshot, StaffInfo } from '../../../src/shared/contract'
import { ManualScheduler } from '../../support/manual-scheduler'

const PIN = '4711'
const HASH = 'stored-hash'

/** A session that records what reaches it and publishes when told to. */
class FakeSession implements SessionPort {
  readonly intents: Intent[] = []
  readonly listeners = new Set<(snapshot: Snapshot) => void>()
  rendererGoneCalls = 0
  disposed = false
  #snapshot: Snapshot = {
    sequence: 0,
    screen: { name: 'welcome' },
    idleWarning: null,
    language: 'sv',
    languages: ['sv', 'en'],
    lowReach: false,
    mode: 'personnummer',
    schoolName: 'Testskolan',
    branding: { primaryColor: '#1f3a5f', accentColor: '#ffd200' },
    banks: [],
    staff: null,
  }

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.listeners.add(listener)
    listener(this.#snapshot)
    return () => this.listeners.delete(listener)
  }
  snapshot(): Snapshot {
    return this.#snapshot
  }
  dispatch(intent: Intent): void {
    this.intents.push(intent)
    this.emit()
  }
  rendererGone(): void {
    this.rendererGoneCalls += 1
    this.emit({ screen: { name: 'welcome' } })
  }
  whenIdle(): Promise<void> {
    return Promise.resolve()
  }
  dispose(): Promise<void> {
    this.disposed = true
    return Promise.resolve()
  }
  emit(change: Partial<Snapshot> = {}): void {
    this.#snapshot = { ...this.#snapshot, ...change, sequence: this.#snapshot.sequence + 1 }
    for (const listener of this.listeners) listener(this.#snapshot)
  }
}

const INFO: StaffInfo = {
  version: '1.2.3',
  settingsPath: '/etc/bankid-kiosk/settings.json',
  settingsProblem: null,
  environment: 'simulator',
  endpoint: '127.0.0.1:7443',
  certificate: null,
  uptimeSeconds: 42,
  recentErrors: [],
  counters: { success: 3 },
  handoff: 'off',
}

function setUp(options: Partial<StaffDeskOptions> = {}) {
  const scheduler = new ManualScheduler()
  const session = new FakeSession()
  const logs: { level: string; event: string; fields?: Record<string, unknown> | undefined }[] = []
  const exit = vi.fn()
  let connectivity: Promise<Exclude<ConnectivityResult, { state: 'running' }>> = Promise.resolve({ state: 'ok', latencyMs: 12 })
  const desk = new StaffDesk({
    session,
    scheduler,
    pinHash: HASH,
    allowExit: false,
    exit,
    info: () => INFO,
    testConnection: () => connectivity,
    log: (level, event, fields) => logs.push({ level, event, fields }),
    verify: (pin, hash) => Promise.resolve(hash === HASH && pin === PIN),
    ...options,
  })
  const published: Snapshot[] = []
  desk.subscribe((snapshot) => published.push(snapshot))
  const send = async (intent: Intent) => {
    desk.dispatch(intent)
    await desk.whenIdle()
  }
  const latest = () => {
    const last = published.at(-1)
    if (!last) throw new Error('nothing published')
    return last
  }
  const step = async (ms: number) => {
    for (let done = 0; done < ms; done += 1000) {
      scheduler.advance(Math.min(1000, ms - done))
      await desk.whenIdle()
    }
  }
  return {
    scheduler,
    session,
    desk,
    logs,
    exit,
    published,
    send,
    latest,
    step,
    setConnectivity: (next: typeof connectivity) => (connectivity = next),
  }
}

const isIncreasing = (snapshots: Snapshot[]) => snapshots.every((s, i) => i === 0 || s.sequence > (snapshots[i - 1]?.sequence ?? -1))

describe('StaffDesk: routing', () => {
  it('passes every parent intent to the session while the staff screen is closed', async () => {
    const t = setUp()
    await t.send({ type: 'begin' })
    await t.send({ type: 'set-language', language: 'en' })
    expect(t.session.intents).toEqual([{ type: 'begin' }, { type: 'set-language', language: 'en' }])
    expect(t.latest().staff).toBeNull()
  })

  it('keeps staff intents from the session, and while the staff screen is up passes only activity', async () => {
    const t = setUp()
    await t.send({ type: 'staff-open' })
    expect(t.latest().staff).toEqual({ stage: 'pin', fault: null, lockedSeconds: 0, attemptsLeft: 5 })
    await t.send({ type: 'begin' })
    await t.send({ type: 'cancel' })
    await t.send({ type: 'set-language', language: 'en' })
    await t.send({ type: 'activity' })
    await t.send({ type: 'staff-pin', pin: PIN })
    await t.send({ type: 'open-faq' })
    expect(t.session.intents).toEqual([{ type: 'activity' }])
    expect(t.logs.filter((log) => log.event === 'staff.intent-ignored').map((log) => log.fields?.intent)).toEqual([
      'begin',
      'cancel',
      'set-language',
      'open-faq',
    ])
    await t.send({ type: 'staff-close' })
    await t.send({ type: 'open-faq' })
    expect(t.session.intents).toEqual([{ type: 'activity' }, { type: 'open-faq' }])
  })

  it('cannot be opened without a PIN hash in the settings', async () => {
    const t = setUp({ pinHash: undefined })
    await t.send({ type: 'staff-open' })
    await t.send({ type: 'staff-pin', pin: PIN })
    expect(t.desk.snapshot().staff).toBeNull()
    expect(t.logs.map((log) => log.event)).toContain('staff.no-pin')
  })

  it('ignores staff intents that do not fit the stage', async () => {
    const t = setUp()
    await t.send({ type: 'staff-pin', pin: PIN })
    await t.send({ type: 'staff-test-connection' })
    await t.send({ type: 'staff-exit' })
    await t.send({ type: 'staff-close' })
    expect(t.desk.snapshot().staff).toBeNull()
    await t.send({ type: 'staff-open' })
    await t.send({ type: 'staff-test-connection' })
    await t.send({ type: 'staff-exit' })
    expect(t.latest().staff?.stage).toBe('pin')
    expect(t.exit).not.toHaveBeenCalled()
  })
})

describe('StaffDesk: snapshots', () => {
  it('fills in staff on every session snapshot, with sequences that only grow across both sources', async () => {
    const t = setUp()
    t.session.emit({ screen: { name: 'faq' } })
    await t.send({ type: 'staff-open' })
    t.session.emit({ idleWarning: { secondsLeft: 20 } })
    await t.send({ type: 'staff-pin', pin: '0000' })
    t.session.emit({ screen: { name: 'welcome' }, idleWarning: null })
    t.session.emit()
    await t.send({ type: 'staff-pin', pin: PIN })
    await t.send({ type: 'staff-test-connection' })
    t.session.emit()
    await t.send({ type: 'staff-close' })
    t.session.emit()

    expect(t.published.length).toBeGreaterThan(10)
    expect(isIncreasing(t.published)).toBe(true)
    // Every snapshot carries the desk's current view, whoever published it.
    expect(t.published.map((s) => s.staff?.stage ?? null)).toEqual([
      null, null, 'pin', 'pin', 'pin', 'pin', 'pin', 'open', 'open', 'open', 'open', null, null,
    ])
    // The session's own content passes through untouched.
    expect(t.published[3]?.idleWarning).toEqual({ secondsLeft: 20 })
    expect(t.desk.snapshot()).toEqual(t.latest())
  })

  it('subscribes late listeners with the current merged snapshot', async () => {
    const t = setUp()
    await t.send({ type: 'staff-open' })
    const seen: Snapshot[] = []
    t.desk.subscribe((snapshot) => seen.push(snapshot))
    expect(seen).toEqual([t.latest()])
  })
})

describe('StaffDesk: the PIN', () => {
  it('says wrong with the tries left, locks after five, counts the lock down and lets go after 5 minutes', async () => {
    const t = setUp()
    await t.send({ type: 'staff-open' })
    for (const attemptsLeft of [4, 3, 2, 1]) {
      await t.send({ type: 'staff-pin', pin: '1234' })
      expect(t.latest().staff).toEqual({ stage: 'pin', fault: 'wrong', lockedSeconds: 0, attemptsLeft })
    }
    await t.send({ type: 'staff-pin', pin: '1234' })
    expect(t.latest().staff).toEqual({ stage: 'pin', fault: 'locked', lockedSeconds: 300, attemptsLeft: 0 })
    expect(t.logs.filter((log) => log.event === 'staff.pin-locked')).toEqual([
      { level: 'warn', event: 'staff.pin-locked', fields: { lockedSeconds: 300 } },
    ])

    // While locked even the right PIN is not checked.
    await t.send({ type: 'staff-pin', pin: PIN })
    expect(t.latest().staff).toMatchObject({ stage: 'pin', fault: 'locked' })

    await t.step(1_000)
    expect(t.latest().staff).toMatchObject({ fault: 'locked', lockedSeconds: 299 })
    await t.send({ type: 'activity' }) // staff still there: the pad stays up through the lock
    await t.step(100_000)
    await t.send({ type: 'activity' })
    await t.step(100_000)
    await t.send({ type: 'activity' })
    await t.step(99_000)
    expect(t.latest().staff).toEqual({ stage: 'pin', fault: null, lockedSeconds: 0, attemptsLeft: 5 })
    await t.send({ type: 'staff-pin', pin: PIN })
    expect(t.latest().staff?.stage).toBe('open')
  })

  it('keeps counting wrong PINs when the pad is closed and opened again', async () => {
    const t = setUp()
    for (let i = 0; i < 4; i++) {
      await t.send({ type: 'staff-open' })
      await t.send({ type: 'staff-pin', pin: '1111' })
      await t.send({ type: 'staff-close' })
    }
    await t.send({ type: 'staff-open' })
    expect(t.latest().staff).toMatchObject({ fault: null, attemptsLeft: 1 })
    await t.send({ type: 'staff-pin', pin: '1111' })
    expect(t.latest().staff).toMatchObject({ fault: 'locked', lockedSeconds: 300 })
    await t.send({ type: 'staff-close' })
    await t.send({ type: 'staff-open' })
    expect(t.latest().staff).toMatchObject({ fault: 'locked', lockedSeconds: 300 })
  })

  it('doubles the next lock, and the right PIN resets everything', async () => {
    const t = setUp()
    await t.send({ type: 'staff-open' })
    for (let i = 0; i < 5; i++) await t.send({ type: 'staff-pin', pin: '1111' })
    await t.send({ type: 'staff-close' })
    await t.step(300_000)
    await t.send({ type: 'staff-open' })
    for (let i = 0; i < 5; i++) await t.send({ type: 'staff-pin', pin: '1111' })
    expect(t.latest().staff).toMatchObject({ fault: 'locked', lockedSeconds: 600 })
    await t.send({ type: 'staff-close' })
    await t.step(600_000)
    await t.send({ type: 'staff-open' })
    await t.send({ type: 'staff-pin', pin: '1111' })
    await t.send({ type: 'staff-pin', pin: PIN })
    expect(t.latest().staff?.stage).toBe('open')
    await t.send({ type: 'staff-close' })
    await t.send({ type: 'staff-open' })
    expect(t.latest().staff).toMatchObject({ fault: null, attemptsLeft: 5 })
    for (let i = 0; i < 5; i++) await t.send({ type: 'staff-pin', pin: '1111' })
    expect(t.latest().staff).toMatchObject({ fault: 'locked', lockedSeconds: 300 })
  })

  it('checks one PIN at a time, and never logs one', async () => {
    let release: (right: boolean) => void = () => undefined
    const verify = vi.fn(() => new Promise<boolean>((resolve) => (release = resolve)))
    const t = setUp({ verify })
    await t.send({ type: 'staff-open' })
    t.desk.dispatch({ type: 'staff-pin', pin: '8642' })
    t.desk.dispatch({ type: 'staff-pin', pin: '9753' })
    expect(verify).toHaveBeenCalledTimes(1)
    release(false)
    await t.desk.whenIdle()
    expect(t.latest().staff).toMatchObject({ fault: 'wrong', attemptsLeft: 4 })
    expect(JSON.stringify(t.logs)).not.toMatch(/8642|9753/)
  })

  it('a right PIN that arrives after the pad was closed opens nothing', async () => {
    let release: (right: boolean) => void = () => undefined
    const t = setUp({ verify: () => new Promise<boolean>((resolve) => (release = resolve)) })
    await t.send({ type: 'staff-open' })
    t.desk.dispatch({ type: 'staff-pin', pin: PIN })
    t.desk.dispatch({ type: 'staff-close' })
    release(true)
    await t.desk.whenIdle()
    expect(t.desk.snapshot().staff).toBeNull()
  })

  it('keeps its lockout in the store it is given: a new desk over the same store (a restarted kiosk) is still locked', async () => {
    let saved: unknown
    const lockoutStore = { load: () => saved, save: (record: unknown) => (saved = structuredClone(record)) }
    const wallNow = () => Date.UTC(2026, 10, 24, 10, 0, 0)
    const first = setUp({ lockoutStore, wallNow })
    await first.send({ type: 'staff-open' })
    for (let i = 0; i < 5; i++) await first.send({ type: 'staff-pin', pin: '1111' })
    expect(first.latest().staff).toMatchObject({ fault: 'locked', lockedSeconds: 300 })
    await first.desk.dispose()

    const second = setUp({ lockoutStore, wallNow })
    await second.send({ type: 'staff-open' })
    expect(second.latest().staff).toEqual({ stage: 'pin', fault: 'locked', lockedSeconds: 300, attemptsLeft: 0 })
    await second.send({ type: 'staff-pin', pin: PIN })
    expect(second.latest().staff).toMatchObject({ stage: 'pin', fault: 'locked' })
  })

  it('logs a damaged lockout record (and locks), and a store that cannot be written, without the PIN', async () => {
    const lockoutStore = {
      load: (): unknown => 'garbage',
      save: () => {
        throw Object.assign(new Error('no space left'), { code: 'ENOSPC' })
      },
    }
    const t = setUp({ lockoutStore, wallNow: () => Date.UTC(2026, 10, 24, 10, 0, 0) })
    await t.send({ type: 'staff-open' })
    expect(t.latest().staff).toMatchObject({ fault: 'locked', lockedSeconds: 300 })
    expect(t.logs.filter((log) => log.event.startsWith('staff.lockout'))).toEqual([
      { level: 'warn', event: 'staff.lockout-damaged', fields: { lockedSeconds: 300 } },
      { level: 'warn', event: 'staff.lockout-save-failed', fields: { error: 'Error', code: 'ENOSPC' } },
    ])
  })

  it('warns (without the PIN) when the right PIN is shorter than 6 digits: a hash made before 6 were required', async () => {
    const t = setUp()
    await t.send({ type: 'staff-open' })
    await t.send({ type: 'staff-pin', pin: PIN })
    expect(t.latest().staff?.stage).toBe('open')
    expect(t.logs.filter((log) => log.event === 'staff.pin-too-short')).toEqual([
      { level: 'warn', event: 'staff.pin-too-short', fields: { minimumDigits: 6 } },
    ])
    const long = setUp({ verify: (pin) => Promise.resolve(pin === '471100') })
    await long.send({ type: 'staff-open' })
    await long.send({ type: 'staff-pin', pin: '471100' })
    expect(long.latest().staff?.stage).toBe('open')
    expect(long.logs.map((log) => log.event)).not.toContain('staff.pin-too-short')
  })

  it('works with the real scrypt hash', async () => {
    const t = setUp({ pinHash: await hashPin('271828', { N: 2 ** 14, r: 8, p: 1 }), verify: verifyPin })
    await t.send({ type: 'staff-open' })
    await t.send({ type: 'staff-pin', pin: '271829' })
    expect(t.latest().staff).toMatchObject({ fault: 'wrong' })
    await t.send({ type: 'staff-pin', pin: '271828' })
    expect(t.latest().staff).toMatchObject({ stage: 'open', info: INFO, connectivity: null, canExit: false })
  })
})

describe('StaffDesk: the staff screen', () => {
  async function openDesk(options: Partial<StaffDeskOptions> = {}) {
    const t = setUp(options)
    await t.send({ type: 'staff-open' })
    await t.send({ type: 'staff-pin', pin: PIN })
    expect(t.latest().staff?.stage).toBe('open')
    return t
  }

  it('runs the connectivity test: running, then the result', async () => {
    const t = await openDesk()
    let finish: (result: Exclude<ConnectivityResult, { state: 'running' }>) => void = () => undefined
    t.setConnectivity(new Promise((resolve) => (finish = resolve)))
    t.desk.dispatch({ type: 'staff-test-connection' })
    expect(t.latest().staff).toMatchObject({ stage: 'open', connectivity: { state: 'running' } })
    t.desk.dispatch({ type: 'staff-test-connection' }) // one at a time
    finish({ state: 'failed', reference: 'N-ECONNREFUSED', message: 'network ECONNREFUSED' })
    await t.desk.whenIdle()
    expect(t.latest().staff).toMatchObject({ connectivity: { state: 'failed', reference: 'N-ECONNREFUSED' } })
    t.setConnectivity(Promise.resolve({ state: 'ok', latencyMs: 34 }))
    await t.send({ type: 'staff-test-connection' })
    expect(t.latest().staff).toMatchObject({ connectivity: { state: 'ok', latencyMs: 34 } })
    t.setConnectivity(Promise.reject(new TypeError('boom')))
    await t.send({ type: 'staff-test-connection' })
    expect(t.latest().staff).toMatchObject({ connectivity: { state: 'failed', reference: 'P-ERROR' } })
  })

  it('closes itself after 2 minutes without a staff touch, whatever the session does meanwhile', async () => {
    const t = await openDesk()
    await t.step(90_000)
    t.session.emit({ screen: { name: 'welcome' }, idleWarning: null }) // the parent's session idled out underneath
    expect(t.latest().staff?.stage).toBe('open')
    await t.send({ type: 'activity' })
    await t.step(119_000)
    expect(t.latest().staff?.stage).toBe('open')
    await t.step(1_000)
    expect(t.latest().staff).toBeNull()
    expect(t.logs.at(-1)).toMatchObject({ event: 'staff.closed', fields: { by: 'timeout' } })
    expect(t.scheduler.pendingTimers).toBe(0)
  })

  it('the PIN pad closes itself too', async () => {
    const t = setUp()
    await t.send({ type: 'staff-open' })
    await t.step(120_000)
    expect(t.latest().staff).toBeNull()
  })

  it('offers no exit unless the settings allow it, and refuses one if asked anyway', async () => {
    const t = await openDesk()
    expect(t.latest().staff).toMatchObject({ canExit: false })
    await t.send({ type: 'staff-exit' })
    expect(t.exit).not.toHaveBeenCalled()
    expect(t.logs.at(-1)).toMatchObject({ level: 'warn', event: 'staff.exit-refused' })

    const noHost = await openDesk({ allowExit: true, exit: undefined })
    expect(noHost.latest().staff).toMatchObject({ canExit: false })
    await noHost.send({ type: 'staff-exit' })
    expect(noHost.logs.at(-1)).toMatchObject({ event: 'staff.exit-refused' })
  })

  it('exits through the host when the settings allow it', async () => {
    const t = await openDesk({ allowExit: true })
    expect(t.latest().staff).toMatchObject({ canExit: true })
    await t.send({ type: 'staff-exit' })
    expect(t.exit).toHaveBeenCalledTimes(1)
  })

  it('a renderer that goes away takes the staff screen with it; the session is told', async () => {
    const t = await openDesk()
    t.desk.rendererGone()
    expect(t.session.rendererGoneCalls).toBe(1)
    expect(t.latest().staff).toBeNull()
    expect(isIncreasing(t.published.filter((s, i, all) => i === 0 || s.sequence !== all[i - 1]?.sequence))).toBe(true)
  })

  it('dispose stops its timers and the session', async () => {
    const t = await openDesk()
    await t.desk.dispose()
    expect(t.session.disposed).toBe(true)
    expect(t.scheduler.pendingTimers).toBe(0)
    const count = t.published.length
    t.desk.dispatch({ type: 'staff-close' })
    t.session.emit()
    expect(t.published).toHaveLength(count)
  })
})
