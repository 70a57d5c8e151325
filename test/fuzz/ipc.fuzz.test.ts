// The renderer IPC under random and mutated payloads and random sender frames, against a real
// KioskSession. Two properties:
//
// 1. On the simulator (the session harness, real mutual TLS): a run drives the session somewhere
//    (keypad, QR up, picked up, logged in, failure, out of service...) through the trusted frame,
//    the simulated app and the clock, then throws payloads at the intent channel. A payload that is
//    not an intent, or comes from anywhere but the kiosk page's top frame, changes nothing: the
//    snapshot is identical (nothing ignored), nothing is emitted, the session logs nothing, and the
//    IPC logs one warning that carries no part of the payload. The handler never throws. Every
//    snapshot the session ever emits stays within the contract.
//
// 2. Model-based, on a deterministic BankID double: session A gets everything through IPC, session
//    B gets only what an independent reading of the contract says is a valid intent from the
//    trusted frame, by direct dispatch. Clock and bank events are the same for both. A and B must
//    agree exactly: snapshots, every emitted snapshot, logs and outcomes.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAILED_HINT_CODES, PENDING_HINT_CODES } from '../../src/main/bankid/api-types'
import type { IpcMainLike, IpcSenderEvent } from '../../src/main/ipc/kiosk-ipc'
import { registerKioskIpc } from '../../src/main/ipc/kiosk-ipc'
import type { Intent } from '../../src/shared/contract'
import { IPC_CHANNELS } from '../../src/shared/ipc-channels'
import { LANGUAGES } from '../../src/shared/languages'
import { ManualScheduler } from '../support/manual-scheduler'
import type { SessionHarness } from '../support/session-harness'
import { startSessionHarness, testSettings } from '../support/session-harness'
import { freshPersonalNumber } from '../support/simulator'
import type { BankEvent } from './scripted-bankid'
import type { FieldMutation } from './support'
import { checkStream, fuzzOptions, isValidIntent, limitsOf, mutateFields, side, VALID_PNRS } from './support'

const ORIGIN = 'app://kiosk'

class FakeIpcMain implements IpcMainLike {
  listeners = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => void>()
  handlers = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => unknown>()
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void) {
    this.listeners.set(channel, listener)
  }
  removeListener(channel: string) {
    this.listeners.delete(channel)
  }
  handle(channel: string, handler: (event: IpcSenderEvent, ...args: unknown[]) => unknown) {
    this.handlers.set(channel, handler)
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel)
  }
  send(event: IpcSenderEvent, payload: unknown): void {
    const listener = this.listeners.get(IPC_CHANNELS.intent)
    if (!listener) throw new Error('no intent listener')
    listener(event, payload)
  }
  current(event: IpcSenderEvent): unknown {
    const handler = this.handlers.get(IPC_CHANNELS.current)
    if (!handler) throw new Error('no current handler')
    return handler(event)
  }
}

interface IpcLog {
  level: string
  event: string
  fields?: Record<string, unknown> | undefined
}

/** Written from isTrustedSender's documentation, not its code. */
const isTrustedFrame = (event: IpcSenderEvent): boolean =>
  event.senderFrame !== null && event.senderFrame.parent === null && event.senderFrame.origin === ORIGIN

// ---- senders ---------------------------------------------------------------------------------

const trusted: IpcSenderEvent = { senderFrame: { origin: ORIGIN, parent: null } }

const originArb = fc.oneof(
  fc.constantFrom(
    'app://kiosk/', 'APP://kiosk', 'app://Kiosk', ' app://kiosk', 'app://kiosk ', 'app://kiosk\u0000', 'app://kiosk.evil',
    'app://evil', 'null', '', 'file://', 'http://127.0.0.1:5173', 'https://kiosk', 'app:kiosk', 'app://kіosk',
  ),
  fc.webUrl().map((u) => new URL(u).origin),
  fc.string({ maxLength: 30 }),
)

