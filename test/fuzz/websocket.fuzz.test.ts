// The browser host's WebSocket bridge under random and mutated traffic, over real 127.0.0.1
// sockets (Node's ws client, or raw TCP where ws would refuse to send what we want), against a real
// KioskSession. Three properties, in the manner of ipc.fuzz.test.ts for Electron's IPC:
//
// 1. Messages, model-based. Session A sits behind the browser host; session B, on the same manual
//    clock and an identical deterministic BankID, gets only what an independent reading of the wire
//    protocol says a message means: a text frame of at most MAX_INTENT_BYTES bytes of UTF-8 JSON,
//    exactly {type: 'intent', intent}, with an intent the contract allows (support.ts's
//    isValidIntent) is dispatched; anything else is rejected; an oversized frame closes the
//    connection with 1009, invalid UTF-8 in a text frame with 1007, and the rejected message after
//    MAX_REJECTS on one connection with the policy code; a connection that ends (other than by a
//    newer one replacing it) is the renderer gone. A and B must agree exactly after every step:
//    snapshots, everything emitted, session logs and outcomes. Each message is accounted for (one
//    dispatch, or one rejection in the host's log, whose fields carry no part of what was sent),
//    the renderer receives every snapshot A emits while it is connected and nothing after, and
//    every snapshot stays within the contract. Nothing throws, no promise is left rejected, and a
//    fresh connection works at the end of every run.
//
// 2. Garbage on the real session and the BankID simulator (the session harness, real mutual TLS):
//    driven through the bridge and the simulated app to any screen, a renderer then sends a stream
//    of invalid messages. Up to MAX_REJECTS of them change nothing at all (the snapshot is identical,
//    nothing is emitted, the session logs nothing) and the connection stays open and working; one
//    more, and it is closed with the policy code, which is the renderer gone (an open order is
//    cancelled at the simulator). A fresh connection is shown where the session is.
//
// 3. Upgrade requests, written byte for byte: mutated or missing token, Origin, Host, path,
//    subprotocol list, method and handshake headers. Whatever is not exactly right is refused with
//    an HTTP status (never 101), the session is not subscribed (no snapshot leaves), and the right
//    request still works afterwards.
import { isUtf8 } from 'node:buffer'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import { FAILED_HINT_CODES, PENDING_HINT_CODES } from '../../src/main/bankid/api-types'
import type { SessionPort } from '../../src/main/browser-host/server'
import {
  CONTENT_SECURITY_POLICY,
  MAX_MESSAGES_PER_SECOND,
  MAX_REJECTS,
  POLICY_CLOSE_CODE,
  REPLACED_CLOSE_CODE,
  startBrowserHost,
} from '../../src/main/browser-host/server'
import type { KioskSession } from '../../src/main/session/kiosk-session'
import type { Intent } from '../../src/shared/contract'
import { MAX_INTENT_BYTES } from '../../src/shared/contract'
import { LANGUAGES } from '../../src/shared/languages'
import type { BridgeClient } from '../support/bridge-client'
import { BRIDGE_PROTOCOL, connectBridge, tokenOf, TOKEN_PROTOCOL_PREFIX } from '../support/bridge-client'
import { ManualScheduler } from '../support/manual-scheduler'
import type { SessionHarness } from '../support/session-harness'
import { startSessionHarness, testSettings } from '../support/session-harness'
import { freshPersonalNumber } from '../support/simulator'
import type { BankEvent } from './scripted-bankid'
import type { FieldMutation } from './support'
import { checkSnapshot, checkStream, defineOwn, fuzzOptions, isValidIntent, limitsOf, mutateFields, side, VALID_PNRS } from './support'

/** Put into generated payloads: it must never reach a log. */
const CANARY = 'QZX7canary'

interface HostLog {
  level: string
  event: string
  fields?: Record<string, unknown> | undefined
}

// ---- shared plumbing -------------------------------------------------------------------------

let rendererDir: string
const unexpectedErrors: unknown[] = []
const onUnexpected = (error: unknown) => unexpectedErrors.push(error)

beforeAll(() => {
  rendererDir = mkdtempSync(join(tmpdir(), 'websocket-fuzz-'))
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>')
  process.on('unhandledRejection', onUnexpected)
  process.on('uncaughtExceptionMonitor', onUnexpected)
})
afterAll(() => {
  process.off('unhandledRejection', onUnexpected)
  process.off('uncaughtExceptionMonitor', onUnexpected)
  rmSync(rendererDir, { recursive: true, force: true })
})

/** Wakes whoever waits for the server to get somewhere: every log line, session call and socket event. */
class Signal {
  readonly #waiters = new Set<() => void>()

  readonly wake = (): void => {
    for (const waiter of [...this.#waiters]) waiter()
  }

  /** Resolves once `ready()`; rejects at once if `failed()` says why, or after a generous 5 s. */
  until(ready: () => boolean, what: () => string, failed: () => string | null = () => null): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer)
        this.#waiters.delete(check)
      }
      const check = () => {
        const failure = failed()
        if (failure !== null) {
          done()
          reject(new Error(failure))
        } else if (ready()) {
          done()
          resolve()
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`not reached: ${what()}`))
      }, 5_000)
      this.#waiters.add(check)
      check()
    })
  }
}

/** The code a connection was closed with, waiting no more than Signal.until does. */
async function closeCode(client: BridgeClient, signal: Signal): Promise<number> {
  let code: number | null = null
  void client.closed.then((closed) => {
    code = closed.code
    signal.wake()
  })
  await signal.until(() => code !== null, () => 'the connection is still open')
  return code ?? 0
}

/** The session as the host sees it, counting what reaches it. */
interface Calls {
  subscribed: number
  dispatched: Intent[]
  gone: number
}

function countingPort(session: () => KioskSession, calls: Calls, signal: Signal): SessionPort {
  return {
    subscribe(listener) {
      calls.subscribed += 1
      signal.wake()
      return session().subscribe(listener)
    },
    dispatch(intent) {
      calls.dispatched.push(intent)
      session().dispatch(intent)
      signal.wake()
    },
    rendererGone() {
      calls.gone += 1
      session().rendererGone()
      signal.wake()
    },
  }
}

// ---- the host's log: only known events, with fields that cannot carry anything that was sent ----

const REJECT_REASONS = ['binary', 'json', 'not-object', 'unknown-type', 'envelope', 'intent', 'too-large', 'protocol', 'rate-limited']
const ZOD_ISSUE_CODES = [
  'invalid_type', 'too_big', 'too_small', 'invalid_format', 'not_multiple_of', 'unrecognized_keys',
  'invalid_union', 'invalid_key', 'invalid_element', 'invalid_value', 'custom',
]
const REFUSAL_REASONS = ['host', 'path', 'origin', 'no-origin', 'no-token', 'token']

const connectionId = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0

function checkHostLog(entry: HostLog): void {
  const fields = entry.fields ?? {}
  const keys = Object.keys(fields).sort()
  const fail = () => {
    throw new Error(`unexpected host log entry: ${JSON.stringify(entry)}`)
  }
  const only = (...allowed: string[]) => {
    if (!keys.every((k) => allowed.includes(k))) fail()
  }
  switch (entry.event) {
    case 'browser-host.started':
      only('origin')
      if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(String(fields.origin))) fail()
      return
    case 'browser-host.closed':
      only()
      return
    case 'bridge.connected':
      only('connection')
      if (!connectionId(fields.connection)) fail()
      return
    case 'bridge.replaced':
      only('by', 'connection')
      if (!connectionId(fields.connection) || !connectionId(fields.by)) fail()
      return
    case 'bridge.closed':
      only('code', 'connection', 'replaced')
      if (!connectionId(fields.connection) || !Number.isInteger(fields.code) || typeof fields.replaced !== 'boolean') fail()
      return
    case 'bridge.closed-for-garbage':
      only('connection', 'rejects')
      if (!connectionId(fields.connection) || fields.rejects !== MAX_REJECTS + 1) fail()
      return
    case 'bridge.rejected': {
      only('code', 'connection', 'issues', 'reason')
      if (!connectionId(fields.connection) || !REJECT_REASONS.includes(String(fields.reason))) fail()
      const { issues, code } = fields
      if (issues !== undefined && (!Array.isArray(issues) || issues.length > 5 || !issues.every((i) => ZOD_ISSUE_CODES.includes(String(i))))) fail()
      if (code !== undefined && !/^(WS_ERR_[A-Z0-9_]+|unknown)$/.test(String(code))) fail()
      return
    }
    case 'bridge.refused':
      only('reason', 'status')
      if (!Number.isInteger(fields.status) || !REFUSAL_REASONS.includes(String(fields.reason))) fail()
      return
    default:
      // bridge.dispatch-failed, http.failed, bridge.slow...: nothing here should ever cause them.
      fail()
  }
}

