// The session with a hand-off (product.md §5): after BankID's complete, the school's service is
// told, and the parent sees its message, its page in the locked view, or "ask the reception". The
// session runs against the real simulator; the service is a port the test answers by hand.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { renderQrSvg } from '../../../src/main/bankid/qr'
import type { HandoffCompletion, HandoffResult } from '../../../src/main/handoff/client'
import { hashOrderRef } from '../../../src/main/logging/logger'
import { KioskSession } from '../../../src/main/session/kiosk-session'
import type { HandoffPort, SessionSettings } from '../../../src/main/session/kiosk-session'
import { ParentBoundary } from '../../../src/main/shell/parent-boundary'
import type { Intent, Screen } from '../../../src/shared/contract'
import { decodeQrSvg } from '../../support/qr-decode'
import { freshPersonalNumber } from '../../support/simulator'
import { TEST_TODAY, startSessionHarness, testSettings } from '../../support/session-harness'
import type { SessionHarness } from '../../support/session-harness'

let h: SessionHarness
beforeAll(async () => {
  h = await startSessionHarness()
})
afterAll(() => h.close())

/**
 * A service the test answers: each delivery waits until the test resolves it, or until it is
 * aborted (then it answers HO-ABORTED, as the real client does). While one waits, the session is
 * not idle: move the clock with advance(), not h.step(), which waits for the session to be idle.
 */
class ManualService implements HandoffPort {
  readonly messageMs = 15_000
  readonly deliveries: { completion: HandoffCompletion; signal: AbortSignal; answer: (result: HandoffResult) => void; fail: (e: Error) => void }[] = []
  deliver(completion: HandoffCompletion, options: { signal: AbortSignal }): Promise<HandoffResult> {
    return new Promise((resolve, reject) => {
      options.signal.addEventListener('abort', () => resolve(failed('HO-ABORTED')), { once: true })
      this.deliveries.push({ completion, signal: options.signal, answer: resolve, fail: reject })
    })
  }
  last() {
    const delivery = this.deliveries.at(-1)
    if (!delivery) throw new Error('nothing was handed off')
    return delivery
  }
}

const ok = (answer: Extract<HandoffResult, { ok: true }>['answer']): HandoffResult => ({ ok: true, answer, status: 200, tries: 1, latencyMs: 12 })
const failed = (reference: string): HandoffResult => ({ ok: false, reference, status: null, tries: 3, latencyMs: 900 })

let service: ManualService

function sessionWith(port: HandoffPort, settings: SessionSettings = testSettings()): KioskSession {
  void h.session?.dispose()
  h.snapshots.length = 0
  const session = new KioskSession({
    bankId: h.client,
    handoff: port,
    scheduler: h.scheduler,
    renderQr: renderQrSvg,
    settings,
    events: {
      log: (level, event, fields) => h.logs.push({ level, event, fields }),
      outcome: (outcome) => h.outcomes.push(outcome),
    },
    today: () => TEST_TODAY,
    hashOrderRef,
  })
  session.subscribe((snapshot) => h.snapshots.push(snapshot))
  h.session = session
  return session
}

beforeEach(() => {
  service = new ManualService()
  sessionWith(service)
  h.logs.length = 0
  h.outcomes.length = 0
})
afterEach(async () => {
  await h.session.dispose()
  h.env.simulator.faults.clear()
  h.env.simulator.log.clear()
})

const send = (intent: Intent) => h.session.dispatch(intent)
const screen = (): Screen => h.latest().screen
const sim = () => h.env.simulator

/** Keypad → QR → scanned → security code → BankID complete; returns the person. */
async function completeLogin(handedOff = true): Promise<{ personalNumber: string; givenName: string; surname: string }> {
  const person = { personalNumber: freshPersonalNumber(), givenName: 'Fatima', surname: 'Hassan' }
  sim().people.upsert({ ...person, securityCode: '246810' })
  send({ type: 'begin' })
  send({ type: 'start', personnummer: person.personalNumber })
  await h.step(0)
  const waiting = screen()
  if (waiting.name !== 'waiting' || !waiting.qrSvg) throw new Error(`no QR: ${waiting.name}`)
  const scanned = sim().orders.scan(decodeQrSvg(waiting.qrSvg) ?? '')
  if (!scanned.ok) throw new Error('scan refused')
  await h.step(2_000)
  sim().orders.enterSecurityCode(scanned.value.orderRef, '246810')
  // The collect that brings "complete" goes to the simulator for real; the hand-off then waits.
  const before = service.deliveries.length
  if (!handedOff) {
    await h.step(2_000)
    return person
  }
  h.scheduler.advance(2_000)
  await vi.waitFor(() => expect(service.deliveries.length).toBe(before + 1))
  return person
}

