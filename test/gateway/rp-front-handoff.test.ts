// The hand-off on "complete", on its own: a stand-in service, what the kiosk is told, what is logged.
import { describe, expect, it } from 'vitest'
import { GatewayMetrics } from '../../src/gateway/metrics'
import type { OrderTokens } from '../../src/gateway/order-token'
import type { CompletedOrder } from '../../src/gateway/rp-front-handoff'
import { handOff } from '../../src/gateway/rp-front-handoff'
import type { GatewayHandoff } from '../../src/gateway/rp-front-types'

const tokens = { derive: (purpose: string, value: string) => `${purpose}:${value}` } as unknown as OrderTokens

const order: CompletedOrder = {
  bankIdOrderRef: 'bankid-ref',
  response: { orderRef: 'bankid-ref', status: 'complete', completionData: { user: { givenName: 'Fatima' } } } as unknown as CompletedOrder['response'],
  peer: { id: 'reception-a', fingerprint: 'AA:BB', serialNumber: '01', address: '127.0.0.1' },
  token: 'g1.kiosk-token',
}

function run(handoff: GatewayHandoff, stop = new AbortController().signal) {
  const logs: { level: string; event: string; fields?: Record<string, unknown> | undefined }[] = []
  const metrics = new GatewayMetrics({ processMetrics: false })
  const result = handOff(handoff, order, { tokens, metrics, log: (level, event, fields) => void logs.push({ level, event, fields }), budgetMs: 1_000, stop })
  return { result, logs, metrics }
}

describe('handOff', () => {
  it("delivers BankID's completion with a nonce derived from the order, and passes a message on", async () => {
    const seen: unknown[] = []
    const r = run({
      deliver: async (completion, options) => {
        seen.push(completion, options.nonce, options.kioskId)
        return { ok: true, answer: { kind: 'message', message: 'Välkommen' }, status: 200, tries: 1, latencyMs: 5 }
      },
    })
    expect(await r.result).toEqual({ message: 'Välkommen' })
    expect(seen).toEqual([{ orderRef: 'bankid-ref', completionData: order.response.completionData }, 'handoff:bankid-ref', 'reception-a'])
    expect(r.logs).toMatchObject([{ level: 'info', event: 'gateway.handoff.message', fields: { kioskId: 'reception-a', tries: 1 } }])
    expect(JSON.stringify(r.logs)).not.toContain('bankid-ref')
    expect(await r.metrics.registry.metrics()).toMatch(/result="ok"\} 1/)
  })

  it('passes a locked-view URL on, logging only its origin', async () => {
    const r = run({ deliver: async () => ({ ok: true, answer: { kind: 'url', url: 'https://service.example/s/123?t=secret' }, status: 200, tries: 1, latencyMs: 5 }) })
    expect(await r.result).toEqual({ url: 'https://service.example/s/123?t=secret' })
    expect(r.logs[0]).toMatchObject({ event: 'gateway.handoff.view', fields: { origin: 'https://service.example' } })
    expect(JSON.stringify(r.logs)).not.toContain('secret')
  })

  it('a failed delivery is its reference; a throwing one is HO-INTERNAL', async () => {
    const failed = run({ deliver: async () => ({ ok: false, reference: 'HO-HTTP-502', status: 502, tries: 3, latencyMs: 9 }) })
    expect(await failed.result).toEqual({ error: 'HO-HTTP-502' })
    expect(failed.logs[0]).toMatchObject({ level: 'warn', event: 'gateway.handoff.failed', fields: { reference: 'HO-HTTP-502' } })
    const thrown = run({
      deliver: async () => {
        throw new Error('bug')
      },
    })
    expect(await thrown.result).toEqual({ error: 'HO-INTERNAL' })
  })

  it('the signal given to the service is aborted when the gateway stops', async () => {
    const stop = new AbortController()
    const r = run(
      {
        deliver: (_completion, { signal }) =>
          new Promise((resolve) =>
            signal.addEventListener('abort', () => resolve({ ok: false, reference: 'HO-ABORTED', status: null, tries: 1, latencyMs: 1 })),
          ),
      },
      stop.signal,
    )
    stop.abort()
    expect(await r.result).toEqual({ error: 'HO-ABORTED' })
  })
})