// ---- 1. messages ------------------------------------------------------------------------------

/** One WebSocket message as it goes on the wire. */
interface Wire {
  data: Buffer
  binary: boolean
  /** Sent as this many frames (a fragmented message). */
  fragments: number
}

type Expected =
  | { kind: 'dispatch'; intent: Intent }
  | { kind: 'reject'; reasons: readonly string[] }
  | { kind: 'close'; code: number; reasons: readonly string[] }

const TEXT_REASONS = ['json', 'not-object', 'unknown-type', 'envelope', 'intent']

/** What a message must do, from the protocol's description (server.ts's header, contract.ts), not its code. */
function expectedOf(wire: Wire): Expected {
  if (wire.data.length > MAX_INTENT_BYTES) return { kind: 'close', code: 1009, reasons: ['too-large'] }
  if (wire.binary) return { kind: 'reject', reasons: ['binary'] }
  if (!isUtf8(wire.data)) return { kind: 'close', code: 1007, reasons: ['protocol'] }
  let message: unknown
  try {
    message = JSON.parse(wire.data.toString('utf8'))
  } catch {
    return { kind: 'reject', reasons: TEXT_REASONS }
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { kind: 'reject', reasons: TEXT_REASONS }
  const envelope = message as Record<string, unknown>
  const keys = Object.keys(envelope)
  const isEnvelope = keys.length === 2 && keys.includes('type') && keys.includes('intent') && envelope.type === 'intent'
  if (!isEnvelope || !isValidIntent(envelope.intent)) return { kind: 'reject', reasons: TEXT_REASONS }
  return { kind: 'dispatch', intent: envelope.intent as Intent }
}

function sendWire(ws: WebSocket, wire: Wire): void {
  const n = Math.max(1, wire.fragments)
  for (let i = 0; i < n; i++) {
    const piece = wire.data.subarray(Math.floor((wire.data.length * i) / n), Math.floor((wire.data.length * (i + 1)) / n))
    ws.send(piece, { binary: wire.binary, fin: i === n - 1 })
  }
}

/** A message, printed readably in a counterexample. */
function makeWire(data: Buffer, binary: boolean, fragments: number): Wire {
  const shown = binary || !isUtf8(data) ? `0x${data.subarray(0, 80).toString('hex')}` : JSON.stringify(data.subarray(0, 120).toString('utf8'))
  const label = `${binary ? 'binary' : 'text'}(${shown}${data.length > 120 ? `…, ${data.length} bytes` : ''}${fragments > 1 ? `, ${fragments} frames` : ''})`
  return Object.defineProperty({ data, binary, fragments }, fc.toStringMethod, { value: () => label })
}
const text = (value: string, fragments = 1): Wire => makeWire(Buffer.from(value, 'utf8'), false, fragments)
const envelopeText = (intent: unknown) => JSON.stringify({ type: 'intent', intent })

const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Intent>({ type: 'begin' }, { type: 'cancel' }, { type: 'retry' }, { type: 'done' }, { type: 'back' }) },
  { weight: 2, arbitrary: fc.constantFrom<Intent>({ type: 'open-faq' }, { type: 'open-guide' }, { type: 'still-here' }, { type: 'activity' }) },
  { weight: 4, arbitrary: fc.constantFrom(...VALID_PNRS).map((personnummer): Intent => ({ type: 'start', personnummer })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.string({ maxLength: 32 }), fc.constantFrom('', ' ', '\u0000', '\ud800', '١٩٩٠٠١٠١٢٣٨٥', '1990-01-01', CANARY))
      .map((personnummer): Intent => ({ type: 'start', personnummer })),
  },
  { weight: 1, arbitrary: fc.constant<Intent>({ type: 'start' }) },
  { weight: 1, arbitrary: fc.constantFrom(...LANGUAGES).map((language): Intent => ({ type: 'set-language', language })) },
  { weight: 1, arbitrary: fc.boolean().map((on): Intent => ({ type: 'set-low-reach', on })) },
)

/** Ways of writing a valid intent message that mean the same. */
const validWireArb: fc.Arbitrary<Wire> = fc
  .tuple(
    intentArb,
    fc.constantFrom('plain', 'reversed', 'spaced', 'escaped', 'padded-to-limit', 'duplicate-type'),
    fc.constantFrom(1, 1, 1, 2, 3),
  )
  .map(([intent, how, fragments]) => {
    const plain = envelopeText(intent)
    switch (how) {
      case 'reversed':
        return text(JSON.stringify({ intent, type: 'intent' }), fragments)
      case 'spaced':
        return text(` \n${JSON.stringify({ type: 'intent', intent }, null, '\t')}\r\n `, fragments)
      case 'escaped':
        return text(plain.replace('"type"', '"\\u0074ype"').replace('"intent":{', '"int\\u0065nt":{'), fragments)
      case 'padded-to-limit':
        // JSON whitespace up to exactly the limit: still a valid message.
        return text(plain + ' '.repeat(Math.max(0, MAX_INTENT_BYTES - Buffer.byteLength(plain))), fragments)
      case 'duplicate-type':
        // The last of two equal keys wins in JSON.parse.
        return text(`{"type":"snapshot",${plain.slice(1)}`, fragments)
      default:
        return text(plain, fragments)
    }
  })

const keyArb = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  fc.constantFrom(
    '__proto__', 'constructor', 'prototype', 'toString', 'toJSON', 'valueOf', 'hasOwnProperty', 'type', 'personnummer',
    'language', 'on', 'intent', 'Type', 'type ', CANARY,
  ),
)

const oddValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(
    null, 0, -0, 1e308, 199001012385, true, 'true', [], {}, ['begin'], { type: 'begin' }, 'x'.repeat(200), '1'.repeat(33),
    `${CANARY}19900101`, 'sv ', 'SV', 'de', '\u0000', '\ud800', JSON.parse('{"__proto__":{"type":"begin"}}'),
  ),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => `${CANARY}${s}`),
)

type IntentMutation = FieldMutation

const intentMutationArb: fc.Arbitrary<IntentMutation> = fc.oneof(
  fc.constant<IntentMutation>({ kind: 'drop' }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), key: keyArb, value: oddValueArb }) },
  fc.record({ kind: fc.constant('rename' as const), key: keyArb }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('retype' as const), value: oddValueArb }) },
  fc.record({
    kind: fc.constant('type' as const),
    type: fc.oneof(
      fc.constantFrom('Begin', 'begin ', ' begin', 'begin\u0000', 'bеgin', 'start\n', 'intent', 'snapshot', '', 'set_language', CANARY),
      fc.string({ maxLength: 12 }),
    ),
  }),
)

function mutateIntent(intent: Intent, mutations: readonly IntentMutation[], pick: number): Record<string, unknown> {
  const record: Record<string, unknown> = { ...intent }
  for (const m of mutations) mutateFields(record, m, pick)
  return record
}

/** Valid intents with fields dropped, added, renamed, of the wrong type; in a valid envelope. */
const mutatedIntentWireArb: fc.Arbitrary<Wire> = fc
  .tuple(intentArb, fc.array(intentMutationArb, { minLength: 1, maxLength: 3 }), fc.nat())
  .map(([intent, mutations, pick]) => text(envelopeText(mutateIntent(intent, mutations, pick))))