const senderArb: fc.Arbitrary<IpcSenderEvent> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(trusted) },
  // another origin in a top frame
  { weight: 2, arbitrary: originArb.map((origin) => ({ senderFrame: { origin, parent: null } })) },
  // a sub-frame, even of our own origin
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof(fc.constant(ORIGIN), originArb), fc.constantFrom<unknown>({}, { origin: ORIGIN, parent: null }, undefined, 0, ''))
      .map(([origin, parent]) => ({ senderFrame: { origin, parent } })),
  },
  // a frame already gone
  { weight: 1, arbitrary: fc.constant<IpcSenderEvent>({ senderFrame: null }) },
)

// ---- payloads --------------------------------------------------------------------------------

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'toJSON', 'valueOf', 'hasOwnProperty']
const keyArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  fc.constantFrom(...PROTO_KEYS, 'type', 'personnummer', 'language', 'on', 'Type', 'type ', 'intent'),
)

/** Intents as the contract allows them; `pnr` supplies the numbers typed at the keypad. */
const validIntentArb = (pnr: fc.Arbitrary<string>): fc.Arbitrary<Intent> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<Intent>({ type: 'begin' }, { type: 'cancel' }, { type: 'retry' }, { type: 'done' }, { type: 'back' }) },
    { weight: 2, arbitrary: fc.constantFrom<Intent>({ type: 'open-faq' }, { type: 'open-guide' }, { type: 'still-here' }, { type: 'activity' }) },
    { weight: 4, arbitrary: pnr.map((personnummer): Intent => ({ type: 'start', personnummer })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.string({ maxLength: 32 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constantFrom('', ' ', '\u0000', '1990-01-01'))
        .filter((s) => s.length <= 32)
        .map((personnummer): Intent => ({ type: 'start', personnummer })),
    },
    { weight: 1, arbitrary: fc.constant<Intent>({ type: 'start' }) },
    { weight: 1, arbitrary: fc.constantFrom(...LANGUAGES).map((language): Intent => ({ type: 'set-language', language })) },
    { weight: 1, arbitrary: fc.boolean().map((on): Intent => ({ type: 'set-low-reach', on })) },
  )

/** Nested arrays `depth` deep, built without recursion. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

/** Values of the wrong kind, or the right kind gone wrong. */
const oddValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(
    undefined, null, 0, -0, NaN, Infinity, 199001012385, 1990010123, 10n, true, 'true', [], {}, ['begin'],
    'x'.repeat(2_000), '1'.repeat(33), '19900101-2385\u0000', '\u0000', '\ud800', '١٩٩٠٠١٠١٢٣٨٥', 'ＳＶ', 'SV', 'sv ', 'de',
    new Date(0), new String('sv'), new Boolean(true), new Map([['type', 'begin']]), new Uint8Array(4),
  ),
  fc.integer({ min: 1, max: 3 }).map((n) => nested([10, 1_000, 200_000][n - 1] ?? 1, 'begin')),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
)

type Mutation =
  | FieldMutation
  | { kind: 'wrap'; how: 'array' | 'object' | 'envelope' | 'json' | 'null-prototype' | 'nested' }

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'drop' }),
  fc.record({ kind: fc.constant('add' as const), key: keyArb, value: oddValueArb }),
  fc.record({ kind: fc.constant('rename' as const), key: keyArb }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('retype' as const), value: oddValueArb }) },
  fc.record({
    kind: fc.constant('type' as const),
    type: fc.oneof(
      fc.constantFrom('Begin', 'BEGIN', 'begin ', ' begin', 'begin\u0000', 'bеgin', 'start\n', 'intent', 'snapshot', '', 'reboot', 'set_language'),
      fc.string({ maxLength: 12 }),
    ),
  }),
  fc.record({ kind: fc.constant('wrap' as const), how: fc.constantFrom('array', 'object', 'envelope', 'json', 'null-prototype', 'nested') }),
)

