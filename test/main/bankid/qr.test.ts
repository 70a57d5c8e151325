import { inspect } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AnimatedQr, qrAuthCode, qrPayload, renderQrSvg } from '../../../src/main/bankid/qr'
import { ManualClock } from '../../support/manual-clock'
import { decodeQrSvg, svgToModules } from '../../support/qr-decode'
import type { ModuleMatrix } from '../../support/qr-decode'

// The official test vector from the BankID RP API v6 documentation.
const TOKENS = {
  qrStartToken: '67df3917-fa0d-44e5-b327-edcc928297f8',
  qrStartSecret: 'd28db9a7-4cde-429e-a983-359be676944c',
} as const
const AUTH_CODES = [
  'dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8',
  '949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2',
  'a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3',
] as const
const vectorPayload = (t: 0 | 1 | 2): string => `bankid.${TOKENS.qrStartToken}.${t}.${AUTH_CODES[t]}`

describe('qrAuthCode and qrPayload', () => {
  it.each([0, 1, 2] as const)('match the official test vector at t=%i', (t) => {
    expect(qrAuthCode(TOKENS.qrStartSecret, t)).toBe(AUTH_CODES[t])
    expect(qrPayload(TOKENS.qrStartToken, TOKENS.qrStartSecret, t)).toBe(vectorPayload(t))
  })

  it('always produce bankid.<token>.<decimal seconds>.<64 lowercase hex>', () => {
    fc.assert(
      fc.property(fc.nat(), (t) => {
        const payload = qrPayload(TOKENS.qrStartToken, TOKENS.qrStartSecret, t)
        expect(payload).toBe(`bankid.${TOKENS.qrStartToken}.${t}.${qrAuthCode(TOKENS.qrStartSecret, t)}`)
        expect(payload).toMatch(/^bankid\.[0-9a-f-]{36}\.(0|[1-9][0-9]*)\.[0-9a-f]{64}$/)
      }),
    )
  })

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('reject %s as seconds', (t) => {
    expect(() => qrAuthCode(TOKENS.qrStartSecret, t)).toThrow(/non-negative integer/)
    expect(() => qrPayload(TOKENS.qrStartToken, TOKENS.qrStartSecret, t)).toThrow(/non-negative integer/)
  })

  it('reject empty or malformed tokens without echoing the secret', () => {
    expect(() => qrAuthCode('', 0)).toThrow(/qrStartSecret/)
    expect(() => qrAuthCode('bad secret', 0)).toThrow(/qrStartSecret/)
    expect(() => qrPayload('', TOKENS.qrStartSecret, 0)).toThrow(/qrStartToken/)
    expect(() => qrPayload('a.b', TOKENS.qrStartSecret, 0)).toThrow(/qrStartToken/)
    const secret = 'hemlig-nyckel med mellanslag'
    const notEchoed = expect.objectContaining({ message: expect.not.stringContaining(secret) })
    expect(() => qrAuthCode(secret, 0)).toThrow(notEchoed)
  })
})

describe('AnimatedQr', () => {
  it('counts whole seconds on the clock from startedAt, rounding down', () => {
    const clock = new ManualClock()
    const qr = new AnimatedQr(TOKENS, clock.now(), clock)
    expect(qr.secondsElapsed()).toBe(0)
    clock.advance(999)
    expect(qr.secondsElapsed()).toBe(0)
    clock.advance(1) // 1000 ms
    expect(qr.secondsElapsed()).toBe(1)
    clock.advance(1500) // 2500 ms
    expect(qr.secondsElapsed()).toBe(2)
    clock.advance(499) // 2999 ms
    expect(qr.secondsElapsed()).toBe(2)
  })

  it('shows the official frames, one per second, steady within a second', () => {
    const clock = new ManualClock(0)
    const qr = new AnimatedQr(TOKENS, 250, clock) // response arrived at 250 ms on this clock
    clock.advance(250)
    expect(qr.payload()).toBe(vectorPayload(0))
    clock.advance(999)
    expect(qr.payload()).toBe(vectorPayload(0))
    clock.advance(1)
    expect(qr.payload()).toBe(vectorPayload(1))
    expect(qr.frame()).toEqual({ seconds: 1, payload: vectorPayload(1) })
    clock.advance(1000)
    expect(qr.frame()).toEqual({ seconds: 2, payload: vectorPayload(2) })

    const seen = new Set<string>()
    for (let s = 0; s < 10; s++, clock.advance(1000)) seen.add(qr.payload())
    expect(seen.size).toBe(10)
  })

  it('never goes negative when the clock reads earlier than startedAt', () => {
    const clock = new ManualClock()
    const qr = new AnimatedQr(TOKENS, clock.now() + 5_000, clock)
    expect(qr.secondsElapsed()).toBe(0)
    expect(qr.payload()).toBe(vectorPayload(0))
    clock.advance(5_999)
    expect(qr.secondsElapsed()).toBe(0)
    clock.advance(1)
    expect(qr.secondsElapsed()).toBe(1)
  })

  it('rejects bad construction arguments', () => {
    const clock = new ManualClock()
    expect(() => new AnimatedQr({ ...TOKENS, qrStartSecret: '' }, 0, clock)).toThrow(/qrStartSecret/)
    expect(() => new AnimatedQr({ ...TOKENS, qrStartToken: '' }, 0, clock)).toThrow(/qrStartToken/)
    expect(() => new AnimatedQr(TOKENS, Number.NaN, clock)).toThrow(/startedAt/)
  })

  it('keeps qrStartSecret out of JSON.stringify, util.inspect, String and own keys', () => {
    const clock = new ManualClock()
    const qr = new AnimatedQr(TOKENS, clock.now(), clock)
    expect(JSON.stringify(qr)).not.toContain(TOKENS.qrStartSecret)
    expect(JSON.stringify({ order: { qr } })).not.toContain(TOKENS.qrStartSecret)
    expect(JSON.parse(JSON.stringify(qr))).toEqual({ qrStartToken: TOKENS.qrStartToken, startedAt: clock.now() })
    expect(inspect(qr)).not.toContain(TOKENS.qrStartSecret)
    expect(inspect(qr, { showHidden: true, depth: Infinity, getters: true })).not.toContain(TOKENS.qrStartSecret)
    expect(inspect({ order: { qr } }, { depth: Infinity })).not.toContain(TOKENS.qrStartSecret)
    expect(inspect(qr)).toContain('[redacted]')
    expect(String(qr)).not.toContain(TOKENS.qrStartSecret)
    expect(Reflect.ownKeys(qr)).toEqual([])
  })
})