/** Moves the clock while a hand-off waits (h.step would wait for it). */
function advance(ms: number, by = 1_000): void {
  for (let done = 0; done < ms; done += by) h.scheduler.advance(Math.min(by, ms - done))
}

/** Everything the session has published or logged since the test began, as text. */
const everything = () => JSON.stringify({ snapshots: h.snapshots, logs: h.logs, now: h.session.snapshot() })

describe('after BankID’s complete', () => {
  it('shows "handing off" with the given name only, and gives the service the completion', async () => {
    const person = await completeLogin()
    expect(screen()).toEqual({ name: 'handing-off', givenName: 'Fatima' })
    const { completion } = service.last()
    expect(completion.completionData.user).toMatchObject({ personalNumber: person.personalNumber, givenName: 'Fatima', surname: 'Hassan' })
    expect(completion.completionData.signature).not.toBe('')
    expect(completion.orderRef).toMatch(/^[0-9a-f-]{36}$/)
    // Nothing counted yet: the login is not over until the service has answered.
    expect(h.outcomes).toEqual([])
    // The hand-off takes as long as it takes (bounded by the client): no "are you still there?" meanwhile.
    advance(200_000)
    expect(h.latest()).toMatchObject({ screen: { name: 'handing-off' }, idleWarning: null })
    // And the order's own limits are over: no timeout failure arrives under it.
    expect(h.logs.filter((l) => l.event === 'bankid.failure')).toEqual([])
  })

  it('a message: shown with the name, counted down, then welcome; one success', async () => {
    const person = await completeLogin()
    service.last().answer(ok({ kind: 'message', message: 'Välkommen! Gå till rum 12.' }))
    await h.step(0)
    expect(screen()).toEqual({ name: 'handoff-message', givenName: 'Fatima', message: 'Välkommen! Gå till rum 12.', secondsLeft: 15 })
    expect(h.outcomes).toEqual(['success'])
    await h.step(5_000)
    expect(screen()).toMatchObject({ name: 'handoff-message', secondsLeft: 10 })
    await h.step(10_000)
    expect(screen()).toEqual({ name: 'welcome' })
    expect(JSON.stringify(h.session.snapshot())).not.toContain('Fatima')
    expect(everything()).not.toContain(person.personalNumber)
    expect(h.logs.find((l) => l.event === 'handoff.message')?.fields).toMatchObject({ status: 200, tries: 1, latencyMs: 12 })
  })

  it('"Klar" on the message returns to welcome at once and resets the language', async () => {
    send({ type: 'set-language', language: 'fi' })
    await completeLogin()
    service.last().answer(ok({ kind: 'message', message: 'Hej' }))
    await h.step(0)
    send({ type: 'done' })
    expect(h.latest()).toMatchObject({ screen: { name: 'welcome' }, language: 'sv' })
  })

  it('a page: the locked view with the URL only; "Logga ut" wipes it back to welcome', async () => {
    await completeLogin()
    service.last().answer(ok({ kind: 'url', url: 'https://portal.example-skola.se/start?ticket=abc' }))
    await h.step(0)
    expect(screen()).toEqual({ name: 'handoff-view', url: 'https://portal.example-skola.se/start?ticket=abc' })
    expect(h.outcomes).toEqual(['success'])
    // Only the origin reaches the log: the ticket in the query is the service's session.
    const view = h.logs.find((l) => l.event === 'handoff.view')
    expect(view?.fields).toMatchObject({ origin: 'https://portal.example-skola.se' })
    expect(JSON.stringify(h.logs)).not.toContain('ticket=abc')
    // "Avbryt", "Klar" and the rest mean nothing here; only "Logga ut" leaves.
    for (const intent of [{ type: 'cancel' }, { type: 'done' }, { type: 'begin' }, { type: 'retry' }] as const) send(intent)
    expect(screen().name).toBe('handoff-view')
    send({ type: 'logout' })
    expect(screen()).toEqual({ name: 'welcome' })
    expect(h.logs.some((l) => l.event === 'handoff.logout')).toBe(true)
    expect(h.outcomes).toEqual(['success'])
  })

  it('the locked view has the idle question and timeout like every screen: abandoned → welcome', async () => {
    await completeLogin()
    service.last().answer(ok({ kind: 'url', url: 'https://portal.example-skola.se/' }))
    await h.step(0)
    await h.step(59_000, 1_000)
    expect(h.latest().idleWarning).toBeNull()
    await h.step(1_000)
    expect(h.latest()).toMatchObject({ screen: { name: 'handoff-view' }, idleWarning: { secondsLeft: 20 } })
    // A touch (on the kiosk's bar) keeps it.
    send({ type: 'still-here' })
    expect(h.latest().idleWarning).toBeNull()
    await h.step(80_000, 1_000)
    expect(h.latest()).toMatchObject({ screen: { name: 'welcome' }, idleWarning: null })
    expect(h.logs.some((l) => l.event === 'idle.timeout' && l.fields?.screen === 'handoff-view')).toBe(true)
    // The login itself was a success; leaving the view is not a second outcome.
    expect(h.outcomes).toEqual(['success'])
  })

  it('leaving the locked view any way crosses the parent boundary (Electron wipes the session then)', async () => {
    const boundary = new ParentBoundary()
    const crossings: string[] = []
    h.session.subscribe((snapshot) => {
      if (boundary.crossed(snapshot)) crossings.push(snapshot.screen.name)
    })
    for (const leave of [() => send({ type: 'logout' }), () => h.session.rendererGone()]) {
      await completeLogin()
      service.last().answer(ok({ kind: 'url', url: 'https://portal.example-skola.se/' }))
      await h.step(0)
      expect(screen().name).toBe('handoff-view')
      crossings.length = 0
      leave()
      expect(crossings).toEqual(['welcome'])
    }
  })
})