function mutate(intent: Intent, mutations: readonly Mutation[], pick: number): unknown {
  let value: unknown = { ...intent }
  for (const m of mutations) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      value = m.kind === 'wrap' && m.how === 'array' ? [value] : value
      continue
    }
    const record = value as Record<string, unknown>
    if (m.kind !== 'wrap') {
      mutateFields(record, m, pick)
      continue
    }
    value =
          m.how === 'array'
            ? [record]
            : m.how === 'object'
              ? { intent: record }
              : m.how === 'envelope'
                ? { type: 'intent', intent: record }
                : m.how === 'json'
                  ? JSON.stringify(record)
                  : m.how === 'nested'
                    ? nested(50, record)
                    : Object.assign(Object.create(null) as object, record)
  }
  return value
}

/** Anything a compromised or buggy renderer could send, valid intents included. */
const payloadArb = (pnr: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(validIntentArb(pnr), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.nat()).map(([i, ms, p]) => mutate(i, ms, p)) },
    { weight: 2, arbitrary: fc.jsonValue() },
    {
      weight: 2,
      arbitrary: fc.anything({
        key: keyArb,
        maxDepth: 3,
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withObjectString: true,
        withTypedArray: true,
        withSparseArray: true,
        stringUnit: 'binary',
      }),
    },
    { weight: 1, arbitrary: validIntentArb(pnr) },
  )

function checkLogEntry(entry: IpcLog | undefined, sender: IpcSenderEvent, trustedSender: boolean): void {
  expect(entry?.level).toBe('warn')
  if (!trustedSender) {
    expect(entry?.event).toBe('ipc.untrusted-sender')
    expect(entry?.fields).toStrictEqual({ channel: IPC_CHANNELS.intent, origin: sender.senderFrame?.origin ?? null })
    return
  }
  expect(entry?.event).toBe('ipc.rejected')
  expect(Object.keys(entry?.fields ?? {})).toStrictEqual(['reason'])
  // The reason names a contract field and a zod issue code, or the size/serialisation check: never
  // a key, value or fragment of what was sent.
  expect(String(entry?.fields?.reason)).toMatch(
    /^(not serialisable|larger than 1024 bytes|(intent|type|personnummer|language|on): [a-z_]+)$/,
  )
}

// ---- 1. the real session on the simulator ----------------------------------------------------

type Step =
  | { kind: 'intent'; intent: Intent }
  | { kind: 'time'; ms: number }
  | { kind: 'scan' }
  | { kind: 'code'; right: boolean }
  | { kind: 'app-fail'; hint: string }
  | { kind: 'fault'; fault: 'internalError' | 'maintenance' | 'drop' | 'malformedJson' }
  /** Scan the QR, wait for the pickup, type the right code, wait for the collect. */
  | { kind: 'app-login' }
  /** BankID down for every request until 'outage-over'. */
  | { kind: 'outage' }
  | { kind: 'outage-over' }
  /** A persistent parent: retry and start again, three times. */
  | { kind: 'persist' }

/** The run's personnummer, typed in one of its forms (the placeholder is filled in per run). */
const PNR = '\u0001pnr'
const typedPnrArb = fc.constantFrom(`${PNR}12`, `${PNR}12-`, `${PNR}10`, `${PNR}10-`)
const typed = (template: string, pnr: string): string => {
  if (!template.startsWith(PNR)) return template
  switch (template.slice(PNR.length)) {
    case '12':
      return pnr
    case '12-':
      return `${pnr.slice(0, 8)}-${pnr.slice(8)}`
    case '10':
      return pnr.slice(2)
    default:
      return `${pnr.slice(2, 8)}-${pnr.slice(8)}`
  }
}
/** A copy with the placeholder filled in (same prototype, same own properties): generated values stay untouched. */
const fill = (value: unknown, pnr: string): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const record = value as Record<string, unknown>
  if (typeof record.personnummer !== 'string' || !record.personnummer.startsWith(PNR)) return value
  const copy = Object.create(Object.getPrototypeOf(record) as object | null, Object.getOwnPropertyDescriptors(record)) as Record<string, unknown>
  copy.personnummer = typed(record.personnummer, pnr)
  return copy
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: validIntentArb(typedPnrArb).map((intent): Step => ({ kind: 'intent', intent })) },
  { weight: 4, arbitrary: fc.constantFrom(0, 100, 1_000, 2_100, 5_000, 21_000, 61_000).map((ms): Step => ({ kind: 'time', ms })) },
  { weight: 2, arbitrary: fc.constant<Step>({ kind: 'scan' }) },
  { weight: 2, arbitrary: fc.boolean().map((right): Step => ({ kind: 'code', right })) },
  { weight: 1, arbitrary: fc.constantFrom(...FAILED_HINT_CODES, 'someNewHint').map((hint): Step => ({ kind: 'app-fail', hint })) },
  { weight: 1, arbitrary: fc.constantFrom('internalError', 'maintenance', 'drop', 'malformedJson').map((fault): Step => ({ kind: 'fault', fault })) },
  { weight: 2, arbitrary: fc.constant<Step>({ kind: 'app-login' }) },
  { weight: 1, arbitrary: fc.constantFrom<Step>({ kind: 'outage' }, { kind: 'outage-over' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'persist' }) },
)

