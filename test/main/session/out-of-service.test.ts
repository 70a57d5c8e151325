// The out-of-service screen's life, with a scripted probe.
import { describe, expect, it } from 'vitest'
import type { ScreenState } from '../../../src/main/session/screen-state'
import type { ProbeResult } from '../../../src/main/session/service-watch'
import { OutOfService } from '../../../src/main/session/out-of-service'
import { Inflight } from '../../../src/main/session/inflight'

function setUp(answers: ProbeResult[]) {
  const shown: ScreenState[] = []
  const logged: string[] = []
  const inflight = new Inflight()
  let showing = true
  let back = 0
  let answered = 0
  const flow = new OutOfService({
    service: { probe: () => Promise.resolve(answers.shift()!), answered: () => void (answered += 1) },
    retryMs: 30_000,
    scheduler: { now: () => 1_000 },
    log: (_level, event, fields) => logged.push(`${event} ${JSON.stringify(fields ?? {})}`),
    track: inflight.track,
    show: (screen) => void shown.push(screen),
    isShowing: () => showing,
    backInService: () => void (back += 1),
  })
  return { flow, shown, logged, inflight, leave: () => (showing = false), counts: () => ({ back, answered }) }
}

describe('OutOfService', () => {
  it('shows the reason for staff and the time of the next try; logs the code and its neutral reference', () => {
    const { flow, shown, logged } = setUp([])
    flow.enter('N-ECONNREFUSED', 'network ECONNREFUSED')
    expect(shown).toEqual([{ name: 'out-of-service', reference: 'N-ECONNREFUSED', staffMessage: 'network ECONNREFUSED', retryAt: 31_000 }])
    expect(logged[0]).toMatch(/^service\.out .*"reference":"N-ECONNREFUSED","staffReference":"[0-9A-Z]{4}"/)
  })

  it('a failed probe counts down again with the new reason; a good one goes back to welcome', async () => {
    const { flow, shown, inflight, counts } = setUp([{ reachable: false, reference: 'N-TIMEOUT', staffMessage: 'timeout' }, { reachable: true }])
    flow.probe()
    await inflight.settled()
    expect(shown.at(-1)).toMatchObject({ reference: 'N-TIMEOUT', staffMessage: 'timeout' })
    expect(counts()).toEqual({ back: 0, answered: 0 })
    flow.probe()
    await inflight.settled()
    expect(counts()).toEqual({ back: 1, answered: 1 })
  })

  it('a probe that answers after the screen was left changes nothing', async () => {
    const { flow, shown, inflight, leave, counts } = setUp([{ reachable: true }])
    flow.probe()
    leave()
    await inflight.settled()
    expect(shown).toEqual([])
    expect(counts()).toEqual({ back: 0, answered: 0 })
  })
})
