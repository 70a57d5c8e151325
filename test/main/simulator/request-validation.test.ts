// The simulator's (and the gateway's) check of an /auth or /sign body, for the inputs the gateway's
// fuzzing found: it must answer BankID's 400 words, never throw, and never echo a huge key whole.
import { describe, expect, it } from 'vitest'
import { validateOrderRequest } from '../../../src/main/simulator/request-validation'

describe('validateOrderRequest', () => {
  it('refuses a deeply nested userVisibleDataFormat without overflowing the stack', () => {
    let nested: unknown = []
    for (let i = 0; i < 20_000; i++) nested = [nested]
    expect(validateOrderRequest('auth', { endUserIp: '127.0.0.1', userVisibleDataFormat: nested })).toEqual({
      ok: false,
      details: 'Invalid userVisibleDataFormat',
    })
    // A one-element array once passed: String(['plaintext']) is 'plaintext'.
    expect(validateOrderRequest('auth', { endUserIp: '127.0.0.1', userVisibleDataFormat: ['plaintext'] })).toMatchObject({ ok: false })
    expect(validateOrderRequest('auth', { endUserIp: '127.0.0.1', userVisibleDataFormat: 'plaintext' })).toMatchObject({ ok: true })
  })

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('refuses web.%s (not a member, whatever the prototype has)', (key) => {
    const web = JSON.parse(`{"${key}":"x"}`) as unknown
    expect(validateOrderRequest('auth', { endUserIp: '127.0.0.1', web })).toEqual({ ok: false, details: 'Invalid web' })
  })

  it('echoes an unknown key shortened to 64 characters', () => {
    const key = 'k'.repeat(100_000)
    const result = validateOrderRequest('auth', { endUserIp: '127.0.0.1', [key]: 1 })
    expect(result).toEqual({ ok: false, details: `Invalid parameter: ${'k'.repeat(64)}` })
  })
})