/** The envelope gone wrong around a valid intent. */
const mutatedEnvelopeWireArb: fc.Arbitrary<Wire> = fc
  .tuple(
    intentArb,
    fc.constantFrom(
      'extra-key', 'no-intent', 'type', 'array', 'stringified', 'bare', 'proto-intent', 'proto-envelope', 'constructor',
      'null-intent', 'nested',
    ),
    keyArb,
    oddValueArb,
  )
  .map(([intent, how, key, value]) => {
    const inner = JSON.stringify(intent)
    switch (how) {
      case 'extra-key': {
        const envelope = { type: 'intent', intent }
        defineOwn(envelope, key, value)
        return text(JSON.stringify(envelope))
      }
      case 'no-intent':
        return text(JSON.stringify({ type: 'intent', [key === 'intent' ? 'x' : key]: intent }))
      case 'type':
        return text(JSON.stringify({ type: key === 'intent' ? value : key, intent }))
      case 'array':
        return text(`[${envelopeText(intent)}]`)
      case 'stringified':
        return text(JSON.stringify({ type: 'intent', intent: inner }))
      case 'bare':
        return text(inner)
      case 'proto-intent':
        return text(`{"type":"intent","__proto__":{"intent":${inner}}}`)
      case 'proto-envelope':
        return text(`{"__proto__":${envelopeText(intent)}}`)
      case 'constructor':
        return text(`{"type":"intent","constructor":{"prototype":{"intent":${inner}}}}`)
      case 'null-intent':
        return text('{"type":"intent","intent":null}')
      default:
        return text(JSON.stringify({ type: 'intent', intent: { type: 'intent', intent } }))
    }
  })

type TextMutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'wrap'; before: string; after: string }
  | { kind: 'upper'; at: number }

const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(
        fc.constantFrom(',', '"', '{', '}', ']', ':', '\\', '\\u', '\u0000', '\u2028', '\ufeff', 'null', CANARY),
        fc.string({ unit: 'binary', maxLength: 4 }),
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }) },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('wrap' as const),
    before: fc.constantFrom('', ' ', '\ufeff', '\u00a0', '\u2028', '//', `${CANARY}`),
    after: fc.constantFrom('', ' \n', '\u0000', ',', '}', `${CANARY}`),
  }),
  fc.record({ kind: fc.constant('upper' as const), at: fc.nat() }),
)

function mutateText(value: string, m: TextMutation): string {
  const at = value.length === 0 ? 0 : 'at' in m ? m.at % (value.length + 1) : 0
  switch (m.kind) {
    case 'insert':
      return value.slice(0, at) + m.text + value.slice(at)
    case 'delete':
      return value.slice(0, at) + value.slice(at + m.length)
    case 'truncate':
      return value.slice(0, at)
    case 'wrap':
      return m.before + value + m.after
    case 'upper':
      return value.slice(0, at) + value.slice(at, at + 1).toUpperCase() + value.slice(at + 1)
  }
}

/** A valid message's text with characters inserted, deleted, cut off or wrapped. */
const mutatedTextWireArb: fc.Arbitrary<Wire> = fc
  .tuple(validWireArb, fc.array(textMutationArb, { minLength: 1, maxLength: 3 }))
  .map(([w, mutations]) => text(mutations.reduce(mutateText, w.data.toString('utf8')), w.fragments))

const INVALID_UTF8: readonly number[][] = [
  [0xff], [0xfe], [0x80], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
]

/** Text frames that are not UTF-8 (a valid message with bad bytes put in), and binary frames. */
const bytesWireArb: fc.Arbitrary<Wire> = fc.oneof(
  fc
    .tuple(validWireArb, fc.constantFrom(...INVALID_UTF8), fc.nat())
    .map(([w, bytes, at]): Wire => {
      const i = at % (w.data.length + 1)
      return makeWire(Buffer.concat([w.data.subarray(0, i), Buffer.from(bytes), w.data.subarray(i)]), false, w.fragments)
    }),
  validWireArb.map((w) => makeWire(w.data, true, w.fragments)),
  fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.boolean()).map(([bytes, binary]) => makeWire(Buffer.from(bytes), binary, 1)),
)

/** Over the size limit (and right at it): padded valid messages, random bulk, as text or binary. */
const sizedWireArb: fc.Arbitrary<Wire> = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(MAX_INTENT_BYTES - 1, MAX_INTENT_BYTES, MAX_INTENT_BYTES + 1, MAX_INTENT_BYTES + 2) },
      { weight: 2, arbitrary: fc.integer({ min: MAX_INTENT_BYTES - 100, max: 2 * MAX_INTENT_BYTES }) },
      { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 70_000 }) },
    ),
    fc.constantFrom('spaces', 'personnummer', 'extra-key', 'multibyte'),
    fc.boolean(),
    fc.constantFrom(1, 1, 2, 3),
  )
  .map(([size, how, binary, fragments]): Wire => {
    const base = envelopeText({ type: 'begin' })
    let value: string
    if (how === 'spaces') value = base + ' '.repeat(Math.max(0, size - base.length))
    else if (how === 'personnummer') {
      const shell = envelopeText({ type: 'start', personnummer: '' })
      value = envelopeText({ type: 'start', personnummer: '1'.repeat(Math.max(0, size - shell.length)) })
    } else if (how === 'extra-key') {
      const shell = JSON.stringify({ type: 'intent', intent: { type: 'begin' }, pad: '' })
      value = JSON.stringify({ type: 'intent', intent: { type: 'begin' }, pad: CANARY.repeat(size).slice(0, Math.max(0, size - shell.length)) })
    } else value = base + '\u00a0'.repeat(Math.max(0, Math.ceil((size - base.length) / 2)))
    return makeWire(Buffer.from(value, 'utf8'), binary, fragments)
  })

/** Anything at all as text: valid JSON of any shape, random strings. */
const randomTextWireArb: fc.Arbitrary<Wire> = fc.oneof(
  fc.json({ maxDepth: 3 }).map((value) => text(value)),
  fc.string({ unit: 'binary', maxLength: 60 }).map((value) => text(value)),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((value) => text(value)),
  fc.constantFrom('', 'null', 'true', '0', '[]', '{}', '""', '{"type":"intent"}', '{"type":"intent","intent":{}}', 'undefined', 'NaN').map((value) => text(value)),
)

/** Everything a buggy or hostile renderer could send, valid messages included. */
const wireArb: fc.Arbitrary<Wire> = fc.oneof(
  { weight: 3, arbitrary: validWireArb },
  { weight: 4, arbitrary: mutatedIntentWireArb },
  { weight: 2, arbitrary: mutatedEnvelopeWireArb },
  { weight: 3, arbitrary: mutatedTextWireArb },
  { weight: 1, arbitrary: bytesWireArb },
  { weight: 1, arbitrary: sizedWireArb },
  { weight: 2, arbitrary: randomTextWireArb },
)

/** Garbage only: every message the server must reject without closing (binary frames included). */
const garbageWireArb: fc.Arbitrary<Wire> = fc
  .oneof(
    { weight: 3, arbitrary: mutatedIntentWireArb },
    { weight: 2, arbitrary: mutatedEnvelopeWireArb },
    { weight: 3, arbitrary: mutatedTextWireArb },
    { weight: 2, arbitrary: randomTextWireArb },
    { weight: 1, arbitrary: bytesWireArb },
  )
  .filter((wire) => expectedOf(wire).kind === 'reject')

type Command =
  /** One message, accounted for before the next step. */
  | { kind: 'send'; wire: Wire }
  /** Messages sent back to back (cut after each valid one, whose effects must land first). */
  | { kind: 'burst'; wires: Wire[] }
  | { kind: 'time'; ms: number }
  /** The bank moves on (the app scans, the parent confirms...), then the clock does, by `ms`. */
  | { kind: 'bank'; event: BankEvent; ms: number }
  /** A second renderer connects: it replaces the first. */
  | { kind: 'reconnect' }
  /** The renderer closes its end (a reload, a tab closed) with this code. */
  | { kind: 'close'; code: number }