/** Prefixes that get somewhere: begin, start with the number, then whatever. */
const prefixArb = fc
  .tuple(fc.boolean(), fc.array(stepArb, { maxLength: 10 }))
  .map(([login, steps]): Step[] =>
    login
      ? [{ kind: 'intent', intent: { type: 'begin' } }, { kind: 'intent', intent: { type: 'start', personnummer: `${PNR}12-` } }, { kind: 'time', ms: 0 }, ...steps]
      : steps,
  )

const probeArb = fc.record({ sender: senderArb, payload: payloadArb(typedPnrArb) })

describe('registerKioskIpc with a real session on the simulator (fuzz)', () => {
  let h: SessionHarness

  beforeAll(async () => {
    h = await startSessionHarness()
  })
  afterAll(async () => {
    await h.close()
  })

  it('invalid payloads and untrusted senders change nothing and are logged without the payload; snapshots stay in the contract (60 runs)', async () => {
    let rejected = 0
    let dispatched = 0
    const screens = new Set<string>()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'personnummer' | 'qr'>('personnummer', 'personnummer', 'qr'),
        prefixArb,
        fc.array(probeArb, { minLength: 1, maxLength: 12 }),
        async (mode, prefix, probes) => {
          await h.session.dispose()
          h.env.simulator.orders.clear()
          h.env.simulator.faults.clear()
          const pnr = freshPersonalNumber()
          const secrets = [pnr, pnr.slice(2), `-${pnr.slice(8)}`, `+${pnr.slice(8)}`]
          const settings = testSettings({ mode })
          const limits = limitsOf(settings)
          const session = h.newSession(settings)
          const ipc = new FakeIpcMain()
          const logs: IpcLog[] = []
          const unregister = registerKioskIpc({
            ipcMain: ipc,
            session,
            allowedOrigins: [ORIGIN],
            log: (level, event, fields) => logs.push({ level, event, fields }),
          })
          let checked = 0
          const checkNew = () => {
            checkStream(h.snapshots, checked, limits, secrets)
            for (const snapshot of h.snapshots.slice(checked)) screens.add(snapshot.screen.name)
            checked = h.snapshots.length
          }
          const sim = h.env.simulator
          const openOrder = () => sim.orders.list().find((o) => o.status === 'pending')

          for (const step of prefix) {
            switch (step.kind) {
              case 'intent':
                ipc.send(trusted, fill(step.intent, pnr))
                break
              case 'time':
                await h.step(step.ms, step.ms > 5_000 ? 500 : 100)
                break
              case 'scan': {
                const order = openOrder()
                const payload = order && sim.orders.currentQrPayload(order.orderRef)
                if (payload) sim.orders.scan(payload)
                break
              }
              case 'code': {
                const order = openOrder()
                if (order) sim.orders.enterSecurityCode(order.orderRef, step.right ? '123456' : '000000')
                break
              }
              case 'app-fail': {
                const order = openOrder()
                if (order) sim.orders.failOrder(order.orderRef, step.hint)
                break
              }
              case 'fault':
                sim.faults.add({ fault: { kind: step.fault }, times: 1 })
                break
              case 'app-login': {
                const order = openOrder()
                const payload = order && sim.orders.currentQrPayload(order.orderRef)
                if (!order || !payload) break
                sim.orders.scan(payload)
                await h.step(2_100)
                sim.orders.enterSecurityCode(order.orderRef, '123456')
                await h.step(2_100)
                break
              }
              case 'outage':
                sim.faults.add({ fault: { kind: 'internalError' } })
                break
              case 'outage-over':
                sim.faults.clear()
                break
              case 'persist':
                for (let i = 0; i < 3; i++) {
                  ipc.send(trusted, { type: 'retry' })
                  ipc.send(trusted, { type: 'start', personnummer: pnr })
                  await h.step(0)
                }
                break
            }
            checkNew()
          }
          await h.session.whenIdle()
          checkNew()

          // The probes: synchronous, so nothing the session awaits can land in between.
          for (const probe of probes) {
            const payload = fill(probe.payload, pnr)
            const before = structuredClone(session.snapshot())
            const emitted = h.snapshots.length
            const sessionLogs = h.logs.length
            const ipcLogs = logs.length
            const trustedSender = isTrustedFrame(probe.sender)
            expect(() => ipc.send(probe.sender, payload)).not.toThrow()
            if (trustedSender && isValidIntent(payload)) {
              dispatched++
              expect(logs.length).toBe(ipcLogs)
              checkNew()
              continue
            }
            rejected++
            expect(session.snapshot()).toStrictEqual(before)
            expect(h.snapshots.length).toBe(emitted)
            expect(h.logs.length).toBe(sessionLogs)
            expect(logs.length).toBe(ipcLogs + 1)
            checkLogEntry(logs.at(-1), probe.sender, trustedSender)

            // The current-snapshot channel answers the trusted frame only.
            if (trustedSender) expect(ipc.current(probe.sender)).toStrictEqual(session.snapshot())
            else expect(() => ipc.current(probe.sender)).toThrow('not allowed')
          }
          unregister()
          expect(ipc.listeners.size + ipc.handlers.size).toBe(0)
        },
      ),
      fuzzOptions(0x1bc0_0001, 60),
    )
    // The runs reach the interesting screens and exercise both outcomes.
    expect(rejected).toBeGreaterThan(200)
    expect(dispatched).toBeGreaterThan(10)
    expect([...screens]).toEqual(expect.arrayContaining(['welcome', 'keypad', 'waiting', 'logged-in', 'failure']))
  })
})

