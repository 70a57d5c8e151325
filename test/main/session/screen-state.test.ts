// The snapshot the renderer sees, built from the session's screen state.
import { describe, expect, it } from 'vitest'
import { newAttempt } from '../../../src/main/session/bankid-order'
import { buildSnapshot, countdownStep, hasCountdown, publicScreen, secondsUntil } from '../../../src/main/session/screen-state'
import { testSettings } from '../../support/session-harness'

const settings = testSettings()

describe('screen state', () => {
  it('shows the personnummer only masked, and times as whole seconds left', () => {
    const attempt = newAttempt(1, '199001011234', 0, settings.timing)
    expect(publicScreen({ name: 'starting' }, attempt, settings, 0)).toEqual({ name: 'starting', maskedPersonnummer: '19900101-••••' })
    const waiting = publicScreen({ name: 'waiting' }, attempt, settings, 1_500)
    expect(waiting).toMatchObject({ name: 'waiting', qrSvg: null, messageKey: 'bankid.rfa1', secondsLeft: 179 })
    expect(secondsUntil(900, 1_000)).toBe(0)
  })

  it('builds the snapshot with the idle warning', () => {
    const snapshot = buildSnapshot({
      sequence: 3,
      screen: { name: 'welcome' },
      attempt: null,
      warningDeadline: 20_000,
      language: 'sv',
      lowReach: false,
      settings,
      now: 1_000,
    })
    expect(snapshot).toMatchObject({ sequence: 3, screen: { name: 'welcome' }, idleWarning: { secondsLeft: 19 }, staff: null })
  })

  it('the countdown screens: count on, then welcome after logged in, a probe after out of service', () => {
    const loggedIn = { name: 'logged-in', givenName: 'Anna', until: 5_000 } as const
    expect([hasCountdown(loggedIn), countdownStep(loggedIn, 4_999), countdownStep(loggedIn, 5_000)]).toEqual([true, 'tick', 'welcome'])
    const out = { name: 'out-of-service', reference: 'N-X', staffMessage: 'x', retryAt: 9_000 } as const
    expect([countdownStep(out, 8_000), countdownStep(out, 9_000)]).toEqual(['tick', 'probe'])
    const staysOut = { ...out, retryAt: null }
    expect([hasCountdown(staysOut), countdownStep(staysOut, 99_000)]).toEqual([false, 'none'])
    expect([hasCountdown({ name: 'waiting' }), countdownStep({ name: 'waiting' }, 0)]).toEqual([false, 'none'])
  })
})