const bankEventArb: fc.Arbitrary<BankEvent> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<BankEvent>({ kind: 'pick-up' }) },
  { weight: 3, arbitrary: fc.constant<BankEvent>({ kind: 'complete' }) },
  { weight: 2, arbitrary: fc.constantFrom(...FAILED_HINT_CODES, 'someNewHint').map((hint): BankEvent => ({ kind: 'fail', hint })) },
  { weight: 1, arbitrary: fc.constantFrom(...PENDING_HINT_CODES).map((hint): BankEvent => ({ kind: 'pending-hint', hint })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<BankEvent>(
      { kind: 'next-request-fails', failure: { kind: 'network', code: 'ECONNRESET', message: 'reset' } },
      { kind: 'next-request-fails', failure: { kind: 'bankid-error', errorCode: 'internalError', httpStatus: 500, details: '' } },
      { kind: 'outage', failure: { kind: 'network', code: 'ECONNREFUSED', message: 'refused' } },
      { kind: 'outage', failure: null },
    ),
  },
)

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: validWireArb.map((wire): Command => ({ kind: 'send', wire })) },
  { weight: 8, arbitrary: wireArb.map((wire): Command => ({ kind: 'send', wire })) },
  { weight: 2, arbitrary: fc.array(wireArb, { minLength: 2, maxLength: 8 }).map((wires): Command => ({ kind: 'burst', wires })) },
  // A parent starting a login (the keypad's number in personnummer mode; QR mode starts at begin).
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...VALID_PNRS)
      .map((personnummer): Command => ({ kind: 'burst', wires: [text(envelopeText({ type: 'begin' })), text(envelopeText({ type: 'start', personnummer }))] })),
  },
  // Enough garbage in a row to reach the policy close now and then.
  { weight: 1, arbitrary: fc.array(garbageWireArb, { minLength: 8, maxLength: MAX_REJECTS + 4 }).map((wires): Command => ({ kind: 'burst', wires })) },
  { weight: 3, arbitrary: fc.constantFrom(100, 1_000, 2_000, 5_000, 20_000, 61_000).map((ms): Command => ({ kind: 'time', ms })) },
  {
    weight: 3,
    arbitrary: fc.tuple(bankEventArb, fc.constantFrom(0, 2_000, 2_100)).map(([event, ms]): Command => ({ kind: 'bank', event, ms })),
  },
  { weight: 1, arbitrary: fc.constant<Command>({ kind: 'reconnect' }) },
  { weight: 1, arbitrary: fc.constantFrom(1000, 1001, 4000).map((code): Command => ({ kind: 'close', code })) },
)

/** A renderer's connection, and what the model knows of it. */
interface Conn {
  client: BridgeClient
  /** Messages sent on it: kept under the per-second rate limit, which would drop more. */
  sent: number
  /** Invalid messages the server has seen on it. */
  rejects: number
  /** a.snapshots.length when it received its first snapshot (the current one). */
  emittedAtOpen: number
  /** How many snapshots it had at the last check. */
  received: number
  closedWith: number | null
}

describe('the WebSocket bridge with a real session, model-based (fuzz)', () => {
  it('valid messages do exactly what dispatch does, invalid ones nothing; sizes, UTF-8 and the reject limit close with their codes (200 runs)', async () => {
    const stats = { dispatched: 0, rejected: 0, closes: new Map<number, number>(), replaced: 0, screens: new Set<string>() }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'personnummer' | 'qr'>('personnummer', 'personnummer', 'qr'),
        fc.array(commandArb, { minLength: 1, maxLength: 25 }),
        async (mode, commands) => {
          const scheduler = new ManualScheduler()
          const settings = testSettings({ mode })
          const limits = limitsOf(settings)
          const a = side(scheduler, settings)
          const b = side(scheduler, settings)
          const signal = new Signal()
          const calls: Calls = { subscribed: 0, dispatched: [], gone: 0 }
          const hostLogs: HostLog[] = []
          const host = await startBrowserHost({
            session: countingPort(() => a.session, calls, signal),
            rendererDir,
            log: (level, event, fields) => {
              hostLogs.push({ level, event, fields })
              signal.wake()
            },
          })
          const rejectLogs = () => hostLogs.filter((e) => e.event === 'bridge.rejected')
          const garbageCloses = () => hostLogs.filter((e) => e.event === 'bridge.closed-for-garbage').length
          const connections: Conn[] = []
          let conn: Conn | null = null

          const idle = async () => {
            await a.session.whenIdle()
            await b.session.whenIdle()
          }
          /** The clock moves in small steps, letting both sessions finish what each step starts. */
          const advance = async (ms: number) => {
            for (let done = 0; done < ms; ) {
              const by = Math.min(ms - done, ms > 20_000 ? 500 : 100)
              scheduler.advance(by)
              done += by
              await idle()
            }
          }
          const closed = async (c: Conn): Promise<number> => {
            const code = await closeCode(c.client, signal)
            stats.closes.set(code, (stats.closes.get(code) ?? 0) + 1)
            return code
          }

          /** The renderer has every snapshot A emitted since it connected, in order, and nothing else. */
          const sync = async (c: Conn) => {
            const want = 1 + a.snapshots.length - c.emittedAtOpen
            await signal.until(
              () => c.client.snapshots.length >= want,
              () => `the renderer has ${c.client.snapshots.length} snapshots, not ${want}`,
              () => (c.closedWith === null ? null : `the connection closed unexpectedly with ${c.closedWith}`),
            )
            expect(c.client.snapshots.slice(1)).toStrictEqual(a.snapshots.slice(c.emittedAtOpen))
            c.received = c.client.snapshots.length
          }

          const open = async () => {
            const client = connectBridge(host.url)
            const c: Conn = { client, sent: 0, rejects: 0, emittedAtOpen: 0, received: 0, closedWith: null }
            client.ws.on('message', signal.wake)
            client.ws.on('close', (code: number) => {
              c.closedWith = code
              signal.wake()
            })
            const gone = calls.gone
            expect(await client.outcome).toEqual({ open: true })
            expect(await client.waitFor(() => true)).toStrictEqual(a.session.snapshot())
            c.emittedAtOpen = a.snapshots.length
            c.received = 1
            const previous = conn
            connections.push(c)
            conn = c
            if (previous) {
              // Replaced: closed with its own code, sent nothing more, and the session carries on.
              expect(await closed(previous)).toBe(REPLACED_CLOSE_CODE)
              expect(previous.client.snapshots.length).toBe(previous.received)
              stats.replaced++
            }
            expect(calls.gone).toBe(gone)
          }

          /** Sends messages back to back; at most the last one may be valid. */
          const send = async (wires: readonly Wire[]) => {
            if (!conn || conn.sent + wires.length >= MAX_MESSAGES_PER_SECOND) await open()
            const c = conn as unknown as Conn
            const start = { rejects: rejectLogs().length, dispatched: calls.dispatched.length, gone: calls.gone, garbage: garbageCloses() }
            const counted: Expected[] = []
            let dispatch: Intent | null = null
            let doom: number | null = null
            for (const wire of wires) {
              sendWire(c.client.ws, wire)
              c.sent++
              // After the one that closes it, the server must ignore whatever else arrives.
              if (doom !== null) continue
              const e = expectedOf(wire)
              counted.push(e)
              if (e.kind === 'dispatch') dispatch = e.intent
              else if (e.kind === 'close') doom = e.code
              else if (++c.rejects > MAX_REJECTS) doom = POLICY_CLOSE_CODE
            }
            const rejected = counted.filter((e) => e.kind !== 'dispatch')
            await signal.until(
              () =>
                rejectLogs().length >= start.rejects + rejected.length &&
                calls.dispatched.length >= start.dispatched + (dispatch ? 1 : 0) &&
                (doom === null || calls.gone > start.gone),
              () =>
                `rejects ${rejectLogs().length - start.rejects}/${rejected.length}, dispatched ${calls.dispatched.length - start.dispatched}/${dispatch ? 1 : 0}, gone ${calls.gone - start.gone}/${doom === null ? 0 : 1}`,
              () => (doom === null && c.closedWith !== null ? `the connection closed unexpectedly with ${c.closedWith}` : null),
            )
            // Exactly one outcome per message, each rejection with a reason that fits. (This test once
            // found a frame behind a closed connection logged as one more rejection; fixed in server.ts.)
            expect(rejectLogs().length - start.rejects, 'rejections logged').toBe(rejected.length)
            expect(calls.dispatched.length).toBe(start.dispatched + (dispatch ? 1 : 0))
            rejectLogs()
              .slice(start.rejects)
              .forEach((entry, i) => expect(rejected[i]?.reasons).toContain(entry.fields?.reason))
            stats.rejected += rejected.length
            if (dispatch) {
              expect(calls.dispatched.at(-1)).toStrictEqual(dispatch)
              b.session.dispatch(dispatch)
              stats.dispatched++
            }
            expect(garbageCloses()).toBe(start.garbage + (doom === POLICY_CLOSE_CODE ? 1 : 0))
            if (doom !== null) {
              expect(await closed(c)).toBe(doom)
              expect(calls.gone).toBe(start.gone + 1)
              expect(c.client.snapshots.length).toBe(c.received)
              b.session.rendererGone()
              conn = null
            } else {
              expect(calls.gone).toBe(start.gone)
            }
          }

          const check = async () => {
            await idle()
            expect(a.session.snapshot()).toStrictEqual(b.session.snapshot())
            expect(a.snapshots).toStrictEqual(b.snapshots)
            expect(a.logs).toStrictEqual(b.logs)
            expect(a.outcomes).toStrictEqual(b.outcomes)
            checkSnapshot(a.session.snapshot(), limits)
            if (conn) await sync(conn)
          }

          try {
            for (const command of commands) {
              switch (command.kind) {
                case 'send':
                  await send([command.wire])
                  break
                case 'burst': {
                  // Cut after every valid message: its effects may take a moment, and B must see
                  // them land in the same order.
                  let chunk: Wire[] = []
                  for (const wire of command.wires) {
                    chunk.push(wire)
                    if (expectedOf(wire).kind === 'dispatch') {
                      await send(chunk)
                      await check()
                      chunk = []
                    }
                  }
                  if (chunk.length > 0) await send(chunk)
                  break
                }
                case 'bank':
                  a.bank.apply(command.event)
                  b.bank.apply(command.event)
                  await advance(command.ms)
                  break
                case 'time':
                  await advance(command.ms)
                  break
                case 'reconnect':
                  await open()
                  break
                case 'close':
                  if (conn) {
                    const c: Conn = conn
                    const gone = calls.gone
                    c.client.ws.close(command.code)
                    expect(await closed(c)).toBe(command.code)
                    await signal.until(() => calls.gone > gone, () => 'rendererGone after the renderer closed')
                    expect(calls.gone).toBe(gone + 1)
                    b.session.rendererGone()
                    conn = null
                  }
                  break
              }
              await check()
            }

            // Whatever happened, a fresh renderer connects, is shown where the session is, and drives it.
            await open()
            await send([text(envelopeText({ type: 'activity' }))])
            await check()
            for (const snapshot of a.snapshots) stats.screens.add(snapshot.screen.name)

            // Closing the host is the renderer gone too.
            const gone = calls.gone
            await host.close()
            expect(calls.gone).toBe(gone + 1)
            b.session.rendererGone()
            const last = conn as Conn | null
            if (last) expect(await closed(last)).toBe(1006)
            conn = null
            await check()

            checkStream(a.snapshots, 0, limits, [CANARY])
            for (const c of connections) checkStream(c.client.snapshots, 0, limits, [CANARY])
            for (const entry of hostLogs) checkHostLog(entry)
            expect(JSON.stringify(hostLogs)).not.toContain(CANARY)
            expect(JSON.stringify(a.logs)).not.toContain(CANARY)
            expect(hostLogs.filter((e) => e.event === 'bridge.rejected' && e.fields?.reason === 'rate-limited')).toEqual([])
            expect(unexpectedErrors).toEqual([])
          } finally {
            for (const c of connections) c.client.ws.terminate()
            await host.close()
            await a.session.dispose()
            await b.session.dispose()
          }
        },
      ),
      fuzzOptions(0x1bc0_0101, 200, { interruptAfterTimeLimit: 20_000 }),
    )
    // The runs exercise every outcome: dispatch, rejection and each way of being closed.
    expect(stats.dispatched).toBeGreaterThan(100)
    expect(stats.rejected).toBeGreaterThan(150)
    expect(stats.replaced).toBeGreaterThan(0)
    for (const code of [POLICY_CLOSE_CODE, 1009, 1007, 1000, REPLACED_CLOSE_CODE]) expect(stats.closes.get(code) ?? 0, `closes with ${code}`).toBeGreaterThan(0)
    expect([...stats.screens]).toEqual(expect.arrayContaining(['welcome', 'keypad', 'waiting', 'logged-in', 'failure']))
  }, 40_000)
})

