// handoff.auth "gateway": the kiosk shows what the gateway got from the school's service, checked
// as strictly as if the service had answered the kiosk itself.
import { describe, expect, it } from 'vitest'
import { gatewayHandoffPort, judgeGatewayAnswer } from '../../../src/main/handoff/gateway-port'

const ORIGINS = ['https://portal.example-skola.se']

describe('judgeGatewayAnswer', () => {
  it('passes a message and an allowed page on', () => {
    expect(judgeGatewayAnswer({ message: 'Välkommen!' }, ORIGINS)).toMatchObject({ ok: true, answer: { kind: 'message', message: 'Välkommen!' } })
    expect(judgeGatewayAnswer({ url: 'https://portal.example-skola.se/s/once-1' }, ORIGINS)).toMatchObject({
      ok: true,
      answer: { kind: 'url', url: 'https://portal.example-skola.se/s/once-1' },
    })
  })

  it.each([
    [undefined, 'HO-GATEWAY-NONE'],
    [{ error: 'HO-TIMEOUT' }, 'HO-TIMEOUT'],
    [{ error: 'HO-HTTP-500' }, 'HO-HTTP-500'],
    [{ error: '<script>' }, 'HO-RESPONSE'],
    [{ error: 42 }, 'HO-RESPONSE'],
    [{ url: 'https://evil.example/' }, 'HO-ORIGIN'],
    [{ url: 'http://portal.example-skola.se/' }, 'HO-RESPONSE'],
    [{ message: 'x', url: 'https://portal.example-skola.se/' }, 'HO-RESPONSE'],
    ['garbage', 'HO-RESPONSE'],
    [null, 'HO-RESPONSE'],
  ])('%j fails the hand-off with %s', (answer, reference) => {
    expect(judgeGatewayAnswer(answer, ORIGINS)).toMatchObject({ ok: false, reference })
  })

  it('is the port the session calls, with the message time from the settings', async () => {
    const port = gatewayHandoffPort({ allowedOrigins: ORIGINS, messageMs: 15_000 })
    expect(port.messageMs).toBe(15_000)
    const completion = { orderRef: 'g1.x', completionData: {} as never, gatewayAnswer: { message: 'Hej' } }
    await expect(port.deliver(completion, { signal: new AbortController().signal })).resolves.toMatchObject({ ok: true })
  })
})
