// BankID animated QR code (RP API v6). Plain Node: no electron import, time comes in as a Clock.
//
//   qrTime     = whole seconds since the /auth or /sign response arrived, in decimal
//   qrAuthCode = hex(HMAC-SHA256(key = qrStartSecret, message = qrTime))
//   payload    = "bankid." + qrStartToken + "." + qrTime + "." + qrAuthCode
//
// qrStartSecret never leaves the main process: the renderer only ever receives the rendered SVG.
import { createHmac } from 'node:crypto'
import { inspect, type InspectOptions } from 'node:util'
import QRCode from 'qrcode'
import type { Clock } from '../clock'

/** What the /auth and /sign responses give us for the QR code. */
export interface QrStartTokens {
  readonly qrStartToken: string
  readonly qrStartSecret: string
}

/** Printable ASCII, no spaces: what a UUID (or any sane token) is made of. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/

function assertSeconds(seconds: number): void {
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new Error(`BankID qrTime must be a non-negative integer number of seconds, got ${String(seconds)}`)
  }
}

// The messages name the field but never echo its value: this must not put a secret in a log.
function assertSecret(qrStartSecret: string): void {
  if (typeof qrStartSecret !== 'string' || !PRINTABLE_ASCII.test(qrStartSecret)) {
    throw new Error('BankID qrStartSecret must be a non-empty string of printable ASCII')
  }
}

function assertToken(qrStartToken: string): void {
  if (typeof qrStartToken !== 'string' || !PRINTABLE_ASCII.test(qrStartToken) || qrStartToken.includes('.')) {
    throw new Error('BankID qrStartToken must be a non-empty string of printable ASCII without "."')
  }
}

/** The qrAuthCode for one second: lowercase hex HMAC-SHA256 of the decimal seconds, keyed by the secret's ASCII. */
export function qrAuthCode(qrStartSecret: string, seconds: number): string {
  assertSecret(qrStartSecret)
  assertSeconds(seconds)
  return createHmac('sha256', Buffer.from(qrStartSecret, 'ascii'))
    .update(Buffer.from(String(seconds), 'ascii'))
    .digest('hex')
}

/** The text encoded in the QR code for one second: `bankid.<token>.<seconds>.<authCode>`. */
export function qrPayload(qrStartToken: string, qrStartSecret: string, seconds: number): string {
  assertToken(qrStartToken)
  return `bankid.${qrStartToken}.${seconds}.${qrAuthCode(qrStartSecret, seconds)}`
}

/** One frame of the animation. `seconds` says when to render a new one: only when it changes. */
export interface QrFrame {
  readonly seconds: number
  readonly payload: string
}

/** One order's animated QR: seconds counted on a monotonic clock from the moment the auth/sign response arrived. */
export class AnimatedQr {
  readonly #qrStartToken: string
  readonly #qrStartSecret: string
  readonly #startedAt: number
  readonly #clock: Clock

  /** `startedAt` is `clock.now()` read when the /auth or /sign response was received. */
  constructor(tokens: QrStartTokens, startedAt: number, clock: Clock) {
    assertToken(tokens.qrStartToken)
    assertSecret(tokens.qrStartSecret)
    if (!Number.isFinite(startedAt)) {
      throw new Error(`AnimatedQr startedAt must be a finite clock reading, got ${String(startedAt)}`)
    }
    this.#qrStartToken = tokens.qrStartToken
    this.#qrStartSecret = tokens.qrStartSecret
    this.#startedAt = startedAt
    this.#clock = clock
  }

  /** Whole seconds since `startedAt` at clock reading `at` (now by default), rounded down; never below 0. */
  secondsElapsed(at = this.#clock.now()): number {
    return Math.max(0, Math.floor((at - this.#startedAt) / 1000))
  }

  /** The frame at clock reading `at` (now by default); seconds and payload from that one reading. */
  frame(at = this.#clock.now()): QrFrame {
    const seconds = this.secondsElapsed(at)
    return { seconds, payload: qrPayload(this.#qrStartToken, this.#qrStartSecret, seconds) }
  }

  /** The current frame's payload. */
  payload(): string {
    return this.frame().payload
  }

  /** What JSON.stringify shows: no secret. */
  toJSON(): { qrStartToken: string; startedAt: number } {
    return { qrStartToken: this.#qrStartToken, startedAt: this.#startedAt }
  }

  /** What util.inspect and console.log show: no secret. */
  [inspect.custom](_depth: number, options: InspectOptions, inspectFn: typeof inspect): string {
    return `AnimatedQr ${inspectFn({ ...this.toJSON(), qrStartSecret: '[redacted]' }, options)}`
  }
}

/**
 * Renders a payload as a standalone SVG: error correction L, a 4-module quiet zone, black on white,
 * a viewBox but no width/height (CSS sizes it), shape-rendering="crispEdges".
 */
export async function renderQrSvg(payload: string): Promise<string> {
  if (typeof payload !== 'string' || payload.length === 0) throw new Error('QR payload must be a non-empty string')
  const svg = await QRCode.toString(payload, {
    type: 'svg',
    errorCorrectionLevel: 'L',
    margin: 4,
    color: { dark: '#000000', light: '#ffffff' },
  })
  return svg.trimEnd()
}