// ---- 2. garbage on the real session and the simulator -------------------------------------------

/** Where a run drives the session before the garbage starts. */
const PLACES = ['welcome', 'keypad', 'faq', 'guide', 'waiting', 'picked-up', 'logged-in', 'failure', 'out-of-service'] as const
type Place = (typeof PLACES)[number]

describe('garbage on a real session with the BankID simulator (fuzz)', () => {
  let h: SessionHarness

  beforeAll(async () => {
    h = await startSessionHarness()
  })
  afterAll(async () => {
    await h.close()
  })

  it(`on any screen, ${MAX_REJECTS} invalid messages change nothing; one more closes with the policy code (40 runs)`, async () => {
    const stats = { open: 0, closed: 0, screens: new Set<string>() }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'personnummer' | 'qr'>('personnummer', 'qr'),
        fc.constantFrom(...PLACES),
        fc.oneof(
          fc.array(garbageWireArb, { minLength: 1, maxLength: MAX_REJECTS }),
          fc.array(garbageWireArb, { minLength: MAX_REJECTS + 1, maxLength: MAX_REJECTS + 8 }),
        ),
        async (mode, place: Place, garbage) => {
          await h.session.dispose()
          const sim = h.env.simulator
          sim.orders.clear()
          sim.faults.clear()
          const settings = testSettings({ mode })
          const limits = limitsOf(settings)
          h.newSession(settings)
          h.logs.length = 0
          const pnr = freshPersonalNumber()
          const secrets = [pnr, pnr.slice(2), `-${pnr.slice(8)}`]
          const signal = new Signal()
          const calls: Calls = { subscribed: 0, dispatched: [], gone: 0 }
          const hostLogs: HostLog[] = []
          const host = await startBrowserHost({
            session: countingPort(() => h.session, calls, signal),
            rendererDir,
            log: (level, event, fields) => {
              hostLogs.push({ level, event, fields })
              signal.wake()
            },
          })
          const rejections = () => hostLogs.filter((e) => e.event === 'bridge.rejected').length
          const clients: BridgeClient[] = []
          const renderer = async () => {
            const client = connectBridge(host.url)
            clients.push(client)
            client.ws.on('message', signal.wake)
            client.ws.on('close', signal.wake)
            expect(await client.outcome).toEqual({ open: true })
            expect(await client.waitFor(() => true)).toStrictEqual(h.session.snapshot())
            return client
          }
          try {
            const client = await renderer()
            const intent = async (value: Intent) => {
              const dispatched = calls.dispatched.length
              client.sendJson({ type: 'intent', intent: value })
              await signal.until(() => calls.dispatched.length > dispatched, () => `dispatch of ${value.type}`)
              await h.session.whenIdle()
            }
            const order = () => sim.orders.list().find((o) => o.status === 'pending')

            // Somewhere to be: through the bridge, the simulated app and the clock.
            if (place === 'keypad' && mode === 'personnummer') await intent({ type: 'begin' })
            if (place === 'faq') await intent({ type: 'open-faq' })
            if (place === 'guide') await intent({ type: 'open-guide' })
            if (place === 'out-of-service') {
              sim.faults.add({ fault: { kind: 'internalError' } })
              for (let i = 0; i < settings.timing.serviceFailuresBeforeOutOfService; i++) {
                await intent(h.session.snapshot().screen.name === 'failure' ? { type: 'retry' } : { type: 'begin' })
                if (mode === 'personnummer') await intent({ type: 'start', personnummer: pnr })
                await h.step(0)
              }
            }
            if (['waiting', 'picked-up', 'logged-in', 'failure'].includes(place)) {
              await intent({ type: 'begin' })
              if (mode === 'personnummer') await intent({ type: 'start', personnummer: pnr })
              await h.step(0)
              const pending = order()
              const payload = pending && sim.orders.currentQrPayload(pending.orderRef)
              if (pending && payload && place !== 'waiting') {
                if (place === 'failure') sim.orders.failOrder(pending.orderRef, 'userCancel')
                else sim.orders.scan(payload)
                await h.step(2_100)
                if (place === 'logged-in') {
                  sim.orders.enterSecurityCode(pending.orderRef, '123456')
                  await h.step(2_100)
                }
              }
            }
            await h.session.whenIdle()
            // The renderer is up to date before the garbage starts.
            await signal.until(
              () => client.snapshots.at(-1)?.sequence === h.session.snapshot().sequence,
              () => 'the renderer is behind the session',
            )
            stats.screens.add(h.session.snapshot().screen.name)

            const before = structuredClone(h.session.snapshot())
            const emitted = h.snapshots.length
            const sessionLogs = h.logs.length
            const received = client.snapshots.length
            const rejected = rejections()
            const gone = calls.gone
            const dispatched = calls.dispatched.length
            for (const wire of garbage) sendWire(client.ws, wire)

            if (garbage.length <= MAX_REJECTS) {
              await signal.until(
                () => rejections() >= rejected + garbage.length,
                () => `${rejections() - rejected} of ${garbage.length} rejections`,
                () => (client.ws.readyState === client.ws.OPEN ? null : 'the connection closed'),
              )
              // Nothing changed, nothing was emitted or logged by the session, and the renderer is still served.
              expect(rejections()).toBe(rejected + garbage.length)
              expect(h.session.snapshot()).toStrictEqual(before)
              expect(h.snapshots.length).toBe(emitted)
              expect(h.logs.length).toBe(sessionLogs)
              expect(calls.dispatched.length).toBe(dispatched)
              expect(calls.gone).toBe(gone)
              expect(client.ws.readyState).toBe(client.ws.OPEN)
              client.sendJson({ type: 'intent', intent: { type: 'set-low-reach', on: !before.lowReach } })
              const after = await client.waitFor((snapshot) => snapshot.sequence > before.sequence)
              expect(after.lowReach).toBe(!before.lowReach)
              expect(client.snapshots.length).toBe(received + 1)
              stats.open++
            } else {
              // The first MAX_REJECTS are only logged; the next one closes the connection with 1008.
              expect(await closeCode(client, signal)).toBe(POLICY_CLOSE_CODE)
              await signal.until(() => calls.gone > gone, () => 'rendererGone after the policy close')
              expect(rejections()).toBe(rejected + MAX_REJECTS + 1)
              expect(hostLogs.filter((e) => e.event === 'bridge.closed-for-garbage')).toHaveLength(1)
              expect(calls.dispatched.length).toBe(dispatched)
              expect(calls.gone).toBe(gone + 1)
              // Nothing reached the renderer after the garbage; the session forgot the parent.
              expect(client.snapshots.length).toBe(received)
              await h.session.whenIdle()
              expect(sim.orders.list().filter((o) => o.status === 'pending')).toEqual([])
              const now = h.session.snapshot()
              expect(now.screen.name).toBe(before.screen.name === 'out-of-service' ? 'out-of-service' : 'welcome')
              stats.closed++

              const fresh = await renderer()
              expect(fresh.snapshots[0]).toStrictEqual(now)
            }
            checkStream(h.snapshots, 0, limits, secrets)
            for (const c of clients) checkStream(c.snapshots, 0, limits, secrets)
            for (const entry of hostLogs) checkHostLog(entry)
            expect(JSON.stringify(hostLogs)).not.toContain(CANARY)
            expect(JSON.stringify(h.logs)).not.toContain(CANARY)
            expect(unexpectedErrors).toEqual([])
          } finally {
            for (const c of clients) c.ws.terminate()
            await host.close()
          }
        },
      ),
      fuzzOptions(0x1bc0_0103, 40, { interruptAfterTimeLimit: 10_000 }),
    )
    expect(stats.open).toBeGreaterThan(5)
    expect(stats.closed).toBeGreaterThan(5)
    expect([...stats.screens]).toEqual(expect.arrayContaining(['welcome', 'keypad', 'waiting', 'logged-in', 'failure', 'out-of-service']))
  }, 30_000)
})