/** Where the dark modules are, to measure the quiet zone around them. */
function darkBounds({ dark }: ModuleMatrix): { top: number; left: number; bottom: number; right: number } {
  const rows = dark.flatMap((cells, r) => (cells.includes(true) ? [r] : []))
  const cols = dark[0]!.flatMap((_, c) => (dark.some((cells) => cells[c]) ? [c] : []))
  return { top: rows[0]!, bottom: rows.at(-1)!, left: cols[0]!, right: cols.at(-1)! }
}

/**
 * The error correction level in the symbol's format information (ISO/IEC 18004): its two most
 * significant bits sit at row 8, columns 0 and 1, XOR-masked with 0b10. L=01, M=00, Q=11, H=10.
 */
function errorCorrectionLevel({ dark }: ModuleMatrix, quietZone: number): string {
  const bit = (row: number, col: number): number => (dark[quietZone + row]![quietZone + col] ? 1 : 0)
  const level = ((bit(8, 0) << 1) | bit(8, 1)) ^ 0b10
  return (['M', 'L', 'H', 'Q'] as const)[level]!
}

describe('renderQrSvg', () => {
  const secondPayload = qrPayload('a5bc3bd8-8c0e-4d4e-9c2e-6f5d2b3f0a91', '0f4e7a0c-2d1b-4b7a-9e3c-5a6b7c8d9e0f', 1234)

  it.each([
    ['the official vector at t=0', vectorPayload(0)],
    ['another order at t=1234', secondPayload],
  ])('renders an SVG that scans back to the payload: %s', async (_name, payload) => {
    const svg = await renderQrSvg(payload)
    expect(decodeQrSvg(svg)).toBe(payload)
    expect(decodeQrSvg(svg, 3)).toBe(payload)
  })

  it('renders black on white, error correction L, a 4-module quiet zone, sized by CSS', async () => {
    const svg = await renderQrSvg(vectorPayload(0))
    const matrix = svgToModules(svg)
    const n = matrix.size

    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*>.*<\/svg>$/s)
    const svgTag = /^<svg[^>]*>/.exec(svg)?.[0]
    expect(svgTag).toContain(`viewBox="0 0 ${n} ${n}"`)
    expect(svgTag).toContain('shape-rendering="crispEdges"')
    expect(svgTag).not.toMatch(/\s(width|height)=/)
    expect(svg).toContain(`<path fill="#ffffff" d="M0 0h${n}v${n}H0z"/>`) // opaque white background
    expect(svg).toMatch(/<path stroke="#000000" d="/)

    const quiet = 4
    expect(darkBounds(matrix)).toEqual({ top: quiet, left: quiet, bottom: n - 1 - quiet, right: n - 1 - quiet })
    const symbolSize = n - 2 * quiet
    expect((symbolSize - 17) % 4).toBe(0) // a real QR version: 21, 25, 29, ... modules
    expect(errorCorrectionLevel(matrix, quiet)).toBe('L')
  })

  it('renders a different picture for each frame', async () => {
    const [a, b] = await Promise.all([renderQrSvg(vectorPayload(0)), renderQrSvg(vectorPayload(1))])
    expect(a).not.toBe(b)
    expect(decodeQrSvg(b)).toBe(vectorPayload(1))
  })

  it('rejects an empty payload', async () => {
    await expect(renderQrSvg('')).rejects.toThrow(/non-empty/)
  })
})