// ---- 2. model-based: IPC vs direct dispatch ---------------------------------------------------

type Command =
  | { kind: 'ipc'; sender: IpcSenderEvent; payload: unknown }
  /** Several intents in a row from the trusted frame, each awaited: a parent who keeps trying. */
  | { kind: 'burst'; intents: Intent[] }
  | { kind: 'time'; ms: number }
  | { kind: 'bank'; event: BankEvent }

const modelPnrArb = fc.constantFrom(...VALID_PNRS)

const bankEventArb: fc.Arbitrary<BankEvent> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<BankEvent>({ kind: 'pick-up' }) },
  { weight: 3, arbitrary: fc.constant<BankEvent>({ kind: 'complete' }) },
  { weight: 2, arbitrary: fc.constantFrom(...FAILED_HINT_CODES, 'someNewHint').map((hint): BankEvent => ({ kind: 'fail', hint })) },
  { weight: 1, arbitrary: fc.constantFrom(...PENDING_HINT_CODES, 'otherHint').map((hint): BankEvent => ({ kind: 'pending-hint', hint })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<BankEvent>(
        { kind: 'next-request-fails', failure: { kind: 'network', code: 'ECONNRESET', message: 'reset' } },
        { kind: 'next-request-fails', failure: { kind: 'timeout', timeoutMs: 5_000 } },
        { kind: 'next-request-fails', failure: { kind: 'tls', code: 'CERT_HAS_EXPIRED', message: 'expired' } },
        { kind: 'next-request-fails', failure: { kind: 'bankid-error', errorCode: 'internalError', httpStatus: 500, details: '' } },
        { kind: 'next-request-fails', failure: { kind: 'bankid-error', errorCode: 'alreadyInProgress', httpStatus: 400, details: '' } },
        { kind: 'next-request-fails', failure: { kind: 'malformed-response', httpStatus: 200, reason: 'shape' } },
        { kind: 'outage', failure: { kind: 'network', code: 'ECONNREFUSED', message: 'refused' } },
        { kind: 'outage', failure: null },
      ),
  },
)

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(senderArb, fc.oneof({ weight: 3, arbitrary: validIntentArb(modelPnrArb) }, payloadArb(modelPnrArb)))
      .map(([sender, payload]): Command => ({ kind: 'ipc', sender, payload })),
  },
  { weight: 3, arbitrary: fc.constantFrom(0, 100, 900, 1_000, 2_000, 5_000, 20_000, 31_000).map((ms): Command => ({ kind: 'time', ms })) },
  { weight: 1, arbitrary: fc.constantFrom(61_000, 181_000).map((ms): Command => ({ kind: 'time', ms })) },
  { weight: 3, arbitrary: bankEventArb.map((event): Command => ({ kind: 'bank', event })) },
  {
    weight: 1,
    arbitrary: modelPnrArb.map(
      (personnummer): Command => ({
        kind: 'burst',
        intents: [1, 2, 3].flatMap((): Intent[] => [{ type: 'retry' }, { type: 'begin' }, { type: 'start', personnummer }]),
      }),
    ),
  },
)