// ---- 3. upgrade requests ------------------------------------------------------------------------

type TokenVariant =
  | { kind: 'right' }
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'case'; at: number }
  | { kind: 'drop-last' }
  | { kind: 'append'; char: string }
  | { kind: 'other'; value: string }
  | { kind: 'padded'; before: string; after: string }

interface ProtocolSpec {
  /** The protocol name: right, left out, in capitals, or twice. */
  bridge: 'right' | 'missing' | 'upper' | 'twice'
  /** null: no token entry at all. */
  token: TokenVariant | null
  tokenTwice: boolean
  tokenFirst: boolean
  extras: string[]
  separator: string
  /** The token entry in a header line of its own (HTTP joins them with ", "). */
  split: boolean
}

/** One upgrade request; "{P}" stands for the port, "{T}" for the right token. */
interface UpgradeSpec {
  method: string
  path: string
  host: string | null
  origin: string | null
  origins: 1 | 2
  protocol: ProtocolSpec | null
  key: string | null
  version: string | null
  upgrade: string | null
  connection: string | null
  extra: [string, string] | null
  /** A control character put into one of the headers that matter. */
  poison: { field: 'host' | 'origin' | 'protocol'; char: string } | null
}

const BASE64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_']
const TOKEN_CHARS = [...BASE64URL, ...'!#$%&\'*+.^`|~']
const VISIBLE = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i))

/** Right most of the time, so that most requests have just one or two things wrong. */
const rightOr = <T>(right: T, wrong: fc.Arbitrary<T>, weight = 5): fc.Arbitrary<T> =>
  fc.oneof({ weight, arbitrary: fc.constant(right) }, { weight: 1, arbitrary: wrong })

const tokenVariantArb: fc.Arbitrary<TokenVariant> = rightOr<TokenVariant>(
  { kind: 'right' },
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), char: fc.constantFrom(...BASE64URL) }) },
    fc.record({ kind: fc.constant('case' as const), at: fc.nat() }),
    fc.constant<TokenVariant>({ kind: 'drop-last' }),
    fc.record({ kind: fc.constant('append' as const), char: fc.constantFrom(...BASE64URL) }),
    fc.record({
      kind: fc.constant('other' as const),
      value: fc.oneof(fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 50 }), fc.constantFrom('', 'A'.repeat(43), 'null', 'undefined')),
    }),
    fc.record({ kind: fc.constant('padded' as const), before: fc.constantFrom('', ' ', '\t'), after: fc.constantFrom('', ' ', '\t ') }),
  ),
  3,
)

