// Service failures in a row, and the probe, with a scripted BankID.
import { describe, expect, it } from 'vitest'
import type { CollectResponse } from '../../../src/main/bankid/api-types'
import type { Result } from '../../../src/main/bankid/failure'
import { ServiceWatch } from '../../../src/main/session/service-watch'

const watch = (answer: Result<CollectResponse>) =>
  new ServiceWatch({ bankId: { collect: () => Promise.resolve(answer) }, failuresBeforeOut: 3, requestTimeoutMs: 1_000 })

describe('ServiceWatch', () => {
  it('goes out of service at the third service failure in a row; any other failure or an answer resets the run', () => {
    const w = watch({ ok: true } as never)
    expect([w.failed('network'), w.failed('tls')]).toEqual([false, false])
    expect(w.failed('cancelled-in-app')).toBe(false)
    expect([w.failed('network'), w.failed('bankid-unavailable')]).toEqual([false, false])
    w.answered()
    expect([w.failed('network'), w.failed('network'), w.failed('network')]).toEqual([false, false, true])
  })

  it('the probe: "no such order" means BankID is reachable; anything else names what failed', async () => {
    const noSuchOrder = { ok: false, error: { kind: 'bankid-error', errorCode: 'invalidParameters', httpStatus: 400, details: '' } } as const
    await expect(watch(noSuchOrder).probe()).resolves.toEqual({ reachable: true })
    const down = { ok: false, error: { kind: 'timeout' } } as unknown as Result<CollectResponse>
    await expect(watch(down).probe()).resolves.toMatchObject({ reachable: false, reference: 'N-TIMEOUT' })
    await expect(watch({ ok: true } as never).probe()).resolves.toEqual({
      reachable: false,
      reference: 'P-UNEXPECTED',
      staffMessage: 'unexpected answer',
    })
  })
})
