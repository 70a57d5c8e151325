// The bridge's message format on its own: what parseIntent accepts and why it refuses the rest.
import { describe, expect, it } from 'vitest'
import { parseIntent } from '../../../src/main/browser-host/protocol'

const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))

describe('parseIntent', () => {
  it('reads an intent envelope, as a Buffer, fragments or an ArrayBuffer', () => {
    const message = JSON.stringify({ type: 'intent', intent: { type: 'begin' } })
    const buffer = Buffer.from(message)
    const arrayBuffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)
    for (const data of [buffer, [buffer.subarray(0, 5), buffer.subarray(5)], arrayBuffer]) {
      expect(parseIntent(data, false)).toEqual({ ok: true, value: { type: 'begin' } })
    }
    expect(parseIntent(text({ type: 'intent', intent: { type: 'start', personnummer: '199001011234' } }), false)).toEqual({
      ok: true,
      value: { type: 'start', personnummer: '199001011234' },
    })
  })

  const MARKER = '19900101SECRET'
  it.each([
    ['malformed JSON', `{"type":"intent"${MARKER}`, 'json'],
    ['a string', JSON.stringify(MARKER), 'not-object'],
    ['an array', JSON.stringify([{ type: 'intent', intent: { type: 'begin' } }]), 'not-object'],
    ['null', 'null', 'not-object'],
    ['another message type', JSON.stringify({ type: 'snapshot', snapshot: { marker: MARKER } }), 'unknown-type'],
    ['extra envelope keys', JSON.stringify({ type: 'intent', intent: { type: 'begin' }, [MARKER]: 1 }), 'envelope'],
    ['no intent key', JSON.stringify({ type: 'intent', [MARKER]: 1 }), 'envelope'],
    ['an unknown intent', JSON.stringify({ type: 'intent', intent: { type: MARKER } }), 'intent'],
    ['an intent with extra keys', JSON.stringify({ type: 'intent', intent: { type: 'begin', [MARKER]: true } }), 'intent'],
  ])('refuses %s (%s → %s), never repeating the payload', (_name, data, reason) => {
    const parsed = parseIntent(text(data), false)
    expect(parsed).toMatchObject({ ok: false, error: { reason } })
    expect(JSON.stringify(parsed)).not.toContain(MARKER)
  })

  it('refuses a binary frame whatever it holds', () => {
    expect(parseIntent(text({ type: 'intent', intent: { type: 'begin' } }), true)).toEqual({ ok: false, error: { reason: 'binary' } })
  })

  it('names at most five issue codes for an invalid intent', () => {
    const parsed = parseIntent(text({ type: 'intent', intent: { type: 'begin', a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 } }), false)
    if (parsed.ok) throw new Error('accepted')
    expect(parsed.error.reason).toBe('intent')
    expect(parsed.error.issues?.length).toBeGreaterThan(0)
    expect(parsed.error.issues?.length).toBeLessThanOrEqual(5)
    for (const code of parsed.error.issues ?? []) expect(code).toMatch(/^[a-z_]+$/)
  })
})