const protocolArb: fc.Arbitrary<ProtocolSpec> = fc.record({
  bridge: rightOr('right' as const, fc.constantFrom('missing' as const, 'upper' as const, 'twice' as const), 8),
  token: fc.oneof({ weight: 12, arbitrary: tokenVariantArb }, fc.constant(null)),
  tokenTwice: rightOr(false, fc.constant(true), 12),
  tokenFirst: fc.boolean(),
  extras: rightOr(
    [] as string[],
    fc.array(
      fc.oneof(
        fc.constantFrom('chat', 'bankid-kiosk.v2', 'bankid-kiosk.token', 'bankid-kiosk.tokens', `${TOKEN_PROTOCOL_PREFIX}${'A'.repeat(43)}`, 'a b', '"q"', '', 'x/y'),
        fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
    3,
  ),
  separator: fc.constantFrom(', ', ',', ' , ', ',\t'),
  split: rightOr(false, fc.constant(true), 8),
})

const upgradeArb: fc.Arbitrary<UpgradeSpec> = fc.record({
  method: rightOr('GET', fc.constantFrom('POST', 'HEAD', 'PUT', 'OPTIONS', 'get', 'CONNECT'), 15),
  path: rightOr(
    '/bridge',
    fc.oneof(
      fc.constantFrom(
        '/bridge?v=1', '/%62ridge', '/Bridge', '/BRIDGE', '/bridge/', '//bridge', '/bridge/x', '/bridge%00', '/bridge%2f', '/bridg',
        '/', '/bridge;x', 'http://127.0.0.1:{P}/bridge', '*', '/../bridge', '/x/../bridge', '/%zz', '/bridge%20', '/ bridge',
        '/bridge?token={T}', '/index.html', '/assets/bridge',
      ),
      fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789/._~%-?=&'), maxLength: 20 }).map((p) => `/${p}`),
    ),
    4,
  ),
  host: rightOr(
    '127.0.0.1:{P}',
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom('localhost:{P}', 'LOCALHOST:{P}', 'LocalHost:{P}', ' 127.0.0.1:{P}', '127.0.0.1:{P}\t') },
      {
        weight: 4,
        arbitrary: fc.constantFrom<string | null>(
          null, '', 'evil.example:{P}', 'evil.example', '127.0.0.1', '127.0.0.1:1', '127.0.0.1:0{P}', '[::1]:{P}', '127.0.0.1.:{P}',
          '2130706433:{P}', '127.1:{P}', 'localhost.evil.example:{P}', '127.0.0.1:{P}@evil.example', '127.0.0.1:{P}.',
          'evil.example:{P}, 127.0.0.1:{P}',
        ),
      },
      fc.string({ unit: fc.constantFrom(...VISIBLE), maxLength: 25 }),
    ),
    4,
  ),
  origin: rightOr(
    'http://127.0.0.1:{P}',
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom('http://localhost:{P}', ' http://127.0.0.1:{P}') },
      {
        weight: 5,
        arbitrary: fc.constantFrom<string | null>(
          null, 'null', '', 'http://evil.example', 'http://127.0.0.1:1', 'https://127.0.0.1:{P}', 'http://127.0.0.1:{P}/',
          'HTTP://127.0.0.1:{P}', 'http://LOCALHOST:{P}', 'http://127.0.0.1:{P}.evil.example', 'http://127.0.0.1',
          'ws://127.0.0.1:{P}', 'file://', 'http://[::1]:{P}', 'http://127.0.0.1:{P}, http://evil.example', 'http://evil.example:{P}',
        ),
      },
      fc.string({ unit: fc.constantFrom(...VISIBLE), maxLength: 25 }),
    ),
    4,
  ),
  origins: rightOr(1 as const, fc.constant(2 as const), 15),
  protocol: fc.oneof({ weight: 12, arbitrary: protocolArb }, fc.constant(null)),
  key: rightOr<string | null>(
    'dGhlIHNhbXBsZSBub25jZQ==',
    fc.oneof(
      fc.constantFrom(null, '', 'abc', 'dGhlIHNhbXBsZSBub25jZQ=', 'dGhlIHNhbXBsZSBub25jZQ===', '!!!!!!!!!!!!!!!!!!!!!!=='),
      fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    ),
    15,
  ),
  version: rightOr<string | null>('13', fc.constantFrom(null, '8', '12', '14', '', 'abc', ' 13'), 15),
  upgrade: rightOr<string | null>('websocket', fc.constantFrom(null, 'WebSocket', 'WEBSOCKET', 'h2c', 'websocket2', 'websocket, h2c'), 15),
  connection: rightOr<string | null>('Upgrade', fc.constantFrom(null, 'upgrade', 'keep-alive, Upgrade', 'keep-alive', 'close'), 15),
  extra: rightOr<[string, string] | null>(
    null,
    fc.oneof(
      fc.constantFrom<[string, string]>(
        ['Cookie', 'token={T}'], ['Forwarded', 'for=evil.example;host=127.0.0.1:{P}'], ['X-Forwarded-Host', '127.0.0.1:{P}'],
        ['X-Forwarded-For', '127.0.0.1'], ['Sec-WebSocket-Extensions', 'permessage-deflate'], ['Referer', 'http://127.0.0.1:{P}/'],
      ),
      fc.string({ unit: fc.constantFrom(...VISIBLE), maxLength: 30 }).map((value): [string, string] => ['X-Fuzz', value]),
    ),
    4,
  ),
  poison: rightOr<UpgradeSpec['poison']>(
    null,
    fc.record({ field: fc.constantFrom('host' as const, 'origin' as const, 'protocol' as const), char: fc.constantFrom('\u0000', '\u0001', '\u001f', '\u000b') }),
    20,
  ),
})

interface Ctx {
  port: number
  token: string
}

const fill = (template: string, ctx: Ctx) => template.replaceAll('{P}', String(ctx.port)).replaceAll('{T}', ctx.token)

function tokenValue(variant: TokenVariant, token: string): string {
  const at = (n: number) => n % token.length
  switch (variant.kind) {
    case 'right':
      return `${TOKEN_PROTOCOL_PREFIX}${token}`
    case 'flip': {
      const i = at(variant.at)
      const char = variant.char === token[i] ? (variant.char === 'A' ? 'B' : 'A') : variant.char
      return `${TOKEN_PROTOCOL_PREFIX}${token.slice(0, i)}${char}${token.slice(i + 1)}`
    }
    case 'case': {
      const i = at(variant.at)
      const c = token.charAt(i)
      const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()
      return `${TOKEN_PROTOCOL_PREFIX}${token.slice(0, i)}${swapped}${token.slice(i + 1)}`
    }
    case 'drop-last':
      return `${TOKEN_PROTOCOL_PREFIX}${token.slice(0, -1)}`
    case 'append':
      return `${TOKEN_PROTOCOL_PREFIX}${token}${variant.char}`
    case 'other':
      return `${TOKEN_PROTOCOL_PREFIX}${variant.value}`
    case 'padded':
      return `${variant.before}${TOKEN_PROTOCOL_PREFIX}${token}${variant.after}`
  }
}

/** The Sec-WebSocket-Protocol header lines. */
function protocolLines(spec: ProtocolSpec, ctx: Ctx): string[] {
  const bridge = spec.bridge === 'missing' ? [] : spec.bridge === 'upper' ? [BRIDGE_PROTOCOL.toUpperCase()] : spec.bridge === 'twice' ? [BRIDGE_PROTOCOL, BRIDGE_PROTOCOL] : [BRIDGE_PROTOCOL]
  const token = spec.token === null ? [] : [tokenValue(spec.token, ctx.token)]
  const tokens = spec.tokenTwice ? [...token, ...token] : token
  if (spec.split) return [[...bridge, ...spec.extras].join(spec.separator), tokens.join(spec.separator)].filter((line) => line !== '')
  const entries = spec.tokenFirst ? [...tokens, ...bridge, ...spec.extras] : [...bridge, ...spec.extras, ...tokens]
  return [entries.join(spec.separator)]
}

function headerLines(spec: UpgradeSpec, ctx: Ctx): [string, string][] {
  const lines: [string, string][] = []
  const poisoned = (field: 'host' | 'origin' | 'protocol', value: string) => (spec.poison?.field === field ? value + spec.poison.char : value)
  if (spec.host !== null) lines.push(['Host', poisoned('host', fill(spec.host, ctx))])
  if (spec.origin !== null) {
    lines.push(['Origin', poisoned('origin', fill(spec.origin, ctx))])
    if (spec.origins === 2) lines.push(['Origin', 'http://evil.example'])
  }
  if (spec.upgrade !== null) lines.push(['Upgrade', spec.upgrade])
  if (spec.connection !== null) lines.push(['Connection', spec.connection])
  if (spec.version !== null) lines.push(['Sec-WebSocket-Version', spec.version])
  if (spec.key !== null) lines.push(['Sec-WebSocket-Key', spec.key])
  if (spec.protocol !== null) for (const value of protocolLines(spec.protocol, ctx)) lines.push(['Sec-WebSocket-Protocol', poisoned('protocol', value)])
  if (spec.extra !== null) lines.push([spec.extra[0], fill(spec.extra[1], ctx)])
  return lines
}

function requestBytes(spec: UpgradeSpec, ctx: Ctx): Buffer {
  const head = headerLines(spec, ctx).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  return Buffer.from(`${spec.method} ${fill(spec.path, ctx)} HTTP/1.1\r\n${head}\r\n`, 'latin1')
}

/**
 * What must happen to a request, from RFC 6455 and the host's documented rules (not its code):
 * accepted only with Host 127.0.0.1:PORT or localhost:PORT, the path /bridge, the host's own
 * Origin, exactly one token entry with the right token next to the protocol name, and a well-formed
 * handshake. Otherwise refused, with the status of one of the things wrong (null: any status, for
 * requests that are not a well-formed WebSocket upgrade at all).
 */