describe('registerKioskIpc vs session.dispatch, model-based (fuzz)', () => {
  it('a valid intent from the trusted frame does exactly what dispatch does; nothing else does anything (150 runs)', async () => {
    const screens = new Set<string>()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'personnummer' | 'qr'>('personnummer', 'qr'),
        fc.array(commandArb, { minLength: 1, maxLength: 30 }),
        async (mode, commands) => {
          const scheduler = new ManualScheduler()
          const settings = testSettings({ mode })
          const limits = limitsOf(settings)
          const a = side(scheduler, settings)
          const b = side(scheduler, settings)
          const ipc = new FakeIpcMain()
          registerKioskIpc({ ipcMain: ipc, session: a.session, allowedOrigins: [ORIGIN], log: () => undefined })
          const idle = async () => {
            await a.session.whenIdle()
            await b.session.whenIdle()
          }
          try {
            for (const command of commands) {
              switch (command.kind) {
                case 'ipc':
                  expect(() => ipc.send(command.sender, command.payload)).not.toThrow()
                  if (isTrustedFrame(command.sender) && isValidIntent(command.payload)) b.session.dispatch(command.payload as Intent)
                  break
                case 'time':
                  for (let done = 0; done < command.ms; ) {
                    const by = Math.min(command.ms - done, command.ms > 20_000 ? 500 : 100)
                    scheduler.advance(by)
                    done += by
                    await idle()
                  }
                  break
                case 'bank':
                  a.bank.apply(command.event)
                  b.bank.apply(command.event)
                  break
                case 'burst':
                  for (const intent of command.intents) {
                    ipc.send(trusted, intent)
                    b.session.dispatch(intent)
                    await idle()
                  }
                  break
              }
              await idle()
              expect(a.session.snapshot()).toStrictEqual(b.session.snapshot())
              expect(a.snapshots).toStrictEqual(b.snapshots)
              expect(a.logs).toStrictEqual(b.logs)
              expect(a.outcomes).toStrictEqual(b.outcomes)
            }
            checkStream(a.snapshots, 0, limits)
            for (const snapshot of a.snapshots) screens.add(snapshot.screen.name)
          } finally {
            await a.session.dispose()
            await b.session.dispose()
          }
        },
      ),
      fuzzOptions(0x1bc0_0002, 150),
    )
    expect([...screens].sort()).toEqual(
      expect.arrayContaining(['failure', 'faq', 'guide', 'keypad', 'logged-in', 'out-of-service', 'starting', 'waiting', 'welcome']),
    )
  })
})