describe('a failed hand-off', () => {
  it('shows the handoff-failed screen with the reference, counts handoff-failed, and logs no personal data', async () => {
    const person = await completeLogin()
    service.last().answer(failed('HO-NETWORK'))
    await h.step(0)
    expect(screen()).toEqual({ name: 'failure', cause: 'handoff-failed', messageKey: null, reference: 'HO-NETWORK' })
    expect(h.outcomes).toEqual(['handoff-failed'])
    expect(h.logs.find((l) => l.event === 'handoff.failed')?.fields).toMatchObject({ reference: 'HO-NETWORK', tries: 3 })
    const text = everything()
    expect(text).not.toContain(person.personalNumber)
    expect(text).not.toContain('Hassan')
    // The parent's name is gone from the screen too.
    expect(JSON.stringify(h.session.snapshot())).not.toContain('Fatima')
  })

  it('is the school service’s trouble, not BankID’s: it never puts the kiosk out of service', async () => {
    for (let i = 0; i < 4; i++) {
      await completeLogin()
      service.last().answer(failed('HO-HTTP-503'))
      await h.step(0)
      expect(screen()).toMatchObject({ name: 'failure', cause: 'handoff-failed' })
      send({ type: 'cancel' })
    }
    expect(h.outcomes).toEqual(['handoff-failed', 'handoff-failed', 'handoff-failed', 'handoff-failed'])
  })

  it('a port that throws is a failed hand-off too (HO-INTERNAL), never a stuck screen', async () => {
    await completeLogin()
    service.last().fail(new Error('bug'))
    await h.step(0)
    expect(screen()).toMatchObject({ name: 'failure', cause: 'handoff-failed', reference: 'HO-INTERNAL' })
  })
})

describe('leaving while the hand-off runs', () => {
  it('the renderer gone: the POST is aborted, abandoned counted, and its late answer is ignored', async () => {
    await completeLogin()
    const delivery = service.last()
    h.session.rendererGone()
    expect(delivery.signal.aborted).toBe(true)
    expect(screen()).toEqual({ name: 'welcome' })
    expect(h.outcomes).toEqual(['abandoned'])
    delivery.answer(ok({ kind: 'url', url: 'https://portal.example-skola.se/' }))
    await h.step(0)
    expect(screen()).toEqual({ name: 'welcome' })
    expect(h.outcomes).toEqual(['abandoned'])
  })

  it('quitting aborts it as well', async () => {
    await completeLogin()
    const delivery = service.last()
    const disposing = h.session.dispose()
    expect(delivery.signal.aborted).toBe(true)
    delivery.answer(failed('HO-ABORTED'))
    await disposing
    expect(h.outcomes).toEqual(['abandoned'])
  })

  it('"Avbryt" cannot interrupt it (the service may already be acting on the login)', async () => {
    await completeLogin()
    send({ type: 'cancel' })
    expect(screen().name).toBe('handing-off')
    expect(service.last().signal.aborted).toBe(false)
  })
})

it('without a hand-off nothing changes: logged in, then welcome', async () => {
  h.newSession()
  h.outcomes.length = 0
  await completeLogin(false)
  expect(screen()).toMatchObject({ name: 'logged-in', givenName: 'Fatima' })
  expect(service.deliveries).toEqual([])
  expect(h.outcomes).toEqual(['success'])
})