function judge(spec: UpgradeSpec, ctx: Ctx): { accept: true } | { accept: false; statuses: number[] | null } {
  const lines = headerLines(spec, ctx)
  const ows = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, '')
  const header = (name: string): string | null => {
    const values = lines.filter(([n]) => n === name).map(([, v]) => ows(v))
    return values.length === 0 ? null : values.join(', ')
  }
  const path = fill(spec.path, ctx)
  // eslint-disable-next-line no-control-regex
  const controls = /[\u0000-\u0008\u000a-\u001f\u007f]/
  const malformed = lines.some(([, value]) => controls.test(value)) || /[^\x21-\x7e]/.test(path) || !/^[A-Z]+$/.test(spec.method)
  const connection = (header('Connection') ?? '').split(',').map((t) => ows(t).toLowerCase())
  const upgradeRequest = connection.includes('upgrade') && header('Upgrade') !== null && spec.method !== 'CONNECT'
  if (malformed || !upgradeRequest) return { accept: false, statuses: null }

  const statuses = new Set<number>()
  const host = header('Host')
  if (host === null) statuses.add(400).add(421)
  else if (![`127.0.0.1:${ctx.port}`, `localhost:${ctx.port}`].includes(host.toLowerCase())) statuses.add(421)

  let decoded: string | null
  try {
    decoded = path.startsWith('/') ? decodeURIComponent(path.split('?', 1)[0] ?? '') : null
  } catch {
    decoded = null
  }
  if (decoded !== '/bridge') statuses.add(404)

  const origin = header('Origin')
  if (origin === null || ![`http://127.0.0.1:${ctx.port}`, `http://localhost:${ctx.port}`].includes(origin)) statuses.add(403)

  const protocols = header('Sec-WebSocket-Protocol')
  const entries = protocols === null ? [] : protocols.split(',').map(ows)
  const tokens = entries.filter((e) => e.startsWith(TOKEN_PROTOCOL_PREFIX))
  if (tokens.length !== 1 || tokens[0] !== `${TOKEN_PROTOCOL_PREFIX}${ctx.token}` || !entries.includes(BRIDGE_PROTOCOL)) statuses.add(401)
  // RFC 6455 §4.1: a list of distinct tokens (RFC 7230).
  const wellFormedList = entries.every((e) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(e)) && new Set(entries).size === entries.length
  if (protocols !== null && !wellFormedList) statuses.add(400)

  if (spec.method !== 'GET') statuses.add(405)
  if ((header('Upgrade') ?? '').toLowerCase() !== 'websocket') statuses.add(400)
  if (!/^[+/0-9A-Za-z]{22}==$/.test(header('Sec-WebSocket-Key') ?? '')) statuses.add(400)
  // ws also speaks the hybi-08 draft's version 8.
  if (!['13', '8'].includes(header('Sec-WebSocket-Version') ?? '')) statuses.add(400)
  return statuses.size === 0 ? { accept: true } : { accept: false, statuses: [...statuses] }
}

interface RawAnswer {
  status: number
  headers: Record<string, string>
  /** Everything received, as latin1. */
  text: string
  /** The first WebSocket frame's payload after a 101. */
  frame: string | null
  socket: Socket
}

function readFrame(data: Buffer): string | null {
  if (data.length < 2) return null
  let length = (data[1] ?? 0) & 0x7f
  let offset = 2
  if (length === 126) {
    if (data.length < 4) return null
    length = data.readUInt16BE(2)
    offset = 4
  } else if (length === 127) {
    if (data.length < 10) return null
    length = Number(data.readBigUInt64BE(2))
    offset = 10
  }
  if (data.length < offset + length) return null
  return data.subarray(offset, offset + length).toString('utf8')
}

/** One request over raw TCP, byte for byte; the answer's head and body (or first frame). */
function exchange(port: number, request: Buffer, method: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port })
    let data = Buffer.alloc(0)
    let settled = false
    const timer = setTimeout(() => {
      settle()
      socket.destroy()
      reject(new Error(`no answer to ${JSON.stringify(request.toString('latin1'))}`))
    }, 5_000)
    const settle = () => {
      settled = true
      clearTimeout(timer)
    }
    const attempt = (ended: boolean) => {
      if (settled) return
      const end = data.indexOf('\r\n\r\n')
      if (end < 0) {
        if (ended) {
          settle()
          resolve({ status: 0, headers: {}, text: data.toString('latin1'), frame: null, socket })
        }
        return
      }
      const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n')
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0)
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      )
      const rest = data.subarray(end + 4)
      let frame: string | null = null
      if (status === 101) {
        frame = readFrame(rest)
        if (frame === null && !ended) return
      } else {
        const length = method === 'HEAD' ? 0 : headers['content-length'] === undefined ? null : Number(headers['content-length'])
        if (!ended && (length === null || rest.length < length)) return
        socket.destroy()
      }
      settle()
      resolve({ status, headers, text: data.toString('latin1'), frame, socket })
    }
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      attempt(false)
    })
    socket.on('end', () => attempt(true))
    socket.on('close', () => attempt(true))
    socket.on('error', () => attempt(true))
    socket.write(request)
  })
}

describe('upgrade requests to the bridge (fuzz)', () => {
  it('anything but the exact upgrade is refused before a WebSocket exists; the right one still works (150 runs)', async () => {
    const scheduler = new ManualScheduler()
    const settings = testSettings()
    const s = side(scheduler, settings)
    const signal = new Signal()
    const calls: Calls = { subscribed: 0, dispatched: [], gone: 0 }
    const port = countingPort(() => s.session, calls, signal)
    const stats = { accepted: 0, refused: 0, statuses: new Set<number>() }
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(upgradeArb, { minLength: 1, maxLength: 5 }), async (requests) => {
          const hostLogs: HostLog[] = []
          const host = await startBrowserHost({
            session: port,
            rendererDir,
            log: (level, event, fields) => {
              hostLogs.push({ level, event, fields })
              signal.wake()
            },
          })
          const connected = () => hostLogs.filter((e) => e.event === 'bridge.connected').length
          try {
            const ctx: Ctx = { port: Number(new URL(host.origin).port), token: tokenOf(host.url) }
            for (const request of requests) {
              const verdict = judge(request, ctx)
              const before = { subscribed: calls.subscribed, gone: calls.gone, connected: connected(), emitted: s.snapshots.length }
              const answer = await exchange(ctx.port, requestBytes(request, ctx), request.method)
              stats.statuses.add(answer.status)
              // Nothing the host answers ever repeats the token.
              expect(answer.text).not.toContain(ctx.token)
              if (verdict.accept) {
                expect(answer.status, answer.text).toBe(101)
                expect(answer.headers['sec-websocket-protocol']).toBe(BRIDGE_PROTOCOL)
                expect(JSON.parse(answer.frame ?? 'null')).toStrictEqual({ type: 'snapshot', snapshot: s.session.snapshot() })
                expect(calls.subscribed).toBe(before.subscribed + 1)
                answer.socket.destroy()
                await signal.until(() => calls.gone > before.gone, () => 'rendererGone after the raw connection dropped')
                stats.accepted++
              } else {
                expect(answer.status, answer.text).not.toBe(101)
                // Node drops a CONNECT nobody listens for without a word; everything else is answered.
                if (request.method !== 'CONNECT') expect(answer.status, answer.text).toBeGreaterThan(0)
                if (verdict.statuses) expect(verdict.statuses, answer.text).toContain(answer.status)
                if ([401, 403, 404, 421].includes(answer.status)) expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
                expect(answer.text).not.toContain('"snapshot"')
                expect(calls.subscribed).toBe(before.subscribed)
                expect(connected()).toBe(before.connected)
                expect(calls.gone).toBe(before.gone)
                expect(s.snapshots.length).toBe(before.emitted)
                stats.refused++
              }
              expect(calls.dispatched).toEqual([])
            }

            // The right request, from Node's ws client, is still accepted.
            const client = connectBridge(host.url)
            client.ws.on('close', signal.wake)
            expect(await client.outcome).toEqual({ open: true })
            expect(client.ws.protocol).toBe(BRIDGE_PROTOCOL)
            expect(await client.waitFor(() => true)).toStrictEqual(s.session.snapshot())
            const gone = calls.gone
            await client.close()
            await signal.until(() => calls.gone > gone, () => 'rendererGone after the client closed')

            for (const entry of hostLogs) checkHostLog(entry)
            expect(JSON.stringify(hostLogs)).not.toContain(ctx.token)
            checkStream(s.snapshots, 0, limitsOf(settings))
            expect(unexpectedErrors).toEqual([])
          } finally {
            await host.close()
          }
        }),
        fuzzOptions(0x1bc0_0102, 150, { interruptAfterTimeLimit: 10_000 }),
      )
    } finally {
      await s.session.dispose()
    }
    expect(stats.accepted).toBeGreaterThan(5)
    expect(stats.refused).toBeGreaterThan(100)
    expect([...stats.statuses]).toEqual(expect.arrayContaining([400, 401, 403, 404, 405, 421]))
  }, 30_000)
})
